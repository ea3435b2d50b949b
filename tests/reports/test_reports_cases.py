"""Notices on one subject join one open case whose priority grows with the number of notifiers
and their trust; a decided case takes no more notices; concurrent notices open one case."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from reports_support import ADMIN, PLATFORM, Env, notice
from sqlalchemy import select, update

from veracity.reports.cases import case_priority
from veracity.reports.model import NoticeIn
from veracity.reports.service import submit_notice
from veracity.store.db import Database
from veracity.store.tables import CaseRow, ReportRow


def _cases(db: Database) -> list[CaseRow]:
    with db.transaction() as session:
        return list(session.scalars(select(CaseRow).order_by(CaseRow.created_at, CaseRow.id)))


def test_notices_on_the_same_content_join_one_case(env: Env) -> None:
    priorities = []
    case_ids = set()
    for i in range(5):
        body = notice(f"n{i}", reporter_account_id=f"acc-{i}", url=None)
        r = env.notice(body)
        assert r.status_code == 201, r.text
        case_ids.add(r.json()["case_id"])
        (case,) = _cases(env.db)
        priorities.append(case.priority)
    assert len(case_ids) == 1
    assert priorities == sorted(priorities) and len(set(priorities)) == 5
    assert priorities[0] == case_priority(1, 0) and priorities[-1] == case_priority(5, 0)
    # A notice on other content has a case of its own.
    other = env.notice(notice("n-other", content_id="c2", url=None)).json()
    assert other["case_id"] not in case_ids
    with env.db.transaction() as session:
        linked = session.scalars(select(ReportRow.id).where(ReportRow.case_id.in_(case_ids)))
        assert sorted(linked) == [f"n{i}" for i in range(5)]


def test_one_notifier_counts_once_and_trust_weighs_more(env: Env) -> None:
    for i in range(3):
        env.notice(notice(f"same-{i}", reporter_account_id="acc-1"))
    (case,) = _cases(env.db)
    assert case.priority == case_priority(1, 0)
    env.client.post(
        "/v1/trusted-flaggers",
        json={
            "id": "hotline",
            "name": "Hotline",
            "areas": ["NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"],
        },
        headers=ADMIN,
    )
    env.notice(notice("flagged", flagger_id="hotline", reporter=None))
    (case,) = _cases(env.db)
    assert case.priority == case_priority(1, 1)
    assert case_priority(1, 1) - case_priority(1, 0) > case_priority(2, 0) - case_priority(1, 0)


def test_a_decided_case_takes_no_more_notices(env: Env) -> None:
    first = env.notice(notice("n1")).json()["case_id"]
    with env.db.transaction() as session:
        session.execute(update(CaseRow).where(CaseRow.id == first).values(status="decided"))
    second = env.notice(notice("n2", reporter_account_id="acc-2")).json()["case_id"]
    third = env.notice(notice("n3", reporter_account_id="acc-3")).json()["case_id"]
    assert second != first and third == second
    assert [c.status for c in _cases(env.db)] == ["decided", "open"]


def test_url_only_notices_share_a_case_by_normalised_url(env: Env) -> None:
    a = env.notice(notice("u1", content_id=None, url="HTTPS://Platform.example/p/9#x")).json()
    b = env.notice(
        notice("u2", content_id=None, url="https://platform.example/p/9", reporter_account_id="z")
    ).json()
    assert a["case_id"] == b["case_id"]
    (case,) = _cases(env.db)
    assert case.subject_type == "url" and case.subject_id.startswith("url-")


def test_concurrent_notices_on_new_content_open_one_case(db: Database) -> None:
    notices = [
        NoticeIn.model_validate(notice(f"race-{i}", reporter_account_id=f"r{i}")) for i in range(16)
    ]

    def send(item: NoticeIn) -> str | None:
        with db.transaction() as session:
            return submit_notice(session, item, PLATFORM).report.case_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        case_ids = set(pool.map(send, notices))
    assert len(case_ids) == 1
    (case,) = _cases(db)
    assert case.priority == case_priority(16, 0)
