"""An incremental BM25 inverted index over claim slots, with exact top-k by MaxScore pruning.

Postings are appended per term and frozen into numpy arrays on the next query, so adding a
claim is O(its tokens). Each posting carries its document's length, so scoring a postings list
reads it sequentially instead of gathering lengths at random. Removed slots are masked (their
postings stay until ``compact``), which keeps retraction O(1).

``top`` does not score every document that shares a term with the query: it walks the
postings in slot order and stops walking a common term's list once the k-th best score so far
is out of its reach, only searching it for documents the rarer terms produce (MaxScore, in
:mod:`.maxscore`). The answer is the same as ranking a full scan.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75
# Documents of the query's rarest term scored exactly before the MaxScore walk (threshold
# seeding): a few thousand lookups that usually make every common term non-essential at once.
SEED_LIMIT = 2_000


class _Arena:
    """Every term's frozen postings as segments of three shared arrays.

    One set of arrays (not one per term) lets the compiled top-k walk any query's postings
    by offsets. A segment that grows and is not the last one moves to the end; the space it
    leaves is reclaimed when it exceeds half the arena.
    """

    def __init__(self) -> None:
        self.slots = np.empty(0, dtype=np.int64)
        self.tfs = np.empty(0, dtype=np.float32)
        self.lens = np.empty(0, dtype=np.float32)
        self.used = 0
        self.garbage = 0

    def reserve(self, extra: int) -> None:
        need = self.used + extra
        if need > self.slots.size:
            size = max(need, 2 * self.slots.size, 1024)
            for name in ("slots", "tfs", "lens"):
                old = getattr(self, name)
                grown = np.empty(size, dtype=old.dtype)
                grown[: self.used] = old[: self.used]
                setattr(self, name, grown)


class _Postings:
    __slots__ = (
        "arena",
        "bound_avgdl",
        "buf_lens",
        "buf_slots",
        "buf_tfs",
        "length",
        "max_weight",
        "start",
    )

    def __init__(self, arena: _Arena) -> None:
        self.arena = arena
        self.start = 0
        self.length = 0
        self.buf_slots: list[int] = []
        self.buf_tfs: list[float] = []
        self.buf_lens: list[float] = []
        # The largest tf part over the frozen postings at average length ``bound_avgdl``.
        self.max_weight = 0.0
        self.bound_avgdl = 0.0

    @property
    def slots(self) -> np.ndarray:
        return self.arena.slots[self.start : self.start + self.length]

    @property
    def tfs(self) -> np.ndarray:
        return self.arena.tfs[self.start : self.start + self.length]

    @property
    def lens(self) -> np.ndarray:
        return self.arena.lens[self.start : self.start + self.length]

    def append(self, slot: int, tf: float, length: float) -> None:
        self.buf_slots.append(slot)
        self.buf_tfs.append(tf)
        self.buf_lens.append(length)

    def freeze(self, avgdl: float) -> None:
        if not self.buf_slots:
            if not self.bound_avgdl and self.length:
                self._set_bound(avgdl)
            return
        arena, extra = self.arena, len(self.buf_slots)
        if self.start + self.length == arena.used and self.length:
            arena.reserve(extra)  # the last segment: grow in place
        else:
            arena.reserve(self.length + extra)
            end = arena.used
            for name in ("slots", "tfs", "lens"):
                data = getattr(arena, name)
                data[end : end + self.length] = data[self.start : self.start + self.length]
            arena.garbage += self.length
            self.start = end
            arena.used = end + self.length
        tail = slice(arena.used, arena.used + extra)
        arena.slots[tail] = self.buf_slots
        arena.tfs[tail] = self.buf_tfs
        arena.lens[tail] = self.buf_lens
        arena.used += extra
        self.length += extra
        self.buf_slots.clear()
        self.buf_tfs.clear()
        self.buf_lens.clear()
        slots = self.slots
        if slots.size > 1 and bool((slots[1:] < slots[:-1]).any()):
            order = np.argsort(slots, kind="stable")  # slots added out of order
            tfs, lens = self.tfs, self.lens
            slots[:], tfs[:], lens[:] = slots[order], tfs[order], lens[order]
        self._set_bound(avgdl)

    def _set_bound(self, avgdl: float) -> None:
        tfs = self.tfs
        part = tfs * (K1 + 1.0) / (tfs + K1 * (1.0 - B + B * self.lens / avgdl))
        self.max_weight = float(part.max()) if part.size else 0.0
        self.bound_avgdl = avgdl

    def bound(self, avgdl: float) -> float:
        """Upper bound of the tf part at ``avgdl``.

        The tf part grows with the average length, and by at most its ratio, so a bound taken
        at one average stays valid (scaled) as documents come and go, without a rescan.
        """
        if not self.bound_avgdl:
            return K1 + 1.0
        return self.max_weight * max(1.0, avgdl / self.bound_avgdl) * (1.0 + 1e-5)

    def find(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions, present) of ``slots`` in this (frozen, sorted) list."""
        mine = self.slots
        if not mine.size:
            return np.zeros(len(slots), dtype=np.int64), np.zeros(len(slots), dtype=bool)
        pos = np.minimum(np.searchsorted(mine, slots), mine.size - 1)
        return pos, mine[pos] == slots


