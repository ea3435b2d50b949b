"""Fill matching banks from JSONL files: rated claims, domain lists and phrase lists.

The simulator writes these files beside its data; a platform can write the same from its own
fact-check feed and lists. Bad lines are reported with their numbers, like any bulk import.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from veracity.detect.banks import DOMAINS_PREFIX, PHRASES_PREFIX, TEXT_BANK, BankEntry, add_entries
from veracity.domain.limits import Identifier, LongText, ShortText
from veracity.ingest.bulk import ImportReport, parse_lines, read_lines
from veracity.store.db import Database

LIST_NAME = r"^[a-z0-9][a-z0-9_.\-]{0,47}$"


class ClaimLine(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: Identifier
    text: LongText = Field(min_length=1)
    rating: ShortText


class DomainLine(BaseModel):
    model_config = ConfigDict(extra="allow")
    domain: ShortText = Field(min_length=1)
    list: str = Field(pattern=LIST_NAME)


class PhraseLine(BaseModel):
    model_config = ConfigDict(extra="allow")
    phrase: ShortText = Field(min_length=1)
    category: str = Field(pattern=LIST_NAME)


BANK_FILES: dict[str, type[BaseModel]] = {
    "claims": ClaimLine,
    "domains": DomainLine,
    "phrases": PhraseLine,
}


def _stable_id(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def _to_entry(record: BaseModel) -> tuple[str, BankEntry]:
    extra: dict[str, Any] = dict(record.model_extra or {})
    if isinstance(record, ClaimLine):
        return TEXT_BANK, BankEntry(record.id, record.text, record.rating, extra)
    if isinstance(record, DomainLine):
        domain = record.domain.strip().lower()
        return DOMAINS_PREFIX + record.list, BankEntry(_stable_id(domain), domain, record.list)
    assert isinstance(record, PhraseLine)
    phrase = record.phrase.strip()
    return PHRASES_PREFIX + record.category, BankEntry(
        _stable_id(phrase.casefold()), phrase, record.category
    )


def import_bank_file(db: Database, path: Path, kind: str) -> ImportReport:
    """Import one file of ``kind`` claims|domains|phrases; returns per-line errors."""
    report = ImportReport(file=str(path), kind=kind)
    by_bank: dict[str, list[BankEntry]] = defaultdict(list)
    for record in parse_lines(read_lines(path), BANK_FILES[kind], report):
        bank, entry = _to_entry(record)
        by_bank[bank].append(entry)
    total = sum(len(v) for v in by_bank.values())
    with db.transaction() as session:
        added = sum(add_entries(session, bank, entries) for bank, entries in by_bank.items())
    report.accepted = added
    report.duplicates = total - added
    return report


def import_bank_dir(db: Database, directory: Path) -> list[ImportReport]:
    """Import whichever of claims.jsonl, domains.jsonl, phrases.jsonl the folder holds."""
    return [
        import_bank_file(db, directory / f"{kind}.jsonl", kind)
        for kind in BANK_FILES
        if (directory / f"{kind}.jsonl").is_file()
    ]
