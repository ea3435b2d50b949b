"""Near-identical text among a few posts: the repetition signal of spam and of content reuse.

Texts are normalised (``normalise_for_match``: case, punctuation and URLs removed) and cut into
character 5-shingles hashed as in ``veracity.detect.minhash``; two texts are near-identical when
the Jaccard similarity of their shingle sets reaches the threshold. Comparisons are exact (no
MinHash sketch): the caller bounds the number of posts, so the cost is small and known.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from veracity.detect.minhash import shingle_hashes, shingle_strings
from veracity.detect.textnorm import normalise_for_match

SHINGLE = 5
DEFAULT_THRESHOLD = 0.8
MIN_CHARS = 12  # shorter normalised texts ("thanks", "lol") repeat innocently; not compared


def shingles(text: str) -> np.ndarray:
    """Sorted unique shingle hashes; empty for texts too short to compare."""
    norm = normalise_for_match(text)
    if len(norm) < MIN_CHARS:
        return np.empty(0, dtype=np.uint64)
    return np.unique(shingle_hashes(norm, SHINGLE))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard of two sorted unique hash arrays; 0 when either is empty."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def near_duplicates(text: str, others: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> int:
    """How many of ``others`` are near-identical to ``text``."""
    mine = shingles(text)
    if len(mine) == 0:
        return 0
    return sum(1 for other in others if jaccard(mine, shingles(other)) >= threshold)


def reuse_fraction(texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> float | None:
    """Fraction of comparable texts that near-duplicate another one; None under two texts."""
    sets = [s for s in (shingles(t) for t in texts) if len(s)]
    if len(sets) < 2:
        return None
    reused = 0
    for i, a in enumerate(sets):
        if any(jaccard(a, b) >= threshold for j, b in enumerate(sets) if j != i):
            reused += 1
    return reused / len(sets)


def reference_jaccard(a: str, b: str) -> float:
    """Jaccard over shingle strings, for tests of ``jaccard(shingles(a), shingles(b))``."""
    na, nb = normalise_for_match(a), normalise_for_match(b)
    if len(na) < MIN_CHARS or len(nb) < MIN_CHARS:
        return 0.0
    sa, sb = shingle_strings(na, SHINGLE), shingle_strings(nb, SHINGLE)
    return len(sa & sb) / len(sa | sb)
