"""Score fusion: a logistic regression over pair features, whose output is the match probability.

Training is plain L2-regularised Newton-Raphson (IRLS) in numpy, so neither training nor
inference needs scikit-learn. A model may instead carry a LambdaRank ranker with Platt
calibration (``ranker.py``). The model also names what its features need: the embedder for
dense retrieval, an optional second embedder, and the shortlist it was trained with. It is
stored as JSON with its model card (training data, date, metrics), never as a pickle.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from veracity.detect.misinfo.matching.features import FEATURES, feature_names
from veracity.detect.misinfo.matching.ranker import GbmRanker

FORMAT = "veracity-claim-matcher"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1: logistic, one embedder, shortlist 5
DEFAULT_SHORTLIST = 5


class ModelFileError(ValueError):
    """A model artefact that cannot be used (wrong format, version or features)."""


@dataclass
class FusionModel:
    """sigmoid(intercept + coef . (x - mean) / scale) over ``features``, or ``ranker``'s output.

    ``second_embedder`` adds its ``SECOND_FEATURES`` columns; ``shortlist`` is the number of
    candidates per retriever the model was trained on (the matcher uses it unless told).
    """

    features: tuple[str, ...]
    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    embedder: str = "wordllama"
    card: dict[str, Any] = field(default_factory=dict)
    second_embedder: str | None = None
    shortlist: int = DEFAULT_SHORTLIST
    ranker: GbmRanker | None = None
    # A distilled post encoder for ``embedder`` (student.py): the file's path, resolved
    # against the model file's folder when loaded.
    student: str | None = None

    def logits(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        return np.asarray(z @ self.coef + self.intercept)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        if self.ranker is not None:
            return self.ranker.predict_proba(x)
        return _sigmoid(self.logits(x))

    @classmethod
    def from_ranker(
        cls,
        ranker: GbmRanker,
        *,
        embedder: str = "wordllama",
        second_embedder: str | None = None,
        shortlist: int = DEFAULT_SHORTLIST,
        card: dict[str, Any] | None = None,
        student: str | None = None,
    ) -> FusionModel:
        """A model whose probability is the calibrated ranker's (the logistic part is unused)."""
        names = feature_names(second_embedder)
        zeros, ones = np.zeros(len(names)), np.ones(len(names))
        return cls(
            names,
            zeros,
            0.0,
            zeros,
            ones,
            embedder,
            dict(card or {}),
            second_embedder,
            shortlist,
            ranker,
            student,
        )

    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        y: np.ndarray,
        *,
        l2: float = 1.0,
        embedder: str = "wordllama",
        card: dict[str, Any] | None = None,
        iterations: int = 50,
        second_embedder: str | None = None,
        shortlist: int = DEFAULT_SHORTLIST,
        student: str | None = None,
    ) -> FusionModel:
        """Maximum a-posteriori logistic regression on standardised features."""
        names = feature_names(second_embedder)
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(names) or len(y) != len(x):
            raise ValueError(f"need an (n, {len(names)}) matrix and n labels, got {x.shape}")
        if not (0 < y.sum() < len(y)):
            raise ValueError("training data needs both matching and non-matching pairs")
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
        w = np.zeros(z.shape[1])
        penalty = np.full(z.shape[1], l2)
        penalty[-1] = 0.0
        for _ in range(iterations):
            p = _sigmoid(z @ w)
            grad = z.T @ (p - y) + penalty * w
            hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(
            names,
            w[:-1],
            float(w[-1]),
            mean,
            scale,
            embedder,
            dict(card or {}),
            second_embedder,
            shortlist,
            student=student,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "features": list(self.features),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "embedder": self.embedder,
            "second_embedder": self.second_embedder,
            "shortlist": self.shortlist,
            "ranker": self.ranker.to_dict() if self.ranker is not None else None,
            "student": self.student,
            "card": self.card,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "model") -> FusionModel:
        if data.get("format") != FORMAT:
            raise ModelFileError(f"{source}: not a {FORMAT} file")
        if data.get("version") not in READABLE_VERSIONS:
            raise ModelFileError(
                f"{source}: model version {data.get('version')!r}, this code reads "
                f"{READABLE_VERSIONS}; retrain with `veracity train claims`"
            )
        second = data.get("second_embedder")
        second = str(second) if second else None
        names = feature_names(second)
        features = tuple(data.get("features", ()))
        if features != names:
            raise ModelFileError(f"{source}: trained on features {features}, code has {names}")
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("coef", "mean", "scale")]
        if any(a.shape != (len(names),) for a in arrays):
            raise ModelFileError(f"{source}: coefficient arrays do not match the features")
        shortlist = int(data.get("shortlist", DEFAULT_SHORTLIST))
        if shortlist < 1:
            raise ModelFileError(f"{source}: shortlist must be at least 1, got {shortlist}")
        ranker = data.get("ranker")
        try:
            gbm = GbmRanker.from_dict(ranker) if ranker else None
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{source}: unreadable ranker: {exc}") from exc
        return cls(
            features,
            arrays[0],
            float(data["intercept"]),
            arrays[1],
            arrays[2],
            str(data.get("embedder", "wordllama")),
            dict(data.get("card", {})),
            second,
            shortlist,
            gbm,
            str(data["student"]) if data.get("student") else None,
        )

    def save(self, path: str | Path) -> None:
        data = self.to_dict()
        if self.student:  # stored relative to the model file, so the pair can move together
            data["student"] = os.path.relpath(self.student, Path(path).resolve().parent)
        Path(path).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> FusionModel:
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{path}: cannot read model: {exc}") from exc
        if not isinstance(data, dict):
            raise ModelFileError(f"{path}: not a {FORMAT} file")
        model = cls.from_dict(data, str(path))
        model.resolve_student(Path(path).resolve().parent)
        return model

    def resolve_student(self, folder: Path) -> None:
        """Make a relative student path absolute (against the model file's folder)."""
        if self.student and not Path(self.student).is_absolute():
            self.student = str(folder / self.student)
        if self.student and not Path(self.student).is_file():
            raise ModelFileError(f"student file {self.student} is missing")


