"""The fact-check store over the ``fact_checks`` table: versioned upserts, retraction, queries.

A re-import of an unchanged review changes nothing; a changed one is updated in place with its
``version`` bumped and ``updated_at`` set, so detectors and re-labelling can follow changes by
``updated_at``. A retracted review stays on record (status ``retracted``) but stops labelling.
Functions take the caller's session and never commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from veracity.detect.misinfo.factchecks.model import FactCheck, FactCheckIn, FactCheckStatus
from veracity.detect.misinfo.factchecks.ratings import Rating
from veracity.store.db import as_utc
from veracity.store.tables import FactCheckRow

MAX_LIST = 1000


class UpsertStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"  # an explicit version older than the stored one; ignored


@dataclass(frozen=True)
class UpsertOutcome:
    id: str
    status: UpsertStatus
    fact_check: FactCheck

    @property
    def changed(self) -> bool:
        return self.status in (UpsertStatus.CREATED, UpsertStatus.UPDATED)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "version": self.fact_check.version,
            "rating": self.fact_check.rating.value,
            "fact_check_status": self.fact_check.status.value,
        }


class VersionConflictError(ValueError):
    """The same explicit version was sent again with different content."""


def _fields(item: FactCheckIn) -> dict[str, Any]:
    """Column values (and the ``data`` document) a record stores, version and times aside."""
    return {
        "claim_text": item.claim_text,
        "rating": item.normalised_rating().value,
        "original_rating": item.original_rating(),
        "language": item.language,
        "publisher": item.publisher,
        "url": item.url,
        "claim_date": item.claim_date,
        "review_date": item.review_date,
        "status": item.status.value,
        "source": item.source,
        "data": {
            "title": item.title,
            "harmful": item.harmful,
            "metadata": item.metadata,
        },
    }


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__}")


def _content_hash(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, default=_json_default)
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_fact_check(row: FactCheckRow) -> FactCheck:
    data = row.data or {}
    return FactCheck(
        id=row.id,
        claim_text=row.claim_text,
        rating=Rating(row.rating),
        original_rating=row.original_rating,
        status=FactCheckStatus(row.status),
        version=int(row.version),
        title=str(data.get("title", "")),
        language=row.language,
        publisher=row.publisher,
        url=row.url,
        claim_date=as_utc(row.claim_date),
        review_date=as_utc(row.review_date),
        harmful=bool(data.get("harmful", False)),
        source=row.source,
        metadata=dict(data.get("metadata", {})),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def _locked_rows(session: Session, ids: Sequence[str]) -> dict[str, FactCheckRow]:
    if not ids:
        return {}
    stmt = select(FactCheckRow).where(FactCheckRow.id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return {row.id: row for row in session.scalars(stmt)}


def upsert_fact_checks(
    session: Session, items: Sequence[FactCheckIn], now: datetime
) -> list[UpsertOutcome]:
    """Insert new fact-checks and update changed ones; one outcome per item, in order.

    Items are applied in order, so a later copy of an id in the same batch updates the earlier
    one. Raises VersionConflictError when an explicit version is re-sent with other content.
    """
    ids = list(dict.fromkeys(item.fact_check_id() for item in items))
    rows = _locked_rows(session, ids)
    outcomes: list[UpsertOutcome] = []
    for item in items:
        fc_id = item.fact_check_id()
        fields = _fields(item)
        digest = _content_hash(fields)
        row = rows.get(fc_id)
        if row is None:
            row = FactCheckRow(
                id=fc_id,
                version=item.version or 1,
                created_at=now,
                updated_at=now,
                **{**fields, "data": {**fields["data"], "content_hash": digest}},
            )
            session.add(row)
            rows[fc_id] = row
            outcomes.append(UpsertOutcome(fc_id, UpsertStatus.CREATED, to_fact_check(row)))
            continue
        same = (row.data or {}).get("content_hash") == digest
        if item.version is not None and item.version <= row.version:
            if item.version == row.version and not same:
                raise VersionConflictError(
                    f"fact-check {fc_id!r} version {item.version} is already stored with "
                    "different content; send a higher version"
                )
            status = UpsertStatus.UNCHANGED if same else UpsertStatus.STALE
            outcomes.append(UpsertOutcome(fc_id, status, to_fact_check(row)))
            continue
        if same and item.version is None:
            outcomes.append(UpsertOutcome(fc_id, UpsertStatus.UNCHANGED, to_fact_check(row)))
            continue
        for name, value in fields.items():
            setattr(row, name, value)
        row.data = {**fields["data"], "content_hash": digest}
        row.version = item.version or row.version + 1
        row.updated_at = now
        outcomes.append(UpsertOutcome(fc_id, UpsertStatus.UPDATED, to_fact_check(row)))
    session.flush()
    return outcomes


def retract_fact_check(
    session: Session, fc_id: str, now: datetime, reason: str | None = None
) -> UpsertOutcome | None:
    """Mark a fact-check retracted (a new version); None when there is no such id."""
    row = _locked_rows(session, [fc_id]).get(fc_id)
    if row is None:
        return None
    if row.status == FactCheckStatus.RETRACTED.value:
        return UpsertOutcome(fc_id, UpsertStatus.UNCHANGED, to_fact_check(row))
    data = dict(row.data or {})
    data.pop("content_hash", None)  # a re-import of the old review must count as a change
    if reason:
        data["retraction_reason"] = reason
    row.status = FactCheckStatus.RETRACTED.value
    row.data = data
    row.version += 1
    row.updated_at = now
    session.flush()
    return UpsertOutcome(fc_id, UpsertStatus.UPDATED, to_fact_check(row))


def get_fact_check(session: Session, fc_id: str) -> FactCheck | None:
    row = session.get(FactCheckRow, fc_id)
    return to_fact_check(row) if row is not None else None


def get_fact_checks(session: Session, ids: Sequence[str]) -> dict[str, FactCheck]:
    if not ids:
        return {}
    rows = session.scalars(select(FactCheckRow).where(FactCheckRow.id.in_(list(ids))))
    return {row.id: to_fact_check(row) for row in rows}


def list_fact_checks(
    session: Session,
    *,
    rating: Rating | None = None,
    status: FactCheckStatus | None = None,
    after_id: str | None = None,
    limit: int = 100,
) -> list[FactCheck]:
    """A page ordered by id; pass the last id back as ``after_id`` for the next page."""
    if not 1 <= limit <= MAX_LIST:
        raise ValueError(f"limit must be between 1 and {MAX_LIST}, got {limit}")
    stmt = select(FactCheckRow).order_by(FactCheckRow.id).limit(limit)
    if rating is not None:
        stmt = stmt.where(FactCheckRow.rating == rating.value)
    if status is not None:
        stmt = stmt.where(FactCheckRow.status == status.value)
    if after_id is not None:
        stmt = stmt.where(FactCheckRow.id > after_id)
    return [to_fact_check(row) for row in session.scalars(stmt)]


def changed_since(
    session: Session, since: datetime | None, batch_size: int = 5000
) -> Iterator[FactCheck]:
    """Every fact-check updated at or after ``since`` (all when None), oldest change first."""
    stmt = select(FactCheckRow).order_by(FactCheckRow.updated_at, FactCheckRow.id)
    if since is not None:
        stmt = stmt.where(FactCheckRow.updated_at >= since)
    for row in session.scalars(stmt.execution_options(yield_per=batch_size)):
        yield to_fact_check(row)


def fingerprint(session: Session) -> tuple[int, datetime | None]:
    """Changes whenever a fact-check is added, updated or retracted (for cheap polling)."""
    count, latest = session.execute(
        select(func.count(FactCheckRow.id), func.max(FactCheckRow.updated_at))
    ).one()
    return int(count), as_utc(latest)