@dataclass(frozen=True, slots=True)
class _QueryTerm:
    postings: _Postings
    weight: float  # idf * query term frequency
    bound: float  # the most this term can add to any document's score


class BM25Index:
    """Okapi BM25 (k1=1.2, b=0.75) with Lucene's non-negative idf."""

    def __init__(self) -> None:
        self._arena = _Arena()
        self._dirty: set[str] = set()  # terms with buffered postings
        self._postings: dict[str, _Postings] = {}
        self._df: Counter[str] = Counter()
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._used = np.zeros(0, dtype=bool)
        self._terms: dict[int, list[str]] = {}
        self._total_len = 0.0
        self._n_alive = 0
        self.last_postings_read = 0  # postings the last ``top`` call scored or searched

    def __len__(self) -> int:
        return self._n_alive

    def _grow(self, slot: int) -> None:
        if slot >= len(self._lengths):
            size = max(slot + 1, 2 * len(self._lengths), 1024)
            old = self._alive.size
            self._lengths = np.resize(self._lengths, size)
            self._lengths[old:] = 0
            for name in ("_alive", "_used"):
                grown = np.zeros(size, dtype=bool)
                grown[:old] = getattr(self, name)
                setattr(self, name, grown)

    def add(self, slot: int, toks: list[str]) -> None:
        """Index one document under ``slot``; a slot is used once (its old postings linger)."""
        if slot < 0:
            raise ValueError(f"slot must be >= 0, got {slot}")
        if slot < self._used.size and self._used[slot]:
            raise ValueError(f"slot {slot} was already used; give a replacement a new slot")
        self._grow(slot)
        counts = Counter(toks)
        length = float(len(toks))
        for term, tf in counts.items():
            post = self._postings.get(term)
            if post is None:
                post = self._postings[term] = _Postings(self._arena)
            post.append(slot, float(tf), length)
            self._dirty.add(term)
            self._df[term] += 1
        self._terms[slot] = list(counts)
        self._lengths[slot] = length
        self._alive[slot] = True
        self._used[slot] = True
        self._total_len += length
        self._n_alive += 1

    def freeze(self) -> None:
        """Move every buffered posting into the arena now, so the next queries do not pay
        for it (an index that has just taken a large batch would otherwise freeze lazily)."""
        avgdl = self._avgdl()
        for term in self._dirty:
            post = self._postings.get(term)
            if post is not None:
                post.freeze(avgdl)
        self._dirty.clear()
        self._maybe_defragment()

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

    def _avgdl(self) -> float:
        return max(self._total_len / max(self._n_alive, 1), 1.0)

    @staticmethod
    def _tf_part(tfs: np.ndarray, lens: np.ndarray, avgdl: float) -> np.ndarray:
        """The tf part of BM25 in float64, as the compiled top-k computes it (equal scores
        must compare equal across both paths)."""
        tf = tfs.astype(np.float64)
        return tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * lens.astype(np.float64) / avgdl))

    def _query_terms(self, toks: list[str]) -> list[_QueryTerm]:
        avgdl = self._avgdl()
        out = []
        for term, qtf in Counter(toks).items():
            post = self._postings.get(term)
            if post is None or term not in self._df:
                continue
            post.freeze(avgdl)
            weight = self.idf(term) * qtf
            out.append(_QueryTerm(post, weight, weight * post.bound(avgdl)))
        return out

    def scores(self, toks: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(slots, scores) of every live document sharing a term with the query, by slot."""
        if not self._n_alive:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        terms = self._query_terms(toks)
        if not terms:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        avgdl = self._avgdl()
        slots = np.concatenate([t.postings.slots for t in terms])
        vals = np.concatenate(
            [t.weight * self._tf_part(t.postings.tfs, t.postings.lens, avgdl) for t in terms]
        )
        # bincount over the slot range beats sorting once postings get long (common terms).
        summed = np.bincount(slots, weights=vals, minlength=self._alive.size)
        summed[~self._alive] = 0.0
        hit = np.flatnonzero(summed > 0)
        return hit, summed[hit].astype(np.float32)

    def score_slots(self, toks: list[str], slots: np.ndarray) -> np.ndarray:
        """BM25 scores of the given slots (0 for dead slots or no shared term)."""
        return self._exact_scores(toks, np.asarray(slots, dtype=np.int64)).astype(np.float32)

    def _exact_scores(self, toks: list[str], slots: np.ndarray) -> np.ndarray:
        out = np.zeros(len(slots), dtype=np.float64)
        if not self._n_alive or not len(slots):
            return out
        self._add_terms(out, slots, self._query_terms(toks), self._avgdl())
        live = (slots >= 0) & (slots < self._alive.size)
        live[live] = self._alive[slots[live]]
        return np.where(live, out, 0.0)

    def _add_terms(
        self, out: np.ndarray, slots: np.ndarray, terms: list[_QueryTerm], avgdl: float
    ) -> int:
        """Add each term's contribution to ``out`` for ``slots``; return postings searched."""
        for t in terms:
            pos, present = t.postings.find(slots)
            if present.any():
                p = pos[present]
                out[present] += t.weight * self._tf_part(
                    t.postings.tfs[p], t.postings.lens[p], avgdl
                )
        return len(slots) * len(terms)

    def top(self, toks: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best (slots, scores), best first, ties by slot: the ranking of
        :meth:`scores`, found by MaxScore (:mod:`.maxscore`) without walking every posting."""
        from veracity.detect.misinfo.matching.maxscore import maxscore_top_k

        self.last_postings_read = 0
        terms = self._query_terms(toks) if self._n_alive and k > 0 else []
        self._maybe_defragment()
        if not terms:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        terms.sort(key=lambda t: t.bound)
        seeds = self._seeds(toks, terms)
        arena = self._arena
        slots, scores, reads = maxscore_top_k(
            arena.slots,
            arena.tfs,
            arena.lens,
            np.array([t.postings.start for t in terms], dtype=np.int64),
            np.array([t.postings.start + t.postings.length for t in terms], dtype=np.int64),
            np.array([t.weight for t in terms]),
            np.array([t.bound for t in terms]),
            self._alive,
            k,
            self._avgdl(),
            seeds,
            self._exact_scores(toks, seeds),
        )
        self.last_postings_read = int(reads) + len(seeds) * len(terms)
        return _best(slots, scores, k)

    def _seeds(self, toks: list[str], terms: list[_QueryTerm]) -> np.ndarray:
        """Live documents of the strongest (rarest) term when it is rare enough to score them
        all up front: their full scores set a high threshold before the walk starts."""
        best = terms[-1].postings.slots
        if not best.size or best.size > SEED_LIMIT:
            return np.empty(0, dtype=np.int64)
        return best[self._alive[best]].copy()

    def _maybe_defragment(self) -> None:
        arena = self._arena
        if arena.garbage > max(arena.used // 2, 1 << 16):
            self._rewrite(keep_dead=True)

    def _rewrite(self, keep_dead: bool) -> None:
        """Copy every frozen segment into a fresh arena (optionally dropping dead slots)."""
        fresh = _Arena()
        fresh.reserve(self._arena.used - self._arena.garbage)
        for term in list(self._postings):
            post = self._postings[term]
            slots, tfs, lens = post.slots, post.tfs, post.lens
            if not keep_dead:
                keep = self._alive[slots]
                slots, tfs, lens = slots[keep], tfs[keep], lens[keep]
                if not slots.size and not post.buf_slots:
                    del self._postings[term]
                    continue
            start = fresh.used
            end = start + slots.size
            fresh.slots[start:end], fresh.tfs[start:end], fresh.lens[start:end] = slots, tfs, lens
            fresh.used = end
            post.arena, post.start, post.length = fresh, start, int(slots.size)
        self._arena = fresh

    def compact(self) -> None:
        """Drop postings of removed slots (run after many retractions)."""
        avgdl = self._avgdl()
        for post in self._postings.values():
            post.freeze(avgdl)
        self._rewrite(keep_dead=False)


def _best(slots: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` highest-scoring (slots, scores), best first; equal scores by slot."""
    if scores.size > k:
        kth = np.partition(scores, scores.size - k)[scores.size - k]
        keep = scores >= kth  # every slot tied with the k-th, so ties break by slot below
        slots, scores = slots[keep], scores[keep]
    order = np.lexsort((slots, -scores))[:k]
    return slots[order], scores[order].astype(np.float32)
