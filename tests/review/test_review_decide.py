"""A reviewer's decision goes through the pipeline (decision, outbox, statement, totals,
audit); golden cases and blind second reviews only measure; escalation moves the case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from review_support import CONFIG, World, person, review_world, spam_posts
from sqlalchemy import select

from veracity.access.roles import Role
from veracity.audit.log import verify
from veracity.compliance.statements import NOT_AUTOMATED, list_statements
from veracity.compliance.transparency_export import export_page
from veracity.review.casepage import build_view
from veracity.review.decide import InvalidReview, ReviewIn, decide_case
from veracity.review.escalate import EscalateIn, EscalateTo, escalate_case
from veracity.review.golden import GoldenIn, add_golden
from veracity.review.intake import CaseKind
from veracity.review.locks import CaseLocked, CaseNotOpen, NotAllowed, claim
from veracity.review.options import Outcome
from veracity.review.quality_report import quality_report
from veracity.store.db import Database, utcnow
from veracity.store.tables import (
    AccountEnforcementRow,
    AuditLogRow,
    CaseRow,
    DecisionRow,
    OutboxRow,
    ReviewDecisionRow,
)

ANN = person("reviewer", Role.REVIEWER)
BOB = person("reviewer2", Role.REVIEWER)
SUE = person("senior_reviewer", Role.SENIOR_REVIEWER)


@pytest.fixture
def world(db: Database) -> Iterator[World]:
    with review_world(db) as w:
        yield w


def _claim(w: World, case_id: str, who=ANN) -> None:  # type: ignore[no-untyped-def]
    with w.db.transaction() as s:
        claim(s, CONFIG, case_id, who.actor, who.roles, utcnow())


def _decide(w: World, case_id: str, body: ReviewIn, who=ANN):  # type: ignore[no-untyped-def]
    with w.db.transaction() as s:
        return decide_case(s, CONFIG, case_id, body, who, utcnow())


def test_a_restrictive_review_decision_goes_through_the_pipeline(world: World) -> None:
    (case_id,) = spam_posts(world.runtime, 1)
    _claim(world, case_id)
    body = ReviewIn(outcome=Outcome.REMOVE_STRIKE, policy_tags=["spam"], note="Link farm.")
    result = _decide(world, case_id, body)
    assert result.decision_id is not None and result.statement is not None
    with world.db.transaction() as s:
        row = s.scalar(select(DecisionRow).where(DecisionRow.id == result.decision_id))
        assert row is not None and row.trigger == "review" and not row.automated_decision
        message = s.scalar(select(OutboxRow).where(OutboxRow.decision_id == row.id))
        assert message is not None
        assert {a["type"] for a in message.payload["actions"]} == {"remove", "strike"}
        assert message.payload["automated_decision"] is False
        statements = list_statements(s, decision_ids=[row.id])
        exported = export_page(s, statements)
        totals = s.get(AccountEnforcementRow, "p-acct-0")
        undo = s.scalar(select(OutboxRow).where(OutboxRow.topic == "decision.reversed"))
        case = s.get(CaseRow, case_id)
        review = s.scalar(select(ReviewDecisionRow).where(ReviewDecisionRow.case_id == case_id))
        audit = s.scalar(select(AuditLogRow).where(AuditLogRow.action == "review.decide"))
    (statement,) = statements
    assert statement.automated_decision == NOT_AUTOMATED
    assert statement.automated_detection is True  # the spam policy found it
    assert statement.incompatible_content_ground == CONFIG.policy_tags["spam"].ground
    assert statement.incompatible_content_explanation == "Link farm."
    assert "remove" in statement.restriction.description
    assert exported[0].violations == []  # valid for the DSA Transparency Database
    # The review replaced the automated not_recommendable(): it is undone, and counts no more.
    assert totals is not None and (totals.violations, totals.strikes) == (1, 1)
    assert undo is not None and [a["key"] for a in undo.payload["undo"]] == ["not_recommendable()"]
    assert undo.payload["reason"] == "replaced_by_reviewer"
    assert case is not None and (case.status, case.outcome, case.decided_by) == (
        "decided",
        "remove_strike",
        "user:reviewer",
    )
    assert case.assigned_to is None
    assert review is not None and review.reviewer == "user:reviewer"
    assert audit is not None and audit.actor == "user:reviewer"
    assert audit.details["statement_puid"] == statement.puid
    assert "Link farm" not in str(audit.details)  # free text stays out of the audit log
    with world.db.transaction() as s:
        assert verify(s).ok
    with pytest.raises(CaseNotOpen):
        _decide(world, case_id, body)


def test_deciding_needs_the_lock_and_a_cited_policy(world: World) -> None:
    case_id, other = spam_posts(world.runtime, 2)
    with pytest.raises(CaseLocked, match="claim it first"):
        _decide(world, case_id, ReviewIn(outcome=Outcome.REMOVE, policy_tags=["spam"]))
    _claim(world, case_id)
    with pytest.raises(CaseLocked, match="user:reviewer"):
        _claim(world, case_id, BOB)
    with pytest.raises(InvalidReview, match="at least one policy tag"):
        _decide(world, case_id, ReviewIn(outcome=Outcome.REMOVE))
    with pytest.raises(InvalidReview, match="unknown policy tags: nope"):
        _decide(world, case_id, ReviewIn(outcome=Outcome.REMOVE, policy_tags=["nope"]))
    result = _decide(world, case_id, ReviewIn(outcome=Outcome.NO_VIOLATION))
    assert result.statement is None
    with world.db.transaction() as s:
        decision = s.scalar(select(DecisionRow).where(DecisionRow.id == result.decision_id))
        assert decision is not None and decision.action_count == 0
        # No actions to send, but the automated not_recommendable() it replaces is lifted.
        sent = list(s.scalars(select(OutboxRow).where(OutboxRow.decision_id == decision.id)))
        assert [m.topic for m in sent] == ["decision.reversed"]
        assert [a["type"] for a in sent[0].payload["undo"]] == ["not_recommendable"]
    # Someone else's lock lapses: Bob can take the other case over and decide it.
    _claim(world, other)
    with world.db.transaction() as s:
        row = s.get(CaseRow, other)
        row.lock_expires_at = utcnow() - timedelta(seconds=1)
    _claim(world, other, BOB)
    assert _decide(world, other, ReviewIn(outcome=Outcome.LABEL), BOB).statement is None


def test_golden_cases_measure_accuracy_and_enforce_nothing(world: World) -> None:
    spam_posts(world.runtime, 1)
    with world.db.transaction() as s:
        golden = add_golden(
            s, CONFIG, GoldenIn(content_id="p-0", outcome=Outcome.REMOVE), SUE, utcnow()
        )
        decisions_before = s.query(DecisionRow).count()
        outbox_before = s.query(OutboxRow).count()
    _claim(world, golden["case_id"])
    with world.db.transaction() as s:
        view = build_view(
            s,
            CONFIG,
            s.get(CaseRow, golden["case_id"]),
            actor=ANN.actor,
            roles=ANN.roles,
            policies=world.runtime.policies,
            detectors=world.runtime.registry,
            now=utcnow(),
        )
        assert view.as_json()["case"]["kind"] == "review"  # nothing says "golden"
    result = _decide(
        world, golden["case_id"], ReviewIn(outcome=Outcome.REDUCE, policy_tags=["spam"])
    )
    assert result.golden_correct is False and result.decision_id is None
    with world.db.transaction() as s:
        assert s.query(DecisionRow).count() == decisions_before
        assert s.query(OutboxRow).count() == outbox_before
        report = quality_report(s)
    assert report["reviewers"]["user:reviewer"]["golden_accuracy"] == 0.0
    assert report["queues"]["spam-review"]["golden_answered"] == 1


def test_double_review_is_blind_and_feeds_agreement(world: World) -> None:
    (case_id,) = spam_posts(world.runtime, 1)
    with world.db.transaction() as s:
        s.get(CaseRow, case_id).double_review = True
    _claim(world, case_id)
    first = _decide(world, case_id, ReviewIn(outcome=Outcome.REMOVE, policy_tags=["spam"]))
    second_id = first.second_review_case_id
    assert second_id is not None
    with pytest.raises(NotAllowed, match="another person"):
        _claim(world, second_id)  # the first reviewer never gets the second review
    _claim(world, second_id, BOB)
    with world.db.transaction() as s:
        second = s.get(CaseRow, second_id)
        assert second is not None and second.kind == CaseKind.SECOND_REVIEW
        view = build_view(
            s,
            CONFIG,
            second,
            actor=BOB.actor,
            roles=BOB.roles,
            policies=world.runtime.policies,
            detectors=world.runtime.registry,
            now=utcnow(),
        )
    shown = str(view.as_json())
    assert first.decision_id not in shown and "remove" not in str(view.related)
    assert all(d["subject_id"] != "p-0" for d in view.account["recent_decisions"])  # type: ignore[index]
    with world.db.transaction() as s:
        decisions_before = s.query(DecisionRow).count()
    _decide(world, second_id, ReviewIn(outcome=Outcome.NO_VIOLATION), BOB)
    with world.db.transaction() as s:
        assert s.query(DecisionRow).count() == decisions_before  # measuring enforces nothing
        report = quality_report(s)
    queue = report["queues"]["spam-review"]
    assert queue["double_reviewed"] == 1 and queue["agreement"] == 0.0
    assert report["reviewers"]["user:reviewer2"]["double_reviewed"] == 1


def test_escalation_moves_the_case_to_senior_review(world: World) -> None:
    (case_id,) = spam_posts(world.runtime, 1)
    with pytest.raises(CaseLocked), world.db.transaction() as s:
        escalate_case(s, CONFIG, case_id, EscalateIn(to=EscalateTo.SENIOR), ANN, utcnow())
    _claim(world, case_id)
    with world.db.transaction() as s:
        moved = escalate_case(
            s, CONFIG, case_id, EscalateIn(to=EscalateTo.SENIOR, note="unsure"), ANN, utcnow()
        )
    assert moved == {"case_id": case_id, "queue": "senior-review", "escalation_level": 1}
    with pytest.raises(NotAllowed, match="senior-review"):
        _claim(world, case_id)  # reviewers do not work the senior queue
    _claim(world, case_id, SUE)
    with world.db.transaction() as s:
        row = s.get(CaseRow, case_id)
        assert row is not None and row.assigned_to == SUE.actor
        assert row.data["escalations"][0]["from"] == "spam-review"
        assert audit_actions(s) >= {"review.escalate"}


def audit_actions(session) -> set[str]:  # type: ignore[no-untyped-def]
    return set(session.scalars(select(AuditLogRow.action)))
