"""Background posts: ordinary traffic that repeats no fact-checked claim, as training negatives.

CheckThat! queries all repeat a claim in the base, so a model fitted on them alone learns that
a post's best candidate is usually a match: on ordinary tweets (TweepFake) such a model gave a
median top-1 probability of 0.13 and put 5 % of them at or above 0.8. Adding posts that match
nothing, every candidate labelled 0, teaches the fusion what an unrelated post's best
candidate looks like, which is what a platform's stream mostly is.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

TEXT_COLUMNS = ("text", "tweet", "content", "post")
DEFAULT_LIMIT = 3000


class BackgroundFormatError(ValueError):
    """A background file that is not CSV/TSV with a text column, JSONL with "text", or text."""


def read_background(paths: list[Path], limit: int = DEFAULT_LIMIT) -> list[str]:
    """Up to ``limit`` distinct non-empty post texts from the files, in file order."""
    seen: dict[str, None] = {}
    for path in paths:
        for text in _texts(Path(path)):
            text = text.strip()
            if text:
                seen.setdefault(text, None)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def split_background(posts: list[str], holdout_share: float = 0.2) -> tuple[list[str], list[str]]:
    """A deterministic split by a hash of the text (stable when files are re-ordered)."""
    train: list[str] = []
    held: list[str] = []
    for text in posts:
        bucket = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "big") / 2**32
        (held if bucket < holdout_share else train).append(text)
    return train, held


def _texts(path: Path) -> list[str]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BackgroundFormatError(f"{path}: cannot read: {exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        out = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BackgroundFormatError(f"{path}:{n}: invalid JSON: {exc.msg}") from exc
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise BackgroundFormatError(f'{path}:{n}: expected an object with "text"')
            out.append(row["text"])
        return out
    if suffix in (".csv", ".tsv"):
        first = raw.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count)
        reader = csv.DictReader(raw.splitlines(), delimiter=delimiter)
        column = next((c for c in TEXT_COLUMNS if c in (reader.fieldnames or [])), None)
        if column is None:
            raise BackgroundFormatError(
                f"{path}: no text column; expected one of {', '.join(TEXT_COLUMNS)}"
            )
        return [row.get(column) or "" for row in reader]
    return raw.splitlines()
