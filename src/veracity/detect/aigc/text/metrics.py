"""Detection metrics, written out so they can be checked by hand (no hidden averaging choices).

``auroc`` is the Mann-Whitney probability that a random machine text scores above a random human
one, ties counting one half. ``tpr_at_fpr`` is the best true-positive rate among thresholds
``score >= t`` whose false-positive rate stays at or below the bound: what a platform gets if it
may wrongly flag at most 1 % of human posts.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import rankdata


def _arrays(labels: ArrayLike, scores: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape or y.ndim != 1:
        raise ValueError(f"labels and scores differ in shape: {y.shape} vs {s.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0 (human) or 1 (machine)")
    if np.isnan(s).any():
        raise ValueError("scores contain NaN")
    return y, s


def auroc(labels: ArrayLike, scores: ArrayLike) -> float:
    y, s = _arrays(labels, scores)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUROC needs both human (0) and machine (1) examples")
    ranks = rankdata(s)  # ties get their average rank
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def tpr_at_fpr(labels: ArrayLike, scores: ArrayLike, max_fpr: float = 0.01) -> float:
    y, s = _arrays(labels, scores)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("TPR at FPR needs both human (0) and machine (1) examples")
    thresholds = np.unique(s)
    # how many of each class score >= every candidate threshold (integers: no rounding at 1 %)
    false_pos = len(neg) - np.searchsorted(np.sort(neg), thresholds, side="left")
    true_pos = len(pos) - np.searchsorted(np.sort(pos), thresholds, side="left")
    allowed = true_pos[false_pos <= np.floor(max_fpr * len(neg) + 1e-9)] / len(pos)
    return float(allowed.max()) if len(allowed) else 0.0


def accuracy(labels: ArrayLike, predictions: ArrayLike) -> float:
    y, p = _arrays(labels, predictions)
    return float(np.mean(y == p))


def f1(labels: ArrayLike, predictions: ArrayLike) -> float:
    """F1 of the machine class (label 1)."""
    y, p = _arrays(labels, predictions)
    tp = float(np.sum((y == 1) & (p == 1)))
    fp = float(np.sum((y == 0) & (p == 1)))
    fn = float(np.sum((y == 1) & (p == 0)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def report(labels: ArrayLike, probabilities: ArrayLike, threshold: float = 0.5) -> dict:
    """The four figures ``veracity eval aitext`` prints, plus the counts they came from."""
    y, s = _arrays(labels, probabilities)
    predicted = (s >= threshold).astype(np.int64)
    return {
        "auroc": auroc(y, s),
        "accuracy": accuracy(y, predicted),
        "f1": f1(y, predicted),
        "tpr_at_1pct_fpr": tpr_at_fpr(y, s, 0.01),
        "n": len(y),
        "n_machine": int(y.sum()),
        "threshold": threshold,
    }
