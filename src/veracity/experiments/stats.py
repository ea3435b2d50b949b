"""Fixed-horizon estimators for two-arm experiments, written out so each is checkable by hand.

Every function takes per-unit arrays (the randomisation unit: variance is computed there, never
per impression) and returns an :class:`Estimate` with a two-sided ``1 - alpha`` interval. The
formulas follow ../shared/docs/reference/specs.md section 5 and are cross-checked against
statsmodels and tea-tasting in tests/experiments/test_experiments_stats.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

SRM_THRESHOLD = 0.001  # GrowthBook's default: a lower FDR on flagged experiments than 0.05


@dataclass(frozen=True)
class Estimate:
    """Treatment minus control, its interval and two-sided p-value; ``rel_effect`` is the
    lift relative to control (None when control is zero)."""

    control: float
    treatment: float
    effect: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    rel_effect: float | None
    method: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _arrays(*values: Any) -> list[np.ndarray]:
    out = [np.asarray(v, dtype=float) for v in values]
    for a in out:
        if a.ndim != 1 or a.size < 2:
            raise ValueError("each arm needs at least 2 units")
        if not np.all(np.isfinite(a)):
            raise ValueError("metric values must be finite")
    return out


def _normal(control: float, treatment: float, se: float, alpha: float, method: str) -> Estimate:
    effect = treatment - control
    z = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(effect) / se)) if se > 0 else (1.0 if effect == 0 else 0.0)
    rel = effect / control if control != 0 else None
    return Estimate(
        control, treatment, effect, se, effect - z * se, effect + z * se, p, rel, method
    )


def diff_means(treatment: Any, control: Any, alpha: float = 0.05) -> Estimate:
    """Welch's unequal-variance t interval for the difference in means."""
    t, c = _arrays(treatment, control)
    vt, vc = t.var(ddof=1) / t.size, c.var(ddof=1) / c.size
    se = float(np.sqrt(vt + vc))
    effect = float(t.mean() - c.mean())
    if se == 0:
        return _normal(float(c.mean()), float(t.mean()), 0.0, alpha, "welch_t")
    df = (vt + vc) ** 2 / (vt**2 / (t.size - 1) + vc**2 / (c.size - 1))
    q = stats.t.ppf(1 - alpha / 2, df)
    p = float(2 * stats.t.sf(abs(effect) / se, df))
    cm = float(c.mean())
    rel = effect / cm if cm != 0 else None
    return Estimate(
        cm, float(t.mean()), effect, se, effect - q * se, effect + q * se, p, rel, "welch_t"
    )


def diff_proportions(
    successes_t: int, n_t: int, successes_c: int, n_c: int, alpha: float = 0.05
) -> Estimate:
    """Difference in proportions with the unpooled Wald interval and z test."""
    for x, n in ((successes_t, n_t), (successes_c, n_c)):
        if n < 1 or not 0 <= x <= n:
            raise ValueError("each arm needs n >= 1 and 0 <= successes <= n")
    pt, pc = successes_t / n_t, successes_c / n_c
    se = float(np.sqrt(pt * (1 - pt) / n_t + pc * (1 - pc) / n_c))
    return _normal(pc, pt, se, alpha, "wald_z")


def _ratio_var(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """The ratio of means and its delta-method variance (Deng, Knoblich, Lu 2018)."""
    mx, my = den.mean(), num.mean()
    if mx == 0:
        raise ValueError("the denominator's mean is zero")
    r = my / mx
    cov = np.cov(num, den, ddof=1)
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r**2 * cov[1, 1]) / (mx**2 * num.size)
    return float(r), float(var)


def ratio_delta(num_t: Any, den_t: Any, num_c: Any, den_c: Any, alpha: float = 0.05) -> Estimate:
    """Difference of ratios of means (e.g. reshares per view, unit = account), delta method."""
    nt, dt, nc, dc = _arrays(num_t, den_t, num_c, den_c)
    if nt.size != dt.size or nc.size != dc.size:
        raise ValueError("numerator and denominator need one value per unit")
    rt, vt = _ratio_var(nt, dt)
    rc, vc = _ratio_var(nc, dc)
    return _normal(rc, rt, float(np.sqrt(vt + vc)), alpha, "delta_method")


def cuped_adjust(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float]:
    """``Y - θ(X - mean X)`` with θ = cov(Y, X)/var(X) pooled over arms (Deng et al. 2013)."""
    vx = x.var(ddof=1)
    theta = float(np.cov(y, x, ddof=1)[0, 1] / vx) if vx > 0 else 0.0
    return y - theta * (x - x.mean()), theta


def cuped(y_t: Any, x_t: Any, y_c: Any, x_c: Any, alpha: float = 0.05) -> tuple[Estimate, float]:
    """Difference in means after CUPED with a pre-period covariate; returns it and θ."""
    yt, xt, yc, xc = _arrays(y_t, x_t, y_c, x_c)
    if yt.size != xt.size or yc.size != xc.size:
        raise ValueError("metric and covariate need one value per unit")
    adjusted, theta = cuped_adjust(np.concatenate([yt, yc]), np.concatenate([xt, xc]))
    est = diff_means(adjusted[: yt.size], adjusted[yt.size :], alpha)
    # Report the arms' raw means; the effect and interval are the adjusted ones.
    cm, tm = float(yc.mean()), float(yt.mean())
    rel = est.effect / cm if cm != 0 else None
    fields = {**est.as_dict(), "control": cm, "treatment": tm, "rel_effect": rel, "method": "cuped"}
    return Estimate(**fields), theta


@dataclass(frozen=True)
class SrmResult:
    """Chi-square goodness of fit of unit counts to the configured weights."""

    counts: list[int]
    expected: list[float]
    statistic: float
    p_value: float
    mismatch: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def srm_check(
    counts: list[int], weights: list[float], threshold: float = SRM_THRESHOLD
) -> SrmResult:
    """χ² = Σ (O - E)²/E with E = N·w, df = K - 1; a mismatch blocks the readout."""
    if len(counts) != len(weights) or len(counts) < 2:
        raise ValueError("need one count per variant and at least 2 variants")
    if any(c < 0 for c in counts) or any(w <= 0 for w in weights):
        raise ValueError("counts must be >= 0 and weights > 0")
    total = sum(counts)
    w = np.asarray(weights, dtype=float) / sum(weights)
    expected = total * w
    if total == 0:
        return SrmResult(list(counts), expected.tolist(), 0.0, 1.0, False)
    stat, p = stats.chisquare(np.asarray(counts, dtype=float), expected)
    return SrmResult(list(counts), expected.tolist(), float(stat), float(p), bool(p < threshold))
