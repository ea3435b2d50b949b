"""Converters from the shared AI-text datasets to the one format ``veracity eval aitext`` reads:
JSON lines ``{"text": ..., "label": 1 for machine, 0 for human}`` (extra keys say where a line
came from and are kept).

Fast-DetectGPT sets: ``{"original": [human...], "sampled": [machine...]}``, aligned by index
(the machine text continues the human text's first words). TweepFake: ``;``-separated CSV with
``screen_name;text;account.type;class_type``, ``account.type`` ``bot`` or ``human``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("fastdetectgpt", "tweepfake")


class DatasetFormatError(ValueError):
    """Input that is not in the format it claims to be; the message names file and place."""


@dataclass(frozen=True)
class LabeledText:
    text: str
    label: int  # 1 machine, 0 human
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"text": self.text, "label": self.label, **self.meta}, ensure_ascii=False)


def _fdg_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.rglob("*.raw_data.json"))
        if not files:
            raise DatasetFormatError(f"{path}: no *.raw_data.json files in this folder")
        return files
    if not path.is_file():
        raise DatasetFormatError(f"{path}: no such file or folder")
    return [path]


def fastdetectgpt_file(path: Path) -> list[LabeledText]:
    """Records of one ``<domain>_<generator>.raw_data.json``; ``pair`` ties a machine text to
    the human text it continues, so splits can keep both on the same side."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetFormatError(f"{path}: not readable JSON ({exc})") from exc
    if not isinstance(data, dict) or not {"original", "sampled"} <= data.keys():
        raise DatasetFormatError(f"{path}: expected an object with 'original' and 'sampled'")
    original, sampled = data["original"], data["sampled"]
    if not isinstance(original, list) or not isinstance(sampled, list):
        raise DatasetFormatError(f"{path}: 'original' and 'sampled' must be lists")
    if len(original) != len(sampled):
        raise DatasetFormatError(
            f"{path}: {len(original)} original vs {len(sampled)} sampled texts (must align)"
        )
    stem = path.name.removesuffix(".raw_data.json")
    domain, _, generator = stem.partition("_")
    out: list[LabeledText] = []
    for i, (human, machine) in enumerate(zip(original, sampled, strict=True)):
        for label, text in ((0, human), (1, machine)):
            if not isinstance(text, str):
                kind = "sampled" if label else "original"
                raise DatasetFormatError(f"{path}: {kind}[{i}] is not a string")
            meta = {
                "source": "fastdetectgpt",
                "domain": domain,
                "generator": generator or "unknown",
                "pair": f"{stem}:{i}",
            }
            out.append(LabeledText(text, label, meta))
    return out


def read_fastdetectgpt(path: Path) -> list[LabeledText]:
    """One file, or every ``*.raw_data.json`` under a folder."""
    return [r for f in _fdg_files(path) for r in fastdetectgpt_file(f)]


def read_tweepfake(path: Path) -> list[LabeledText]:
    if not path.is_file():
        raise DatasetFormatError(f"{path}: no such file")
    out: list[LabeledText] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        needed = {"text", "account.type"}
        if reader.fieldnames is None or not needed <= set(reader.fieldnames):
            raise DatasetFormatError(
                f"{path}: header must include {sorted(needed)}, got {reader.fieldnames}"
            )
        for row in reader:
            kind = (row.get("account.type") or "").strip()
            if kind not in ("bot", "human"):
                raise DatasetFormatError(
                    f"{path}:{reader.line_num}: account.type {kind!r} is not 'bot' or 'human'"
                )
            text = row.get("text")
            if text is None:
                raise DatasetFormatError(f"{path}:{reader.line_num}: missing text")
            meta = {
                "source": "tweepfake",
                "generator": (row.get("class_type") or "").strip() or "unknown",
                "account": (row.get("screen_name") or "").strip(),
            }
            out.append(LabeledText(text, 1 if kind == "bot" else 0, meta))
    return out


READERS = {"fastdetectgpt": read_fastdetectgpt, "tweepfake": read_tweepfake}


def convert(fmt: str, source: Path, target: Path) -> int:
    """Write ``source`` (in format ``fmt``) as JSON lines to ``target``; returns the count."""
    if fmt not in READERS:
        raise DatasetFormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    records = READERS[fmt](source)
    write_jsonl(records, target)
    return len(records)


def write_jsonl(records: Iterable[LabeledText], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.to_json() + "\n")


def iter_jsonl(path: Path) -> Iterator[LabeledText]:
    """Lines of ``{"text": str, "label": 0|1, ...}``; a bad line is an error naming its number."""
    if not path.is_file():
        raise DatasetFormatError(f"{path}: no such file")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetFormatError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise DatasetFormatError(f"{path}:{number}: expected a JSON object")
            text, label = obj.pop("text", None), obj.pop("label", None)
            if not isinstance(text, str):
                raise DatasetFormatError(f"{path}:{number}: 'text' must be a string")
            if isinstance(label, bool) or label not in (0, 1):
                raise DatasetFormatError(f"{path}:{number}: 'label' must be 0 or 1, got {label!r}")
            yield LabeledText(text, int(label), obj)


def read_jsonl(path: Path) -> list[LabeledText]:
    records = list(iter_jsonl(path))
    if not records:
        raise DatasetFormatError(f"{path}: no records")
    return records
