"""The ``ai_text`` online detector: probability that an item's text was machine-written.

Detection alone is weak evidence (policies route it to review, never to an automatic label), so
the detector says when it could not judge: ``scored`` is false for texts under ``min_words``
words and whenever no trained model is installed. The model is not shipped in the package (its
training data is research-use only); ``veracity train aitext`` writes it to the path in
``Settings.aitext_model_path`` (default ``var/models/aitext.npz``).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from veracity.config import Settings
from veracity.detect.aigc.text.features import style_vector, words
from veracity.detect.aigc.text.model import DENSE_SCALE, TIE_BREAK, AiTextModel
from veracity.detect.aigc.text.tweet_features import tweet_vector
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.domain.entities import ContentIn

DEFAULT_MODEL_PATH = Path("var/models/aitext.npz")
DEFAULT_MIN_WORDS = 5  # below this, even a tweet says too little to judge
DEFAULT_MAX_CHARS = 5000  # scoring reads at most this much, which bounds its time
TOP_FEATURES = 5


class AiTextDetector(OnlineDetector):
    name = "ai_text"
    version = "2.0.0"
    description = "Probability that the text was written by a language model (learned detector)."
    inputs = ("text",)
    outputs = (
        OutputSpec("probability", OutputType.DOUBLE, "calibrated P(machine-written), 0..1"),
        OutputSpec("scored", OutputType.BOOL, "a model judged the text (long enough, installed)"),
    )

    def __init__(
        self,
        model: AiTextModel | None,
        *,
        min_words: int = DEFAULT_MIN_WORDS,
        max_chars: int = DEFAULT_MAX_CHARS,
        unavailable_reason: str = "no AI-text model installed; run `veracity train aitext`",
    ) -> None:
        if min_words < 1 or max_chars < 1:
            raise ValueError("min_words and max_chars must be positive")
        self.model = model
        self.min_words = min_words
        self.max_chars = max_chars
        self.unavailable_reason = unavailable_reason

    def _text(self, item: ContentIn) -> str:
        return item.text[: self.max_chars]

    def _unscored(self, reason: str, n_words: int) -> DetectorResult:
        return DetectorResult(
            {"probability": 0.0, "scored": False}, {"reason": reason, "words": n_words}
        )

    def _gate(self, text: str) -> DetectorResult | None:
        n_words = len(words(text))
        if self.model is None:
            return self._unscored(self.unavailable_reason, n_words)
        if n_words < self.min_words:
            return self._unscored(f"fewer than {self.min_words} words", n_words)
        return None

    def _scored(self, text: str, probability: float, dense_row: np.ndarray) -> DetectorResult:
        assert self.model is not None
        evidence: dict[str, Any] = {
            "words": len(words(text)),
            "model_trained_at": self.model.card.get("trained_at", ""),
            "top_features": self.model.contributions(dense_row, len(text), TOP_FEATURES),
        }
        return DetectorResult({"probability": probability, "scored": True}, evidence)

    def detect(self, item: ContentIn) -> DetectorResult:
        return self.detect_many([item])[0]

    def detect_many(self, items: Sequence[ContentIn]) -> list[DetectorResult]:
        """Scores every long-enough text in one vectorised pass."""
        texts = [self._text(item) for item in items]
        results: list[DetectorResult | None] = [self._gate(t) for t in texts]
        todo = [i for i, r in enumerate(results) if r is None]
        if todo and self.model is not None:
            feats = self.model.features([texts[i] for i in todo])
            probabilities = self.model.calibrate(self.model.raw_scores(feats))
            for row, (i, p) in enumerate(zip(todo, probabilities, strict=True)):
                results[i] = self._scored(texts[i], float(p), feats.dense[row])
        return [r for r in results if r is not None]

    def reference(self, item: ContentIn) -> DetectorResult:
        """The same score term by term: n-grams hashed one by one, the linear stage summed in
        Python, the booster asked about this one row, the isotonic map interpolated by hand."""
        text = self._text(item)
        gated = self._gate(text)
        if gated is not None:
            return gated
        model = self.model
        assert model is not None
        linear = model.stage_for(len(text))
        score = linear.intercept
        for index, value in model.spec.reference(text).items():
            score += value * float(linear.coef_hashed[index])
        dense = style_vector(text, model.zipf)
        for j, value in enumerate(dense):
            scaled = (value - float(linear.mean[j])) / float(linear.scale[j]) * DENSE_SCALE
            score += scaled * float(linear.coef_dense[j])
        row = np.array([[*dense, *tweet_vector(text), score]], dtype=np.float64)
        raw = float(model.booster_scores(row)[0])
        xs, ys = model.iso_x.tolist(), model.iso_y.tolist()
        if raw <= xs[0]:
            iso = ys[0]
        elif raw >= xs[-1]:
            iso = ys[-1]
        else:
            k = bisect.bisect_right(xs, raw)
            x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
            iso = y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
        logistic = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, raw))))
        probability = (1.0 - TIE_BREAK) * iso + TIE_BREAK * logistic
        return self._scored(text, probability, np.array(dense))


def model_path(settings: Settings | None) -> Path:
    value = getattr(settings, "aitext_model_path", None) if settings is not None else None
    return Path(value) if value else DEFAULT_MODEL_PATH


def build_aitext_detector(settings: Settings | None = None) -> OnlineDetector:
    """The detector with the trained model from settings; unscored (not failing) when no model
    has been trained yet. A present but unreadable model file is an error, never ignored."""
    path = model_path(settings)
    min_words = getattr(settings, "detect_aitext_min_words", None) or DEFAULT_MIN_WORDS
    if not path.exists():
        return AiTextDetector(
            None,
            min_words=min_words,
            unavailable_reason=f"no AI-text model at {path}; run `veracity train aitext`",
        )
    return AiTextDetector(AiTextModel.load(path), min_words=min_words)
