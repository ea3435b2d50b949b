"""Golden cases: content whose right outcome is known, mixed into a queue to measure accuracy.

A golden case carries the content's latest decision, so its page shows the same signals and
evidence as any case, and gets its priority by the same formula: nothing on the page tells a
reviewer it is golden. Deciding one enforces nothing; the answer is compared and kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.audit.actors import record_by
from veracity.domain.limits import Identifier
from veracity.review.config import ReviewConfig
from veracity.review.decide import InvalidReview, hashed
from veracity.review.intake import (
    CaseKind,
    Routed,
    model_confidence,
    new_case_row,
    predicted_reach,
    route_decision,
)
from veracity.review.locks import CaseNotFound
from veracity.review.options import Outcome
from veracity.store import queries
from veracity.store.tables import CaseRow, ContentRow, DecisionRow
from veracity.store.upsert import insert_ignore


class GoldenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_id: Identifier
    outcome: Outcome = Field(description="The known right decision.")
    queue: str | None = Field(default=None, max_length=64, description="Default: as routed.")


def add_golden(
    session: Session, config: ReviewConfig, body: GoldenIn, principal: Principal, now: datetime
) -> dict[str, Any]:
    """Put a known-answer case for ``body.content_id`` into a queue."""
    content = session.get(ContentRow, body.content_id)
    if content is None:
        raise CaseNotFound(f"no content {body.content_id!r}")
    if body.queue is not None and body.queue not in config.queues:
        raise InvalidReview(f"unknown queue {body.queue!r}; known: {', '.join(config.queues)}")
    decision_id = session.scalar(
        select(DecisionRow.id)
        .where(DecisionRow.subject_type == "content", DecisionRow.subject_id == content.id)
        .order_by(DecisionRow.seq.desc())
        .limit(1)
    )
    decision = queries.get_decision(session, decision_id) if decision_id else None
    if decision is not None:
        routed = route_decision(config, decision)
        confidence = model_confidence(decision, config.priority.confidence_signals)
    else:
        routed = Routed("general", "other", 0.4, -1)
        confidence = None
    if body.queue is not None:
        routed = Routed(body.queue, routed.policy_area, routed.severity, routed.rule)
    case_id = hashed(
        "case-", "golden", content.id, body.outcome.value, routed.queue, now.isoformat()
    )
    row = new_case_row(
        config,
        case_id=case_id,
        kind=CaseKind.GOLDEN,
        routed=routed,
        subject_type="content",
        subject_id=content.id,
        decision_id=decision_id,
        now=now,
        language=content.language,
        region=content.region,
        reach=predicted_reach(content.data.get("metadata") or {}, None),
        confidence=confidence,
        golden_outcome=body.outcome.value,
    )
    insert_ignore(session, CaseRow, [row], "id")
    record_by(
        session,
        principal,
        "review.golden_add",
        f"case:{case_id}",
        {"content_id": content.id, "queue": routed.queue},
    )
    return {"case_id": case_id, "queue": routed.queue, "content_id": content.id}
