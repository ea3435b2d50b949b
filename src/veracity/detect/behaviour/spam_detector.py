"""The ``spam_text`` online detector: calibrated probability that a comment or message is spam.

No model ships (``veracity train spam`` writes one to ``Settings.spam_model_path``, default
``var/models/spam.npz``); without it, and for empty texts, ``scored`` is false. Behavioural
evidence (repetition, link bursts) is the separate ``spam_behaviour`` detector.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from veracity.config import Settings
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.behaviour.spam_model import MAX_CHARS, SpamModel
from veracity.domain.entities import ContentIn

DEFAULT_MODEL_PATH = Path("var/models/spam.npz")


class SpamTextDetector(OnlineDetector):
    name = "spam_text"
    version = "1.0.0"
    description = "Probability that the text is comment or message spam (learned classifier)."
    inputs = ("text",)
    outputs = (
        OutputSpec("probability", OutputType.DOUBLE, "calibrated P(spam), 0..1"),
        OutputSpec("scored", OutputType.BOOL, "a model judged the text (non-empty, installed)"),
    )

    def __init__(
        self,
        model: SpamModel | None,
        *,
        unavailable_reason: str = "no spam model installed; run `veracity train spam`",
    ) -> None:
        self.model = model
        self.unavailable_reason = unavailable_reason

    def _unscored(self, reason: str) -> DetectorResult:
        return DetectorResult({"probability": 0.0, "scored": False}, {"reason": reason})

    def detect(self, item: ContentIn) -> DetectorResult:
        return self.detect_many([item])[0]

    def detect_many(self, items: Sequence[ContentIn]) -> list[DetectorResult]:
        """All non-empty texts in one vectorised pass."""
        if self.model is None:
            return [self._unscored(self.unavailable_reason) for _ in items]
        texts = [item.text[:MAX_CHARS] for item in items]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        probabilities = self.model.predict_proba([texts[i] for i in todo])
        results = [self._unscored("empty text") for _ in items]
        for i, p in zip(todo, probabilities, strict=True):
            results[i] = DetectorResult({"probability": float(p), "scored": True})
        return results

    def reference(self, item: ContentIn) -> DetectorResult:
        """The score summed term by term over the text's non-zero features."""
        model = self.model
        text = item.text[:MAX_CHARS]
        if model is None:
            return self._unscored(self.unavailable_reason)
        if not text.strip():
            return self._unscored("empty text")
        row = model.design([text]).tocoo()
        raw = model.intercept
        for j, value in zip(row.col.tolist(), row.data.tolist(), strict=True):
            raw += value * float(model.coef[j])
        return DetectorResult({"probability": model.platt.one(raw), "scored": True})


def model_path(settings: Settings | None) -> Path:
    value = getattr(settings, "spam_model_path", None) if settings is not None else None
    return Path(value) if value else DEFAULT_MODEL_PATH


def build_spam_detector(settings: Settings | None = None) -> SpamTextDetector:
    """With the trained model from settings; unscored (not failing) when none is trained. A
    present but unreadable model file is an error, never ignored."""
    path = model_path(settings)
    if not path.exists():
        return SpamTextDetector(
            None, unavailable_reason=f"no spam model at {path}; run `veracity train spam`"
        )
    return SpamTextDetector(SpamModel.load(path))
