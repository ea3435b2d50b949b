"""HTTP endpoints for enforcement delivery: a pull API for platforms that poll instead of
receiving webhooks, and the dead-letter controls operators need."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from veracity.access.roles import ENFORCEMENT, OUTBOX_OPS
from veracity.enforce.outbox import (
    OutboxMessage,
    dead_ids_among,
    list_after,
    list_dead,
    requeue_dead,
    stats,
)
from veracity.store.db import Database
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["enforcement"])
# The pull API is for the platform's machines; dead letters and stats for operators.
PULL = [Depends(require_roles(ENFORCEMENT))]
OPS = [Depends(require_roles(OUTBOX_OPS))]

MAX_PAGE = 1000


class MessageOut(BaseModel):
    id: int
    idempotency_key: str
    decision_id: str
    topic: str
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, m: OutboxMessage) -> MessageOut:
        return cls(
            id=m.id,
            idempotency_key=m.idempotency_key,
            decision_id=m.decision_id,
            topic=m.topic,
            payload=m.payload,
            status=m.status.value,
            attempts=m.attempts,
            created_at=m.created_at,
            delivered_at=m.delivered_at,
        )


class ActionsPage(BaseModel):
    items: list[MessageOut]
    next_after: int = Field(description="Pass as ?after= to get the next page.")


class DeadLetterOut(MessageOut):
    last_error: str | None
    next_attempt_at: datetime


class DeadLetterPage(BaseModel):
    items: list[DeadLetterOut]
    next_after: int


class RequeueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[int] | None = Field(
        default=None, description="Dead letters to requeue; omit to requeue all of them."
    )


class RequeueResult(BaseModel):
    requeued: list[int]


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@router.get("/actions", response_model=ActionsPage, dependencies=PULL)
def pull_actions(
    request: Request,
    after: int = Query(0, ge=0, description="Return messages with an id above this one."),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
) -> ActionsPage:
    """Every outbox message in id order, whatever its webhook status; poll with ``next_after``."""
    with _db(request).transaction() as session:
        messages = list_after(session, after, limit)
    next_after = messages[-1].id if messages else after
    return ActionsPage(items=[MessageOut.of(m) for m in messages], next_after=next_after)


@router.get("/outbox/dead", response_model=DeadLetterPage, dependencies=OPS)
def dead_letters(
    request: Request,
    after: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
) -> DeadLetterPage:
    """Messages that will not be retried, with the error that stopped them."""
    with _db(request).transaction() as session:
        messages = list_dead(session, after, limit)
    items = [
        DeadLetterOut(
            **MessageOut.of(m).model_dump(),
            last_error=m.last_error,
            next_attempt_at=m.next_attempt_at,
        )
        for m in messages
    ]
    return DeadLetterPage(items=items, next_after=messages[-1].id if messages else after)


@router.post("/outbox/dead/requeue", response_model=RequeueResult, dependencies=OPS)
def requeue_dead_letters(request: Request, body: RequeueRequest) -> RequeueResult:
    """Retry dead letters (e.g. after fixing the receiver). Naming an id that is not a dead
    letter fails the whole request with 404 and changes nothing."""
    with _db(request).transaction() as session:
        if body.ids is not None:
            wanted = sorted(set(body.ids))
            missing = sorted(set(wanted) - dead_ids_among(session, wanted))
            if missing:
                raise HTTPException(
                    status_code=status.HTTP_404_NOT_FOUND,
                    detail=f"not dead letters (unknown, pending or delivered): {missing}",
                )
            requeued = requeue_dead(session, wanted)
        else:
            requeued = requeue_dead(session, None)
    return RequeueResult(requeued=requeued)


@router.get("/outbox/stats", dependencies=OPS)
def outbox_stats(request: Request) -> dict[str, Any]:
    """Counts by status and the age of the oldest undelivered message."""
    with _db(request).transaction() as session:
        return stats(session).as_dict()
