"""``veracity media-banks ...``: manage PDQ banks from the command line.

Every command prints one JSON object on stdout; refused files, rows or ids are listed in it
with the reason, and the exit status is 1 when anything was refused.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mpg", ".mpeg"})

media_app = typer.Typer(help="PDQ banks of known images and video frames.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="csv (ThreatExchange dataset CSV), json or txt.")
]


def register(app: typer.Typer) -> None:
    """Add the ``media-banks`` command group to the main CLI."""
    app.add_typer(media_app, name="media-banks")


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()
    if obj.get("refused"):
        raise typer.Exit(1)


def _database(database_url: str | None) -> Any:
    from veracity.config import get_settings
    from veracity.store.db import Database

    return Database(database_url or get_settings().database_url)


def _bank(name: str) -> str:
    from veracity.detect.misinfo.media.pdq_banks import PdqBankError, pdq_bank

    try:
        return pdq_bank(name)
    except PdqBankError as exc:
        raise typer.BadParameter(str(exc)) from exc


@media_app.command("list")
def list_banks(database_url: DbOption = None) -> None:
    """PDQ banks with enabled and disabled entry counts."""
    from veracity.detect.banks import PDQ_PREFIX, bank_counts

    db = _database(database_url)
    with db.transaction() as session:
        counts = bank_counts(session)
    _emit(
        {
            "banks": [
                {"bank": b, "entries": e, "disabled": d}
                for b, e, d in counts
                if b.startswith(PDQ_PREFIX)
            ]
        }
    )


@media_app.command("hash")
def hash_files(
    files: Annotated[list[Path], typer.Argument(help="Images (or videos, with vpdq).")],
    seconds_per_hash: float = 1.0,
) -> None:
    """Print PDQ hashes and qualities without banking anything."""
    from veracity.detect.misinfo.media.pdq_hash import ImageHashError, hash_image_file
    from veracity.detect.misinfo.media.vpdq_hash import VideoHashError, hash_video_file

    hashes: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    for path in files:
        try:
            if path.suffix.lower() in VIDEO_SUFFIXES:
                frames = hash_video_file(path, seconds_per_hash=seconds_per_hash)
                hashes.append(
                    {"path": str(path), "frames": [[f.frame, f.quality, f.hex] for f in frames]}
                )
            else:
                d = hash_image_file(path)
                hashes.append({"path": str(path), "hash": d.hex, "quality": d.quality})
        except (ImageHashError, VideoHashError) as exc:
            refused.append({"path": str(path), "error": str(exc)})
    _emit({"hashes": hashes, "refused": refused})


@media_app.command("add")
def add_files(
    bank: Annotated[str, typer.Argument(help="Bank name, e.g. viral-false (= pdq:viral-false).")],
    files: Annotated[list[Path], typer.Argument(help="Image or video files.")],
    label: str = "confirmed-false",
    seconds_per_hash: float = 1.0,
    database_url: DbOption = None,
) -> None:
    """Hash image files (PDQ) and videos (vPDQ frames) and bank them."""
    from veracity.detect.misinfo.media.pdq_banks import (
        AddReport,
        add_image_files,
        add_video_file,
    )
    from veracity.detect.misinfo.media.vpdq_hash import VideoHashError

    name = _bank(bank)
    db = _database(database_url)
    total = AddReport(bank=name)
    images = [p for p in files if p.suffix.lower() not in VIDEO_SUFFIXES]
    videos = [p for p in files if p.suffix.lower() in VIDEO_SUFFIXES]
    with db.transaction() as session:
        parts = [add_image_files(session, name, images, label=label)] if images else []
        for video in videos:
            try:
                parts.append(
                    add_video_file(
                        session, name, video, label=label, seconds_per_hash=seconds_per_hash
                    )
                )
            except VideoHashError as exc:
                total.received += 1
                total.refused.append({"path": str(video), "error": str(exc)})
    for part in parts:
        total.received += part.received
        total.added += part.added
        total.refused.extend(part.refused)
    _emit(total.as_json())


@media_app.command("add-content")
def add_content(
    bank: Annotated[str, typer.Argument(help="Bank name.")],
    content_ids: Annotated[list[str], typer.Argument(help="Ingested items confirmed false.")],
    label: str = "confirmed-false",
    database_url: DbOption = None,
) -> None:
    """Bank the media hashes of ingested items confirmed false, so re-uploads match."""
    from veracity.detect.misinfo.media.pdq_banks import add_content_media

    name = _bank(bank)
    db = _database(database_url)
    with db.transaction() as session:
        report = add_content_media(session, name, content_ids, label=label)
    _emit(report.as_json())


@media_app.command("disable")
def disable(
    bank: Annotated[str, typer.Argument(help="Bank name.")],
    entry_ids: Annotated[list[str], typer.Argument(help="Entry ids to disable.")],
    database_url: DbOption = None,
) -> None:
    """Disable entries (kept for the record, no longer matched)."""
    from veracity.detect.banks import disable_entry

    name = _bank(bank)
    db = _database(database_url)
    done: list[str] = []
    refused: list[dict[str, Any]] = []
    with db.transaction() as session:
        for entry_id in entry_ids:
            if disable_entry(session, name, entry_id):
                done.append(entry_id)
            else:
                refused.append({"entry_id": entry_id, "error": "no such entry"})
    _emit({"bank": name, "disabled": done, "refused": refused})


@media_app.command("import")
def import_file(
    bank: Annotated[str, typer.Argument(help="Bank name.")],
    file: Annotated[Path, typer.Argument(help="ThreatExchange CSV, JSON or txt file.")],
    format: FormatOption = "csv",
    label: Annotated[str | None, typer.Option(help="Label for rows without one.")] = None,
    database_url: DbOption = None,
) -> None:
    """Import PDQ signals in ThreatExchange-compatible form."""
    from veracity.detect.misinfo.media.exchange import import_bank
    from veracity.detect.misinfo.media.pdq_banks import PdqBankError

    name = _bank(bank)
    if not file.is_file():
        raise typer.BadParameter(f"{file}: no such file")
    db = _database(database_url)
    try:
        with db.transaction() as session:
            report = import_bank(
                session, name, file.read_text(encoding="utf-8-sig"), format, label=label
            )
    except PdqBankError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _emit(report.as_json())


@media_app.command("export")
def export_file(
    bank: Annotated[str, typer.Argument(help="Bank name.")],
    format: FormatOption = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    include_disabled: bool = False,
    database_url: DbOption = None,
) -> None:
    """Export a bank in ThreatExchange-compatible form (stdout unless --output)."""
    from veracity.detect.misinfo.media.exchange import export_bank
    from veracity.detect.misinfo.media.pdq_banks import PdqBankError

    name = _bank(bank)
    db = _database(database_url)
    try:
        with db.transaction() as session:
            text = export_bank(session, name, format, include_disabled=include_disabled)
    except PdqBankError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    _emit({"bank": name, "format": format, "output": str(output)})
