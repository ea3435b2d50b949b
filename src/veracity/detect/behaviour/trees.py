"""A fitted scikit-learn ``HistGradientBoostingClassifier`` as plain arrays, scored in numpy.

Why: the model file must load without pickle (``np.load(allow_pickle=False)``) and score without
scikit-learn's private predictor classes, whose layout can change between releases. The trees
are flattened into one node table (children as absolute indices); scoring walks every row down
every tree at once, one level per step. The rule at a split is scikit-learn's: a missing value
(NaN) follows ``missing_left``, otherwise ``x <= threshold`` goes left. Leaf values already
include the learning rate, so the raw score is ``baseline + sum of the leaves reached``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ARRAYS = ("feature", "threshold", "missing_left", "left", "right", "is_leaf", "value", "roots")


@dataclass
class TreeEnsemble:
    feature: np.ndarray  # int32 per node
    threshold: np.ndarray  # float64 per node
    missing_left: np.ndarray  # bool per node
    left: np.ndarray  # int32 absolute child index
    right: np.ndarray  # int32
    is_leaf: np.ndarray  # bool
    value: np.ndarray  # float64 leaf value (0 at splits)
    roots: np.ndarray  # int32, one per tree
    baseline: float
    depth: int

    @classmethod
    def from_sklearn(cls, model: Any, columns: Sequence[int] | None = None) -> TreeEnsemble:
        """Export a fitted binary ``HistGradientBoostingClassifier`` (numeric features only).
        ``columns[j]`` is the full-matrix column the model's feature ``j`` was fitted on, so
        the ensemble scores rows of the full matrix."""
        if getattr(model, "n_trees_per_iteration_", 1) != 1:
            raise ValueError("only binary classifiers are supported")
        parts: list[np.ndarray] = []
        roots: list[int] = []
        offset = 0
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not supported")
            roots.append(offset)
            shifted = nodes.copy()
            shifted["left"] = np.where(nodes["is_leaf"] == 1, 0, nodes["left"] + offset)
            shifted["right"] = np.where(nodes["is_leaf"] == 1, 0, nodes["right"] + offset)
            parts.append(shifted)
            offset += len(nodes)
        if not parts:
            raise ValueError("the model has no trees")
        table = np.concatenate(parts)
        feature = table["feature_idx"].astype(np.int64)
        if columns is not None:
            feature = np.asarray(columns, dtype=np.int64)[feature]
        leaf = table["is_leaf"].astype(bool)
        return cls(
            feature=feature.astype(np.int32),
            threshold=table["num_threshold"].astype(np.float64),
            missing_left=table["missing_go_to_left"].astype(bool),
            left=table["left"].astype(np.int32),
            right=table["right"].astype(np.int32),
            is_leaf=leaf,
            value=np.where(leaf, table["value"], 0.0).astype(np.float64),
            roots=np.array(roots, dtype=np.int32),
            baseline=float(np.ravel(model._baseline_prediction)[0]),
            depth=int(table["depth"].max()),
        )

    def raw_scores(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of ``x`` (rows x features, NaN = unknown)."""
        x = np.asarray(x, dtype=np.float64)
        n = x.shape[0]
        position = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            leaf = self.is_leaf[position]
            if leaf.all():
                break
            values = x[rows, self.feature[position]]
            go_left = np.where(
                np.isnan(values), self.missing_left[position], values <= self.threshold[position]
            )
            step = np.where(go_left, self.left[position], self.right[position])
            position = np.where(leaf, position, step)
        return self.baseline + self.value[position].sum(axis=1)

    def reference_raw_score(self, row: list[float]) -> float:
        """One row, one tree at a time, in plain Python: what ``raw_scores`` must equal."""
        total = self.baseline
        for root in self.roots.tolist():
            node = root
            while not bool(self.is_leaf[node]):
                value = row[int(self.feature[node])]
                if value != value:  # NaN
                    left = bool(self.missing_left[node])
                else:
                    left = value <= float(self.threshold[node])
                node = int(self.left[node]) if left else int(self.right[node])
            total += float(self.value[node])
        return total

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays to store in an ``.npz`` (no objects, so no pickle)."""
        out = {f"{prefix}{name}": getattr(self, name) for name in ARRAYS}
        out[f"{prefix}scalars"] = np.array([self.baseline, float(self.depth)])
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> TreeEnsemble:
        baseline, depth = arrays[f"{prefix}scalars"].tolist()
        fields = {name: arrays[f"{prefix}{name}"] for name in ARRAYS}
        n = len(fields["feature"])
        if any(len(fields[k]) != n for k in ARRAYS if k != "roots"):
            raise ValueError("tree arrays differ in length")
        return cls(**fields, baseline=float(baseline), depth=int(depth))
