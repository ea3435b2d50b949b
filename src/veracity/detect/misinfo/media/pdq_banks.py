"""PDQ banks: known images and video frames, stored as ``pdq:<name>`` banks in ``bank_entries``.

An entry's value is the 64-hex hash, its label says why the media is known ("confirmed-false",
a fact-check rating, ...), and its data keeps ``quality``, ``source`` and, where known,
``content_id``, ``media_url`` and ``frame``. Entry ids default to ``pdq-<hash>`` so adding the
same hash twice is a no-op (banks are idempotent per entry id). Hashes below the quality
cut-off are refused, as HMA does: they match too much to be trusted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.detect.banks import PDQ_PREFIX, BankEntry, add_entries, check_bank_name
from veracity.detect.misinfo.media.pdq_hash import (
    QUALITY_CUTOFF,
    ImageHashError,
    InvalidHashError,
    check_quality,
    hash_image_file,
    parse_hex,
)
from veracity.store.tables import ContentRow

CONFIRMED_FALSE = "confirmed-false"


MAX_LABEL_CHARS = 128
_ENTRY_ID_RE = re.compile(r"^[A-Za-z0-9_.:@\-]{1,128}$")


class PdqBankError(ValueError):
    """A request that cannot be applied to a PDQ bank; the message names the problem."""


class InvalidEntryError(ValueError):
    """An entry id or label the bank cannot store."""


@dataclass(frozen=True)
class HashRecord:
    """One hash to bank, before validation."""

    hash: str
    quality: int | None = None
    entry_id: str | None = None
    label: str | None = None
    data: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass
class AddReport:
    """What an add did: entries new to the bank, and every refused record with the reason."""

    bank: str
    received: int = 0
    added: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "bank": self.bank,
            "received": self.received,
            "added": self.added,
            "refused": self.refused,
        }


def pdq_bank(name: str) -> str:
    """``pdq:<name>`` for a short name or a full bank name; raise if not a valid PDQ bank."""
    bank = name if name.startswith(PDQ_PREFIX) else PDQ_PREFIX + name
    try:
        return check_bank_name(bank)
    except ValueError as exc:
        raise PdqBankError(str(exc)) from exc


def default_entry_id(hex_hash: str) -> str:
    return f"pdq-{hex_hash}"


def to_entry(record: HashRecord, *, label: str | None = None, source: str = "api") -> BankEntry:
    """A validated bank entry; raise :class:`InvalidHashError` or :class:`InvalidEntryError`
    naming what is wrong."""
    hex_hash = parse_hex(record.hash)
    data = dict(record.data)
    if record.quality is not None:
        quality = check_quality(record.quality)
        if quality < QUALITY_CUTOFF:
            raise InvalidHashError(
                f"quality {quality} is below the cut-off {QUALITY_CUTOFF}; "
                "such hashes are not banked"
            )
        data["quality"] = quality
    data.setdefault("source", source)
    entry_id = record.entry_id or default_entry_id(hex_hash)
    if not isinstance(entry_id, str) or not _ENTRY_ID_RE.match(entry_id):
        raise InvalidEntryError(
            f"entry id {entry_id!r} must be 1-128 characters of A-Z a-z 0-9 _ . : @ -"
        )
    chosen = record.label if record.label is not None else label
    if chosen is not None and (not isinstance(chosen, str) or len(chosen) > MAX_LABEL_CHARS):
        raise InvalidEntryError(f"label must be a string of at most {MAX_LABEL_CHARS} characters")
    return BankEntry(entry_id=entry_id, value=hex_hash, label=chosen, data=data)


def add_hashes(
    session: Session,
    bank: str,
    records: Iterable[HashRecord],
    *,
    label: str | None = None,
    source: str = "api",
) -> AddReport:
    """Validate and add hashes; invalid or low-quality ones are listed in ``refused``."""
    bank = pdq_bank(bank)
    report = AddReport(bank=bank)
    entries: list[BankEntry] = []
    for n, record in enumerate(records):
        report.received += 1
        try:
            entries.append(to_entry(record, label=label, source=source))
        except (InvalidHashError, InvalidEntryError) as exc:
            report.refused.append(
                {"index": n, "entry_id": record.entry_id, "hash": record.hash, "error": str(exc)}
            )
    report.added = add_entries(session, bank, entries)
    return report


def add_image_files(
    session: Session,
    bank: str,
    paths: Sequence[Path],
    *,
    label: str | None = CONFIRMED_FALSE,
) -> AddReport:
    """Hash image files and bank those that hash with enough quality."""
    records: list[HashRecord] = []
    failed: list[dict[str, Any]] = []
    for path in paths:
        try:
            digest = hash_image_file(path)
        except ImageHashError as exc:
            failed.append({"path": str(path), "error": str(exc)})
            continue
        records.append(
            HashRecord(digest.hex, digest.quality, data={"file": path.name}, label=label)
        )
    report = add_hashes(session, bank, records, label=label, source="file")
    report.received += len(failed)
    report.refused = failed + report.refused
    return report


def add_video_file(
    session: Session,
    bank: str,
    path: Path,
    *,
    label: str | None = CONFIRMED_FALSE,
    seconds_per_hash: float = 1.0,
) -> AddReport:
    """Bank a video's distinct vPDQ frame hashes (needs the ``vpdq`` package and ffmpeg)."""
    from veracity.detect.misinfo.media.vpdq_hash import distinct_frames, hash_video_file

    frames = distinct_frames(hash_video_file(path, seconds_per_hash=seconds_per_hash))
    records = [
        HashRecord(
            f.hex,
            f.quality,
            entry_id=f"vpdq-{f.hex}",
            label=label,
            data={"file": path.name, "frame": f.frame, "timestamp_s": f.timestamp_s},
        )
        for f in frames
    ]
    return add_hashes(session, bank, records, label=label, source="video")


