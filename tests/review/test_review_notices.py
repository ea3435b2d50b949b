"""A case opened by a notice (the reports package): the reviewer's statement names the notice
as its source, detection is not automated, and the notifier is told the outcome, again when an
appeal reverses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from review_support import World, review_world, spam_posts
from sqlalchemy import select

from veracity.access.roles import Role
from veracity.store.db import Database
from veracity.store.tables import OutboxRow

pytest.importorskip("veracity.reports.notify")


@pytest.fixture
def world(db: Database) -> Iterator[World]:
    with review_world(db) as w:
        yield w


NOTICE = {
    "id": "n-1",
    "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "explanation": "This post advertises a fake giveaway to collect card numbers.",
    "content_id": "p-0",
    "reporter": {"name": "A. Notifier", "email": "notifier@example.org"},
    "reporter_account_id": "acc-reporter-1",
    "good_faith": True,
    "occurred_at": "2026-11-30T10:00:00Z",
}


def test_notice_case_statement_and_reporter_outcomes(world: World) -> None:
    c = world.client
    spam_posts(world.runtime, 1)
    sent = c.post("/v1/reports", json=NOTICE, headers=world.auth(Role.SERVICE))
    assert sent.status_code in (200, 201, 202), sent.text
    reviewer = world.auth(Role.REVIEWER)
    cases = c.get("/v1/review/cases?queue=reports", headers=reviewer).json()["cases"]
    (case,) = [x for x in cases if x["subject_id"] == "p-0"]
    assert c.post(f"/v1/review/cases/{case['id']}/claim", headers=reviewer).status_code == 200
    done = c.post(
        f"/v1/review/cases/{case['id']}/decision",
        json={"outcome": "remove", "policy_tags": ["scam"]},
        headers=reviewer,
    ).json()
    statement = done["statement"]
    assert statement["source_type"] == "SOURCE_ARTICLE_16"
    assert statement["automated_detection"] is False
    assert statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"

    appeal = c.post(
        "/v1/appeals",
        json={"decision_id": done["decision_id"], "account_id": "p-acct-0", "reason": "Real."},
        headers=world.auth(Role.SERVICE),
    ).json()
    senior = world.auth(Role.SENIOR_REVIEWER)
    c.post(f"/v1/review/cases/{appeal['case_id']}/claim", headers=senior)
    c.post(
        f"/v1/review/cases/{appeal['case_id']}/appeal-decision",
        json={"outcome": "reversed"},
        headers=senior,
    )
    with world.db.transaction() as s:
        outcomes = [
            m.payload["outcome"]
            for m in s.scalars(select(OutboxRow).where(OutboxRow.topic == "report.outcome"))
        ]
    assert outcomes == ["remove", "reversed"]
