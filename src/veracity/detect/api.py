"""HTTP API for the matching banks: list banks, page through entries, add entries in batches,
disable an entry. Every endpoint needs the policy_admin role (or admin).

Bank names are ``text``, ``domains:<list>``, ``phrases:<category>`` or ``pdq:<name>``. Values
are checked against what the bank's detector can use (a host name for ``domains:``, at least one
word for ``phrases:`` and ``text``, 64 hex digits for ``pdq:``), so an entry that could never
match is refused with 422 rather than stored. Adding is idempotent per ``(bank, entry_id)``.

Detectors read banks when they are built; after a change the API calls
``app.state.on_banks_changed(bank)`` when the application set one, so it can rebuild them.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from veracity.access.roles import BANKS
from veracity.detect import banks as bank_store
from veracity.detect.banks import (
    DOMAINS_PREFIX,
    PDQ_PREFIX,
    PHRASES_PREFIX,
    BankEntry,
    InvalidBankError,
    check_bank_name,
)
from veracity.detect.hosts import host_of_entry
from veracity.detect.phrase_match import phrase_key
from veracity.detect.textnorm import normalise_for_match
from veracity.domain.limits import MAX_TEXT_CHARS, Identifier, Metadata
from veracity.store.db import Database
from veracity.web.auth import require_roles

MAX_ENTRIES_PER_REQUEST = 1000
MAX_PAGE = 1000
MAX_LABEL_CHARS = 128
PDQ_HEX_RE = re.compile(r"^[0-9a-f]{64}$")

router = APIRouter(prefix="/v1/banks", tags=["banks"], dependencies=[Depends(require_roles(BANKS))])

BankName = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        description="text, domains:<list>, phrases:<category> or pdq:<name>",
    ),
]
EntryId = Annotated[str, Path(min_length=1, max_length=128)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BankEntryIn(_Strict):
    entry_id: Identifier
    value: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    label: str | None = Field(default=None, max_length=MAX_LABEL_CHARS)
    data: Metadata = Field(default_factory=dict)


class BankEntriesIn(_Strict):
    entries: list[BankEntryIn] = Field(min_length=1, max_length=MAX_ENTRIES_PER_REQUEST)


class BankEntryOut(_Strict):
    entry_id: str
    value: str
    label: str | None
    data: dict[str, Any]
    enabled: bool
    added_at: datetime | None


class BankEntriesPage(_Strict):
    bank: str
    total: int
    limit: int
    offset: int
    entries: list[BankEntryOut]


class BankSummary(_Strict):
    bank: str
    entries: int = Field(description="enabled entries")
    disabled: int


class BankList(_Strict):
    banks: list[BankSummary]


class AddResult(_Strict):
    bank: str
    received: int
    added: int = Field(description="entries that were new; existing ids are left unchanged")


class DisableResult(_Strict):
    bank: str
    entry_id: str
    enabled: bool


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _bank(bank: str) -> str:
    try:
        return check_bank_name(bank)
    except InvalidBankError as exc:
        raise HTTPException(422, str(exc)) from exc


def _unusable(bank: str, value: str) -> str | None:
    """Why ``value`` cannot be an entry of ``bank``; None when it can."""
    if bank.startswith(DOMAINS_PREFIX):
        return None if host_of_entry(value) else "not a host name, IP address or URL"
    if bank.startswith(PHRASES_PREFIX):
        return None if phrase_key(value) else "has no word to match"
    if bank.startswith(PDQ_PREFIX):
        return None if PDQ_HEX_RE.match(value) else "not a PDQ hash (64 lowercase hex digits)"
    return None if normalise_for_match(value) else "has no word to match"


def _changed(request: Request, bank: str) -> None:
    hook = getattr(request.app.state, "on_banks_changed", None)
    if callable(hook):
        hook(bank)


def _out(entry: BankEntry) -> BankEntryOut:
    return BankEntryOut(
        entry_id=entry.entry_id,
        value=entry.value,
        label=entry.label,
        data=entry.data,
        enabled=entry.enabled,
        added_at=entry.added_at,
    )


@router.get("", response_model=BankList, summary="Banks with their entry counts")
def list_banks(request: Request) -> BankList:
    with _db(request).transaction() as session:
        counts = bank_store.bank_counts(session)
    return BankList(banks=[BankSummary(bank=b, entries=e, disabled=d) for b, e, d in counts])


@router.get("/{bank}/entries", response_model=BankEntriesPage, summary="One page of a bank")
def get_entries(
    request: Request,
    bank: BankName,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    include_disabled: bool = False,
) -> BankEntriesPage:
    bank = _bank(bank)
    with _db(request).transaction() as session:
        entries, total = bank_store.list_entries(
            session, bank, include_disabled=include_disabled, limit=limit, offset=offset
        )
    return BankEntriesPage(
        bank=bank, total=total, limit=limit, offset=offset, entries=[_out(e) for e in entries]
    )


@router.post("/{bank}/entries", response_model=AddResult, summary="Add entries (idempotent)")
def add_entries(request: Request, bank: BankName, body: BankEntriesIn) -> AddResult:
    bank = _bank(bank)
    problems = [
        {"entry_id": e.entry_id, "error": why}
        for e in body.entries
        if (why := _unusable(bank, e.value)) is not None
    ]
    if problems:
        raise HTTPException(422, {"invalid_entries": problems[:50]})
    entries = [
        BankEntry(entry_id=e.entry_id, value=e.value, label=e.label, data=e.data)
        for e in body.entries
    ]
    with _db(request).transaction() as session:
        added = bank_store.add_entries(session, bank, entries)
    if added:
        _changed(request, bank)
    return AddResult(bank=bank, received=len(entries), added=added)


@router.delete(
    "/{bank}/entries/{entry_id}", response_model=DisableResult, summary="Disable an entry"
)
def disable_entry(request: Request, bank: BankName, entry_id: EntryId) -> DisableResult:
    bank = _bank(bank)
    with _db(request).transaction() as session:
        found = bank_store.disable_entry(session, bank, entry_id)
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no entry {entry_id!r} in bank {bank!r}")
    _changed(request, bank)
    return DisableResult(bank=bank, entry_id=entry_id, enabled=False)
