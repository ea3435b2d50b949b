"""Turn one Kafka message into a record to ingest, or a reason to dead-letter it.

The checks are the bulk importer's (size, UTF-8, JSON depth, NUL, schema), applied to each
message as if it were one JSONL line, so both paths refuse the same input the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from veracity.ingest.bulk import KINDS, MAX_LINE_BYTES, ImportReport, parse_lines

KIND_HEADER = "kind"


@dataclass(frozen=True)
class Parsed:
    """A valid record and the ingest kind it goes to."""

    kind: str
    record: BaseModel


@dataclass(frozen=True)
class Rejected:
    """Why a message cannot be ingested; it goes to the dead-letter topic."""

    reason: str


Headers = dict[str, str | bytes | None] | list[tuple[str, str | bytes | None]] | None


def header_kind(headers: Headers, default: str) -> str | None:
    """The ``kind`` header's value (accounts|content|events|reports), else ``default``."""
    pairs = list(headers.items()) if isinstance(headers, dict) else headers or []
    for name, value in pairs:
        if name == KIND_HEADER:
            if isinstance(value, bytes):
                try:
                    return value.decode("utf-8")
                except UnicodeDecodeError:
                    return None
            return value
    return default


def parse_message(value: bytes | None, headers: Headers, default_kind: str) -> Parsed | Rejected:
    """Validate one message value; never raises on hostile input."""
    kind = header_kind(headers, default_kind)
    if kind not in KINDS:
        return Rejected(f"unknown kind header {kind!r}; expected one of {', '.join(KINDS)}")
    if value is None or not value.strip():
        return Rejected("empty message value")
    report = ImportReport(file="<kafka>", kind=kind)
    line: bytes | int = len(value) if len(value) > MAX_LINE_BYTES else value
    records = list(parse_lines(iter([line]), KINDS[kind], report))
    if report.errors:
        return Rejected(report.errors[0].error)
    return Parsed(kind, records[0])
