"""Burst test on synthetic series: flat and diurnal stay quiet, spikes and growth fire."""

from __future__ import annotations

import numpy as np
import pytest

from veracity.detect.misinfo.narratives import NarrativeConfig, burst_score, share_test

CFG = NarrativeConfig()
HOURS = np.arange(48)
PLATFORM = 1000 * (1.0 + 0.6 * np.cos(2 * np.pi * ((HOURS % 24) - 20) / 24))


def _score(posts: np.ndarray) -> float:
    reach = posts * 10.0
    platform = PLATFORM[: len(posts)]
    return burst_score(posts, reach, platform + posts, platform * 10 + reach, CFG).score


def test_flat_and_diurnal_series_are_not_bursts() -> None:
    flat = np.full(48, 3.0)
    assert _score(flat) < 1.0
    diurnal = np.round(PLATFORM * 0.004)  # a steady share of a cycling platform
    assert _score(diurnal) < 1.0
    for end in range(8, 48):  # at no point of the day
        assert _score(diurnal[:end]) < 1.0


def test_spike_is_a_burst() -> None:
    series = np.full(48, 1.0)
    series[-2:] = 12.0
    assert _score(series) >= 1.0


def test_steady_exponential_growth_is_a_burst_while_still_small() -> None:
    growth = np.floor(0.5 * np.exp(0.3 * np.arange(24)))
    first = next(t for t in range(6, 24) if _score(growth[: t + 1]) >= 1.0)
    assert growth[: first + 1].sum() < 0.1 * growth.sum()


def test_share_test_validates_and_handles_empty() -> None:
    with pytest.raises(ValueError, match="lengths differ"):
        share_test(
            np.ones(3),
            np.ones(4),
            recent=2,
            half_life=1,
            prior_per_bucket=1,
            prior_buckets=1,
            typical_platform=1,
            min_expected=1,
        )
    empty = share_test(
        np.zeros(0),
        np.zeros(0),
        recent=2,
        half_life=1,
        prior_per_bucket=1,
        prior_buckets=1,
        typical_platform=1,
        min_expected=1,
    )
    assert empty.z == 0.0


def test_config_names_bad_values() -> None:
    with pytest.raises(ValueError, match="text_threshold"):
        NarrativeConfig(text_threshold=1.5).validate()
    with pytest.raises(ValueError, match="pdq_max_distance"):
        NarrativeConfig(pdq_max_distance=31).validate()
