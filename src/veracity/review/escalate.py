"""Escalation: a reviewer hands a case they hold to senior review or to fact-checkers.

The case moves to the target queue (its roles now apply), its escalation level rises, the
lock is released, and it gets the target queue's SLA from now; its priority is recomputed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.audit.actors import record_by
from veracity.review.config import ReviewConfig
from veracity.review.decide import InvalidReview, open_case_for_review
from veracity.review.intake import CaseKind
from veracity.review.locks import check_may_review
from veracity.review.priority import compute_priority


class EscalateTo(StrEnum):
    SENIOR = "senior"
    FACT_CHECK = "fact_check"


class EscalateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: EscalateTo
    note: str = Field(default="", max_length=2000, description="For the next reviewer.")


def escalate_case(
    session: Session,
    config: ReviewConfig,
    case_id: str,
    body: EscalateIn,
    principal: Principal,
    now: datetime,
) -> dict[str, Any]:
    """Move a case the caller holds to the escalation queue named by ``body.to``."""
    row = open_case_for_review(
        session,
        case_id,
        principal.actor,
        now,
        kinds=(CaseKind.REVIEW, CaseKind.SECOND_REVIEW, CaseKind.GOLDEN),
    )
    check_may_review(config, row, principal.actor, principal.roles)
    target = config.escalation.get(body.to.value)
    if target is None:
        raise InvalidReview(f"no escalation queue is configured for {body.to.value!r}")
    if target == row.queue:
        raise InvalidReview(f"case {case_id} is already in {target}")
    before = row.queue
    deadline = now + timedelta(hours=config.queue(target).sla_hours)
    parts = compute_priority(
        config.priority,
        severity=row.severity,
        reach=row.predicted_reach,
        confidence=row.model_confidence,
        opened_at=now,
        deadline_at=deadline,
        now=now,
    )
    data = dict(row.data or {})
    history = list(data.get("escalations", []))
    history.append(
        {
            "from": before,
            "to": target,
            "by": principal.actor,
            "at": now.isoformat(),
            "note": body.note[:2000],
        }
    )
    data["escalations"] = history
    data["priority"] = parts.as_json()
    row.queue = target
    row.escalation_level = (row.escalation_level or 0) + 1
    row.deadline_at = deadline
    row.priority = parts.priority
    row.assigned_to = None
    row.lock_expires_at = None
    row.updated_at = now
    row.data = data
    record_by(
        session,
        principal,
        "review.escalate",
        f"case:{row.id}",
        {"from": before, "to": target, "level": row.escalation_level},
    )
    return {"case_id": row.id, "queue": target, "escalation_level": row.escalation_level}
