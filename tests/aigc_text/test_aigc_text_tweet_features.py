"""The tweet surface block: values worked out by hand on crafted posts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from veracity.detect.aigc.text.tweet_features import TWEET_FEATURES, tweet_matrix, tweet_vector


def _named(text: str) -> dict[str, float]:
    values = tweet_vector(text)
    assert len(values) == len(TWEET_FEATURES)
    return dict(zip(TWEET_FEATURES, values, strict=True))


def test_human_style_post() -> None:
    got = _named("@ann I\u2019m SO late lol <U+0001F62D>\U0001f600 https://t.co/x")
    assert got["starts_with_mention"] == 1.0
    assert got["ends_with_url"] == 1.0
    assert got["curly_apostrophe_share"] == 1.0
    assert got["starts_lowercase"] == 1.0  # "ann" after the @
    # words(): ann i'm so late lol, u f d (from the escape), https t co x
    n_words = 12
    assert got["emoji_rate"] == pytest.approx(2 / n_words)
    assert got["allcaps_word_ratio"] == pytest.approx(1 / n_words)  # "SO"; U, F, D are 1 letter
    assert got["contraction_ratio"] == pytest.approx(1 / n_words)
    assert got["ends_with_letter"] == 0.0  # the text before the link ends in an emoji


def test_generator_style_post() -> None:
    got = _named('"The The Best Way To (learn is the the')
    # words: the the best way to learn is the the -> 9, adjacent repeats: the-the twice
    assert got["adjacent_repeat_ratio"] == pytest.approx(2 / 9)
    assert got["starts_with_quote"] == 1.0
    assert got["odd_quotes"] == 1.0
    assert got["unbalanced_brackets"] == 1.0
    assert got["title_case_ratio"] == pytest.approx(5 / 9)
    assert got["ends_with_letter"] == 1.0
    assert got["starts_lowercase"] == 0.0
    assert got["curly_apostrophe_share"] == 0.5  # no apostrophe at all: neutral


def test_runs_hashtags_and_ellipsis() -> None:
    got = _named("sooooo good i think ?? #blessed")
    assert got["max_char_run_log"] == pytest.approx(math.log1p(5))
    assert got["question_run"] == 1.0
    assert got["hashtag_at_end"] == 1.0
    assert got["lowercase_i_ratio"] == pytest.approx(1 / 5)
    trailing = _named("and then the whole thing went\u2026")
    assert trailing["ends_with_hellip"] == 1.0 and trailing["ends_with_letter"] == 0.0


def test_empty_and_batch() -> None:
    assert all(math.isfinite(v) for v in tweet_vector(""))
    assert tweet_vector("   ")[TWEET_FEATURES.index("ends_with_url")] == 0.0
    matrix = tweet_matrix(["a b", "c"])
    assert matrix.shape == (2, len(TWEET_FEATURES))
    assert np.array_equal(matrix[1], tweet_vector("c"))
    assert tweet_matrix([]).shape == (0, len(TWEET_FEATURES))
