"""The trusted-flagger registry (DSA Art. 22).

A Digital Services Coordinator awards the status to an entity for its areas of expertise; the
registry records the entity, its areas (STATEMENT_CATEGORY_* values) and the awarding Member
State. Only an active flagger acting within one of its areas gets priority (Art. 22(1));
revoked entries stay, so past notices still name who sent them. Per-flagger outcome counts are
what the platform needs to tell the coordinator about imprecise notices (Art. 22(6)).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from veracity.compliance.transparency_schema import EEA_COUNTRIES
from veracity.reports.model import category_code, check_flagger_id
from veracity.store.db import as_utc, utcnow
from veracity.store.tables import ReportRow, TrustedFlaggerRow
from veracity.store.upsert import insert_ignore

MAX_NAME_CHARS = 200
MAX_REASON_CHARS = 500


class FlaggerStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class FlaggerError(ValueError):
    """A request the registry refuses: the message says why, ``field`` names the input."""

    def __init__(self, message: str, field: str = "id") -> None:
        super().__init__(message)
        self.field = field


class FlaggerNotFound(FlaggerError, LookupError):
    pass


class FlaggerExists(FlaggerError):
    pass


@dataclass(frozen=True)
class Flagger:
    id: str
    name: str
    areas: list[str]
    member_state: str | None
    status: FlaggerStatus
    created_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    outcomes: dict[str, int] = field(default_factory=dict)
    notices: int = 0

    @property
    def active(self) -> bool:
        return self.status is FlaggerStatus.ACTIVE

    def covers(self, category: str) -> bool:
        """Whether a notice in ``category`` is within the flagger's designated expertise."""
        return self.active and category in self.areas

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "areas": self.areas,
            "member_state": self.member_state,
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "revoke_reason": self.revoke_reason,
            "notices": self.notices,
            "outcomes": self.outcomes,
        }

    @classmethod
    def of(cls, row: TrustedFlaggerRow) -> Flagger:
        created = as_utc(row.created_at)
        assert created is not None
        return cls(
            id=row.id,
            name=row.name,
            areas=list(row.areas),
            member_state=row.member_state,
            status=FlaggerStatus(row.status),
            created_at=created,
            revoked_at=as_utc(row.revoked_at),
            revoke_reason=row.revoke_reason,
        )


def _areas(values: Iterable[str]) -> list[str]:
    codes: set[str] = set()
    for value in values:
        for part in value.split(","):
            if part.strip():
                try:
                    codes.add(category_code(part))
                except ValueError as exc:
                    raise FlaggerError(f"area {part.strip()!r}: {exc}", "areas") from None
    if not codes:
        raise FlaggerError("a trusted flagger needs at least one area of expertise", "areas")
    return sorted(codes)


def _member_state(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    code = "GR" if code == "EL" else code
    if code not in EEA_COUNTRIES:
        raise FlaggerError(
            f"member state {value!r} is not an EU/EEA ISO 3166 alpha-2 code "
            f"({' '.join(EEA_COUNTRIES)})",
            "member_state",
        )
    return code


def add_flagger(
    session: Session,
    flagger_id: str,
    name: str,
    areas: Iterable[str],
    member_state: str | None = None,
    now: datetime | None = None,
) -> Flagger:
    """Register an entity; an id that exists (active or revoked) is refused, never reused."""
    try:
        fid = check_flagger_id(flagger_id)
    except ValueError as exc:
        raise FlaggerError(str(exc)) from None
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME_CHARS:
        raise FlaggerError(f"name must be 1-{MAX_NAME_CHARS} characters", "name")
    row = {
        "id": fid,
        "name": clean,
        "areas": _areas(areas),
        "member_state": _member_state(member_state),
        "status": FlaggerStatus.ACTIVE.value,
        "created_at": now or utcnow(),
        "revoked_at": None,
        "revoke_reason": None,
    }
    if not insert_ignore(session, TrustedFlaggerRow, [row], "id"):
        raise FlaggerExists(f"trusted flagger {fid!r} exists already (ids are never reused)")
    found = session.get(TrustedFlaggerRow, fid)
    assert found is not None
    return Flagger.of(found)


def revoke_flagger(
    session: Session, flagger_id: str, reason: str, now: datetime | None = None
) -> tuple[Flagger, bool]:
    """Revoke the status; returns the flagger and whether anything changed."""
    clean = reason.strip()
    if not clean or len(clean) > MAX_REASON_CHARS:
        raise FlaggerError(
            f"a revocation needs a reason of 1-{MAX_REASON_CHARS} characters", "reason"
        )
    row = session.get(TrustedFlaggerRow, flagger_id, with_for_update=True)
    if row is None:
        raise FlaggerNotFound(f"no trusted flagger {flagger_id!r}")
    if row.status == FlaggerStatus.REVOKED.value:
        return Flagger.of(row), False
    row.status = FlaggerStatus.REVOKED.value
    row.revoked_at = now or utcnow()
    row.revoke_reason = clean
    session.flush()
    return Flagger.of(row), True


def get_flagger(session: Session, flagger_id: str) -> Flagger | None:
    row = session.get(TrustedFlaggerRow, flagger_id)
    return Flagger.of(row) if row is not None else None


def list_flaggers(session: Session, include_revoked: bool = True) -> list[Flagger]:
    """Every flagger with its notice count and outcomes by kind (for precision tracking)."""
    stmt = select(TrustedFlaggerRow).order_by(TrustedFlaggerRow.id)
    if not include_revoked:
        stmt = stmt.where(TrustedFlaggerRow.status == FlaggerStatus.ACTIVE.value)
    rows = list(session.scalars(stmt))
    counts: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    tally = session.execute(
        select(ReportRow.flagger_id, ReportRow.outcome, func.count())
        .where(ReportRow.flagger_id.is_not(None))
        .group_by(ReportRow.flagger_id, ReportRow.outcome)
    )
    for fid, outcome, n in tally.all():
        key = str(fid)
        totals[key] = totals.get(key, 0) + int(n)
        if outcome is not None:
            counts.setdefault(key, {})[str(outcome)] = int(n)
    out = []
    for row in rows:
        flagger = Flagger.of(row)
        out.append(replace(flagger, outcomes=counts.get(row.id, {}), notices=totals.get(row.id, 0)))
    return out
