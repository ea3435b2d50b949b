"""Exact and near-duplicate matching of an item's text against the ``text`` bank.

Texts are normalised (NFKC, case folding, URLs, punctuation and symbols removed, whitespace
collapsed). An exact match is equality of the normalised texts (looked up by a BLAKE2b digest).
Near duplicates are scored by the Jaccard similarity of character 5-shingle sets; the fast path
finds candidates by MinHash LSH and verifies each by exact Jaccard, the reference scores every
bank entry.

``similarity`` is the best verified Jaccard. Above the threshold both paths agree (up to the
rare LSH miss); below it the fast path's value is the best among LSH candidates, a lower bound
of the reference's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from veracity.detect.banks import BankEntry
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.minhash import LSHIndex, MinHasher, shingle_hashes, shingle_strings
from veracity.detect.textnorm import clip, normalise_for_match
from veracity.domain.entities import ContentIn

DEFAULT_THRESHOLD = 0.7
SHINGLE_SIZE = 5
NUM_PERM = 128
_EVIDENCE_MATCHES = 5


def _digest(norm: str) -> bytes:
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class TextMatch:
    entry_id: str
    label: str
    similarity: float
    exact: bool
    index: int

    def as_json(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "label": self.label,
            "similarity": round(self.similarity, 4),
            "exact": self.exact,
        }


def _rank(match: TextMatch) -> tuple[float, bool, str]:
    return (-match.similarity, not match.exact, match.entry_id)


class TextMatchDetector(OnlineDetector):
    name = "text_match"
    version = "1.0.0"
    description = "Exact and near-duplicate match of the item's text against the text bank."
    inputs = ("text", "on_screen_text", "transcript")
    outputs = (
        OutputSpec("exact", OutputType.BOOL, "the normalised text equals a bank entry's"),
        OutputSpec("similarity", OutputType.DOUBLE, "best Jaccard similarity to a bank entry"),
        OutputSpec("matched", OutputType.BOOL, "similarity is at least the threshold"),
        OutputSpec("entry_id", OutputType.STRING, "id of the best matching entry, if matched"),
        OutputSpec("label", OutputType.STRING, "label of the best matching entry, if matched"),
        OutputSpec("match_count", OutputType.INT, "number of bank entries at or above threshold"),
    )

    def __init__(
        self,
        entries: Iterable[BankEntry] = (),
        *,
        threshold: float = DEFAULT_THRESHOLD,
        shingle_size: int = SHINGLE_SIZE,
        num_perm: int = NUM_PERM,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.shingle_size = shingle_size
        self._hasher = MinHasher(num_perm)
        self._lsh = LSHIndex(num_perm, threshold)
        self._ids: list[str] = []
        self._labels: list[str] = []
        self._values: list[str] = []
        self._norms: list[str] = []
        self._sets: list[frozenset[int]] = []
        self._exact: dict[bytes, list[int]] = {}
        self._reference_sets: list[set[str]] | None = None  # built on first reference call
        self.skipped = 0
        seen: set[str] = set()
        hash_arrays: list[np.ndarray] = []
        for entry in entries:
            norm = normalise_for_match(entry.value)
            if not norm or entry.entry_id in seen:
                self.skipped += 1
                continue
            seen.add(entry.entry_id)
            hashes = shingle_hashes(norm, shingle_size)
            self._ids.append(entry.entry_id)
            self._labels.append(entry.label or "")
            self._values.append(entry.value)
            self._norms.append(norm)
            self._sets.append(frozenset(hashes.tolist()))
            self._exact.setdefault(_digest(norm), []).append(len(self._ids) - 1)
            hash_arrays.append(hashes)
        if hash_arrays:
            self._lsh.insert_many(range(len(hash_arrays)), self._hasher.signatures(hash_arrays))

    def __len__(self) -> int:
        return len(self._ids)

    # -- matching -------------------------------------------------------------------------

    def _match(self, index: int, similarity: float, exact: bool) -> TextMatch:
        return TextMatch(self._ids[index], self._labels[index], similarity, exact, index)

    def find(self, text: str) -> tuple[list[TextMatch], float, int]:
        """Fast path: (matches at or above threshold, best, LSH candidates verified)."""
        norm = normalise_for_match(text)
        if not norm or not self._ids:
            return [], 0.0, 0
        exact = self._exact.get(_digest(norm), ())
        hashes = shingle_hashes(norm, self.shingle_size)
        candidates = self._lsh.query(self._hasher.signature(hashes))
        best = 1.0 if exact else 0.0
        hits = [self._match(i, 1.0, True) for i in exact]
        if not candidates:
            return hits, best, 0
        candidates.difference_update(exact)
        mine = set(hashes.tolist())
        for index in candidates:
            theirs = self._sets[index]
            inter = len(mine & theirs) if len(mine) <= len(theirs) else len(theirs & mine)
            similarity = inter / (len(mine) + len(theirs) - inter)
            best = max(best, similarity)
            if similarity >= self.threshold:
                hits.append(self._match(index, similarity, False))
        hits.sort(key=_rank)
        return hits, best, len(candidates)

    def reference_find(self, text: str) -> tuple[list[TextMatch], float]:
        """Brute force: exact Jaccard of shingle strings against every entry."""
        norm = normalise_for_match(text)
        if not norm:
            return [], 0.0
        mine = shingle_strings(norm, self.shingle_size)
        if self._reference_sets is None:
            self._reference_sets = [shingle_strings(n, self.shingle_size) for n in self._norms]
        best = 0.0
        hits = []
        for index, entry_norm in enumerate(self._norms):
            theirs = self._reference_sets[index]
            inter = len(mine & theirs)
            similarity = inter / (len(mine) + len(theirs) - inter)  # |A & B| / |A | B|
            exact = entry_norm == norm
            if exact:
                similarity = 1.0
            best = max(best, similarity)
            if similarity >= self.threshold:
                hits.append(self._match(index, similarity, exact))
        hits.sort(key=_rank)
        return hits, best

    # -- detector interface ---------------------------------------------------------------

    def _result(self, hits: list[TextMatch], best: float, extra: dict[str, Any]) -> DetectorResult:
        top = hits[0] if hits else None
        outputs = {
            "exact": bool(top and top.exact),
            "similarity": float(best),
            "matched": top is not None,
            "entry_id": top.entry_id if top else "",
            "label": top.label if top else "",
            "match_count": len(hits),
        }
        evidence: dict[str, Any] = {
            "bank_size": len(self._ids),
            "threshold": self.threshold,
            "best_similarity": round(best, 4),
            **extra,
        }
        if top is not None:
            evidence["best"] = {**top.as_json(), "value": clip(self._values[top.index], 200)}
            evidence["matches"] = [m.as_json() for m in hits[:_EVIDENCE_MATCHES]]
            if len(hits) > _EVIDENCE_MATCHES:
                evidence["more_matches"] = len(hits) - _EVIDENCE_MATCHES
        return DetectorResult(outputs, evidence)

    def detect(self, item: ContentIn) -> DetectorResult:
        hits, best, candidates = self.find(item.all_text())
        return self._result(hits, best, {"candidates": candidates})

    def reference(self, item: ContentIn) -> DetectorResult:
        hits, best = self.reference_find(item.all_text())
        return self._result(hits, best, {})
