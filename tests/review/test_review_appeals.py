"""Appeals (DSA Art. 20): the window, one appeal per decision, a different person decides, a
reversal undoes the enforcement and tells the user, and overturn rates count the outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from review_support import CONFIG, World, person, review_world, spam_posts
from sqlalchemy import select

from veracity.access.roles import Role
from veracity.compliance.user_statements import statements_for_account
from veracity.review.appeals import (
    AppealDecisionIn,
    AppealIn,
    NotAppealable,
    decide_appeal,
    lodge_appeal,
)
from veracity.review.decide import ReviewIn, decide_case
from veracity.review.locks import NotAllowed, claim
from veracity.review.options import AppealOutcome, Outcome
from veracity.review.overturn import Cohort, overturn_rates
from veracity.store.db import Database, utcnow
from veracity.store.tables import (
    AccountEnforcementRow,
    AppealRow,
    AuditLogRow,
    CaseRow,
    DecisionRow,
    OutboxRow,
)

ANN = person("reviewer", Role.REVIEWER)
SUE = person("senior_reviewer", Role.SENIOR_REVIEWER)
# The reviewer who decided, also holding the senior role: still may not judge their own call.
ANN_SENIOR = person("reviewer", Role.REVIEWER, Role.SENIOR_REVIEWER)
PLATFORM = person("service", Role.SERVICE)


@pytest.fixture
def world(db: Database) -> Iterator[World]:
    with review_world(db) as w:
        yield w


def _reviewed(w: World, outcome: Outcome = Outcome.REMOVE) -> tuple[str, str]:
    """A spam post a reviewer decided on; returns (case id, decision id)."""
    (case_id,) = spam_posts(w.runtime, 1)
    with w.db.transaction() as s:
        claim(s, CONFIG, case_id, ANN.actor, ANN.roles, utcnow())
        result = decide_case(
            s, CONFIG, case_id, ReviewIn(outcome=outcome, policy_tags=["spam"]), ANN, utcnow()
        )
    assert result.decision_id is not None
    return case_id, result.decision_id


def _lodge(w: World, decision_id: str, account: str = "p-acct-0"):  # type: ignore[no-untyped-def]
    with w.db.transaction() as s:
        return lodge_appeal(
            s,
            CONFIG,
            AppealIn(decision_id=decision_id, account_id=account, reason="It was a real deal."),
            PLATFORM,
            utcnow(),
        )


def test_a_reversal_undoes_enforcement_and_tells_the_user(world: World) -> None:
    _, decision_id = _reviewed(world)
    appeal, created = _lodge(world, decision_id)
    assert created and appeal["status"] == "open" and appeal["statement_puid"]
    again, created_again = _lodge(world, decision_id)
    assert not created_again and again["id"] == appeal["id"]
    with pytest.raises(NotAppealable, match="not the account affected"):
        _lodge(world, decision_id, account="someone-else")
    with world.db.transaction() as s:
        before = s.get(AccountEnforcementRow, "p-acct-0")
        assert (
            before is not None and before.violations == 1
        )  # the review replaced the automated one
    case_id = appeal["case_id"]
    with pytest.raises(NotAllowed, match="senior_reviewer"), world.db.transaction() as s:
        claim(s, CONFIG, case_id, ANN.actor, ANN.roles, utcnow())
    with pytest.raises(NotAllowed, match="another person"), world.db.transaction() as s:
        claim(s, CONFIG, case_id, ANN_SENIOR.actor, ANN_SENIOR.roles, utcnow())
    with world.db.transaction() as s:
        claim(s, CONFIG, case_id, SUE.actor, SUE.roles, utcnow())
        decided = decide_appeal(
            s,
            CONFIG,
            case_id,
            AppealDecisionIn(outcome=AppealOutcome.REVERSED, note="Legitimate shop link."),
            SUE,
            utcnow(),
        )
    assert decided["outcome"] == "reversed" and decided["reversal_decision_id"]
    with world.db.transaction() as s:
        reversal = s.scalar(
            select(DecisionRow).where(DecisionRow.id == decided["reversal_decision_id"])
        )
        messages = {
            m.topic: m
            for m in s.scalars(select(OutboxRow).order_by(OutboxRow.id))
            if m.payload.get("reverses_decision_id", decision_id) == decision_id
        }
        after = s.get(AccountEnforcementRow, "p-acct-0")
        listed, _ = statements_for_account(s, "p-acct-0")
        audit = s.scalar(select(AuditLogRow).where(AuditLogRow.action == "appeal.decide"))
        case = s.get(CaseRow, case_id)
    assert reversal is not None and reversal.trigger == "appeal" and reversal.action_count == 0
    undo = messages["decision.reversed"].payload
    assert undo["reverses_decision_id"] == decision_id
    assert [a["type"] for a in undo["undo"]] == ["remove"]
    told = messages["appeal.decided"].payload
    assert (told["account_id"], told["outcome"]) == ("p-acct-0", "reversed")
    assert told["explanation"] == "Legitimate shop link."
    assert after is not None and after.violations == 0  # the reversed decision no longer counts
    status = {x["statement"]["decision_id"]: x["status"] for x in listed}
    assert status[decision_id] == "reversed"
    (automated,) = [d for d in status if d != decision_id]
    assert status[automated] == "superseded"  # the reviewer's decision had replaced it
    by_decision = {x["statement"]["decision_id"]: x for x in listed}
    assert by_decision[decision_id]["superseded_by"] == decided["reversal_decision_id"]
    with pytest.raises(NotAppealable, match="no longer in force"):
        _lodge(world, automated)
    assert audit is not None and audit.actor == SUE.actor
    assert audit.details["before"] == "remove()" and audit.details["after"] == "lifted"
    assert case is not None and case.status == "decided"
    with world.db.transaction() as s:
        rates = {r["cohort"]: r for r in overturn_rates(s, Cohort.AUTOMATION)}
        by_decider = {r["cohort"]: r for r in overturn_rates(s, Cohort.DECIDER)}
    assert rates["human"]["overturn_rate"] == 1.0 and rates["human"]["appealed"] == 1
    assert rates["automated"]["appealed"] == 0 and rates["automated"]["restrictive_decisions"] == 1
    assert by_decider["user:reviewer"]["reversed"] == 1


def test_an_upheld_appeal_changes_nothing_but_the_record(world: World) -> None:
    (case_id,) = spam_posts(world.runtime, 1)
    with world.db.transaction() as s:
        automated = s.scalar(select(CaseRow.decision_id).where(CaseRow.id == case_id))
    appeal, _ = _lodge(world, automated)  # the automated not_recommendable decision
    with world.db.transaction() as s:
        row = s.get(AppealRow, appeal["id"])
        assert row is not None and row.original_decided_by == "automated"
        claim(s, CONFIG, appeal["case_id"], SUE.actor, SUE.roles, utcnow())
        decide_appeal(
            s,
            CONFIG,
            appeal["case_id"],
            AppealDecisionIn(outcome=AppealOutcome.UPHELD),
            SUE,
            utcnow(),
        )
    with world.db.transaction() as s:
        topics = [m.topic for m in s.scalars(select(OutboxRow))]
        totals = s.get(AccountEnforcementRow, "p-acct-0")
        rates = {r["cohort"]: r for r in overturn_rates(s, Cohort.TRIGGER)}
    assert "decision.reversed" not in topics and "appeal.decided" in topics
    assert totals is not None and totals.violations == 1
    assert rates["ingest"]["overturn_rate"] == 0.0 and rates["ingest"]["appeals_decided"] == 1


def test_appeals_close_after_the_window_and_need_a_restriction(world: World) -> None:
    old = utcnow() - timedelta(days=CONFIG.appeal_window_days + 1)
    (case_id,) = spam_posts(world.runtime, 1, now=old, prefix="old")
    with world.db.transaction() as s:
        automated = s.scalar(select(CaseRow.decision_id).where(CaseRow.id == case_id))
    with pytest.raises(NotAppealable, match="appeal window closed"):
        _lodge(world, automated, account="old-acct-0")
    _, cleared = _reviewed(world, Outcome.NO_VIOLATION)
    with pytest.raises(NotAppealable, match="nothing to appeal"):
        _lodge(world, cleared)
    with world.db.transaction() as s:
        assert s.query(AppealRow).count() == 0
