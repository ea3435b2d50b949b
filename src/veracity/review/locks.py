"""Claim locks on review cases: one reviewer at a time, and a lock that lapses on its own.

A claim is one conditional UPDATE (``... WHERE status = 'open' AND (nobody holds it OR the lock
has expired OR I hold it)``), so two reviewers racing for a case cannot both win on SQLite or
PostgreSQL, and a reviewer who walks away loses the case when ``lock_expires_at`` passes
without any clean-up job. Claiming a case one holds renews the lock.

Who may claim: a role the queue lists (admin: any), and never a person the case excludes (the
first reviewer of a double-reviewed case, the original decider of an appealed decision).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from veracity.access.roles import Role, allows
from veracity.review.config import ReviewConfig
from veracity.store.db import as_utc
from veracity.store.tables import CaseRow

OPEN = "open"
CANDIDATES = 25


class ReviewError(Exception):
    """A review action that cannot be done; ``status`` is the HTTP status to answer with."""

    status = 409


class CaseNotFound(ReviewError, LookupError):
    status = 404


class CaseNotOpen(ReviewError):
    """The case was decided or closed already."""


class CaseLocked(ReviewError):
    """Someone else holds a live lock on the case."""

    def __init__(self, holder: str, until: datetime | None) -> None:
        when = until.isoformat() if until else "?"
        super().__init__(f"case is claimed by {holder} until {when}")
        self.holder = holder
        self.until = until


class NotAllowed(ReviewError):
    """The caller's roles do not work this queue, or the case excludes them."""

    status = 403


@dataclass(frozen=True)
class Claim:
    case_id: str
    actor: str
    lock_expires_at: datetime


def excluded(row: CaseRow) -> list[str]:
    """People who may not review this case (kept in its data)."""
    data = row.data or {}
    value = data.get("excluded_reviewers", [])
    return [str(v) for v in value] if isinstance(value, list) else []


def may_work(config: ReviewConfig, roles: Iterable[Role], queue: str) -> bool:
    return allows(roles, config.queue(queue).role_set)


def workable_queues(config: ReviewConfig, roles: Iterable[Role]) -> list[str]:
    held = list(roles)
    return [name for name in config.queues if may_work(config, held, name)]


def check_may_review(config: ReviewConfig, row: CaseRow, actor: str, roles: Iterable[Role]) -> None:
    """Raise NotAllowed unless ``actor`` with ``roles`` may claim or decide ``row``."""
    held = list(roles)
    if not may_work(config, held, row.queue):
        needed = ", ".join(config.queue(row.queue).roles)
        raise NotAllowed(f"queue {row.queue!r} is worked by: {needed} (or admin)")
    if actor in excluded(row):
        raise NotAllowed(
            "you took part in the decision under review; another person must review this case"
        )


def lock_is_live(row: CaseRow, now: datetime) -> bool:
    until = as_utc(row.lock_expires_at)
    return row.assigned_to is not None and until is not None and until > now


def _unlocked(now: datetime) -> Any:
    """SQL: nobody holds a live lock on the case."""
    return or_(
        CaseRow.assigned_to.is_(None),
        CaseRow.lock_expires_at.is_(None),
        CaseRow.lock_expires_at <= now,
    )


def _free_or_mine(actor: str, now: datetime) -> Any:
    return or_(_unlocked(now), CaseRow.assigned_to == actor)


def claim(
    session: Session,
    config: ReviewConfig,
    case_id: str,
    actor: str,
    roles: Iterable[Role],
    now: datetime,
) -> Claim:
    """Take (or renew) the lock on one case for ``config.lock_minutes``."""
    row = session.get(CaseRow, case_id)
    if row is None:
        raise CaseNotFound(f"no case {case_id!r}")
    check_may_review(config, row, actor, roles)
    until = now + timedelta(minutes=config.lock_minutes)
    result: Any = session.execute(
        update(CaseRow)
        .where(CaseRow.id == case_id, CaseRow.status == OPEN, _free_or_mine(actor, now))
        .values(assigned_to=actor, lock_expires_at=until, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(result.rowcount) == 1:
        session.expire(row)
        return Claim(case_id, actor, until)
    session.refresh(row)
    if row.status != OPEN:
        raise CaseNotOpen(f"case {case_id} is {row.status}")
    raise CaseLocked(row.assigned_to or "?", as_utc(row.lock_expires_at))


def release(session: Session, case_id: str, actor: str) -> bool:
    """Give a case back before the lock lapses; only its holder can."""
    result: Any = session.execute(
        update(CaseRow)
        .where(CaseRow.id == case_id, CaseRow.assigned_to == actor)
        .values(assigned_to=None, lock_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1


@dataclass(frozen=True)
class QueueFilter:
    queue: str | None = None
    policy_area: str | None = None
    language: str | None = None
    region: str | None = None

    def conditions(self) -> list[Any]:
        out = []
        if self.queue:
            out.append(CaseRow.queue == self.queue)
        if self.policy_area:
            out.append(CaseRow.policy_area == self.policy_area)
        if self.language:
            out.append(CaseRow.language == self.language)
        if self.region:
            out.append(CaseRow.region == self.region)
        return out


def held_case(session: Session, actor: str, now: datetime, where: QueueFilter) -> str | None:
    """An open case ``actor`` holds a live lock on, if any (they finish it first)."""
    return session.scalar(
        select(CaseRow.id)
        .where(
            CaseRow.assigned_to == actor,
            CaseRow.status == OPEN,
            CaseRow.lock_expires_at > now,
            *where.conditions(),
        )
        .order_by(CaseRow.priority.desc())
        .limit(1)
    )


def claim_next(
    session: Session,
    config: ReviewConfig,
    actor: str,
    roles: Iterable[Role],
    now: datetime,
    where: QueueFilter | None = None,
) -> Claim | None:
    """Claim the highest-priority free case the caller may work (their own held case first).

    On PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED``, so concurrent reviewers
    pulling from one queue are handed different cases instead of all fighting for the top one.
    """
    where = where or QueueFilter()
    held = list(roles)
    mine = held_case(session, actor, now, where)
    if mine is not None:
        return claim(session, config, mine, actor, held, now)
    queues = workable_queues(config, held)
    if where.queue:
        queues = [q for q in queues if q == where.queue] or (
            [where.queue] if may_work(config, held, where.queue) else []
        )
    if not queues:
        return None
    stmt = (
        select(CaseRow)
        .where(
            CaseRow.status == OPEN,
            CaseRow.queue.in_(queues),
            _unlocked(now),
            *where.conditions(),
        )
        .order_by(CaseRow.priority.desc(), CaseRow.created_at, CaseRow.id)
        .limit(CANDIDATES)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    for row in session.scalars(stmt).all():
        if actor in excluded(row):
            continue
        try:
            return claim(session, config, row.id, actor, held, now)
        except (CaseLocked, CaseNotOpen):
            continue
    return None
