"""A learned ranker over pair features: LightGBM LambdaRank, then Platt scaling to a probability.

LambdaRank optimises the order of one post's candidates, so its raw scores are not
probabilities. Platt scaling (a one-variable logistic fit) maps them onto match probabilities;
it is fitted on out-of-fold scores (K folds over posts), so calibration never sees a score of a
post the booster was trained on, and the shipped booster is then refitted on every post. The
booster is stored as LightGBM's own text format inside the JSON model file (no pickle).
Needs the ``ml`` extra (lightgbm) to train and to score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 10,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "feature_fraction": 0.8,
    "lambdarank_truncation_level": 10,
    "num_threads": 1,
    "seed": 13,
    "deterministic": True,
    "verbose": -1,
}
ROUNDS = 200
FOLDS = 5


def _lightgbm() -> Any:
    try:
        import lightgbm
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "the lambdarank ranker needs lightgbm: pip install veracity[ml]"
        ) from exc
    return lightgbm


@dataclass
class GbmRanker:
    """sigmoid(a * booster(x) + b): a LambdaRank booster with its Platt calibration."""

    booster_text: str
    platt_a: float
    platt_b: float
    _booster: Any = None

    def raw(self, x: np.ndarray) -> np.ndarray:
        if self._booster is None:
            self._booster = _lightgbm().Booster(model_str=self.booster_text)
        if len(x) == 0:
            return np.zeros(0)
        return np.asarray(self._booster.predict(np.asarray(x, dtype=np.float64)))

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return _sigmoid(self.platt_a * self.raw(x) + self.platt_b)

    @classmethod
    def fit(
        cls, x: np.ndarray, y: np.ndarray, owners: np.ndarray, *, folds: int = FOLDS
    ) -> GbmRanker:
        """Fit on rows grouped by post (``owners``: the post index of each row)."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        owners = np.asarray(owners)
        posts = np.unique(owners)
        fold_of = np.random.default_rng(PARAMS["seed"]).permutation(len(posts)) % folds
        row_fold = fold_of[np.searchsorted(posts, owners)]
        oof = np.zeros(len(y))
        for f in range(folds):
            train, test = row_fold != f, row_fold == f
            if test.any() and train.any():
                oof[test] = _booster(x[train], y[train], owners[train]).predict(x[test])
        a, b = platt(oof, y)
        text = _booster(x, y, owners).model_to_string()
        return cls(text, a, b)

    def to_dict(self) -> dict[str, Any]:
        return {"booster": self.booster_text, "platt_a": self.platt_a, "platt_b": self.platt_b}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GbmRanker:
        return cls(str(data["booster"]), float(data["platt_a"]), float(data["platt_b"]))


def _booster(x: np.ndarray, y: np.ndarray, owners: np.ndarray) -> Any:
    """A booster on rows sorted by post (LightGBM wants each query's rows contiguous)."""
    lgb = _lightgbm()
    order = np.argsort(owners, kind="stable")
    _, sizes = np.unique(owners[order], return_counts=True)
    data = lgb.Dataset(x[order], label=y[order], group=sizes)
    return lgb.train(PARAMS, data, num_boost_round=ROUNDS)


def platt(scores: np.ndarray, y: np.ndarray, iterations: int = 100) -> tuple[float, float]:
    """Logistic fit of labels on one score (Newton steps, a tiny ridge for separable data)."""
    s = np.asarray(scores, dtype=np.float64)
    z = np.column_stack([s, np.ones_like(s)])
    w = np.array([1.0, 0.0])
    for _ in range(iterations):
        p = _sigmoid(z @ w)
        grad = z.T @ (p - y) + 1e-3 * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + 1e-3 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(w[0]), float(w[1])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))