# Hand-set weights on raw feature values, used when no trained model is given. They were written
# from the meaning of each feature (not fitted to any data set) so the package can ship them.
_FIXED_WEIGHTS: dict[str, float] = {
    "bm25_rel": 1.5,
    "bm25_rr": 1.0,
    "dense": 6.0,
    "dense_gap": 4.0,
    "char3": 4.0,
    "idf_containment": 3.0,
    "idf_coverage": 1.0,
    "numbers_missing": -0.5,
    "names_jaccard": 1.0,
}
_FIXED_INTERCEPT = -11.0


def fixed_model(
    embedder: str = "wordllama",
    second_embedder: str | None = None,
    shortlist: int = DEFAULT_SHORTLIST,
    student: str | None = None,
) -> FusionModel:
    """The untrained fusion: a sensible, hand-weighted logistic score (second embedder unused)."""
    names = feature_names(second_embedder)
    coef = np.array([_FIXED_WEIGHTS.get(name, 0.0) for name in names])
    zeros, ones = np.zeros(len(names)), np.ones(len(names))
    card = {
        "name": "fixed-fusion",
        "training_data": "none: hand-set weights, not fitted to any data set",
        "note": "probabilities are indicative only; train on your own labelled matches",
    }
    return FusionModel(
        names,
        coef,
        _FIXED_INTERCEPT,
        zeros,
        ones,
        embedder,
        card,
        second_embedder,
        shortlist,
        student=student,
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))


def logistic(value: float, slope: float, midpoint: float) -> float:
    """A fixed logistic curve (used for the multilingual e5 score)."""
    return 1.0 / (1.0 + math.exp(-slope * (value - midpoint)))


def stack(rows: Sequence[Sequence[float]], width: int = len(FEATURES)) -> np.ndarray:
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), width)
