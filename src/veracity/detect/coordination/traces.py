"""Co-action items of posted content: links, media hashes, hashtag sequences, near-identical text.

Two accounts posting the same item is the evidence the job pairs on. Items are strings prefixed
by their trace so one table holds them all. Near-identical texts are grouped with MinHash LSH
(bands over character shingles) and connected components, so one text family is one item and a
pair of accounts is not counted once per matching band.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from veracity.detect.minhash import LSHIndex, MinHasher, shingle_hashes

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TAG = re.compile(r"#\w+", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_TRAIL = ".,;:!?)]}'\""
SHINGLE = 5
NUM_PERM = 64


@dataclass(frozen=True)
class TraceRow:
    account_id: str
    content_id: str
    trace: str
    item: str
    ts: int


def urls(text: str) -> list[str]:
    """Links in a text, lower-cased host, trailing punctuation and fragments dropped."""
    out = []
    for raw in _URL.findall(text):
        link = raw.rstrip(_TRAIL).split("#", 1)[0]
        scheme, _, rest = link.partition("://")
        host, slash, path = rest.partition("/")
        out.append(f"{scheme.lower()}://{host.lower()}{slash}{path}")
    return out


def hashtag_sequence(text: str) -> str:
    """The ordered, lower-cased hashtags of a text (a campaign's signature, not one tag)."""
    return " ".join(t.lower() for t in _TAG.findall(_URL.sub(" ", text)))


def text_key(text: str) -> str:
    """Text without links, hashtags, case or punctuation: copies that differ only there match."""
    body = _TAG.sub(" ", _URL.sub(" ", text))
    return " ".join(_WORD.findall(body.lower()))


def media_hashes(media: Iterable[dict[str, Any]]) -> list[str]:
    """PDQ when the platform sent one (perceptual: survives re-encoding), else SHA-256."""
    out = []
    for m in media:
        if m.get("pdq"):
            out.append("pdq:" + str(m["pdq"]))
        elif m.get("sha256"):
            out.append("sha256:" + str(m["sha256"]))
    return out


def near_duplicate_groups(texts: Sequence[str], threshold: float) -> np.ndarray:
    """For each text, the index of the earliest text it nearly duplicates (itself if none).

    Candidates share an LSH band; a candidate counts when the share of equal MinHash rows (an
    estimate of Jaccard similarity) reaches ``threshold``. One hop to the earliest match, never
    transitive chains, so a family of templated look-alikes cannot snowball into one item.
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    hasher = MinHasher(NUM_PERM)
    index = LSHIndex(NUM_PERM, threshold)
    sigs = hasher.signatures([shingle_hashes(t, SHINGLE) for t in texts])
    keys = index._keys(sigs)  # (n, bands) band hashes
    best = np.arange(n, dtype=np.int64)
    for band in range(keys.shape[1]):
        _, first, inverse = np.unique(keys[:, band], return_index=True, return_inverse=True)
        head = first[inverse].astype(np.int64)
        similar = (sigs == sigs[head]).mean(axis=1) >= threshold
        best = np.where(similar & (head < best), head, best)
    return best


def content_traces(
    records: Iterable[tuple[str, str, int, str, list[dict[str, Any]]]],
    *,
    min_tags: int = 2,
    min_text_words: int = 5,
    text_threshold: float = 0.7,
) -> list[TraceRow]:
    """Trace rows of ``(content_id, account_id, ts, text, media)`` records."""
    rows: list[TraceRow] = []
    long_texts: list[str] = []
    long_owner: list[tuple[str, str, int]] = []
    for content_id, account_id, ts, text, media in records:
        for link in dict.fromkeys(urls(text)):
            rows.append(TraceRow(account_id, content_id, "url", link, ts))
        tags = hashtag_sequence(text)
        if tags.count("#") >= min_tags:
            rows.append(TraceRow(account_id, content_id, "tags", tags, ts))
        for h in dict.fromkeys(media_hashes(media)):
            rows.append(TraceRow(account_id, content_id, "media", h, ts))
        key = text_key(text)
        if len(key.split()) >= min_text_words:
            long_texts.append(key)
            long_owner.append((content_id, account_id, ts))
    # A text family is named by its earliest member's content id (records in input order).
    heads = near_duplicate_groups(long_texts, text_threshold).tolist()
    for head, (content_id, account_id, ts) in zip(heads, long_owner, strict=True):
        rows.append(TraceRow(account_id, content_id, "text", long_owner[head][0], ts))
    return rows
