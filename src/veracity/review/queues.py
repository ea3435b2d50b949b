"""Reading the queues: open cases by queue, policy area, language and region with their SLA
state, one queue's cases in priority order, a case's neighbours in that order (for j/k), and
the periodic refresh of priorities as deadlines approach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session

from veracity.review.config import ReviewConfig
from veracity.review.locks import OPEN, QueueFilter
from veracity.review.priority import compute_priority
from veracity.store.db import as_utc
from veracity.store.tables import CaseRow

PAGE = 50


@dataclass(frozen=True)
class Sla:
    """Where a case stands against its deadline."""

    deadline_at: datetime | None
    remaining_s: float | None

    @property
    def overdue(self) -> bool:
        return self.remaining_s is not None and self.remaining_s < 0

    @property
    def label(self) -> str:
        if self.remaining_s is None:
            return "no SLA"
        left = abs(int(self.remaining_s))
        hours, rest = divmod(left, 3600)
        text = f"{hours}h {rest // 60:02d}m"
        return f"overdue by {text}" if self.overdue else f"{text} left"

    def as_json(self) -> dict[str, Any]:
        return {
            "deadline_at": self.deadline_at.isoformat() if self.deadline_at else None,
            "remaining_s": None if self.remaining_s is None else round(self.remaining_s),
            "overdue": self.overdue,
            "label": self.label,
        }


def deadline_of(config: ReviewConfig, row: CaseRow) -> datetime | None:
    """The stored deadline, or (for cases opened before routing existed) the queue's SLA."""
    found = as_utc(row.deadline_at)
    if found is not None:
        return found
    created = as_utc(row.created_at)
    return created + timedelta(hours=config.queue(row.queue).sla_hours) if created else None


def sla_of(config: ReviewConfig, row: CaseRow, now: datetime) -> Sla:
    deadline = deadline_of(config, row)
    return Sla(deadline, (deadline - now).total_seconds() if deadline else None)


def summary(session: Session, queues: list[str], now: datetime) -> list[dict[str, Any]]:
    """Open cases per (queue, policy area, language, region): total, claimed, overdue."""
    if not queues:
        return []
    claimed = func.sum(
        case((and_(CaseRow.assigned_to.is_not(None), CaseRow.lock_expires_at > now), 1), else_=0)
    )
    overdue = func.sum(case((CaseRow.deadline_at < now, 1), else_=0))
    rows = session.execute(
        select(
            CaseRow.queue,
            CaseRow.policy_area,
            CaseRow.language,
            CaseRow.region,
            func.count(),
            claimed,
            overdue,
        )
        .where(CaseRow.status == OPEN, CaseRow.queue.in_(queues))
        .group_by(CaseRow.queue, CaseRow.policy_area, CaseRow.language, CaseRow.region)
        .order_by(CaseRow.queue, CaseRow.policy_area, CaseRow.language, CaseRow.region)
    )
    return [
        {
            "queue": q,
            "policy_area": area,
            "language": lang,
            "region": region,
            "open": int(n),
            "claimed": int(c or 0),
            "overdue": int(o or 0),
        }
        for q, area, lang, region, n, c, o in rows
    ]


def list_cases(
    session: Session, where: QueueFilter, *, limit: int = PAGE, offset: int = 0
) -> list[CaseRow]:
    """Open cases in priority order (highest first)."""
    stmt = (
        select(CaseRow)
        .where(CaseRow.status == OPEN, *where.conditions())
        .order_by(CaseRow.priority.desc(), CaseRow.created_at, CaseRow.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def neighbours(session: Session, row: CaseRow) -> tuple[str | None, str | None]:
    """The open cases just before and after ``row`` in its queue's order (priority high to
    low, then id). Each side is two index range reads (same priority, then the next priority
    over), never a scan over the cases ranked above: the page stays fast in a 100k queue."""
    same = (CaseRow.status == OPEN, CaseRow.queue == row.queue)
    nxt = session.scalar(
        select(CaseRow.id)
        .where(*same, CaseRow.priority == row.priority, CaseRow.id > row.id)
        .order_by(CaseRow.id)
        .limit(1)
    ) or session.scalar(
        select(CaseRow.id)
        .where(*same, CaseRow.priority < row.priority)
        .order_by(CaseRow.priority.desc(), CaseRow.id)
        .limit(1)
    )
    prev = session.scalar(
        select(CaseRow.id)
        .where(*same, CaseRow.priority == row.priority, CaseRow.id < row.id)
        .order_by(CaseRow.id.desc())
        .limit(1)
    ) or session.scalar(
        select(CaseRow.id)
        .where(*same, CaseRow.priority > row.priority)
        .order_by(CaseRow.priority, CaseRow.id.desc())
        .limit(1)
    )
    return prev, nxt


def reprioritise(session: Session, config: ReviewConfig, now: datetime, batch: int = 1000) -> int:
    """Recompute the priority of every open case (the deadline term grows with time); returns
    how many changed. Run on a schedule (``veracity review reprioritise``)."""
    changed = 0
    after = ""
    while True:
        rows = list(
            session.scalars(
                select(CaseRow)
                .where(CaseRow.status == OPEN, CaseRow.id > after)
                .order_by(CaseRow.id)
                .limit(batch)
            )
        )
        if not rows:
            return changed
        for row in rows:
            deadline = deadline_of(config, row)
            # The SLA clock restarts on escalation: it opened one queue SLA before the deadline.
            opened = (
                deadline - timedelta(hours=config.queue(row.queue).sla_hours)
                if deadline is not None
                else now
            )
            parts = compute_priority(
                config.priority,
                severity=row.severity,
                reach=row.predicted_reach,
                confidence=row.model_confidence,
                opened_at=opened,
                deadline_at=deadline,
                now=now,
            )
            if parts.priority != row.priority:
                session.execute(
                    update(CaseRow).where(CaseRow.id == row.id).values(priority=parts.priority)
                )
                changed += 1
        after = rows[-1].id
        session.flush()
        session.expunge_all()
