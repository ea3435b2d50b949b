"""Fact-check files into the store: ClaimReview JSON(-LD), CSV and JSONL.

Like the bulk importer, a bad record is reported with its position (line, or JSON path) and the
rest of the file goes in; records are stored in batches, each batch one transaction.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from veracity.detect.misinfo.factchecks.claimreview import Parsed, documents_in_html, walk
from veracity.detect.misinfo.factchecks.model import FactCheckIn
from veracity.detect.misinfo.factchecks.store import (
    UpsertOutcome,
    UpsertStatus,
    VersionConflictError,
    upsert_fact_checks,
)
from veracity.ingest.bulk import ImportReport, describe_validation_error, read_lines
from veracity.store.db import Database, utcnow

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
BATCH_SIZE = 500
# Column names and JSONL keys people actually use, mapped to FactCheckIn fields.
FIELD_ALIASES = {
    "claim": "claim_text",
    "claimreviewed": "claim_text",
    "text": "claim_text",
    "textualrating": "rating",
    "verdict": "rating",
    "ratingvalue": "rating_value",
    "bestrating": "best_rating",
    "worstrating": "worst_rating",
    "languagecode": "language",
    "inlanguage": "language",
    "claimdate": "claim_date",
    "reviewdate": "review_date",
    "datepublished": "review_date",
    "author": "publisher",
    "headline": "title",
    "date": "review_date",
}
CSV_FIELDS = set(FactCheckIn.model_fields) - {"metadata"}


class FactCheckFormat(StrEnum):
    CLAIMREVIEW = "claimreview"
    CSV = "csv"
    JSONL = "jsonl"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (unknown format, bad CSV header, too large)."""


@dataclass
class FactCheckImportReport(ImportReport):
    """The bulk importer's report, plus what happened to the records that went in."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    changed_ids: list[str] = field(default_factory=list)

    def count(self, outcomes: Iterable[UpsertOutcome]) -> None:
        for outcome in outcomes:
            if outcome.status is UpsertStatus.CREATED:
                self.created += 1
            elif outcome.status is UpsertStatus.UPDATED:
                self.updated += 1
            elif outcome.status is UpsertStatus.STALE:
                self.stale += 1
            else:
                self.unchanged += 1
            if outcome.changed:
                self.changed_ids.append(outcome.id)
        self.accepted = self.created + self.updated
        self.duplicates = self.unchanged + self.stale

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update(
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            stale=self.stale,
        )
        return out


def format_for(path: Path, fmt: str | None) -> FactCheckFormat:
    """The format given, or guessed from the extension (.csv, .jsonl/.ndjson, else ClaimReview)."""
    if fmt:
        try:
            return FactCheckFormat(fmt)
        except ValueError:
            choices = ", ".join(f.value for f in FactCheckFormat)
            raise ImportFileError(f"unknown format {fmt!r}; use one of {choices}") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return FactCheckFormat.CSV
    if suffix in (".jsonl", ".ndjson"):
        return FactCheckFormat.JSONL
    return FactCheckFormat.CLAIMREVIEW


# -- records out of each format, numbered for the report -------------------------------------

Numbered = tuple[int, str, FactCheckIn | None, str | None]  # (number, where, record, error)


def _from_parsed(number: int, parsed: Parsed) -> Numbered:
    return number, parsed.path, parsed.record, parsed.error


def claimreview_records(raw: bytes) -> Iterator[Numbered]:
    """A JSON document, a JSON Lines file of documents, or an HTML page with JSON-LD."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"invalid UTF-8 at byte {exc.start}") from None
    number = 0
    if text.lstrip().startswith("<"):
        for label, document in documents_in_html(text):
            if isinstance(document, json.JSONDecodeError):
                number += 1
                yield number, label, None, f"malformed JSON-LD: {document.msg}"
                continue
            for parsed in walk(document, label):
                number += 1
                yield _from_parsed(number, parsed)
        return
    try:
        documents: list[tuple[str, Any]] = [("$", json.loads(text))]
    except json.JSONDecodeError as whole:
        if whole.msg != "Extra data":
            raise ImportFileError(
                f"malformed JSON: {whole.msg} at line {whole.lineno} column {whole.colno}"
            ) from None
        documents = []
        for index, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append((f"line {index}", json.loads(line)))
            except json.JSONDecodeError as exc:
                documents.append((f"line {index}", exc))
    for label, document in documents:
        if isinstance(document, json.JSONDecodeError):
            number += 1
            yield number, label, None, f"malformed JSON: {document.msg}"
            continue
        found = False
        for parsed in walk(document, label):
            found = True
            number += 1
            yield _from_parsed(number, parsed)
        if not found:
            number += 1
            yield number, label, None, "no ClaimReview found (no @type ClaimReview, no claims[])"


def canonical_field(name: str) -> str:
    """A column or key name as the FactCheckIn field it means (``Claim`` -> ``claim_text``)."""
    return FIELD_ALIASES.get(name.lower().replace("_", "").replace(" ", ""), name)


