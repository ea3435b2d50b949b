"""Burst test on one narrative's time series, against its own share of the platform.

Pure numpy, no database: the job feeds it the per-bucket counts it aggregated (see config.py
for the model and why it uses shares of platform volume).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from veracity.detect.misinfo.narratives.config import NarrativeConfig


@dataclass(frozen=True)
class SeriesTest:
    """Poisson test of the last buckets of one series."""

    observed: float
    expected: float
    z: float


@dataclass(frozen=True)
class BurstScore:
    posts: SeriesTest
    reach: SeriesTest
    score: float  # max of each z over its threshold: 1.0 or more is a burst

    def as_json(self) -> dict[str, float]:
        return {
            "z_posts": round(self.posts.z, 3),
            "z_reach": round(self.reach.z, 3),
            "recent_posts": self.posts.observed,
            "expected_posts": round(self.posts.expected, 3),
            "recent_reach": self.reach.observed,
            "expected_reach": round(self.reach.expected, 3),
        }


def share_test(
    own: np.ndarray,
    platform: np.ndarray,
    *,
    recent: int,
    half_life: float,
    prior_per_bucket: float,
    prior_buckets: float,
    typical_platform: float,
    min_expected: float,
    lumpiness: float = 1.0,
    dispersion: float = 0.0,
) -> SeriesTest:
    """z of the last ``recent`` buckets of ``own`` against ``share * platform``.

    The share comes from the earlier buckets, weighted by ``0.5 ** (age / half_life)``, plus a
    prior worth ``prior_buckets`` buckets of ``prior_per_bucket`` at ``typical_platform`` volume.
    """
    own = np.asarray(own, dtype=np.float64)
    platform = np.asarray(platform, dtype=np.float64)
    if own.shape != platform.shape:
        raise ValueError(f"series lengths differ: {own.shape} vs {platform.shape}")
    n = len(own)
    if n == 0:
        return SeriesTest(0.0, 0.0, 0.0)
    k = min(recent, n)
    past_own, past_platform = own[: n - k], platform[: n - k]
    ages = np.arange(n - k - 1, -1, -1, dtype=np.float64)
    weights = 0.5 ** (ages / half_life) if half_life > 0 else np.ones_like(ages)
    typical = max(typical_platform, 1e-9)
    share = (prior_per_bucket * prior_buckets + float(weights @ past_own)) / (
        typical * prior_buckets + float(weights @ past_platform)
    )
    observed = float(own[n - k :].sum())
    expected = share * float(platform[n - k :].sum())
    floor = max(expected, min_expected)
    variance = lumpiness * floor + (floor * floor / dispersion if dispersion > 0 else 0.0)
    z = (observed - expected) / float(np.sqrt(variance))
    return SeriesTest(observed, expected, z)


def burst_score(
    posts: np.ndarray,
    reach: np.ndarray,
    platform_posts: np.ndarray,
    platform_reach: np.ndarray,
    config: NarrativeConfig,
) -> BurstScore:
    """Both tests at the last bucket of a narrative's series (oldest bucket first).

    The platform series include the narrative; it is taken out, so a narrative that becomes a
    large part of the platform is measured against the rest of it, not against itself.
    """
    platform_posts = np.maximum(np.asarray(platform_posts, np.float64) - posts, 0.0)
    platform_reach = np.maximum(np.asarray(platform_reach, np.float64) - reach, 0.0)
    p = share_test(
        posts,
        platform_posts,
        recent=config.recent_buckets,
        half_life=config.baseline_half_life_buckets,
        prior_per_bucket=config.prior_posts_per_bucket,
        prior_buckets=config.prior_buckets,
        typical_platform=_typical(platform_posts),
        min_expected=config.min_expected,
        dispersion=config.dispersion,
    )
    r = share_test(
        reach,
        platform_reach,
        recent=config.recent_buckets,
        half_life=config.baseline_half_life_buckets,
        prior_per_bucket=config.prior_reach_per_bucket,
        prior_buckets=config.prior_buckets,
        typical_platform=_typical(platform_reach),
        min_expected=config.min_expected,
        lumpiness=config.reach_lumpiness,
        dispersion=config.dispersion,
    )
    score = max(p.z / config.z_posts, r.z / config.z_reach)
    return BurstScore(p, r, score)


def _typical(platform: np.ndarray) -> float:
    """Median of the non-empty buckets: a robust 'ordinary bucket' volume."""
    arr = np.asarray(platform, dtype=np.float64)
    nonzero = arr[arr > 0]
    return float(np.median(nonzero)) if len(nonzero) else 1.0
