"""Import and export PDQ banks in ThreatExchange-compatible forms.

* ``csv``: the columns of python-threatexchange's ``threatexchange dataset -P --csv``
  (``signal_type,signal_str,collab,category,tags``; tags space-separated), followed by
  Veracity's own ``entry_id,label,quality`` so a round trip keeps every field. Readers of the
  ThreatExchange shape see the first five columns; on import the extra columns are optional.
* ``json``: ``{"bank": ..., "signals": [{signal_type, signal_str, collab, category, tags,
  entry_id, label, data}]}``; a bare list of such objects is accepted on import too.
* ``txt``: the ThreatExchange file-exchange format, one ``<signal_type> <signal>`` per line
  (``pdq <hash>``); a bare hash per line is read as PDQ.

Categories follow ``SignalOpinionCategory``: ``POSITIVE_CLASS`` and ``INVESTIGATION_SEED``
rows are added, ``NEGATIVE_CLASS`` rows (a false positive, or disabled here) are added disabled
or disable the existing entry. Rows of other signal types, unknown categories or malformed
hashes are refused with their row number and the reason; the rest of the file still imports.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from veracity.detect.banks import disable_entry, list_entries
from veracity.detect.misinfo.media.pdq_banks import (
    AddReport,
    HashRecord,
    PdqBankError,
    add_hashes,
    default_entry_id,
    pdq_bank,
)
from veracity.detect.misinfo.media.pdq_hash import InvalidHashError, parse_hex

Format = Literal["csv", "json", "txt"]
FORMATS: tuple[str, ...] = ("csv", "json", "txt")
SIGNAL_TYPE = "pdq"
TE_COLUMNS = ["signal_type", "signal_str", "collab", "category", "tags"]
EXTRA_COLUMNS = ["entry_id", "label", "quality"]
POSITIVE = "POSITIVE_CLASS"
NEGATIVE = "NEGATIVE_CLASS"
SEED = "INVESTIGATION_SEED"
CATEGORIES = (POSITIVE, NEGATIVE, SEED)
MAX_IMPORT_ROWS = 1_000_000
_PAGE = 1000


@dataclass(frozen=True)
class _Row:
    number: int
    signal_type: str
    signal: str
    category: str = POSITIVE
    tags: tuple[str, ...] = ()
    entry_id: str | None = None
    label: str | None = None
    quality: int | None = None
    data: dict[str, Any] | None = None
    error: str | None = None


def _check_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise PdqBankError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return fmt  # type: ignore[return-value]


def _tag(label: str) -> str:
    return "_".join(label.split())


def export_bank(
    session: Session, bank: str, fmt: str = "csv", *, include_disabled: bool = False
) -> str:
    """The bank's entries as a ThreatExchange-compatible document (see the module doc)."""
    bank = pdq_bank(bank)
    fmt = _check_format(fmt)
    collab = bank.removeprefix("pdq:")
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        page, total = list_entries(
            session, bank, include_disabled=include_disabled, limit=_PAGE, offset=offset
        )
        for e in page:
            rows.append(
                {
                    "signal_type": SIGNAL_TYPE,
                    "signal_str": e.value,
                    "collab": collab,
                    "category": POSITIVE if e.enabled else NEGATIVE,
                    "tags": [_tag(e.label)] if e.label else [],
                    "entry_id": e.entry_id,
                    "label": e.label,
                    "data": e.data,
                }
            )
        offset += len(page)
        if not page or offset >= total:
            break
    if fmt == "json":
        return json.dumps({"bank": bank, "signals": rows}, indent=1, sort_keys=True) + "\n"
    if fmt == "txt":
        return "".join(
            f"{SIGNAL_TYPE} {r['signal_str']}\n" for r in rows if r["category"] == POSITIVE
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, TE_COLUMNS + EXTRA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        quality = (r["data"] or {}).get("quality")
        writer.writerow(
            {
                **{k: r[k] for k in TE_COLUMNS if k != "tags"},
                "tags": " ".join(r["tags"]),
                "entry_id": r["entry_id"],
                "label": r["label"] or "",
                "quality": "" if quality is None else quality,
            }
        )
    return out.getvalue()


def _quality(value: Any) -> tuple[int | None, str | None]:
    """(quality, error): an empty cell is no quality; anything but an integer is an error."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, f"quality {value!r} is not an integer"
    try:
        return int(value), None
    except (TypeError, ValueError):
        return None, f"quality {value!r} is not an integer"


def _csv_rows(text: str) -> Iterator[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("signal_type", "signal_str") if c not in (reader.fieldnames or [])]
    if missing:
        raise PdqBankError(
            f"CSV header lacks {', '.join(missing)}; expected the ThreatExchange columns "
            f"{','.join(TE_COLUMNS)}"
        )
    for number, rec in enumerate(reader, start=2):
        quality, error = _quality((rec.get("quality") or "").strip())
        yield _Row(
            number=number,
            signal_type=(rec.get("signal_type") or "").strip(),
            signal=(rec.get("signal_str") or "").strip(),
            category=(rec.get("category") or POSITIVE).strip() or POSITIVE,
            tags=tuple((rec.get("tags") or "").split()),
            entry_id=(rec.get("entry_id") or "").strip() or None,
            label=(rec.get("label") or "").strip() or None,
            quality=quality,
            error=error,
        )


def _json_rows(text: str) -> Iterator[_Row]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PdqBankError(f"not JSON: {exc}") from exc
    items = doc.get("signals") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise PdqBankError("JSON must be a list of signals or an object with a 'signals' list")
    for number, rec in enumerate(items, start=1):
        if not isinstance(rec, dict):
            yield _Row(number, "", "", error="a signal must be a JSON object")
            continue
        tags = rec.get("tags") or []
        raw_data = rec.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        quality, error = _quality(data.get("quality", rec.get("quality")))
        yield _Row(
            number=number,
            signal_type=str(rec.get("signal_type", "")),
            signal=str(rec.get("signal_str", "")),
            category=str(rec.get("category") or POSITIVE),
            tags=tuple(tags.split() if isinstance(tags, str) else map(str, tags)),
            entry_id=rec.get("entry_id") or None,
            label=rec.get("label") or None,
            quality=quality,
            data=data,
            error=error,
        )


def _txt_rows(text: str) -> Iterator[_Row]:
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        signal_type, _, signal = line.partition(" ")
        if not signal:
            signal_type, signal = SIGNAL_TYPE, signal_type
        yield _Row(number, signal_type, signal.strip())


def import_bank(
    session: Session,
    bank: str,
    text: str,
    fmt: str = "csv",
    *,
    label: str | None = None,
) -> AddReport:
    """Add a ThreatExchange-compatible document's PDQ signals to ``bank``.

    ``label`` applies to rows that carry neither a ``label`` nor a tag. Returns what was added,
    and every refused row with its number and reason.
    """
    bank = pdq_bank(bank)
    fmt = _check_format(fmt)
    rows = {"csv": _csv_rows, "json": _json_rows, "txt": _txt_rows}[fmt](text)
    keep: list[HashRecord] = []
    negative: list[HashRecord] = []
    refused: list[dict[str, Any]] = []
    for count, row in enumerate(rows, start=1):
        if count > MAX_IMPORT_ROWS:
            raise PdqBankError(f"more than {MAX_IMPORT_ROWS} rows; split the file")
        problem = row.error
        if problem:
            pass
        elif row.signal_type != SIGNAL_TYPE:
            problem = f"signal type {row.signal_type!r} is not {SIGNAL_TYPE!r}"
        elif row.category not in CATEGORIES:
            problem = f"unknown category {row.category!r}: use one of {', '.join(CATEGORIES)}"
        if problem:
            refused.append({"row": row.number, "error": problem})
            continue
        try:
            hex_hash = parse_hex(row.signal)
        except InvalidHashError as exc:
            refused.append({"row": row.number, "error": str(exc)})
            continue
        record = HashRecord(
            hash=hex_hash,
            quality=row.quality,
            entry_id=row.entry_id or default_entry_id(hex_hash),
            label=row.label or (row.tags[0] if row.tags else label),
            data={k: v for k, v in (row.data or {}).items() if k != "quality"},
        )
        (negative if row.category == NEGATIVE else keep).append(record)
    report = add_hashes(session, bank, keep + negative, source=f"import:{fmt}")
    for record in negative:
        disable_entry(session, bank, record.entry_id or default_entry_id(record.hash))
    report.received += len(refused)
    report.refused = refused + report.refused
    return report
