"""Ranking and calibration metrics, as CheckThat! computes them.

MAP@k follows the task's scorer: for each query, the mean over relevant claims of precision at
each rank (<= k) where one is found, divided by min(#relevant, k); queries without any
relevant claim in the top k score 0. Ties are broken by the order given (the ranker's order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def average_precision_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        raise ValueError("a query without relevant claims cannot be scored")
    hits = 0
    total = 0.0
    for rank, claim_id in enumerate(ranked[:k], start=1):
        if claim_id in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k)


def map_at_k(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]], k: int) -> float:
    """Mean over every query in ``qrels`` (a query missing from ``runs`` scores 0)."""
    if not qrels:
        raise ValueError("no queries to score")
    return float(
        np.mean([average_precision_at_k(runs.get(q, []), rel, k) for q, rel in qrels.items()])
    )


def recall_at_k(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]], k: int) -> float:
    """Fraction of relevant claims found in the top k, averaged over queries."""
    if not qrels:
        raise ValueError("no queries to score")
    return float(
        np.mean([len(set(runs.get(q, [])[:k]) & rel) / len(rel) for q, rel in qrels.items()])
    )


def expected_calibration_error(
    probs: Sequence[float] | np.ndarray, labels: Sequence[int], bins: int = 10
) -> float:
    """ECE with equal-width bins: mean |accuracy - confidence| weighted by bin size."""
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if p.shape != y.shape or p.size == 0:
        raise ValueError("need as many labels as probabilities, and at least one")
    idx = np.minimum((p * bins).astype(int), bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            ece += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(ece)


def reliability(
    probs: Sequence[float] | np.ndarray, labels: Sequence[int], bins: int = 10
) -> list[dict[str, float]]:
    """Per-bin count, mean predicted probability and observed match rate."""
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = idx == b
        if mask.any():
            out.append(
                {
                    "bin": b / bins,
                    "n": int(mask.sum()),
                    "predicted": round(float(p[mask].mean()), 4),
                    "observed": round(float(y[mask].mean()), 4),
                }
            )
    return out
