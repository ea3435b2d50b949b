"""Matching banks in the ``bank_entries`` table.

A bank is a named set of entries, keyed by ``(bank, entry_id)``:

* ``text`` -- known texts for ``text_match`` (fact-checked false claims, known spam, ...);
* ``domains:<list>`` -- domains of one named list for ``url_reputation`` ("misinfo", "spam",
  "malware", "shortener", ...);
* ``phrases:<category>`` -- phrases, hashtags and keywords of one category for ``phrase_match``;
* ``pdq:<name>`` -- PDQ hashes (64 hex digits) of known images and video frames for
  ``media_match`` (see ``veracity.detect.misinfo.media``).

Entries are never deleted: ``disable_entry`` switches one off, and detectors load enabled
entries only. Adding is idempotent: an entry whose ``(bank, entry_id)`` exists is left exactly
as it is (even if disabled, or if the new value differs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from veracity.store.db import as_utc, utcnow
from veracity.store.tables import BankEntryRow

TEXT_BANK = "text"
DOMAINS_PREFIX = "domains:"
PHRASES_PREFIX = "phrases:"
PDQ_PREFIX = "pdq:"

_SUFFIX = r"[a-z0-9][a-z0-9_.\-]{0,47}"
BANK_NAME_RE = re.compile(rf"^(?:text|domains:{_SUFFIX}|phrases:{_SUFFIX}|pdq:{_SUFFIX})$")
_INSERT_CHUNK = 500


class InvalidBankError(ValueError):
    pass


@dataclass(frozen=True)
class BankEntry:
    entry_id: str
    value: str
    label: str | None = None
    data: dict[str, Any] = field(default_factory=dict, hash=False)
    enabled: bool = True
    added_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "value": self.value,
            "label": self.label,
            "data": self.data,
            "enabled": self.enabled,
            "added_at": self.added_at.isoformat() if self.added_at else None,
        }


def check_bank_name(bank: str) -> str:
    """``bank`` if it is ``text``, ``domains:<list>``, ``phrases:<category>`` or ``pdq:<name>``;
    else raise."""
    if not BANK_NAME_RE.match(bank):
        raise InvalidBankError(
            f"unknown bank {bank!r}: use 'text', 'domains:<list>', 'phrases:<category>' or "
            "'pdq:<name>' with a lowercase name of at most 48 characters [a-z0-9_.-]"
        )
    return bank


def _entry(row: BankEntryRow) -> BankEntry:
    return BankEntry(
        entry_id=row.entry_id,
        value=row.value,
        label=row.label,
        data=dict(row.data or {}),
        enabled=bool(row.enabled),
        added_at=as_utc(row.added_at),
    )


def add_entries(session: Session, bank: str, entries: Iterable[BankEntry]) -> int:
    """Insert the entries whose ``(bank, entry_id)`` is new; return how many were new.

    Existing entries (and later duplicates of an id within ``entries``) change nothing. Safe
    against a concurrent writer adding the same ids: the insert skips conflicts.
    """
    check_bank_name(bank)
    unique: dict[str, BankEntry] = {}
    for entry in entries:
        unique.setdefault(entry.entry_id, entry)
    if not unique:
        return 0
    dialect = session.get_bind().dialect.name
    now = utcnow()
    added = 0
    items = list(unique.values())
    for start in range(0, len(items), _INSERT_CHUNK):
        chunk = items[start : start + _INSERT_CHUNK]
        existing = set(
            session.scalars(
                select(BankEntryRow.entry_id).where(
                    BankEntryRow.bank == bank,
                    BankEntryRow.entry_id.in_([e.entry_id for e in chunk]),
                )
            )
        )
        rows = [
            {
                "bank": bank,
                "entry_id": e.entry_id,
                "value": e.value,
                "label": e.label,
                "enabled": True,
                "data": dict(e.data or {}),
                "added_at": now,
            }
            for e in chunk
            if e.entry_id not in existing
        ]
        if not rows:
            continue
        if dialect in ("sqlite", "postgresql"):
            insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
            stmt = (
                insert(BankEntryRow)
                .on_conflict_do_nothing(index_elements=["bank", "entry_id"])
                .returning(BankEntryRow.entry_id)
            )
            added += len(session.execute(stmt, rows).all())
        else:  # pragma: no cover - other dialects are not supported targets
            session.add_all(BankEntryRow(**row) for row in rows)
            added += len(rows)
    session.flush()
    return added


def set_enabled(session: Session, bank: str, entry_id: str, enabled: bool) -> bool:
    """Switch one entry on or off; False when there is no such entry."""
    result = session.execute(
        update(BankEntryRow)
        .where(BankEntryRow.bank == bank, BankEntryRow.entry_id == entry_id)
        .values(enabled=enabled)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def disable_entry(session: Session, bank: str, entry_id: str) -> bool:
    """Disable one entry (kept for the record); False when there is no such entry."""
    return set_enabled(session, bank, entry_id, False)


def load_entries(session: Session, bank: str) -> list[BankEntry]:
    """The enabled entries of one bank, in the order they were added."""
    rows = session.scalars(
        select(BankEntryRow)
        .where(BankEntryRow.bank == bank, BankEntryRow.enabled.is_(True))
        .order_by(BankEntryRow.id)
    )
    return [_entry(r) for r in rows]


def load_all_enabled(session: Session) -> dict[str, list[BankEntry]]:
    """Every bank's enabled entries in one query: bank name -> entries in insertion order."""
    out: dict[str, list[BankEntry]] = {}
    rows = session.scalars(
        select(BankEntryRow).where(BankEntryRow.enabled.is_(True)).order_by(BankEntryRow.id)
    )
    for row in rows:
        out.setdefault(row.bank, []).append(_entry(row))
    return out


def list_entries(
    session: Session,
    bank: str,
    *,
    include_disabled: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[BankEntry], int]:
    """One page of a bank's entries (insertion order) and the total the filter selects."""
    where = [BankEntryRow.bank == bank]
    if not include_disabled:
        where.append(BankEntryRow.enabled.is_(True))
    total = session.scalar(select(func.count()).select_from(BankEntryRow).where(*where)) or 0
    rows = session.scalars(
        select(BankEntryRow).where(*where).order_by(BankEntryRow.id).limit(limit).offset(offset)
    )
    return [_entry(r) for r in rows], int(total)


def bank_counts(session: Session) -> list[tuple[str, int, int]]:
    """(bank, enabled entries, disabled entries) for every bank, by name."""
    rows = session.execute(
        select(BankEntryRow.bank, BankEntryRow.enabled, func.count())
        .group_by(BankEntryRow.bank, BankEntryRow.enabled)
        .order_by(BankEntryRow.bank)
    ).all()
    counts: dict[str, list[int]] = {}
    for bank, enabled, count in rows:
        pair = counts.setdefault(bank, [0, 0])
        pair[0 if enabled else 1] += int(count)
    return [(bank, c[0], c[1]) for bank, c in sorted(counts.items())]
