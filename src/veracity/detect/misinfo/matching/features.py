"""Pairwise features between a post and a shortlisted claim, all cheap enough for 300 posts/s.

Retrieval scores (BM25, dense cosine) come with their rank and their gap to the query's best
candidate, because what makes a match is often how far it stands above the alternatives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from veracity.detect.misinfo.matching.text import capitalised, numbers, tokens

FEATURES: tuple[str, ...] = (
    "bm25",
    "bm25_rel",
    "bm25_rr",
    "dense",
    "dense_gap",
    "dense_rr",
    "char3",
    "idf_containment",
    "idf_coverage",
    "jaccard",
    "numbers_shared",
    "numbers_missing",
    "names_jaccard",
    "log_len_post",
    "log_len_claim",
)

# A second embedder's view of the pair (optional; the model file names the embedder): its
# cosine, the gap to its best claim for the post and its reciprocal rank.
SECOND_FEATURES: tuple[str, ...] = ("dense2", "dense2_gap", "dense2_rr")


def feature_names(second_embedder: str | None) -> tuple[str, ...]:
    """The feature columns a model with (or without) a second embedder is fitted on."""
    return FEATURES + SECOND_FEATURES if second_embedder else FEATURES


def second_features(sim: float, best: float, rank: int | None) -> list[float]:
    """The values of ``SECOND_FEATURES``; ``rank`` is None outside its shortlist."""
    return [sim, sim - best, 1.0 / (1.0 + rank) if rank is not None else 0.0]


@dataclass(frozen=True, slots=True)
class TextProfile:
    """What the features need from one text, computed once (claims are cached)."""

    toks: frozenset[str]
    n_tokens: int
    trigrams: frozenset[str]
    nums: frozenset[str]
    names: frozenset[str]


def profile(text: str) -> TextProfile:
    toks = tokens(text)
    joined = " " + " ".join(toks) + " "
    return TextProfile(
        toks=frozenset(toks),
        n_tokens=len(toks),
        trigrams=frozenset(joined[i : i + 3] for i in range(len(joined) - 2)),
        nums=frozenset(numbers(text)),
        names=frozenset(capitalised(text)),
    )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _cosine_sets(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def pair_features(
    post: TextProfile,
    claim: TextProfile,
    idf: dict[str, float],
    claim_idf: float,
    *,
    bm25: float,
    bm25_best: float,
    bm25_rank: int | None,
    dense: float,
    dense_best: float,
    dense_rank: int | None,
) -> list[float]:
    """The values of ``FEATURES`` for one (post, claim) pair, in that order."""
    shared = post.toks & claim.toks
    shared_idf = sum(idf[t] for t in shared)
    claim_idf = claim_idf or 1.0
    post_idf = sum(idf[t] for t in post.toks) or 1.0
    return [
        bm25,
        bm25 / bm25_best if bm25_best > 0 else 0.0,
        1.0 / (1.0 + bm25_rank) if bm25_rank is not None else 0.0,
        dense,
        dense - dense_best,
        1.0 / (1.0 + dense_rank) if dense_rank is not None else 0.0,
        _cosine_sets(post.trigrams, claim.trigrams),
        shared_idf / claim_idf,
        shared_idf / post_idf,
        _jaccard(post.toks, claim.toks),
        float(len(post.nums & claim.nums)),
        float(len(claim.nums - post.nums)),
        _jaccard(post.names, claim.names),
        math.log1p(post.n_tokens),
        math.log1p(claim.n_tokens),
    ]
