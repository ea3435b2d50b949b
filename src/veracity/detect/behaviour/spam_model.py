"""The spam classifier: TF-IDF over hashed word 1-2-grams and character 2-5-grams (within word
boundaries), a logistic regression, and a Platt map fitted on out-of-fold scores.

Why hashing: the vectoriser has no vocabulary to store, so the model file is plain arrays (idf
weights and coefficients, no pickle) and a message is scored without any fitted state beyond
them. Each block is ``sublinear tf * idf``, L2-normalised, as scikit-learn's TfidfTransformer
does; the character block catches obfuscations (``fr33``, ``w w w``) that words miss.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from veracity.detect.behaviour.calibration import Platt, fit_platt

FORMAT = "veracity-spam"
FORMAT_VERSION = 1
HASH_BITS = 18
MAX_CHARS = 5000  # scoring reads at most this much of a text
DEFAULT_C = 10.0
CALIBRATION_FOLDS = 5


class ModelFileError(ValueError):
    """A model file that is missing, unreadable or of another format."""


def _vectorisers(bits: int) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": 2**bits, "alternate_sign": False, "norm": None, "lowercase": True}
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), **common)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)
    return words, chars


def counts(texts: Sequence[str], bits: int = HASH_BITS) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Raw hashed counts (word block, character block)."""
    words, chars = _vectorisers(bits)
    clipped = [t[:MAX_CHARS] for t in texts]
    return words.transform(clipped).tocsr(), chars.transform(clipped).tocsr()


def idf(block: sp.csr_matrix) -> np.ndarray:
    """Smoothed idf, ``ln((1 + n) / (1 + df)) + 1``, as TfidfTransformer(smooth_idf=True)."""
    df = np.bincount(block.indices, minlength=block.shape[1])
    n = block.shape[0]
    return (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)


def _tfidf(block: sp.csr_matrix, weights: np.ndarray) -> sp.csr_matrix:
    out = block.astype(np.float64)
    out.data = np.log(out.data) + 1.0  # sublinear tf
    out = out.multiply(weights[None, :]).tocsr()
    norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(out.multiply(1.0 / norms[:, None]))


@dataclass
class SpamModel:
    idf_words: np.ndarray
    idf_chars: np.ndarray
    coef: np.ndarray  # words block then chars block
    intercept: float
    platt: Platt
    bits: int = HASH_BITS
    card: dict[str, Any] = field(default_factory=dict)

    def design(self, texts: Sequence[str]) -> sp.csr_matrix:
        words, chars = counts(texts, self.bits)
        return sp.hstack(
            [_tfidf(words, self.idf_words), _tfidf(chars, self.idf_chars)], format="csr"
        )

    def raw_scores(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.design(texts) @ self.coef).ravel() + self.intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated P(spam) per text."""
        if not texts:
            return np.zeros(0)
        return self.platt(self.raw_scores(texts))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "bits": self.bits,
            "intercept": self.intercept,
            "platt": [self.platt.a, self.platt.b],
            "card": self.card,
        }
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                header=np.array(json.dumps(header)),
                idf_words=self.idf_words,
                idf_chars=self.idf_chars,
                coef=self.coef.astype(np.float32),
            )

    @classmethod
    def load(cls, path: Path) -> SpamModel:
        if not path.is_file():
            raise ModelFileError(f"{path}: no spam model here; run `veracity train spam`")
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            header = json.loads(str(arrays.pop("header")))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelFileError(f"{path}: not a readable spam model ({exc})") from exc
        if header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
            raise ModelFileError(
                f"{path}: format {header.get('format')!r} v{header.get('format_version')}, "
                f"expected {FORMAT!r} v{FORMAT_VERSION}; retrain with `veracity train spam`"
            )
        bits = int(header["bits"])
        size = 2**bits
        if arrays["idf_words"].shape != (size,) or arrays["coef"].shape != (2 * size,):
            raise ModelFileError(f"{path}: array sizes do not match {bits} hash bits")
        a, b = header["platt"]
        return cls(
            idf_words=arrays["idf_words"],
            idf_chars=arrays["idf_chars"],
            coef=arrays["coef"].astype(np.float64),
            intercept=float(header["intercept"]),
            platt=Platt(float(a), float(b)),
            bits=bits,
            card=header.get("card", {}),
        )


def _regression(design: sp.csr_matrix, labels: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=c, solver="liblinear", max_iter=2000).fit(design, labels)
    return fit.coef_[0].astype(np.float64), float(fit.intercept_[0])


def _design(
    words: sp.csr_matrix, chars: sp.csr_matrix, iw: np.ndarray, ic: np.ndarray
) -> sp.csr_matrix:
    return sp.hstack([_tfidf(words, iw), _tfidf(chars, ic)], format="csr")


def fit(
    texts: Sequence[str], labels: Sequence[int], *, c: float = DEFAULT_C, seed: int = 0
) -> SpamModel:
    """Idf and regression on all texts; the Platt map on out-of-fold scores (each fold's idf
    and regression fitted without it)."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels, dtype=np.int64)
    per_class = np.bincount(y, minlength=2)
    if per_class.min() < 2:
        raise ValueError("training needs at least two spam and two non-spam texts")
    words, chars = counts(texts)
    out_of_fold = np.zeros(len(y))
    folds = int(min(CALIBRATION_FOLDS, per_class.min()))
    for train, held in StratifiedKFold(folds, shuffle=True, random_state=seed).split(words, y):
        iw, ic = idf(words[train]), idf(chars[train])
        coef, intercept = _regression(_design(words[train], chars[train], iw, ic), y[train], c)
        out_of_fold[held] = _design(words[held], chars[held], iw, ic) @ coef + intercept
    iw, ic = idf(words), idf(chars)
    coef, intercept = _regression(_design(words, chars, iw, ic), y, c)
    return SpamModel(iw, ic, coef, intercept, fit_platt(out_of_fold, y))
