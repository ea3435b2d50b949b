"""The transactional outbox: decisions become messages in the same transaction that stores them.

Because the message row commits (or rolls back) with the decision, a decision is never lost when
the webhook receiver is down or the process dies: delivery happens afterwards, from the table, and
is at-least-once. Receivers dedupe on the idempotency key (the decision id).

Every function takes the caller's session and never commits: the caller owns the transaction.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from veracity.domain.decisions import Decision, RuleMode
from veracity.enforce.backoff import RetryPolicy
from veracity.store.db import as_utc
from veracity.store.tables import OutboxRow
from veracity.store.upsert import insert_ignore

DECISION_TOPIC = "decision"
# Rows per INSERT statement: 11 bound parameters per row stays far below SQLite's 32766 limit
# and PostgreSQL's 65535.
MAX_ERROR_CHARS = 2000

outbox: Table = OutboxRow.__table__  # type: ignore[assignment]


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass(frozen=True)
class OutboxMessage:
    """A snapshot of one outbox row, detached from any session."""

    id: int
    idempotency_key: str
    decision_id: str
    topic: str
    payload: dict[str, Any]
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    leased_until: datetime | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_row(cls, row: Row[Any] | Any) -> OutboxMessage:
        next_attempt_at = as_utc(row.next_attempt_at)
        created_at = as_utc(row.created_at)
        assert next_attempt_at is not None and created_at is not None
        return cls(
            id=int(row.id),
            idempotency_key=row.idempotency_key,
            decision_id=row.decision_id,
            topic=row.topic,
            payload=row.payload,
            status=OutboxStatus(row.status),
            attempts=int(row.attempts),
            next_attempt_at=next_attempt_at,
            leased_until=as_utc(row.leased_until),
            last_error=row.last_error,
            created_at=created_at,
            delivered_at=as_utc(row.delivered_at),
        )


@dataclass(frozen=True)
class OutboxStats:
    """Counts an operator watches: a growing ``pending`` or any ``dead`` needs attention."""

    pending: int
    retrying: int
    leased: int
    delivered: int
    dead: int
    oldest_pending_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "retrying": self.retrying,
            "leased": self.leased,
            "delivered": self.delivered,
            "dead": self.dead,
            "oldest_pending_at": (
                self.oldest_pending_at.isoformat() if self.oldest_pending_at else None
            ),
        }


def utc(now: datetime) -> datetime:
    """Refuse naive datetimes: the outbox compares instants, and a naive one has no instant."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"timestamps must be timezone-aware, got naive {now.isoformat()}")
    return now.astimezone(UTC)


def build_payload(decision: Decision) -> dict[str, Any]:
    """The JSON a platform receives: what to do, to whom, why, and whether a human decided."""
    live = [m for m in decision.matched if m.mode is RuleMode.LIVE]
    return {
        "idempotency_key": decision.id,
        "decision_id": decision.id,
        "subject_type": decision.subject_type.value,
        "subject_id": decision.subject_id,
        "actions": [
            {"type": a.type.value, "params": a.model_dump(mode="json")["params"], "key": a.key()}
            for a in decision.actions
        ],
        "matched_rules": [
            {
                "policy_id": m.policy_id,
                "policy_version": m.policy_version,
                "rule_id": m.rule_id,
                "priority": m.priority,
                "legal_ground": m.legal_ground,
                "dsa_category": m.dsa_category,
            }
            for m in live
        ],
        "explanation": decision.explain(),
        "trigger": decision.trigger,
        "automated_detection": decision.automated_detection,
        "automated_decision": decision.automated_decision,
        "created_at": utc(decision.created_at).isoformat(),
    }


def _row_for(decision: Decision, now: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": decision.id,
        "decision_id": decision.id,
        "topic": DECISION_TOPIC,
        "payload": build_payload(decision),
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "leased_until": None,
        "last_error": None,
        "created_at": now,
        "delivered_at": None,
    }


def enqueue_many(session: Session, decisions: Iterable[Decision], now: datetime) -> int:
    """Queue a message for every decision that has an effective action; returns rows added.

    Decisions without actions produce nothing to deliver. Re-enqueueing a decision, in the same
    call or a later one, adds nothing (insert ... on conflict do nothing on the key).
    """
    now = utc(now)
    rows: dict[str, dict[str, Any]] = {}
    for decision in decisions:
        if decision.actions and decision.id not in rows:
            rows[decision.id] = _row_for(decision, now)
    # RETURNING lists only the rows inserted; rowcount is not reliable across drivers here.
    return len(insert_ignore(session, outbox, list(rows.values()), "idempotency_key"))


