"""Cases opened at ingest are routed, partitioned and prioritised by the routing file, and
every restrictive automated decision gets a valid statement of reasons."""

from __future__ import annotations

from datetime import timedelta

from review_support import CONFIG, T0
from sqlalchemy import select

from veracity.compliance.statements import FULLY_AUTOMATED, list_statements
from veracity.compliance.transparency_export import export_page
from veracity.config import Settings
from veracity.detect.banks import BankEntry, add_entries
from veracity.domain.actions import Action, ActionType
from veracity.domain.decisions import Decision, RuleMatch, RuleMode
from veracity.domain.entities import AccountIn, ContentIn, ContentKind
from veracity.domain.signals import SubjectType
from veracity.review.intake import model_confidence, predicted_reach, sampled
from veracity.review.priority import compute_priority
from veracity.review.queues import reprioritise
from veracity.runtime import build_runtime
from veracity.store.db import Database, as_utc
from veracity.store.tables import CaseRow, DecisionRow

CLAIM = "the election machines flipped two million votes overnight in secret"


def test_ingest_opens_routed_partitioned_prioritised_cases(db: Database) -> None:
    runtime = build_runtime(db, Settings(database_url=db.url))
    runtime.ingest.accounts(
        [AccountIn(id="a1", created_at=T0 - timedelta(days=1), follower_count=999, region="FR")],
        now=T0,
    )
    runtime.ingest.content(
        [
            ContentIn(
                id="c1",
                account_id="a1",
                kind=ContentKind.POST,
                text="Check this out bit.ly/xyz",
                language="en-GB",
                metadata={"views": 5000},
            ),
            ContentIn(
                id="c2",
                account_id="a1",
                kind=ContentKind.POST,
                text="Schau dir das an, ein tolles Angebot für alle Leute hier: bit.ly/abc",
            ),
        ],
        now=T0,
    )
    with db.transaction() as s:
        cases = {c.subject_id: c for c in s.scalars(select(CaseRow))}
    c1, c2 = cases["c1"], cases["c2"]
    assert (c1.queue, c1.policy_area, c1.language, c1.region) == ("spam-review", "spam", "en", "EU")
    assert c2.language == "de"  # no language sent: the detector's
    assert c1.predicted_reach == 5000 and c2.predicted_reach == 999
    assert as_utc(c1.deadline_at) == T0 + timedelta(hours=CONFIG.queue("spam-review").sla_hours)
    expected = compute_priority(
        CONFIG.priority,
        severity=0.3,
        reach=5000,
        confidence=None,
        opened_at=T0,
        deadline_at=as_utc(c1.deadline_at),
        now=T0,
    )
    assert c1.priority == expected.priority and c1.priority > c2.priority
    assert c1.status == "open" and c1.kind == "review" and c1.assigned_to is None
    # Later, the deadline term lifts every open case's priority.
    with db.transaction() as s:
        assert reprioritise(s, CONFIG, T0 + timedelta(hours=24)) == 2
    with db.transaction() as s:
        assert s.get(CaseRow, "case-" + c1.decision_id).priority > c1.priority  # type: ignore[operator]


def test_restrictive_automated_decisions_get_valid_statements(db: Database) -> None:
    with db.transaction() as s:
        add_entries(s, "text", [BankEntry("claim-7", CLAIM, "false")])
    runtime = build_runtime(db, Settings(database_url=db.url))
    runtime.ingest.content(
        [
            ContentIn(id="false", account_id="a1", kind=ContentKind.POST, text=CLAIM + "!"),
            ContentIn(id="fine", account_id="a2", kind=ContentKind.POST, text="cats nap a lot"),
        ],
        now=T0,
    )
    with db.transaction() as s:
        decisions = {d.subject_id: d.id for d in s.scalars(select(DecisionRow))}
        statements = list_statements(s)
        exported = export_page(s, statements)
    (statement,) = statements  # the harmless post restricts nothing and gets none
    assert statement.decision_id == decisions["false"]
    assert statement.automated_decision == FULLY_AUTOMATED and statement.automated_detection
    assert statement.incompatible_content_ground.startswith("Terms of Service 4.1")
    assert (
        statement.category == "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
    )
    assert "repeat-false-claim" in statement.decision_facts
    assert [e.violations for e in exported] == [[]]


def test_confidence_reach_and_sampling_helpers() -> None:
    match = RuleMatch(
        policy_id="misinfo",
        policy_version="1",
        rule_id="r",
        mode=RuleMode.LIVE,
        priority=1,
        actions=[Action(type=ActionType.ROUTE, params={"queue": "misinfo"})],
        values_used={"signals.text_match.similarity": 0.81, "signals.x.count": 7},
    )
    shadow = match.model_copy(
        update={"mode": RuleMode.SHADOW, "values_used": {"signals.y.probability": 0.99}}
    )
    decision = Decision(
        id="d",
        subject_type=SubjectType.CONTENT,
        subject_id="c",
        trigger="ingest",
        policy_versions={},
        matched=[match, shadow],
        actions=match.actions,
        created_at=T0,
    )
    assert model_confidence(decision, ["similarity", "probability"]) == 0.81  # live rules only
    assert model_confidence(decision, ["score"]) is None
    assert predicted_reach({"views": 10, "impressions": True}, 3) == 10
    assert predicted_reach({}, None) == 0
    share = sum(sampled(f"case-{i}", 0.1) for i in range(5000)) / 5000
    assert 0.08 < share < 0.12
    assert sampled("case-1", 0.1) == sampled("case-1", 0.1)
    assert not sampled("case-1", 0.0)