def _canonical_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """Rename alias keys of a flat record; a key already spelt canonically wins."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        target = key if key in CSV_FIELDS or key == "metadata" else canonical_field(key)
        if target not in out or target == key:
            out[target] = value
    return out


def _flat_or_claimreview(obj: dict[str, Any], where: str) -> list[Parsed]:
    """A JSONL object: a flat fact-check, or a ClaimReview / Fact Check Tools object."""
    if "@type" in obj or "claimReviewed" in obj or "claimReview" in obj:
        wrapped = {"claims": [obj]} if "claimReview" in obj else obj
        return list(walk(wrapped, where)) or [Parsed(where, error="no ClaimReview found")]
    try:
        return [Parsed(where, record=FactCheckIn.model_validate(_canonical_keys(obj)))]
    except ValidationError as exc:
        return [Parsed(where, error=describe_validation_error(exc))]


def jsonl_records(path: Path) -> Iterator[Numbered]:
    for number, raw in enumerate(read_lines(path), start=1):
        where = f"line {number}"
        if isinstance(raw, int):
            yield number, where, None, f"line is {raw} bytes; too long"
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, where, None, f"invalid UTF-8 at byte {exc.start}"
            continue
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, where, None, f"malformed JSON: {exc.msg} at column {exc.colno}"
            continue
        if not isinstance(obj, dict):
            yield number, where, None, f"expected a JSON object, got {type(obj).__name__}"
            continue
        for parsed in _flat_or_claimreview(obj, where):
            yield number, parsed.path, parsed.record, parsed.error


def _csv_columns(header: Sequence[str]) -> list[str]:
    columns = []
    unknown = []
    for name in header:
        key = name.strip()
        key = canonical_field(key)
        if key.startswith("metadata.") or key in CSV_FIELDS:
            columns.append(key)
        else:
            unknown.append(name)
    if unknown:
        raise ImportFileError(
            f"unknown CSV column(s) {', '.join(map(repr, unknown))}; use "
            f"{', '.join(sorted(CSV_FIELDS))} or metadata.<key>"
        )
    if "claim_text" not in columns:
        raise ImportFileError("the CSV header has no claim_text (or claim) column")
    return columns


def csv_records(raw: bytes) -> Iterator[Numbered]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"invalid UTF-8 at byte {exc.start}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ImportFileError("the CSV file is empty")
    columns = _csv_columns(header)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield number, f"line {reader.line_num}", None, f"malformed CSV: {exc}"
            continue
        number += 1
        where = f"line {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            yield number, where, None, f"{len(row)} cells; the header has {len(columns)}"
            continue
        obj: dict[str, Any] = {"metadata": {}}
        for column, cell in zip(columns, row, strict=True):
            if cell == "":
                continue
            if column.startswith("metadata."):
                obj["metadata"][column.removeprefix("metadata.")] = cell
            else:
                obj[column] = cell
        try:
            yield number, where, FactCheckIn.model_validate(obj), None
        except ValidationError as exc:
            yield number, where, None, describe_validation_error(exc)


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise ImportFileError(f"{path} is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")
    return path.read_bytes()


def records_in(path: Path, fmt: FactCheckFormat) -> Iterator[Numbered]:
    if fmt is FactCheckFormat.CSV:
        return csv_records(_read_bytes(path))
    if fmt is FactCheckFormat.JSONL:
        return jsonl_records(path)
    return claimreview_records(_read_bytes(path))


# -- storing ---------------------------------------------------------------------------------


def store_records(
    db: Database,
    records: Iterable[Numbered],
    report: FactCheckImportReport,
    *,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[FactCheckImportReport], None] | None = None,
) -> FactCheckImportReport:
    """Upsert valid records in batches; every bad record goes in the report, none stops it."""
    batch: list[tuple[int, str, FactCheckIn]] = []

    def flush() -> None:
        if not batch:
            return
        stamp = now or utcnow()
        try:
            with db.transaction() as session:
                outcomes = upsert_fact_checks(session, [r for _, _, r in batch], stamp)
            report.count(outcomes)
        except VersionConflictError:
            # Find the offending record(s) one by one so the others still go in.
            for number, where, record in batch:
                try:
                    with db.transaction() as session:
                        report.count(upsert_fact_checks(session, [record], stamp))
                except VersionConflictError as exc:
                    report.add_error(number, f"{where}: {exc}")
        batch.clear()
        if on_batch:
            on_batch(report)

    for number, where, record, error in records:
        report.lines = max(report.lines, number)
        if record is None:
            report.add_error(number, f"{where}: {error}")
            continue
        batch.append((number, where, record))
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def import_fact_checks(
    db: Database,
    path: Path,
    fmt: str | None = None,
    *,
    now: datetime | None = None,
    on_batch: Callable[[FactCheckImportReport], None] | None = None,
) -> FactCheckImportReport:
    """``veracity factchecks import FILE [--format claimreview|csv|jsonl]``.

    Raises ImportFileError when the file as a whole is unreadable; per-record problems are in
    the report's ``errors`` with their line or JSON path.
    """
    chosen = format_for(path, fmt)
    report = FactCheckImportReport(file=str(path), kind=f"fact_checks:{chosen.value}")
    return store_records(db, records_in(path, chosen), report, now=now, on_batch=on_batch)
