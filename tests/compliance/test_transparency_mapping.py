"""Stored statements to API bodies: each field mapped as the database names it, facts read
from the item's row, and every exported statement valid under the published rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tdb_seed import CREATED, T0, add_account, add_content, decision, many, save, statement
from tdb_standin import laravel_errors

from veracity.compliance import transparency_schema as S
from veracity.compliance.statements import GROUND_ILLEGAL, GROUND_INCOMPATIBLE
from veracity.compliance.transparency_export import (
    api_body,
    content_types,
    eea_scope,
    export_jsonl,
    export_page,
    iter_statements,
    language_code,
)
from veracity.domain.actions import Action, ActionType
from veracity.domain.signals import SubjectType
from veracity.store.db import Database

REMOVE = Action(type=ActionType.REMOVE)
SUSPEND = Action(type=ActionType.SUSPEND)


def _exported(db: Database) -> list:
    with db.transaction() as session:
        return [e for page in iter_statements(session) for e in export_page(session, page)]


@pytest.mark.parametrize("ground", [GROUND_ILLEGAL, GROUND_INCOMPATIBLE])
@pytest.mark.parametrize("subject", [SubjectType.CONTENT, SubjectType.ACCOUNT])
@pytest.mark.parametrize("automated", [True, False])
def test_every_ground_and_subject_exports_valid(
    db: Database, ground: str, subject: SubjectType, automated: bool
) -> None:
    sid = "item-1" if subject is SubjectType.CONTENT else "acct-1"
    if subject is SubjectType.CONTENT:
        add_content(db, sid, "video", language="de-DE")
    else:
        add_account(db, sid)
    action = REMOVE if subject is SubjectType.CONTENT else SUSPEND
    d = decision(sid, [action], subject_type=subject, automated=automated)
    save(db, [statement(d, ground=ground, days=30)])
    [e] = _exported(db)
    assert e.violations == []
    assert laravel_errors(e.body) == {}
    body = e.body
    assert body["decision_ground"] == ground
    assert body["application_date"] == "2026-05-02"
    assert body["content_date"] == CREATED.date().isoformat()
    assert body["territorial_scope"] == list(S.EEA_COUNTRIES)  # no scope: everywhere
    assert body["automated_detection"] == "Yes"
    assert body["automated_decision"] == (
        "AUTOMATED_DECISION_FULLY" if automated else "AUTOMATED_DECISION_NOT_AUTOMATED"
    )
    if ground == GROUND_ILLEGAL:
        assert body["illegal_content_legal_ground"] == "Art. 130 StGB"
        assert "incompatible_content_ground" not in body
    else:
        assert body["incompatible_content_ground"] == "Terms of Service 4.1"
        assert "illegal_content_legal_ground" not in body
        # the affected subject's id never goes to the public database
        assert sid not in body["incompatible_content_explanation"]
    if subject is SubjectType.CONTENT:
        assert body["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
        assert body["end_date_visibility_restriction"] == "2026-06-01"
        assert body["content_type"] == ["CONTENT_TYPE_VIDEO"]
        assert body["content_language"] == "DE"
    else:
        assert body["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
        assert body["end_date_account_restriction"] == "2026-06-01"
        assert body["content_type"] == ["CONTENT_TYPE_OTHER"]
        assert body["content_type_other"] == "Account"


def test_campaign_decision_statements_export_valid(db: Database) -> None:
    """The statements the campaign decision path stores today validate as they are."""
    from veracity.detect.coordination.campaigns import COORDINATED, Campaign, campaign_id
    from veracity.detect.coordination.decide import CampaignDecisionIn, decide_campaign
    from veracity.detect.coordination.store import save_campaigns

    members = ["m1", "m2", "m3"]
    cid = campaign_id(COORDINATED, members)
    campaign = Campaign(
        id=cid,
        kind=COORDINATED,
        score=0.9,
        members=members,
        first_ts=1_750_000_000,
        last_ts=1_750_000_600,
        reach=100,
        evidence={"shared_items": [], "time_alignment": {"median_gap_s": 60, "span_s": 600}},
        member_scores=dict.fromkeys(members, 0.9),
    )
    with db.transaction() as session:
        save_campaigns(session, [campaign], "duckdb")
    for action, key in (("suspend_accounts", "k-suspend-1"), ("discount_engagement", "k-disc-1")):
        request = CampaignDecisionIn(
            action=action,
            ground="ToS 7: coordinated inauthentic behaviour",
            idempotency_key=key,
            territorial_scope=["DE", "US", "EL"],
            duration_days=14,
        )
        with db.transaction() as session:
            decide_campaign(session, cid, request, T0)
    exported = _exported(db)
    assert len(exported) == 6
    for e in exported:
        assert e.violations == [], e.violations
        assert laravel_errors(e.body) == {}
        assert e.body["territorial_scope"] == ["DE", "GR"]
        assert e.body["category_specification"] == ["KEYWORD_INAUTHENTIC_ACCOUNTS"]
        assert e.statement.subject_id not in json.dumps(e.body)
    other = [e.body for e in exported if "decision_visibility" in e.body]
    assert len(other) == 3
    assert all(b["decision_visibility"] == ["DECISION_VISIBILITY_OTHER"] for b in other)
    assert all(b["decision_visibility_other"] for b in other)


def test_restriction_outside_the_eea_is_reported_not_exported(db: Database, tmp_path: Path) -> None:
    add_content(db, "us-only")
    save(db, [statement(decision("us-only", [REMOVE]), scope=["US"])])
    many(db, 2)
    out = tmp_path / "sor.jsonl"
    with db.transaction() as session:
        written, invalid = export_jsonl(session, out)
    assert written == 2
    assert [(v.field, v.reason.split(" ")[0]) for v in invalid[0].violations] == [
        ("territorial_scope", "required")
    ]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 2 and all(not laravel_errors(b) for b in lines)


def test_illegal_ground_without_legal_ground_is_invalid(db: Database) -> None:
    s = statement(decision("c1", [REMOVE]), ground=GROUND_ILLEGAL)
    broken = s.model_copy(update={"illegal_content_legal_ground": None})
    save(db, [broken])
    [e] = _exported(db)
    assert {v.field for v in e.violations} == {"illegal_content_legal_ground"}


def test_export_window_since_until(db: Database, tmp_path: Path) -> None:
    many(db, 2, at=datetime(2026, 1, 10, tzinfo=UTC))
    many(db, 3, start=10, at=datetime(2026, 2, 10, tzinfo=UTC))
    out = tmp_path / "feb.jsonl"
    with db.transaction() as session:
        written, invalid = export_jsonl(
            session,
            out,
            since=datetime(2026, 2, 1, tzinfo=UTC),
            until=datetime(2026, 3, 1, tzinfo=UTC),
        )
    assert (written, invalid) == (3, [])
    assert {json.loads(x)["application_date"] for x in out.read_text().splitlines()} == {
        "2026-02-10"
    }


def test_content_without_row_and_ai_label_and_statement_overrides() -> None:
    label = Action(type=ActionType.LABEL, params={"label": "ai-generated", "source": "creator"})
    s = statement(decision("c9", [label, Action(type=ActionType.REDUCE)]))
    body = api_body(s)
    assert body["content_type"] == ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_SYNTHETIC_MEDIA"]
    assert body["decision_visibility"] == [
        "DECISION_VISIBILITY_CONTENT_LABELLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
    ]
    assert body["content_date"] == body["application_date"]  # nothing better known
    explicit = s.model_copy(
        update={
            "content_type": ["CONTENT_TYPE_IMAGE"],
            "content_date": CREATED.date(),
            "source_type": "SOURCE_TRUSTED_FLAGGER",
            "source_identity": "Fact-check NGO",
            "incompatible_content_illegal": False,
            "decision_ground_reference_url": "https://example.com/tos#4.1",
        }
    )
    body = api_body(explicit)
    assert body["content_type"] == ["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_SYNTHETIC_MEDIA"]
    assert body["content_date"] == "2026-04-30"
    assert body["source_identity"] == "Fact-check NGO"
    assert body["incompatible_content_illegal"] == "No"
    assert explicit.transparency_db_fields() == api_body(explicit)
    voluntary = explicit.model_copy(update={"source_type": "SOURCE_VOLUNTARY"})
    assert "source_identity" not in api_body(voluntary)


def test_small_helpers() -> None:
    assert eea_scope(None) == list(S.EEA_COUNTRIES)
    assert eea_scope(["fr", " de", "EL", "US", "FR"]) == ["DE", "FR", "GR"]
    assert eea_scope(["CH", "GB"]) == []
    assert [language_code(x) for x in ("en", "pt-BR", "EN", "zz", None, "")] == [
        "EN",
        "PT",
        "EN",
        None,
        None,
        None,
    ]
    assert content_types("post", [{"mime_type": "image/png"}, {"mime_type": "video/mp4"}]) == (
        "CONTENT_TYPE_TEXT",
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_VIDEO",
    )
    assert content_types("audio") == ("CONTENT_TYPE_AUDIO",)
    assert content_types("hologram") == ("CONTENT_TYPE_OTHER",)
