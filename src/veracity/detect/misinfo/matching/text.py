"""Text preparation for claim matching: posts carry boilerplate that claims never have.

Tweets end with "— Name (@handle) January 28, 2021", link to pic.twitter.com and write people
as @JoeBiden or #FakeNews; those are stripped or split into words so that lexical and dense
scores compare what was said, not how it was packaged.
"""

from __future__ import annotations

import re
import unicodedata

from veracity.detect.textnorm import WORD_CHARS, fold

_DASHES = "\u2014\u2013"  # em and en dash
_TRAILER_RE = re.compile(
    rf"[{_DASHES}-]\s*[^{_DASHES}\n]{{0,80}}\(@\w+\)\s*(?:[A-Z][a-z]+\s+\d{{1,2}},\s*\d{{4}})?\s*$"
)
_URL_RE = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.|\bpic\.twitter\.com/)\S+", re.IGNORECASE)
_BARE_LINK_RE = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co|ly|be|gl)/\S*")
_HANDLE_RE = re.compile(r"[@#](\w+)")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_TOKEN_RE = re.compile(f"[{WORD_CHARS}]+")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED_RE = re.compile(r"\b[A-Z][\w'\u2019-]+")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "just",
        "than",
        "then",
        "about",
        "after",
        "all",
        "also",
        "can",
        "do",
        "does",
        "did",
        "had",
        "how",
        "more",
        "most",
        "new",
        "now",
        "one",
        "only",
        "out",
        "over",
        "said",
        "says",
        "say",
        "up",
        "very",
        "would",
        "could",
        "should",
    ]
)


def _split_handle(match: re.Match[str]) -> str:
    return " " + _CAMEL_RE.sub(" ", match.group(1).replace("_", " ")) + " "


def clean_post(text: str) -> str:
    """Remove links and tweet trailers; turn @handles and #tags into words."""
    text = unicodedata.normalize("NFKC", text)
    text = _TRAILER_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    text = _BARE_LINK_RE.sub(" ", text)
    text = _HANDLE_RE.sub(_split_handle, text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Case-folded word tokens without stopwords; digits are kept (dates and counts matter)."""
    return [t for t in _TOKEN_RE.findall(fold(text)) if t not in STOPWORDS and len(t) > 1]


def numbers(text: str) -> set[str]:
    """Numbers as written, separators removed, so 1,000 and 1000 compare equal."""
    return {n.replace(",", "").replace(".", "") for n in _NUMBER_RE.findall(text)}


def capitalised(text: str) -> set[str]:
    """Capitalised words: a cheap stand-in for named entities that needs no NER model."""
    return {w.casefold() for w in _CAPITALISED_RE.findall(text)}
