"""Feature extraction: the hashed n-grams match their one-by-one reference, and the dense
stylometry gives the values worked out by hand."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from veracity.detect.aigc.text.features import (
    DENSE_FEATURES,
    HashSpec,
    dense_matrix,
    sentences,
    style_vector,
    words,
)

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "Hello wörld,  a I x\n\tyz!! 😀 https://t.co/abc @someone #tag",
    "ab",
    "",
    "It\u2019s a test — isn\u2019t it… really?",
]


@pytest.mark.parametrize("spec", [HashSpec(), HashSpec(n_features=2**10, min_n=2, max_n=5)])
@pytest.mark.parametrize("text", TEXTS)
def test_hashed_ngrams_match_reference(spec: HashSpec, text: str) -> None:
    row = spec.transform([text])
    fast = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    slow = spec.reference(text)
    assert fast.keys() == slow.keys()
    for key, value in slow.items():
        assert fast[key] == pytest.approx(value, abs=1e-12)
    if text.strip():
        assert math.isclose(sum(v * v for v in slow.values()), 1.0)


def test_hashed_ngrams_keep_case() -> None:
    spec = HashSpec()
    assert spec.reference("Apple") != spec.reference("apple")


def test_tokenisers() -> None:
    assert words("It\u2019s 3 o'clock, Dr. Smith!") == ["it's", "o'clock", "dr", "smith"]
    assert sentences("One. Two words! Three?\nFour") == ["One.", "Two words!", "Three?", "Four"]


def _f(text: str, zipf: dict[str, float] | None = None) -> dict[str, float]:
    return dict(zip(DENSE_FEATURES, style_vector(text, zipf or {}), strict=True))


def test_stylometry_by_hand() -> None:
    text = "a a b. c d e f g!"
    f = _f(text, {"a": 7.0, "b": 2.0})
    assert f["type_token_ratio"] == pytest.approx(7 / 8)  # 8 words, 7 distinct
    assert f["hapax_ratio"] == pytest.approx(6 / 8)
    assert f["mean_sentence_words"] == pytest.approx(4.0)  # 3 and 5 words
    assert f["std_sentence_words"] == pytest.approx(1.0)
    assert f["sentence_burstiness"] == pytest.approx(0.25)
    assert f["zipf_mean"] == pytest.approx((7 + 7 + 2) / 8)
    assert f["unknown_word_ratio"] == pytest.approx(5 / 8)
    assert f["rare_word_ratio"] == pytest.approx(1 / 8)
    assert f["common_word_ratio"] == pytest.approx(2 / 8)
    assert f["ends_with_terminal"] == 1.0
    assert f["punct_21"] == pytest.approx(1 / len(text))  # one "!"
    assert f["fw_a"] == pytest.approx(2 / 8)
    raw = text.encode()
    assert f["compression_ratio"] == pytest.approx(len(zlib.compress(raw, 6)) / len(raw))


def test_social_markers() -> None:
    f = _f("see https://x.co/a @bob #news now")
    assert f["url_rate"] > 0 and f["mention_rate"] > 0 and f["hashtag_rate"] > 0


def test_empty_and_odd_text_is_finite() -> None:
    matrix = dense_matrix(["", "!!!", "123 456", "\n\n"], {})
    assert matrix.shape == (4, len(DENSE_FEATURES))
    assert np.isfinite(matrix).all()
    assert dense_matrix([], {}).shape == (0, len(DENSE_FEATURES))


def test_feature_names_are_unique() -> None:
    assert len(set(DENSE_FEATURES)) == len(DENSE_FEATURES)
