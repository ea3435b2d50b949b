"""Converters from the shared spam datasets to the JSON lines ``veracity eval spam`` reads:
``{"text": ..., "label": 1 spam / 0 not spam}`` plus keys saying where a line came from.

SMS Spam Collection: ``label<TAB>text`` per line, label ``ham`` or ``spam``, no header. YouTube
Spam Collection: one CSV per video with ``COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS`` (1 spam); the
video (from the file name, ``Youtube01-Psy.csv`` -> ``Psy``) is kept as ``video`` so experiments
can leave one video out. The JSONL reader is the AI-text one: same two keys, same checks.
"""

from __future__ import annotations

import csv
from pathlib import Path

from veracity.detect.aigc.text.convert import (
    DatasetFormatError,
    LabeledText,
    read_jsonl,
    write_jsonl,
)

FORMATS = ("sms", "youtube")
__all__ = ["FORMATS", "DatasetFormatError", "LabeledText", "convert", "read_jsonl"]


def read_sms(path: Path) -> list[LabeledText]:
    """The SMS Spam Collection file (or the folder holding ``SMSSpamCollection``)."""
    if path.is_dir():
        path = path / "SMSSpamCollection"
    if not path.is_file():
        raise DatasetFormatError(f"{path}: no such file")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, text = line.partition("\t")
        if not sep or label not in ("ham", "spam"):
            raise DatasetFormatError(f"{path}:{number}: expected ham|spam<TAB>text")
        meta = {"source": "sms", "line": number}
        out.append(LabeledText(text, 1 if label == "spam" else 0, meta))
    return out


def video_name(path: Path) -> str:
    """``Youtube01-Psy.csv`` -> ``Psy``; other names are used whole."""
    stem = path.stem
    return stem.split("-", 1)[1] if stem.lower().startswith("youtube") and "-" in stem else stem


def read_youtube_file(path: Path) -> list[LabeledText]:
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"CONTENT", "CLASS"}
        if reader.fieldnames is None or not needed <= set(reader.fieldnames):
            raise DatasetFormatError(f"{path}: header must include {sorted(needed)}")
        for row in reader:
            label = (row.get("CLASS") or "").strip()
            if label not in ("0", "1"):
                raise DatasetFormatError(f"{path}:{reader.line_num}: CLASS {label!r} not 0 or 1")
            meta = {
                "source": "youtube",
                "video": video_name(path),
                "comment_id": row.get("COMMENT_ID") or "",
                "author": row.get("AUTHOR") or "",
            }
            out.append(LabeledText(row.get("CONTENT") or "", int(label), meta))
    return out


def read_youtube(path: Path) -> list[LabeledText]:
    """One video's CSV, or every ``*.csv`` in a folder (one per video)."""
    if path.is_dir():
        files = sorted(path.glob("*.csv"))
        if not files:
            raise DatasetFormatError(f"{path}: no CSV files in this folder")
        return [r for f in files for r in read_youtube_file(f)]
    if not path.is_file():
        raise DatasetFormatError(f"{path}: no such file or folder")
    return read_youtube_file(path)


READERS = {"sms": read_sms, "youtube": read_youtube}


def convert(fmt: str, source: Path, target: Path) -> int:
    """Write ``source`` (in format ``fmt``) as JSON lines to ``target``; returns the count."""
    if fmt not in READERS:
        raise DatasetFormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    records = READERS[fmt](source)
    write_jsonl(records, target)
    return len(records)