def add_content_media(
    session: Session,
    bank: str,
    content_ids: Sequence[str],
    *,
    label: str = CONFIRMED_FALSE,
) -> AddReport:
    """Bank the media hashes of content items already ingested (confirmed false by a reviewer
    or a fact-checker), so re-uploads of the same media match at ingest.

    Images give their ``pdq`` (refused below the quality cut-off when ``pdq_quality`` says so);
    videos give every ``frame_pdqs`` hash. An item with no hashed media is refused by id.
    """
    bank = pdq_bank(bank)
    rows: dict[str, dict[str, Any]] = dict(
        session.execute(
            select(ContentRow.id, ContentRow.data).where(ContentRow.id.in_(list(content_ids)))
        ).all()
    )
    records: list[HashRecord] = []
    missing: list[dict[str, Any]] = []
    for content_id in content_ids:
        data = rows.get(content_id)
        if data is None:
            missing.append({"content_id": content_id, "error": "no such content item"})
            continue
        found = _media_records(content_id, data.get("media") or [], label)
        if not found:
            missing.append({"content_id": content_id, "error": "the item has no hashed media"})
        records.extend(found)
    report = add_hashes(session, bank, records, label=label, source="content")
    report.received += len(missing)
    report.refused = missing + report.refused
    return report


def _media_records(content_id: str, media: list[dict[str, Any]], label: str) -> list[HashRecord]:
    out: list[HashRecord] = []
    for n, ref in enumerate(media):
        base = {"content_id": content_id, "media_index": n, "media_url": ref.get("url")}
        if ref.get("pdq"):
            out.append(
                HashRecord(
                    ref["pdq"],
                    ref.get("pdq_quality"),
                    entry_id=f"{content_id}:m{n}"[:128],
                    label=label,
                    data=dict(base),
                )
            )
        for k, frame_hash in enumerate(ref.get("frame_pdqs") or []):
            out.append(
                HashRecord(
                    frame_hash,
                    None,
                    entry_id=f"{content_id}:m{n}:f{k}"[:128],
                    label=label,
                    data={**base, "frame": k},
                )
            )
    return out
