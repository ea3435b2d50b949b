"""Claim locks: one holder at a time, an expired lock can be taken over, roles per queue, the
excluded person never gets the case, and claim-next hands out the highest priority first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from review_support import CONFIG, T0

from veracity.access.roles import Role
from veracity.review.intake import CaseKind, Routed, new_case_row
from veracity.review.locks import (
    CaseLocked,
    CaseNotFound,
    CaseNotOpen,
    NotAllowed,
    QueueFilter,
    claim,
    claim_next,
    release,
)
from veracity.store.db import Database
from veracity.store.tables import CaseRow
from veracity.store.upsert import insert_ignore

REVIEWER = frozenset({Role.REVIEWER})
SENIOR = frozenset({Role.SENIOR_REVIEWER})
FACT = frozenset({Role.FACT_CHECKER})


def _case(db: Database, case_id: str, queue: str = "spam-review", **extra: object) -> None:
    severity = float(extra.pop("severity", 0.3))  # type: ignore[arg-type]
    row = new_case_row(
        CONFIG,
        case_id=case_id,
        kind=str(extra.pop("kind", CaseKind.REVIEW)),
        routed=Routed(queue, "spam", severity, 0),
        subject_type="content",
        subject_id=f"c-{case_id}",
        decision_id=None,
        now=T0,
        **extra,  # type: ignore[arg-type]
    )
    with db.transaction() as s:
        insert_ignore(s, CaseRow, [row], "id")


def test_two_reviewers_cannot_hold_one_case_and_an_expired_lock_is_taken_over(
    db: Database,
) -> None:
    _case(db, "k1")
    with db.transaction() as s:
        first = claim(s, CONFIG, "k1", "user:ann", REVIEWER, T0)
    assert first.lock_expires_at == T0 + timedelta(minutes=CONFIG.lock_minutes)
    with db.transaction() as s, pytest.raises(CaseLocked, match="user:ann"):
        claim(s, CONFIG, "k1", "user:bob", REVIEWER, T0 + timedelta(minutes=1))
    # Ann renews her own lock.
    with db.transaction() as s:
        renewed = claim(s, CONFIG, "k1", "user:ann", REVIEWER, T0 + timedelta(minutes=5))
    assert renewed.lock_expires_at > first.lock_expires_at
    # After the lock lapses, Bob takes the case over.
    later = renewed.lock_expires_at + timedelta(seconds=1)
    with db.transaction() as s:
        taken = claim(s, CONFIG, "k1", "user:bob", REVIEWER, later)
    assert taken.actor == "user:bob"
    with db.transaction() as s:
        assert not release(s, "k1", "user:ann")  # not hers any more
        assert release(s, "k1", "user:bob")
        assert s.get(CaseRow, "k1").assigned_to is None


def test_queue_roles_exclusions_and_closed_cases(db: Database) -> None:
    _case(db, "k2", queue="appeals")
    _case(db, "k3", data={"excluded_reviewers": ["user:ann"]})
    _case(db, "k4")
    with db.transaction() as s, pytest.raises(NotAllowed, match="senior_reviewer"):
        claim(s, CONFIG, "k2", "user:ann", REVIEWER, T0)
    with db.transaction() as s, pytest.raises(NotAllowed, match="spam-review"):
        claim(s, CONFIG, "k4", "user:fay", FACT, T0)  # spam-review is not for fact-checkers
    with db.transaction() as s:
        assert claim(s, CONFIG, "k2", "user:sue", SENIOR, T0).actor == "user:sue"
    with db.transaction() as s, pytest.raises(NotAllowed, match="another person"):
        claim(s, CONFIG, "k3", "user:ann", REVIEWER, T0)
    with db.transaction() as s:
        s.get(CaseRow, "k4").status = "decided"
    with db.transaction() as s, pytest.raises(CaseNotOpen):
        claim(s, CONFIG, "k4", "user:ann", REVIEWER, T0)
    with db.transaction() as s, pytest.raises(CaseNotFound):
        claim(s, CONFIG, "nope", "user:ann", REVIEWER, T0)


def test_claim_next_takes_the_highest_priority_free_case_it_may_work(db: Database) -> None:
    _case(db, "low", severity=0.1)
    _case(db, "high", severity=0.9)
    _case(db, "mid", severity=0.5, data={"excluded_reviewers": ["user:ann"]})
    _case(db, "appeal", queue="appeals", severity=1.0)
    with db.transaction() as s:
        got = claim_next(s, CONFIG, "user:ann", REVIEWER, T0)
    assert got is not None and got.case_id == "high"
    # Ann already holds "high": she gets it again rather than a second case.
    with db.transaction() as s:
        again = claim_next(s, CONFIG, "user:ann", REVIEWER, T0 + timedelta(minutes=1))
    assert again is not None and again.case_id == "high"
    # Bob skips Ann's locked case and takes the next one ("mid": he is not excluded).
    with db.transaction() as s:
        bob = claim_next(s, CONFIG, "user:bob", REVIEWER, T0)
    assert bob is not None and bob.case_id == "mid"
    # A filter on a queue nobody with these roles works yields nothing.
    with db.transaction() as s:
        assert claim_next(s, CONFIG, "user:cat", REVIEWER, T0, QueueFilter("appeals")) is None
    with db.transaction() as s:
        senior = claim_next(s, CONFIG, "user:sue", SENIOR, T0)
    assert senior is not None and senior.case_id == "appeal"
