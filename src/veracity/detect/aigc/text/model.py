"""The AI-text model: a logistic regression over hashed character n-grams and scaled
stylometry, then an isotonic map from its score to a calibrated probability.

The artefact is one ``.npz`` file (no pickle: loading it runs no code) holding the weights, the
scaling, the isotonic knots, the word-frequency table and a JSON model card (format version,
training data, date, held-out metrics). A linear model keeps scoring to a sparse dot product, so
thousands of short posts a second fit on two cores.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from veracity.detect.aigc.text.features import DENSE_FEATURES, HashSpec, dense_matrix

FORMAT = "veracity-aitext"
FORMAT_VERSION = 1
DENSE_SCALE = 0.3  # dense block weight next to the unit-length n-gram block
TIE_BREAK = 1e-3


class ModelFileError(ValueError):
    """A model file that is missing, of another format or version, or inconsistent."""


@dataclass(frozen=True)
class Features:
    """Both feature blocks for a batch of texts, computed once and sliced for many fits."""

    hashed: sp.csr_matrix
    dense: np.ndarray

    def rows(self, index: np.ndarray) -> Features:
        return Features(self.hashed[index], self.dense[index])

    def __len__(self) -> int:
        return int(self.dense.shape[0])


def extract(texts: Sequence[str], zipf: Mapping[str, float], spec: HashSpec) -> Features:
    return Features(spec.transform(texts), dense_matrix(texts, zipf))


@dataclass
class AiTextModel:
    spec: HashSpec
    zipf: dict[str, float]
    mean: np.ndarray
    scale: np.ndarray
    coef_hashed: np.ndarray
    coef_dense: np.ndarray
    intercept: float
    iso_x: np.ndarray
    iso_y: np.ndarray
    card: dict[str, Any] = field(default_factory=dict)

    # -- scoring --------------------------------------------------------------------------
    def features(self, texts: Sequence[str]) -> Features:
        return extract(texts, self.zipf, self.spec)

    def _scaled(self, dense: np.ndarray) -> np.ndarray:
        return (dense - self.mean) / self.scale * DENSE_SCALE

    def raw_scores(self, feats: Features) -> np.ndarray:
        """Log-odds before calibration; higher means more machine-like."""
        return (
            feats.hashed @ self.coef_hashed
            + self._scaled(feats.dense) @ self.coef_dense
            + self.intercept
        )

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Isotonic probability, blended with a sliver of the logistic so that the map is
        strictly increasing: flat isotonic steps would otherwise tie distinct scores and lose
        ranking (AUROC) for nothing."""
        logistic = 1.0 / (1.0 + np.exp(-np.clip(raw, -50.0, 50.0)))
        return (1.0 - TIE_BREAK) * np.interp(raw, self.iso_x, self.iso_y) + TIE_BREAK * logistic

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability that each text is machine-written."""
        if not texts:
            return np.zeros(0)
        return self.calibrate(self.raw_scores(self.features(texts)))

    def contributions(self, dense_row: np.ndarray, top: int = 5) -> list[dict[str, Any]]:
        """The dense features that pushed one text's score most (signed), for evidence."""
        pushed = self._scaled(dense_row[np.newaxis, :])[0] * self.coef_dense
        order = np.argsort(-np.abs(pushed), kind="stable")[:top]
        return [{"feature": DENSE_FEATURES[i], "weight": round(float(pushed[i]), 4)} for i in order]

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hash": {"n_features": self.spec.n_features, "min_n": self.spec.min_n,
                     "max_n": self.spec.max_n},
            "dense_features": list(DENSE_FEATURES),
            "card": self.card,
        }  # fmt: skip
        words = sorted(self.zipf)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                header=np.array(json.dumps(header)),
                mean=self.mean,
                scale=self.scale,
                coef_hashed=self.coef_hashed.astype(np.float32),
                coef_dense=self.coef_dense,
                intercept=np.array(self.intercept),
                iso_x=self.iso_x,
                iso_y=self.iso_y,
                zipf_words=np.array(words),
                zipf_values=np.array([self.zipf[w] for w in words], dtype=np.float32),
            )

    @classmethod
    def load(cls, path: Path) -> AiTextModel:
        if not path.is_file():
            raise ModelFileError(f"{path}: no AI-text model here; run `veracity train aitext`")
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"{path}: not a readable model file ({exc})") from exc
        try:
            header = json.loads(str(arrays.pop("header")))
        except (KeyError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{path}: model file has no valid header") from exc
        if header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
            raise ModelFileError(
                f"{path}: format {header.get('format')!r} v{header.get('format_version')}, "
                f"expected {FORMAT!r} v{FORMAT_VERSION}; retrain with `veracity train aitext`"
            )
        if header.get("dense_features") != list(DENSE_FEATURES):
            raise ModelFileError(f"{path}: trained with other features; retrain it")
        spec = HashSpec(**header["hash"])
        coef_hashed = arrays["coef_hashed"].astype(np.float64)
        if coef_hashed.shape != (spec.n_features,):
            raise ModelFileError(f"{path}: n-gram weights do not match the hash size")
        return cls(
            spec=spec,
            zipf=dict(
                zip(arrays["zipf_words"].tolist(), arrays["zipf_values"].tolist(), strict=True)
            ),
            mean=arrays["mean"],
            scale=arrays["scale"],
            coef_hashed=coef_hashed,
            coef_dense=arrays["coef_dense"],
            intercept=float(arrays["intercept"]),
            iso_x=arrays["iso_x"],
            iso_y=arrays["iso_y"],
            card=header.get("card", {}),
        )


def fit(
    train: Features,
    labels: np.ndarray,
    calibration: Features,
    calibration_labels: np.ndarray,
    *,
    zipf: Mapping[str, float],
    spec: HashSpec,
    c: float = 1.0,
    sample_weight: np.ndarray | None = None,
) -> AiTextModel:
    """Fit the regression on ``train`` and the isotonic map on ``calibration`` (held out, so the
    probabilities are honest rather than the regression's own over-confident view)."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(labels)) < 2 or len(np.unique(calibration_labels)) < 2:
        raise ValueError("training and calibration sets each need human and machine examples")
    mean = train.dense.mean(axis=0)
    scale = train.dense.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = AiTextModel(
        spec=spec,
        zipf=dict(zipf),
        mean=mean,
        scale=scale,
        coef_hashed=np.zeros(spec.n_features),
        coef_dense=np.zeros(len(DENSE_FEATURES)),
        intercept=0.0,
        iso_x=np.array([0.0, 1.0]),
        iso_y=np.array([0.0, 1.0]),
    )
    design = sp.hstack([train.hashed, sp.csr_matrix(model._scaled(train.dense))]).tocsr()
    regression = LogisticRegression(C=c, solver="liblinear", max_iter=2000)
    regression.fit(design, labels, sample_weight=sample_weight)
    weights = regression.coef_[0]
    model.coef_hashed = weights[: spec.n_features].copy()
    model.coef_dense = weights[spec.n_features :].copy()
    model.intercept = float(regression.intercept_[0])
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(model.raw_scores(calibration), calibration_labels)
    model.iso_x = np.asarray(iso.X_thresholds_, dtype=np.float64)
    model.iso_y = np.asarray(iso.y_thresholds_, dtype=np.float64)
    if len(model.iso_x) < 2:  # a constant map: keep np.interp well defined
        model.iso_x = np.array([model.iso_x[0] - 1.0, model.iso_x[0] + 1.0])
        model.iso_y = np.repeat(model.iso_y[:1], 2)
    return model
