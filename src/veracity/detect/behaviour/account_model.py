"""The account integrity model: gradient-boosted trees over ``account_features`` with Platt
calibration, stored as arrays in one ``.npz`` (no pickle; see ``trees``).

Training (``fit``): the trees are scikit-learn's ``HistGradientBoostingClassifier``, which
handles NaN natively (each split learns where unknown values go). Columns that are unknown for
every training row are left out (the trees could not split on them anyway). Calibration: the
Platt map is fitted on out-of-fold scores from ``CALIBRATION_FOLDS`` models that did not see
those rows; the final trees are then fitted on all rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from veracity.detect.behaviour.account_features import FEATURES, Activity, matrix
from veracity.detect.behaviour.calibration import Platt, fit_platt
from veracity.detect.behaviour.trees import TreeEnsemble
from veracity.domain.entities import AccountIn

FORMAT = "veracity-account-integrity"
FORMAT_VERSION = 1
CALIBRATION_FOLDS = 5


class ModelFileError(ValueError):
    """A model file that is missing, unreadable or built for other features."""


@dataclass(frozen=True)
class TreeParams:
    """Small, strongly regularised trees: the labelled sets have hundreds of accounts."""

    max_iter: int = 300
    learning_rate: float = 0.03
    max_leaf_nodes: int = 8
    min_samples_leaf: int = 20
    l2_regularization: float = 1.0

    def for_rows(self, n: int) -> dict[str, Any]:
        """The estimator arguments; the leaf minimum shrinks for very small sets."""
        return {
            "max_iter": self.max_iter,
            "learning_rate": self.learning_rate,
            "max_leaf_nodes": self.max_leaf_nodes,
            "min_samples_leaf": max(2, min(self.min_samples_leaf, n // 20)),
            "l2_regularization": self.l2_regularization,
            "early_stopping": False,
            "random_state": 0,
        }


@dataclass
class AccountModel:
    trees: TreeEnsemble
    platt: Platt
    used: tuple[str, ...]
    card: dict[str, Any] = field(default_factory=dict)

    def raw_scores(self, x: np.ndarray) -> np.ndarray:
        return self.trees.raw_scores(x)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return self.platt(self.raw_scores(x))

    def predict_proba(
        self,
        accounts: Sequence[AccountIn],
        at: Sequence[datetime],
        activities: Sequence[Activity | None] | None = None,
    ) -> np.ndarray:
        """Calibrated P(fake or automated) per account, observed at ``at[i]``."""
        return self.probabilities(matrix(accounts, at, activities))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "features": list(FEATURES),
            "used": list(self.used),
            "platt": [self.platt.a, self.platt.b],
            "card": self.card,
        }
        with path.open("wb") as handle:
            arrays: dict[str, Any] = {"header": np.array(json.dumps(header))}
            arrays.update(self.trees.arrays("tree_"))
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> AccountModel:
        if not path.is_file():
            raise ModelFileError(f"{path}: no account model here; run `veracity train accounts`")
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            header = json.loads(str(arrays.pop("header")))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelFileError(f"{path}: not a readable account model ({exc})") from exc
        if header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
            raise ModelFileError(
                f"{path}: format {header.get('format')!r} v{header.get('format_version')}, "
                f"expected {FORMAT!r} v{FORMAT_VERSION}; retrain with `veracity train accounts`"
            )
        if header.get("features") != list(FEATURES):
            raise ModelFileError(f"{path}: trained with other features; retrain it")
        try:
            trees = TreeEnsemble.from_arrays(arrays, "tree_")
        except (KeyError, ValueError) as exc:
            raise ModelFileError(f"{path}: damaged tree arrays ({exc})") from exc
        a, b = header["platt"]
        return cls(trees, Platt(float(a), float(b)), tuple(header["used"]), header.get("card", {}))


def _limit_threads() -> Any:
    """One thread: the sets are small and the machines shared (OpenMP oversubscribes)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def fit_trees(x: np.ndarray, y: np.ndarray, params: TreeParams) -> tuple[TreeEnsemble, list[int]]:
    """Trees on the columns that are known for at least one row."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    columns = [j for j in range(x.shape[1]) if not np.isnan(x[:, j]).all()]
    if not columns:
        raise ValueError("no feature is known for any training account")
    with _limit_threads():
        model = HistGradientBoostingClassifier(**params.for_rows(len(y)))
        model.fit(x[:, columns], y)
    return TreeEnsemble.from_sklearn(model, columns), columns


def fit(
    x: np.ndarray, y: np.ndarray, params: TreeParams | None = None, *, seed: int = 0
) -> AccountModel:
    """Calibrated model on the feature matrix ``x`` and labels ``y`` (1 fake, 0 genuine)."""
    from sklearn.model_selection import StratifiedKFold

    params = params or TreeParams()
    y = np.asarray(y, dtype=np.int64)
    counts = np.bincount(y, minlength=2)
    if counts.min() < 2:
        raise ValueError("training needs at least two fake and two genuine accounts")
    folds = int(min(CALIBRATION_FOLDS, counts.min()))
    out_of_fold = np.zeros(len(y))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, held in splitter.split(x, y):
        trees, _ = fit_trees(x[train], y[train], params)
        out_of_fold[held] = trees.raw_scores(x[held])
    trees, columns = fit_trees(x, y, params)
    used = tuple(FEATURES[j] for j in columns)
    return AccountModel(trees, fit_platt(out_of_fold, y), used)
