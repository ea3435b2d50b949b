"""Language identification with py3langid's bundled naive-Bayes model (no download).

The text is cleaned first (URLs, e-mail addresses and @mentions removed, ``#`` dropped from
hashtags, capped at ``max_chars``); with fewer than ``min_letters`` letters left the code is
``und``. The model's label is mapped to ISO 639-1: labels without a 639-1 code (``zxx`` "no
linguistic content", ``ace``, ``kab``, ...) give ``und``, a few regional varieties map to their
macrolanguage (``arz`` -> ``ar``, ``yue`` -> ``zh``). ``confidence`` is the model's normalised
probability of its label; evidence keeps the raw label.

The reference recomputes the same model from its arrays in plain numpy: its own walk of the
feature automaton over the UTF-8 bytes, a dense count vector, the dense matrix product with the
per-feature log-probabilities, the length-tempered softmax and the merge of aliased labels.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np

from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.domain.entities import ContentIn

UNDETERMINED = "und"
DEFAULT_MIN_LETTERS = 5
DEFAULT_MAX_CHARS = 2000

# py3langid labels that are not ISO 639-1 codes: map to a 639-1 (macro)language where one
# exists; everything else 3-letter becomes "und" (evidence keeps the raw label).
_TO_639_1 = {
    "arz": "ar",
    "ary": "ar",
    "uzs": "uz",
    "wuu": "zh",
    "yue": "zh",
    "gug": "gn",
    "kik": "ki",
    "fuv": "ff",
    "sdh": "ku",
    "ltg": "lv",
}

_CLEAN_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)\S+"  # URLs
    r"|\S+@\S+\.\w+"  # e-mail addresses
    r"|(?<!\w)@\w+",  # @mentions
    re.IGNORECASE,
)


def to_iso639_1(label: str) -> str:
    if len(label) == 2:
        return label
    return _TO_639_1.get(label, UNDETERMINED)


def clean(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text language identification sees: no URLs, addresses, mentions or ``#``."""
    text = text[: max_chars * 2]
    if "@" in text or "://" in text or "www." in text.lower():
        text = _CLEAN_RE.sub(" ", text)
    if "#" in text:
        text = text.replace("#", " ")
    return " ".join(text.split())[:max_chars]


def letter_count(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


@lru_cache(maxsize=1)
def identifier() -> Any:
    """py3langid's identifier with normalised probabilities, loaded once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


class LanguageDetector(OnlineDetector):
    name = "language"
    version = "1.0.0"
    description = "Language of the item's text (py3langid), as an ISO 639-1 code."
    inputs = ("text", "on_screen_text", "transcript")
    outputs = (
        OutputSpec("code", OutputType.STRING, "ISO 639-1 code, or 'und' when undetermined"),
        OutputSpec("confidence", OutputType.DOUBLE, "model probability of its label, 0..1"),
    )

    def __init__(
        self, *, min_letters: int = DEFAULT_MIN_LETTERS, max_chars: int = DEFAULT_MAX_CHARS
    ) -> None:
        self.min_letters = min_letters
        self.max_chars = max_chars
        self._model = identifier()
        self._dense: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def _prepare(self, item: ContentIn) -> tuple[str, int]:
        text = clean(item.all_text(), self.max_chars)
        return text, letter_count(text)

    def _result(self, label: str, confidence: float, letters: int) -> DetectorResult:
        return DetectorResult(
            {"code": to_iso639_1(label), "confidence": confidence},
            {"label": label, "letters": letters},
        )

    def _too_short(self, letters: int) -> DetectorResult:
        return DetectorResult(
            {"code": UNDETERMINED, "confidence": 0.0},
            {"label": "", "letters": letters, "reason": f"fewer than {self.min_letters} letters"},
        )

    def detect(self, item: ContentIn) -> DetectorResult:
        text, letters = self._prepare(item)
        if letters < self.min_letters:
            return self._too_short(letters)
        label, confidence = self._model.classify(text)
        return self._result(label, float(confidence), letters)

    # -- reference ------------------------------------------------------------------------

    def _dense_model(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self._dense is None:
            m = self._model
            self._dense = (
                np.frombuffer(m.tk_nextmove, dtype=np.dtype(m.tk_nextmove.typecode)).astype(
                    np.int64
                ),
                np.frombuffer(m.tk_row, dtype=np.dtype(m.tk_row.typecode)).astype(np.int64),
                np.asarray(m.tk_output, dtype=np.int64),
                np.asarray(m.nb_ptc, dtype=np.float32),
            )
        return self._dense

    def reference_scores(self, text: str) -> dict[str, float]:
        """Label -> probability, recomputed from the model arrays with dense numpy."""
        nextmove, row, output, ptc = self._dense_model()
        pc = np.asarray(self._model.nb_pc, dtype=np.float32)
        classes = list(self._model.nb_classes)
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        counts = np.zeros(ptc.shape[0], dtype=np.float32)
        state = 0
        for byte in data:
            state = int(nextmove[(int(row[state]) << 8) + byte])
            feature = int(output[state])
            if feature >= 0:
                counts[feature] += 1.0
        # No feature at all: py3langid scores every class 0, i.e. a uniform distribution.
        raw = np.log1p(counts) @ ptc + pc if counts.any() else np.zeros(len(classes), np.float32)
        tempered = raw * np.float32(1.0 / math.sqrt(len(data) or 1))
        scores = np.exp(tempered - tempered.max())
        scores = scores / scores.sum()
        merged: dict[str, float] = {}
        for label, score in zip(classes, scores.tolist(), strict=True):
            merged[label] = merged.get(label, 0.0) + score
        return merged

    def reference(self, item: ContentIn) -> DetectorResult:
        text, letters = self._prepare(item)
        if letters < self.min_letters:
            return self._too_short(letters)
        scores = self.reference_scores(text)
        label = max(scores, key=lambda k: scores[k])  # first label on ties, as argmax
        return self._result(label, scores[label], letters)
