"""Platt scaling: ``p = 1 / (1 + exp(-(a * score + b)))`` fitted on held-out scores.

Why Platt and not isotonic: the account and spam sets have hundreds to a few thousand rows, where
a two-parameter map is steadier than a step function and keeps the ranking (AUROC) unchanged.
The scores it is fitted on must come from models that did not see those rows (out-of-fold).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Platt:
    a: float = 1.0
    b: float = 0.0

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        z = np.clip(self.a * np.asarray(scores, dtype=np.float64) + self.b, -50.0, 50.0)
        return 1.0 / (1.0 + np.exp(-z))

    def one(self, score: float) -> float:
        z = max(-50.0, min(50.0, self.a * score + self.b))
        return 1.0 / (1.0 + float(np.exp(-z)))


def fit_platt(scores: np.ndarray, labels: np.ndarray) -> Platt:
    """Logistic regression of the labels on the one score (lightly regularised)."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels)
    if len(np.unique(y)) < 2:
        raise ValueError("calibration needs both classes")
    fit = LogisticRegression(C=100.0).fit(np.asarray(scores, dtype=np.float64)[:, None], y)
    return Platt(float(fit.coef_[0, 0]), float(fit.intercept_[0]))
