"""Opening review cases: route each one to a queue by the routing rules, partition it by
language and region, and give it a severity, predicted reach, model confidence, SLA deadline
and priority.

The ingest service calls ``case_rows`` for decisions whose policies route content to review (in
the decision's transaction); appeals, second reviews and golden cases use ``new_case_row``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.domain.actions import ActionType
from veracity.domain.decisions import Decision, RuleMode
from veracity.domain.entities import ContentIn
from veracity.review.config import ReviewConfig, RouteRule
from veracity.review.priority import compute_priority
from veracity.store.tables import AccountRow

REACH_KEYS = ("views", "view_count", "impressions", "reach")
UNDETERMINED = "und"


class CaseKind:
    REVIEW = "review"
    SECOND_REVIEW = "second_review"
    GOLDEN = "golden"
    APPEAL = "appeal"


@dataclass(frozen=True)
class Routed:
    queue: str
    policy_area: str
    severity: float
    rule: int  # index of the routing rule that matched

    def as_json(self) -> dict[str, Any]:
        return {"queue": self.queue, "policy_area": self.policy_area, "rule": self.rule}


def _holds(rule: RouteRule, facts: Mapping[str, set[str]]) -> bool:
    for key, wanted in rule.when.model_dump().items():
        if wanted is not None and wanted not in facts.get(key, set()):
            return False
    return True


def route(
    config: ReviewConfig,
    *,
    subject: str,
    route_queue: str | None = None,
    policies: Iterable[str] = (),
    rules: Iterable[str] = (),
    labels: Iterable[str] = (),
) -> Routed:
    """The first routing rule whose ``when`` holds (the last rule always does)."""
    facts = {
        "subject": {subject},
        "route": {route_queue} if route_queue else set(),
        "policy": set(policies),
        "rule": set(rules),
        "label": set(labels),
    }
    for i, rule in enumerate(config.rules):
        if _holds(rule, facts):
            return Routed(rule.queue, rule.policy_area, rule.severity, i)
    raise AssertionError("the last routing rule matches everything")  # checked at load


def route_decision(config: ReviewConfig, decision: Decision) -> Routed:
    """Route a policy decision by its route action, live rules and labels."""
    live = [m for m in decision.matched if m.mode is RuleMode.LIVE]
    route_queue = next(
        (str(a.params.get("queue")) for a in decision.actions if a.type is ActionType.ROUTE),
        None,
    )
    return route(
        config,
        subject=decision.subject_type.value,
        route_queue=route_queue,
        policies=[m.policy_id for m in live],
        rules=[m.rule_id for m in live],
        labels=[str(a.params.get("label")) for a in decision.actions if a.type is ActionType.LABEL],
    )


def model_confidence(decision: Decision, names: Sequence[str]) -> float | None:
    """The largest 0..1 value a live rule read whose name ends in one of ``names``."""
    best: float | None = None
    for m in decision.matched:
        if m.mode is not RuleMode.LIVE:
            continue
        for key, value in m.values_used.items():
            leaf = key.rsplit(".", 1)[-1]
            if leaf in names and isinstance(value, int | float) and not isinstance(value, bool):
                v = float(value)
                if 0.0 <= v <= 1.0 and (best is None or v > best):
                    best = v
    return best


def predicted_reach(metadata: Mapping[str, Any], followers: int | None) -> int:
    """The larger of the item's own view count (if the platform sends one) and the author's
    follower count: who is likely to see it."""
    counts = [followers or 0]
    for key in REACH_KEYS:
        value = metadata.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            counts.append(value)
    return max(0, *counts)


def sampled(case_id: str, rate: float) -> bool:
    """Deterministic sample: the same case is always in or out (replays agree)."""
    if rate <= 0:
        return False
    digest = hashlib.blake2b(case_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < rate


def new_case_row(
    config: ReviewConfig,
    *,
    case_id: str,
    kind: str,
    routed: Routed,
    subject_type: str,
    subject_id: str,
    decision_id: str | None,
    now: datetime,
    language: str | None = None,
    region: str | None = None,
    reach: int = 0,
    confidence: float | None = None,
    double_review: bool = False,
    parent_case_id: str | None = None,
    golden_outcome: str | None = None,
    escalation_level: int = 0,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``cases`` row, with its deadline from the queue's SLA and its priority."""
    deadline = now + timedelta(hours=config.queue(routed.queue).sla_hours)
    parts = compute_priority(
        config.priority,
        severity=routed.severity,
        reach=reach,
        confidence=confidence,
        opened_at=now,
        deadline_at=deadline,
        now=now,
    )
    return {
        "id": case_id,
        "queue": routed.queue,
        "kind": kind,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "decision_id": decision_id,
        "status": "open",
        "priority": parts.priority,
        "policy_area": routed.policy_area,
        "language": config.language_of(language),
        "region": config.region_of(region),
        "severity": routed.severity,
        "predicted_reach": reach,
        "model_confidence": confidence,
        "deadline_at": deadline,
        "assigned_to": None,
        "lock_expires_at": None,
        "escalation_level": escalation_level,
        "double_review": double_review,
        "parent_case_id": parent_case_id,
        "golden_outcome": golden_outcome,
        "outcome": None,
        "decided_by": None,
        "decided_at": None,
        "created_at": now,
        "updated_at": now,
        "data": {"routing": routed.as_json(), "priority": parts.as_json(), **(data or {})},
    }


@dataclass(frozen=True)
class ToReview:
    """A decision that routes its content to review, with what routing reads about it."""

    decision: Decision
    content: ContentIn
    detected_language: str | None = None


def _followers(session: Session, account_ids: set[str]) -> dict[str, tuple[int, str | None]]:
    if not account_ids:
        return {}
    rows = session.execute(
        select(AccountRow.id, AccountRow.data, AccountRow.region).where(
            AccountRow.id.in_(account_ids)
        )
    )
    out: dict[str, tuple[int, str | None]] = {}
    for aid, data, region in rows:
        count = data.get("follower_count") if isinstance(data, dict) else None
        out[aid] = (int(count) if isinstance(count, int) else 0, region)
    return out


def case_rows(
    session: Session, items: Sequence[ToReview], now: datetime, config: ReviewConfig
) -> list[dict[str, Any]]:
    """Rows for the review cases these decisions open (one per decision, id ``case-<id>``)."""
    wanted = [t for t in items if any(a.type is ActionType.ROUTE for a in t.decision.actions)]
    authors = _followers(session, {t.content.account_id for t in wanted})
    rows = []
    for t in wanted:
        d, c = t.decision, t.content
        followers, account_region = authors.get(c.account_id, (0, None))
        language = c.language or (
            t.detected_language if t.detected_language != UNDETERMINED else None
        )
        case_id = f"case-{d.id}"
        rows.append(
            new_case_row(
                config,
                case_id=case_id,
                kind=CaseKind.REVIEW,
                routed=route_decision(config, d),
                subject_type=d.subject_type.value,
                subject_id=d.subject_id,
                decision_id=d.id,
                now=now,
                language=language,
                region=c.region or account_region,
                reach=predicted_reach(c.metadata, followers),
                confidence=model_confidence(d, config.priority.confidence_signals),
                double_review=sampled(case_id, config.double_review_rate),
            )
        )
    return rows
