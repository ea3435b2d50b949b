"""Exact BM25 top-k by MaxScore (Turtle and Flood 1995), compiled with numba.

Documents are visited in slot order across the query terms' sorted postings. Terms are kept
in ascending order of their score upper bound; once the k-th best score so far exceeds the
summed bounds of the weakest terms, those terms become "non-essential": a document that only
they contain cannot enter the top k, so their postings are never walked, only searched
(galloping) for documents the essential terms already produced. At a million claims a query
with common words then reads a small part of the postings a full scan would.
"""

from __future__ import annotations

import numpy as np
from numba import njit

K1 = 1.2
B = 0.75


@njit(cache=True, inline="always")
def _tf_part(tf: float, length: float, avgdl: float) -> float:
    return tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / avgdl))


@njit(cache=True, inline="always")
def _seek(slots: np.ndarray, start: int, n: int, target: int) -> int:
    """First position in ``[start, n)`` whose slot is >= ``target`` (galloping, then binary)."""
    if start >= n or slots[start] >= target:
        return start
    step = 1
    lo = start
    hi = start + 1
    while hi < n and slots[hi] < target:
        lo = hi
        step *= 2
        hi = lo + step
    if hi > n:
        hi = n
    while lo < hi:
        mid = (lo + hi) // 2
        if slots[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, inline="always")
def _offer(
    top_slots: np.ndarray, top_scores: np.ndarray, filled: int, k: int, doc: int, score: float
) -> tuple[int, float]:
    """Keep ``doc`` if it ranks in the top k (higher score, then lower slot); return the new
    fill count and threshold (the k-th score, or 0 while fewer than k are held)."""
    if filled < k:
        top_slots[filled] = doc
        top_scores[filled] = score
        filled += 1
        return filled, top_scores[:filled].min() if filled == k else 0.0
    worst = 0  # the lowest score; among equals the highest slot
    for j in range(1, k):
        if top_scores[j] < top_scores[worst] or (
            top_scores[j] == top_scores[worst] and top_slots[j] > top_slots[worst]
        ):
            worst = j
    if score > top_scores[worst] or (score == top_scores[worst] and doc < top_slots[worst]):
        top_slots[worst] = doc
        top_scores[worst] = score
    return filled, top_scores.min()


@njit(cache=True, nogil=True)
def maxscore_top_k(
    slots: np.ndarray,
    tfs: np.ndarray,
    lens: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    weights: np.ndarray,
    bounds: np.ndarray,
    alive: np.ndarray,
    k: int,
    avgdl: float,
    seed_slots: np.ndarray,
    seed_scores: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(slots, scores, postings read) of the ``k`` best live documents, in no set order.

    Term ``t``'s postings are ``[starts[t], ends[t])`` of the shared ``slots``/``tfs``/``lens``
    arrays, sorted by slot. Terms must come sorted by ``bounds`` ascending; ``weights`` are
    idf times query tf. ``seed_slots`` (sorted, live) with their exact full ``seed_scores``
    enter the top k first, so the threshold starts high (threshold seeding); the walk then
    skips them.
    """
    m = weights.shape[0]
    prefix = np.zeros(m + 1)
    for t in range(m):
        prefix[t + 1] = prefix[t] + bounds[t]
    cursor = starts.copy()
    top_slots = np.full(k, -1, dtype=np.int64)
    top_scores = np.full(k, -1.0)
    filled = 0
    theta = 0.0
    for j in range(seed_slots.shape[0]):
        filled, theta = _offer(top_slots, top_scores, filled, k, seed_slots[j], seed_scores[j])
    first = 0  # terms [first, m) are essential
    if filled == k:
        while first < m and prefix[first + 1] < theta:
            first += 1
    reads = 0
    seed_at = 0
    while first < m:
        doc = -1
        for t in range(first, m):
            pos = cursor[t]
            if pos < ends[t]:
                s = int(slots[pos])
                if doc < 0 or s < doc:
                    doc = s
        if doc < 0:
            break
        score = 0.0
        for t in range(first, m):
            pos = cursor[t]
            if pos < ends[t] and slots[pos] == doc:
                score += weights[t] * _tf_part(tfs[pos], lens[pos], avgdl)
                cursor[t] = pos + 1
                reads += 1
        if not alive[doc]:
            continue
        while seed_at < seed_slots.shape[0] and seed_slots[seed_at] < doc:
            seed_at += 1
        if seed_at < seed_slots.shape[0] and seed_slots[seed_at] == doc:
            continue  # a seed: already offered with its full score
        for t in range(first - 1, -1, -1):
            if score + prefix[t + 1] < theta:
                break
            pos = _seek(slots, cursor[t], ends[t], doc)
            cursor[t] = pos
            reads += 1
            if pos < ends[t] and slots[pos] == doc:
                score += weights[t] * _tf_part(tfs[pos], lens[pos], avgdl)
        filled, theta = _offer(top_slots, top_scores, filled, k, doc, score)
        if filled == k:
            while first < m and prefix[first + 1] < theta:
                first += 1
    return top_slots[:filled].copy(), top_scores[:filled].copy(), reads
