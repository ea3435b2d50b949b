"""Bulk JSONL import. A bad line is reported with its number and the rest of the file goes in.

Lines are read as bytes so that invalid UTF-8, oversized lines and malformed JSON are each a
per-line error, never the end of the import. Valid lines are sent in batches through the same
service as the API, so a re-run after a crash re-sends everything and duplicates nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from veracity.domain.entities import AccountIn, ContentIn
from veracity.domain.events import EventIn, ReportIn
from veracity.ingest.results import BatchResult
from veracity.ingest.service import IngestService
from veracity.ops.guard import has_nul_escape, json_depth_exceeds
from veracity.web.errors import field_path

MAX_LINE_BYTES = 1024 * 1024
MAX_ERRORS_KEPT = 1000
# Deeper lines are refused before parsing: Python's parser would recurse until it fails.
MAX_JSON_DEPTH = 32

KINDS: dict[str, type[BaseModel]] = {
    "accounts": AccountIn,
    "content": ContentIn,
    "events": EventIn,
    "reports": ReportIn,
}


class UnknownKindError(ValueError):
    pass


@dataclass
class LineError:
    line: int
    error: str


@dataclass
class ImportReport:
    file: str
    kind: str
    lines: int = 0
    accepted: int = 0
    duplicates: int = 0
    error_count: int = 0
    errors: list[LineError] = field(default_factory=list)

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(LineError(line, message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "lines": self.lines,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "error_count": self.error_count,
            "errors": [{"line": e.line, "error": e.error} for e in self.errors],
        }


def kind_for(path: Path, kind: str | None) -> str:
    """The record kind: given explicitly, or the file's stem (``content.jsonl`` -> content)."""
    chosen = kind or path.name.split(".", 1)[0]
    if chosen not in KINDS:
        raise UnknownKindError(
            f"{path}: cannot tell the record kind; pass --kind one of {', '.join(KINDS)}"
        )
    return chosen


def describe_validation_error(exc: ValidationError) -> str:
    parts = [f"{field_path(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()[:5]]
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def parse_lines(
    lines: Iterator[bytes | int], model: type[BaseModel], report: ImportReport
) -> Iterator[BaseModel]:
    """Yield valid records; record every bad line in ``report`` and carry on."""
    for number, raw in enumerate(lines, start=1):
        report.lines = number
        if isinstance(raw, int):
            report.add_error(number, f"line is {raw} bytes; the limit is {MAX_LINE_BYTES}")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.add_error(number, f"invalid UTF-8 at byte {exc.start}")
            continue
        if not text.strip():
            continue
        if json_depth_exceeds(raw, MAX_JSON_DEPTH):
            report.add_error(number, f"JSON nests deeper than {MAX_JSON_DEPTH} levels")
            continue
        if has_nul_escape(raw):
            report.add_error(number, "strings must not contain NUL (\\u0000) characters")
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            report.add_error(number, f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(obj, dict):
            report.add_error(number, f"expected a JSON object, got {type(obj).__name__}")
            continue
        try:
            yield model.model_validate(obj)
        except ValidationError as exc:
            report.add_error(number, describe_validation_error(exc))


def read_lines(path: Path) -> Iterator[bytes | int]:
    """Lines without their ending. An oversized line is skipped in bounded memory and only its
    length (an int) is yielded, so that the caller reports it."""
    with path.open("rb") as handle:
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                size = len(raw)
                while raw and not raw.endswith(b"\n"):
                    raw = handle.readline(MAX_LINE_BYTES)
                    size += len(raw)
                yield size
                continue
            yield raw.rstrip(b"\r\n")


def import_jsonl(
    path: Path,
    service: IngestService,
    *,
    kind: str | None = None,
    batch_size: int = 500,
    on_batch: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    chosen = kind_for(path, kind)
    report = ImportReport(file=str(path), kind=chosen)
    submit: Callable[[Sequence[Any]], BatchResult] = getattr(service, chosen)
    batch: list[BaseModel] = []

    def flush() -> None:
        if batch:
            result = submit(batch)
            report.accepted += result.accepted
            report.duplicates += result.duplicates
            batch.clear()
            if on_batch:
                on_batch(report)

    for record in parse_lines(read_lines(path), KINDS[chosen], report):
        batch.append(record)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report
