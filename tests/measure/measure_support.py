"""A small store with known KPIs: rows written straight into the real tables (SQLite or
PostgreSQL), with times chosen so every KPI can be worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from veracity.store.db import Database
from veracity.store.tables import AppealRow, ContentRow, DecisionRow, EventRow, ReportRow

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # a Monday: ISO week 2026-W45


def _record(actions: list[str], policy: str, automated: bool = True) -> dict[str, Any]:
    acts = [{"type": a, "params": {}} for a in actions]
    return {
        "actions": acts,
        "matched": [{"policy_id": policy, "rule_id": "r1", "mode": "live", "actions": acts}],
        "automated_detection": automated,
    }


def build(db: Database) -> None:
    """Content c1..c5 posted at T0. Views: c1 0 before its removal, c2 3, c3 12, c4 5 (never
    actioned), c5 1. Actions: c1 removed +1 h (spam, no report); c2 removed +30 h (misinfo,
    reported +2 h); c3 reduced +5 h (misinfo, no report); c5 removed +10 h (spam, reported
    +20 h, after the action). c1 also has a later second decision that must not count.
    Appeals: on c1's and c2's decisions; c1's reversed, c2's upheld."""
    content = [f"c{i}" for i in range(1, 6)]
    plan = {  # content -> (hours to action, actions, policy, views before, views after)
        "c1": (1, ["remove"], "spam", 0, 0),
        "c2": (30, ["remove", "strike"], "misinfo", 3, 0),
        "c3": (5, ["reduce"], "misinfo", 12, 4),
        "c5": (10, ["remove"], "spam", 1, 0),
    }
    with db.transaction() as s:
        for cid in content:
            s.add(
                ContentRow(
                    id=cid,
                    account_id="a1",
                    kind="post",
                    text="x",
                    created_at=T0,
                    data={"id": cid},
                    ingested_at=T0,
                )
            )
        seq = 0
        views = {cid: (plan[cid][3], plan[cid][4]) if cid in plan else (5, 0) for cid in content}
        for cid, (before, after) in views.items():
            hours = plan[cid][0] if cid in plan else 50
            for k in range(before + after):
                at = (
                    T0
                    + timedelta(hours=hours)
                    + (-timedelta(minutes=k + 1) if k < before else timedelta(minutes=k + 1))
                )
                seq += 1
                s.add(
                    EventRow(
                        id=f"v{seq}",
                        type="view",
                        account_id="viewer",
                        content_id=cid,
                        occurred_at=at,
                        data={},
                        ingested_at=at,
                    )
                )
        for cid, (hours, actions, policy, _, _) in plan.items():
            s.add(
                DecisionRow(
                    id=f"d-{cid}",
                    subject_type="content",
                    subject_id=cid,
                    trigger="ingest",
                    record=_record(actions, policy),
                    action_count=len(actions),
                    automated_decision=True,
                    created_at=T0 + timedelta(hours=hours),
                )
            )
        s.add(
            DecisionRow(
                id="d-c1-late",
                subject_type="content",
                subject_id="c1",
                trigger="review",
                record=_record(["remove"], "spam", False),
                action_count=1,
                automated_decision=False,
                created_at=T0 + timedelta(hours=40),
            )
        )
        s.add(
            DecisionRow(
                id="d-c4-label",
                subject_type="content",
                subject_id="c4",
                trigger="ingest",
                record=_record(["label"], "aigc"),
                action_count=1,
                automated_decision=True,
                created_at=T0,
            )
        )
        for rid, cid, hours in (("r1", "c2", 2), ("r2", "c5", 20)):
            s.add(
                ReportRow(
                    id=rid,
                    content_id=cid,
                    reason="spam",
                    occurred_at=T0 + timedelta(hours=hours),
                    data={},
                    ingested_at=T0,
                )
            )
        for aid, cid, outcome in (("ap1", "c1", "reversed"), ("ap2", "c2", "upheld")):
            s.add(
                AppealRow(
                    id=aid,
                    decision_id=f"d-{cid}",
                    account_id="a1",
                    subject_type="content",
                    subject_id=cid,
                    case_id=f"case-{aid}",
                    reason="no",
                    status="decided",
                    outcome=outcome,
                    original_decided_by="system",
                    decision_trigger="ingest",
                    decision_automated=True,
                    decision_created_at=T0 + timedelta(hours=1),
                    decided_at=T0 + timedelta(days=2),
                    lodged_at=T0 + timedelta(days=1),
                    data={},
                )
            )


def add_reviews(db: Database, count: int = 40) -> None:
    """Reviewed cases on c1..c5 plus extra items, each with a spam-detector score; a reviewer
    finds a violation more often the higher the score (for the calibration plot)."""
    from veracity.store.tables import CaseRow, ReviewDecisionRow, SignalRow

    with db.transaction() as s:
        for i in range(count):
            cid = f"r{i}"
            score = (i + 0.5) / count
            violating = (i * 7919) % 97 / 97 < score
            at = T0 + timedelta(hours=i)
            s.add(
                SignalRow(
                    subject_type="content",
                    subject_id=cid,
                    detector="spam_behaviour",
                    detector_version="1",
                    outputs={"probability": score, "scored": True},
                    evidence={},
                    created_at=at,
                )
            )
            s.add(
                CaseRow(
                    id=f"case-r{i}",
                    queue="spam-review",
                    subject_type="content",
                    subject_id=cid,
                    decision_id=None,
                    status="decided",
                    priority=0.0,
                    created_at=at,
                    kind="review",
                    outcome="remove" if violating else "no_violation",
                )
            )
            s.add(
                ReviewDecisionRow(
                    id=f"rd-{i}",
                    case_id=f"case-r{i}",
                    case_kind="review",
                    queue="spam-review",
                    reviewer="user:ann",
                    role="reviewer",
                    outcome="remove" if violating else "no_violation",
                    policy_tags=["spam"] if violating else [],
                    note=None,
                    decision_id=None,
                    correct=None,
                    created_at=at,
                )
            )
