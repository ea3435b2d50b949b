"""An incremental BM25 inverted index over claim slots.

Postings are appended per term and frozen into numpy arrays on the next query, so adding a
claim is O(its tokens) and a query touches only the postings of its own terms. Removed slots
are masked (their postings stay until ``compact``), which keeps retraction O(1).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

K1 = 1.2
B = 0.75


class _Postings:
    __slots__ = ("buf_slots", "buf_tfs", "slots", "tfs")

    def __init__(self) -> None:
        self.slots = np.empty(0, dtype=np.int64)
        self.tfs = np.empty(0, dtype=np.float32)
        self.buf_slots: list[int] = []
        self.buf_tfs: list[float] = []

    def freeze(self) -> None:
        if self.buf_slots:
            self.slots = np.concatenate([self.slots, np.asarray(self.buf_slots, dtype=np.int64)])
            self.tfs = np.concatenate([self.tfs, np.asarray(self.buf_tfs, dtype=np.float32)])
            self.buf_slots.clear()
            self.buf_tfs.clear()


class BM25Index:
    """Okapi BM25 (k1=1.2, b=0.75) with Lucene's non-negative idf."""

    def __init__(self) -> None:
        self._postings: dict[str, _Postings] = {}
        self._df: Counter[str] = Counter()
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._terms: dict[int, list[str]] = {}
        self._total_len = 0.0
        self._n_alive = 0

    def __len__(self) -> int:
        return self._n_alive

    def _grow(self, slot: int) -> None:
        if slot >= len(self._lengths):
            size = max(slot + 1, 2 * len(self._lengths), 1024)
            self._lengths = np.resize(self._lengths, size)
            self._lengths[self._alive.size :] = 0
            alive = np.zeros(size, dtype=bool)
            alive[: self._alive.size] = self._alive
            self._alive = alive

    def add(self, slot: int, toks: list[str]) -> None:
        """Index one document under ``slot`` (a slot is used once; re-adding replaces)."""
        if slot < self._alive.size and self._alive[slot]:
            self.remove(slot)
        self._grow(slot)
        counts = Counter(toks)
        for term, tf in counts.items():
            post = self._postings.get(term)
            if post is None:
                post = self._postings[term] = _Postings()
            post.buf_slots.append(slot)
            post.buf_tfs.append(float(tf))
            self._df[term] += 1
        self._terms[slot] = list(counts)
        self._lengths[slot] = len(toks)
        self._alive[slot] = True
        self._total_len += len(toks)
        self._n_alive += 1

    def remove(self, slot: int) -> None:
        """Mask a slot; its postings are skipped at query time."""
        if slot >= self._alive.size or not self._alive[slot]:
            return
        self._alive[slot] = False
        self._n_alive -= 1
        self._total_len -= float(self._lengths[slot])
        for term in self._terms.pop(slot, []):
            self._df[term] -= 1
            if self._df[term] <= 0:
                del self._df[term]

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1.0 + (self._n_alive - df + 0.5) / (df + 0.5))

    def scores(self, toks: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(slots, scores) of every live document sharing a term with the query."""
        if not self._n_alive:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        avgdl = max(self._total_len / self._n_alive, 1.0)
        all_slots: list[np.ndarray] = []
        all_scores: list[np.ndarray] = []
        for term, qtf in Counter(toks).items():
            post = self._postings.get(term)
            if post is None or term not in self._df:
                continue
            post.freeze()
            tf = post.tfs
            norm = K1 * (1.0 - B + B * self._lengths[post.slots] / avgdl)
            all_slots.append(post.slots)
            all_scores.append(self.idf(term) * qtf * tf * (K1 + 1.0) / (tf + norm))
        if not all_slots:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        slots = np.concatenate(all_slots)
        vals = np.concatenate(all_scores)
        # bincount over the slot range beats sorting once postings get long (common terms).
        summed = np.bincount(slots, weights=vals, minlength=self._alive.size)
        summed[~self._alive] = 0.0
        hit = np.flatnonzero(summed > 0)
        return hit, summed[hit].astype(np.float32)

    def top(self, toks: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best (slots, scores), best first."""
        slots, vals = self.scores(toks)
        if vals.size > k:
            part = np.argpartition(-vals, k - 1)[:k]
            slots, vals = slots[part], vals[part]
        order = np.argsort(-vals, kind="stable")
        return slots[order], vals[order]

    def compact(self) -> None:
        """Drop postings of removed slots (run after many retractions)."""
        for term in list(self._postings):
            post = self._postings[term]
            post.freeze()
            keep = self._alive[post.slots]
            if not keep.any():
                del self._postings[term]
                continue
            post.slots, post.tfs = post.slots[keep], post.tfs[keep]
