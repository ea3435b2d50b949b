"""Text normalisation shared by the matching detectors.

Python's ``\\w`` leaves out combining marks (Devanagari vowel signs, Arabic harakat, ...), which
would split words of many scripts in two. ``WORD`` is ``\\w`` plus every combining mark, built
once from the Unicode database of the running Python.
"""

from __future__ import annotations

import re
import unicodedata


def _mark_ranges() -> str:
    ranges: list[tuple[int, int]] = []
    candidates = list(range(0x300, 0x30000)) + list(range(0xE0100, 0xE01F0))
    for cp in candidates:
        if unicodedata.category(chr(cp))[0] != "M":
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    parts = []
    for lo, hi in ranges:
        parts.append(
            re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        )
    return "".join(parts)


_MARKS = _mark_ranges()
# Body of a character class: a letter, digit, underscore or combining mark.
WORD_CHARS = r"\w" + _MARKS
WORD = f"[{WORD_CHARS}]"
NON_WORD = f"[^{WORD_CHARS}]"

_URL_RE = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)\S+", re.IGNORECASE)
# Runs of anything that is not a letter, digit or mark (underscore counts as punctuation here).
# ASCII text has no marks, so the much faster ``[\W_]+`` is equivalent there.
_SEPARATORS_RE = re.compile(f"{NON_WORD}+")
_ASCII_SEPARATORS_RE = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """NFKC then case folding (and NFKC again in the rare case folding denormalised it)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    return folded


def strip_urls(text: str) -> str:
    if "://" not in text and "www." not in text.lower():
        return text
    return _URL_RE.sub(" ", text)


def normalise_for_match(text: str) -> str:
    """Casefold + NFKC, URLs removed, punctuation and symbols removed, whitespace collapsed.

    The result is words separated by single spaces, so it is stable under changes of
    punctuation, emoji, case, full-width forms and spacing.
    """
    folded = strip_urls(fold(text))
    if folded.isascii():
        return _ASCII_SEPARATORS_RE.sub(" ", folded).strip()
    return _SEPARATORS_RE.sub(" ", folded.replace("_", " ")).strip()


def clip(value: str, limit: int = 200) -> str:
    """Bound a string that goes into evidence."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