def enqueue_decision(session: Session, decision: Decision, now: datetime) -> int:
    """Queue one decision in the caller's transaction; returns 1 if a message was added, else 0."""
    return enqueue_many(session, [decision], now)


def claim_batch(session: Session, now: datetime, limit: int, lease_s: float) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages for delivery and count the attempt.

    A leased message is invisible to other workers until ``leased_until``; if the worker dies,
    the lease lapses and another worker delivers it again (same idempotency key). The claim is a
    ``SELECT ... FOR UPDATE SKIP LOCKED`` then ``UPDATE ... RETURNING`` on PostgreSQL, so
    concurrent workers take disjoint rows; on SQLite a single ``UPDATE ... WHERE id IN (SELECT
    ...) RETURNING`` takes the write lock at once (a read followed by a write could fail with a
    busy snapshot), and the UPDATE re-checks the lease condition itself.
    Commit promptly after claiming so the lease becomes visible and locks are released.
    """
    now = utc(now)
    if limit < 1:
        raise ValueError(f"claim limit must be at least 1, got {limit}")
    if lease_s <= 0:
        raise ValueError(f"lease must be positive, got {lease_s}")
    c = outbox.c
    due = and_(
        c.status == OutboxStatus.PENDING.value,
        c.next_attempt_at <= now,
        or_(c.leased_until.is_(None), c.leased_until <= now),
    )
    candidates = select(c.id).where(due).order_by(c.id).limit(limit)
    target: Any
    if session.get_bind().dialect.name == "postgresql":
        # Lock the chosen rows first, in their own statement: inside ``IN (subquery)`` the
        # planner may run a SKIP LOCKED sub-select more than once and exceed the limit.
        ids = list(session.execute(candidates.with_for_update(skip_locked=True)).scalars())
        if not ids:
            return []
        target = c.id.in_(ids)
    else:
        target = c.id.in_(candidates.scalar_subquery())
    stmt = (
        update(outbox)
        .where(target, due)
        .values(leased_until=now + timedelta(seconds=lease_s), attempts=c.attempts + 1)
        .returning(*c)
    )
    rows = session.execute(stmt).all()
    return sorted((OutboxMessage.from_row(r) for r in rows), key=lambda m: m.id)


def _same_lease(message: OutboxMessage) -> list[Any]:
    """Conditions true only while the row is still under the claim that produced ``message``:
    the attempt count and lease deadline a later claim (or a requeue) would both change."""
    c = outbox.c
    return [c.attempts == message.attempts, c.leased_until == message.leased_until]


def mark_delivered(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """Record a 2xx. Applies even if the lease lapsed or a retry dead-lettered it meanwhile:
    the receiver has it, and saying otherwise would be false. Returns False if already delivered.
    """
    c = outbox.c
    result: Any = session.execute(
        update(outbox)
        .where(c.id == message.id, c.status != OutboxStatus.DELIVERED.value)
        .values(
            status=OutboxStatus.DELIVERED.value,
            delivered_at=utc(now),
            leased_until=None,
        )
    )
    return int(result.rowcount) == 1


def mark_failed(
    session: Session,
    message: OutboxMessage,
    error: str,
    now: datetime,
    policy: RetryPolicy,
    *,
    permanent: bool = False,
    min_delay_s: float = 0.0,
    rng: random.Random | None = None,
) -> OutboxStatus | None:
    """Schedule a retry with backoff, or dead-letter after the last attempt or a permanent error.

    ``message`` must be the snapshot returned by :func:`claim_batch`; its attempt count and
    lease deadline fence the update, so a worker whose lease lapsed (and whose message another
    worker re-claimed) cannot overwrite the newer outcome. Returns the new status, or None when
    fenced out.
    ``min_delay_s`` honours a receiver's Retry-After, still capped by the policy maximum.
    """
    now = utc(now)
    c = outbox.c
    values: dict[str, Any] = {"leased_until": None, "last_error": error[:MAX_ERROR_CHARS]}
    if permanent or policy.exhausted(message.attempts):
        status = OutboxStatus.DEAD
    else:
        status = OutboxStatus.PENDING
        wait = max(policy.delay(message.attempts, rng), min(min_delay_s, policy.max_s))
        values["next_attempt_at"] = now + timedelta(seconds=wait)
    values["status"] = status.value
    result: Any = session.execute(
        update(outbox)
        .where(
            c.id == message.id,
            c.status == OutboxStatus.PENDING.value,
            *_same_lease(message),
        )
        .values(**values)
    )
    return status if int(result.rowcount) == 1 else None


def release(session: Session, message: OutboxMessage) -> bool:
    """Give a claimed message back untried (e.g. on shutdown) without counting the attempt."""
    c = outbox.c
    result: Any = session.execute(
        update(outbox)
        .where(
            c.id == message.id,
            c.status == OutboxStatus.PENDING.value,
            *_same_lease(message),
        )
        .values(leased_until=None, attempts=c.attempts - 1)
    )
    return int(result.rowcount) == 1


def dead_ids_among(session: Session, ids: Sequence[int]) -> set[int]:
    c = outbox.c
    rows = session.execute(
        select(c.id).where(c.id.in_(list(ids)), c.status == OutboxStatus.DEAD.value)
    )
    return {int(i) for i in rows.scalars()}


def requeue_dead(
    session: Session, ids: Sequence[int] | None = None, now: datetime | None = None
) -> list[int]:
    """Give dead letters a fresh set of attempts, due now; ``ids=None`` requeues all of them.

    Ids that are not dead letters are left alone; the returned list says which were requeued.
    ``last_error`` is kept so the history of the failure stays visible.
    """
    when = utc(now) if now is not None else datetime.now(UTC)
    c = outbox.c
    cond = c.status == OutboxStatus.DEAD.value
    if ids is not None:
        if not ids:
            return []
        cond = and_(cond, c.id.in_(list(ids)))
    rows = session.execute(
        update(outbox)
        .where(cond)
        .values(
            status=OutboxStatus.PENDING.value,
            attempts=0,
            next_attempt_at=when,
            leased_until=None,
        )
        .returning(c.id)
    )
    return sorted(int(i) for i in rows.scalars())


def list_after(session: Session, after: int, limit: int) -> list[OutboxMessage]:
    """Messages with id > ``after`` in id order, whatever their delivery status (pull API)."""
    c = outbox.c
    rows = session.execute(select(outbox).where(c.id > after).order_by(c.id).limit(limit))
    return [OutboxMessage.from_row(r) for r in rows]


def list_dead(session: Session, after: int = 0, limit: int = 100) -> list[OutboxMessage]:
    c = outbox.c
    rows = session.execute(
        select(outbox)
        .where(c.status == OutboxStatus.DEAD.value, c.id > after)
        .order_by(c.id)
        .limit(limit)
    )
    return [OutboxMessage.from_row(r) for r in rows]


def get_message(session: Session, message_id: int) -> OutboxMessage | None:
    row = session.execute(select(outbox).where(outbox.c.id == message_id)).first()
    return OutboxMessage.from_row(row) if row is not None else None


def stats(session: Session, now: datetime | None = None) -> OutboxStats:
    """Counts by status; ``leased`` are pending messages a worker holds right now, ``retrying``
    the pending ones that failed before (or whose worker died) and wait for another attempt."""
    when = utc(now) if now is not None else datetime.now(UTC)
    c = outbox.c
    by_status = {
        str(s): int(n)
        for s, n in session.execute(select(c.status, func.count()).group_by(c.status)).all()
    }
    pending = c.status == OutboxStatus.PENDING.value
    retrying = session.execute(
        select(func.count()).where(
            pending, c.attempts > 0, or_(c.leased_until.is_(None), c.leased_until <= when)
        )
    ).scalar_one()
    leased = session.execute(
        select(func.count()).where(pending, c.leased_until > when)
    ).scalar_one()
    oldest = session.execute(select(func.min(c.created_at)).where(pending)).scalar_one()
    return OutboxStats(
        pending=by_status.get(OutboxStatus.PENDING.value, 0),
        retrying=int(retrying),
        leased=int(leased),
        delivered=by_status.get(OutboxStatus.DELIVERED.value, 0),
        dead=by_status.get(OutboxStatus.DEAD.value, 0),
        oldest_pending_at=as_utc(oldest),
    )
