"""HTTP API for PDQ banks: add hashes or images, disable entries, import and export in
ThreatExchange-compatible form, and look hashes up. Every endpoint needs an API token.

``{name}`` is the bank's short name (``viral-false`` for bank ``pdq:viral-false``). Adding is
idempotent per entry id (``pdq-<hash>`` unless given). A batch with any malformed hash, entry
id or low-quality hash is refused whole with 422 naming each bad entry; an import instead
reports refused rows by number and imports the rest, like the other bulk imports.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from veracity.access.roles import BANKS, MEDIA_MATCH
from veracity.detect import banks as bank_store
from veracity.detect.banks import PDQ_PREFIX
from veracity.detect.misinfo.media.exchange import FORMATS, export_bank, import_bank
from veracity.detect.misinfo.media.pdq_banks import (
    CONFIRMED_FALSE,
    MAX_LABEL_CHARS,
    HashRecord,
    InvalidEntryError,
    PdqBankError,
    add_hashes,
    pdq_bank,
    to_entry,
)
from veracity.detect.misinfo.media.pdq_hash import (
    MATCH_THRESHOLD,
    MAX_IMAGE_BYTES,
    ImageHashError,
    InvalidHashError,
    hash_image_bytes,
)
from veracity.domain.limits import Identifier, Metadata
from veracity.store.db import Database
from veracity.web.auth import require_roles

MAX_HASHES_PER_REQUEST = 1000
MAX_IMPORT_BYTES = 64 * 1024 * 1024

router = APIRouter(prefix="/v1/media-banks", tags=["media banks"])
# Managing banks is policy administration; looking hashes up is open to more roles.
MANAGE = [Depends(require_roles(BANKS))]
LOOKUP = [Depends(require_roles(MEDIA_MATCH))]

BankName = Annotated[
    str, Path(min_length=1, max_length=64, description="PDQ bank name, without 'pdq:'")
]
EntryId = Annotated[str, Path(min_length=1, max_length=128)]
_MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "txt": "text/plain"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HashIn(_Strict):
    hash: str = Field(description="PDQ hash, 64 hex digits")
    quality: int | None = Field(default=None, description="PDQ quality 0-100, if known")
    entry_id: Identifier | None = None
    label: str | None = Field(default=None, max_length=MAX_LABEL_CHARS)
    data: Metadata = Field(default_factory=dict)


class HashesIn(_Strict):
    entries: list[HashIn] = Field(min_length=1, max_length=MAX_HASHES_PER_REQUEST)
    label: str | None = Field(
        default=None, max_length=MAX_LABEL_CHARS, description="label for entries without one"
    )


class AddOut(_Strict):
    bank: str
    received: int
    added: int = Field(description="entries that were new; existing ids are left unchanged")


class ImageOut(_Strict):
    bank: str
    entry_id: str
    hash: str
    quality: int
    added: bool


class ImportOut(_Strict):
    bank: str
    received: int
    added: int
    refused: list[dict[str, Any]]


class PdqBankSummary(_Strict):
    bank: str
    name: str
    entries: int
    disabled: int


class PdqBankList(_Strict):
    banks: list[PdqBankSummary]


class MatchIn(_Strict):
    hashes: list[str] = Field(min_length=1, max_length=MAX_HASHES_PER_REQUEST)
    threshold: int = Field(default=MATCH_THRESHOLD, ge=0, le=64)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _bank(name: str) -> str:
    try:
        return pdq_bank(name)
    except PdqBankError as exc:
        raise HTTPException(422, str(exc)) from exc


def _changed(request: Request, bank: str) -> None:
    hook = getattr(request.app.state, "on_banks_changed", None)
    if callable(hook):
        hook(bank)


@router.get(
    "", response_model=PdqBankList, summary="PDQ banks with their entry counts", dependencies=MANAGE
)
def list_pdq_banks(request: Request) -> PdqBankList:
    with _db(request).transaction() as session:
        counts = bank_store.bank_counts(session)
    return PdqBankList(
        banks=[
            PdqBankSummary(bank=b, name=b.removeprefix(PDQ_PREFIX), entries=e, disabled=d)
            for b, e, d in counts
            if b.startswith(PDQ_PREFIX)
        ]
    )


@router.post(
    "/{name}/hashes",
    response_model=AddOut,
    summary="Add PDQ hashes (idempotent)",
    dependencies=MANAGE,
)
def add_pdq_hashes(request: Request, name: BankName, body: HashesIn) -> AddOut:
    bank = _bank(name)
    records = [
        HashRecord(e.hash, e.quality, e.entry_id, e.label, dict(e.data)) for e in body.entries
    ]
    problems = []
    for n, record in enumerate(records):
        try:
            to_entry(record, label=body.label)
        except (InvalidHashError, InvalidEntryError) as exc:
            problems.append({"index": n, "entry_id": record.entry_id, "error": str(exc)})
    if problems:
        raise HTTPException(422, {"invalid_entries": problems[:50]})
    with _db(request).transaction() as session:
        report = add_hashes(session, bank, records, label=body.label, source="api")
    if report.added:
        _changed(request, bank)
    return AddOut(bank=bank, received=report.received, added=report.added)


@router.post(
    "/{name}/images",
    response_model=ImageOut,
    summary="Hash an uploaded image (request body) and bank it",
    dependencies=MANAGE,
    openapi_extra={
        "requestBody": {"content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def add_pdq_image(
    request: Request,
    name: BankName,
    entry_id: Annotated[Identifier | None, Query()] = None,
    label: Annotated[str | None, Query(max_length=MAX_LABEL_CHARS)] = CONFIRMED_FALSE,
) -> ImageOut:
    bank = _bank(name)
    data = await request.body()
    if len(data) > MAX_IMAGE_BYTES:
        raise HTTPException(413, f"image is {len(data)} bytes; the limit is {MAX_IMAGE_BYTES}")
    try:
        digest = hash_image_bytes(data)
        entry = to_entry(HashRecord(digest.hex, digest.quality, entry_id, label), source="upload")
    except (ImageHashError, InvalidHashError, InvalidEntryError) as exc:
        raise HTTPException(422, str(exc)) from exc
    with _db(request).transaction() as session:
        added = bank_store.add_entries(session, bank, [entry])
    if added:
        _changed(request, bank)
    return ImageOut(
        bank=bank,
        entry_id=entry.entry_id,
        hash=digest.hex,
        quality=digest.quality,
        added=bool(added),
    )


@router.delete("/{name}/entries/{entry_id}", summary="Disable an entry", dependencies=MANAGE)
def disable_pdq_entry(request: Request, name: BankName, entry_id: EntryId) -> dict[str, Any]:
    bank = _bank(name)
    with _db(request).transaction() as session:
        found = bank_store.disable_entry(session, bank, entry_id)
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no entry {entry_id!r} in bank {bank!r}")
    _changed(request, bank)
    return {"bank": bank, "entry_id": entry_id, "enabled": False}


@router.get(
    "/{name}/export", summary="Export in ThreatExchange-compatible form", dependencies=MANAGE
)
def export_pdq_bank(
    request: Request,
    name: BankName,
    format: Annotated[str, Query(pattern="^(csv|json|txt)$")] = "csv",
    include_disabled: bool = False,
) -> Response:
    bank = _bank(name)
    with _db(request).transaction() as session:
        text = export_bank(session, bank, format, include_disabled=include_disabled)
    return Response(text, media_type=_MEDIA_TYPES[format])


@router.post(
    "/{name}/import",
    response_model=ImportOut,
    summary="Import a ThreatExchange file",
    dependencies=MANAGE,
)
async def import_pdq_bank(
    request: Request,
    name: BankName,
    format: Annotated[str, Query(pattern="^(csv|json|txt)$")] = "csv",
    label: Annotated[str | None, Query(max_length=MAX_LABEL_CHARS)] = None,
) -> ImportOut:
    bank = _bank(name)
    raw = await request.body()
    if len(raw) > MAX_IMPORT_BYTES:
        raise HTTPException(413, f"file is {len(raw)} bytes; the limit is {MAX_IMPORT_BYTES}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HTTPException(422, f"file is not UTF-8 text: {exc}") from exc
    try:
        with _db(request).transaction() as session:
            report = import_bank(session, bank, text, format, label=label)
    except PdqBankError as exc:
        raise HTTPException(422, str(exc)) from exc
    _changed(request, bank)
    return ImportOut(**report.as_json())


@router.post("/match", summary="Look hashes up in every enabled PDQ bank", dependencies=LOOKUP)
def match_hashes(request: Request, body: MatchIn) -> dict[str, Any]:
    """Answers from an index cached per bank state (rebuilt after changes through this API)."""
    from veracity.detect.misinfo.media.pdq_hash import parse_hex

    try:
        hashes = [parse_hex(h) for h in body.hashes]
    except InvalidHashError as exc:
        raise HTTPException(422, str(exc)) from exc
    detector = _cached_detector(request)
    found = detector.index.query_many(hashes, body.threshold)
    return {
        "results": [
            {
                "hash": h,
                "matches": [
                    {
                        "bank": m.payload.bank,
                        "entry_id": m.payload.entry.entry_id,
                        "label": m.payload.entry.label,
                        "distance": m.distance,
                    }
                    for m in matches
                ],
            }
            for h, matches in zip(hashes, found, strict=True)
        ]
    }


def _cached_detector(request: Request) -> Any:
    from veracity.detect.misinfo.media.detector import build_media_detector, pdq_banks

    state = request.app.state
    with _db(request).transaction() as session:
        version = bank_store.bank_counts(session)
        stamp = tuple(v for v in version if v[0].startswith(PDQ_PREFIX))
        cached = getattr(state, "pdq_match_cache", None)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        banks = {b: bank_store.load_entries(session, b) for b, *_ in stamp}
    detector = build_media_detector(pdq_banks(banks))
    state.pdq_match_cache = (stamp, detector)
    return detector


__all__ = ["FORMATS", "router"]
