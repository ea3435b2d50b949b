"""Interval estimators for proportions and prevalence (docs/reference/specs.md section 1.1).

Wilson for counts from a uniform sample (reused from the AI-label coverage module, so both
report the same numbers), exact Clopper-Pearson, the one-sided upper bound used when a sample
holds no violation, and Horvitz-Thompson / Hajek estimates for weighted samples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import beta, norm

from veracity.detect.aigc.coverage import wilson_interval

__all__ = [
    "Estimate",
    "clopper_pearson",
    "hajek",
    "upper_bound_zero",
    "wilson_interval",
    "z_of",
]


def z_of(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level in (0, 1)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence} outside (0, 1)")
    return float(norm.ppf(0.5 + confidence / 2))


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (conservative) binomial interval."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k} n={n}")
    alpha = 1 - confidence
    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return low, high


def upper_bound_zero(n: int, confidence: float = 0.95) -> float:
    """One-sided exact upper bound when 0 of n are positive: 1 - alpha^(1/n) (about 3/n at 95 %,
    the rule of three)."""
    if n <= 0:
        raise ValueError("n must be positive")
    return 1.0 - (1.0 - confidence) ** (1.0 / n)


@dataclass(frozen=True)
class Estimate:
    """A prevalence estimate with its interval; ``upper_only`` when no positive was sampled."""

    value: float
    low: float
    high: float
    n: int
    positives: int
    method: str
    upper_only: bool = False

    def as_json(self, per: int = 10_000) -> dict[str, object]:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            f"per_{per}": round(self.value * per, 4),
            f"low_per_{per}": round(self.low * per, 4),
            f"high_per_{per}": round(self.high * per, 4),
            "n": self.n,
            "positives": self.positives,
            "method": self.method,
            "upper_only": self.upper_only,
        }


def proportion(k: int, n: int, confidence: float = 0.95) -> Estimate:
    """Uniform sample: Wilson interval, or the exact one-sided upper bound when k = 0."""
    if n <= 0:
        raise ValueError("empty sample")
    if k == 0:
        return Estimate(
            0.0, 0.0, upper_bound_zero(n, confidence), n, 0, "clopper-pearson-upper", True
        )
    interval = wilson_interval(k, n, z_of(confidence))
    assert interval is not None
    return Estimate(k / n, interval[0], interval[1], n, k, "wilson")


def hajek(
    labels: Sequence[int | bool], inclusion: Sequence[float], confidence: float = 0.95
) -> Estimate:
    """Weighted sample with inclusion probabilities pi_i: the Hajek ratio estimator
    sum(y/pi) / sum(1/pi) with its linearised (with-replacement) variance. With no positive the
    upper bound uses the Kish effective sample size in the zero-count bound."""
    n = len(labels)
    if n == 0 or n != len(inclusion):
        raise ValueError("labels and inclusion probabilities must be non-empty and equal length")
    if any(not 0 < p <= 1 for p in inclusion):
        raise ValueError("inclusion probabilities must lie in (0, 1]")
    w = [1.0 / p for p in inclusion]
    y = [1.0 if v else 0.0 for v in labels]
    total = sum(w)
    est = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / total
    positives = int(sum(y))
    n_eff = total * total / sum(wi * wi for wi in w)
    if positives == 0:
        high = upper_bound_zero(max(1, int(n_eff)), confidence)
        return Estimate(0.0, 0.0, high, n, 0, "hajek-upper", True)
    # Linearised variance of a ratio estimator (with-replacement approximation).
    resid = [wi * (yi - est) for wi, yi in zip(w, y, strict=True)]
    var = n / (n - 1) * sum(r * r for r in resid) / (total * total) if n > 1 else 0.0
    half = z_of(confidence) * math.sqrt(var)
    return Estimate(est, max(0.0, est - half), min(1.0, est + half), n, positives, "hajek")
