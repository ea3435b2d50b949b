"""`veracity jobs retention`: deletes what the policy says, keeps the rest, idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select
from typer.testing import CliRunner

from veracity.cli import app as cli_app
from veracity.ops.retention import RetentionPolicy, run_retention
from veracity.store.db import Database, utcnow
from veracity.store.tables import ContentRow, DecisionRow, ReportContactRow, ReportRow


def _seed(db: Database, now: datetime) -> None:
    old, new = now - timedelta(days=100), now - timedelta(days=1)
    content = [
        ("old-plain", old),
        ("old-actioned", old),
        ("old-no-action-decision", old),
        ("new-plain", new),
    ]
    with db.transaction() as session:
        session.execute(
            insert(ContentRow),
            [
                {
                    "id": cid,
                    "account_id": "a1",
                    "kind": "post",
                    "text": f"text of {cid} mail me x@y.org",
                    "data": {"id": cid, "text": f"text of {cid} mail me x@y.org"},
                    "ingested_at": at,
                }
                for cid, at in content
            ],
        )
        session.execute(
            insert(DecisionRow),
            [
                {
                    "id": f"d-{cid}",
                    "subject_type": "content",
                    "subject_id": cid,
                    "trigger": "content",
                    "record": {},
                    "action_count": count,
                    "automated_decision": True,
                    "created_at": old,
                }
                for cid, count in (("old-actioned", 1), ("old-no-action-decision", 0))
            ],
        )
        for rid, at in (("r-old", old), ("r-new", new)):
            session.execute(
                insert(ReportRow).values(
                    id=rid, reason="other", occurred_at=at, data={}, ingested_at=at
                )
            )
            session.execute(
                insert(ReportContactRow).values(
                    report_id=rid, name="Dana", email="dana@example.org", created_at=at
                )
            )


def _state(db: Database) -> tuple[dict[str, str], set[str], set[str]]:
    with db.transaction() as session:
        texts = dict(session.execute(select(ContentRow.id, ContentRow.text)).all())
        contacts = set(session.scalars(select(ReportContactRow.report_id)))
        reports = set(session.scalars(select(ReportRow.id)))
    return texts, contacts, reports


def test_retention_deletes_what_policy_says_and_is_idempotent(db: Database) -> None:
    now = utcnow()
    _seed(db, now)
    policy = RetentionPolicy(report_contacts_days=30, content_text_days=30)
    first = run_retention(db, policy, now)
    assert first.as_dict() == {"report_contacts_deleted": 1, "content_texts_erased": 2}
    texts, contacts, reports = _state(db)
    assert texts["old-plain"] == "" and texts["old-no-action-decision"] == ""
    assert texts["old-actioned"].startswith("text of") and texts["new-plain"].startswith("text of")
    assert contacts == {"r-new"} and reports == {"r-old", "r-new"}
    with db.transaction() as session:
        data = session.scalar(select(ContentRow.data).where(ContentRow.id == "old-plain"))
    assert "text" not in data and "text_erased_at" in data and data["id"] == "old-plain"
    again = run_retention(db, policy, now)
    assert again.as_dict() == {"report_contacts_deleted": 0, "content_texts_erased": 0}
    assert _state(db) == (texts, contacts, reports)


def test_retention_with_no_periods_keeps_everything(db: Database) -> None:
    now = utcnow()
    _seed(db, now)
    before = _state(db)
    assert run_retention(db, RetentionPolicy(), now).as_dict() == {
        "report_contacts_deleted": 0,
        "content_texts_erased": 0,
    }
    assert _state(db) == before


def test_retention_cli(db: Database) -> None:
    _seed(db, utcnow())
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["jobs", "retention", "--database-url", db.url, "--contacts-days", "30"]
    )
    assert result.exit_code == 0, result.output
    assert '"report_contacts_deleted": 1' in result.stdout
    refused = runner.invoke(cli_app, ["jobs", "retention", "--database-url", db.url])
    assert refused.exit_code != 0 and "no retention period" in refused.output
    negative = runner.invoke(
        cli_app, ["jobs", "retention", "--database-url", db.url, "--contacts-days", "-1"]
    )
    assert negative.exit_code != 0 and "positive" in negative.output
