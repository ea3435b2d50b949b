"""Sequential tests that stay valid however often the results are looked at.

Two families (specs.md section 5.3), both vectorised over looks so a whole monitoring history
is one call:

* **mSPRT** (Johari et al. 2017/2022): the normal-mixture likelihood ratio with prior N(0, τ²)
  on the effect, written with the running standard error so arms may differ in size;
  always-valid p = running minimum of 1/Λ.
* **Asymptotic confidence sequence** (Waudby-Smith et al. 2023, the GrowthBook "GAVI" engine)
  with tuning parameter S, the sample size at which it is tightest; implemented from the code
  form in specs.md, never from the rendered GrowthBook docs page (whose transcription is wrong).

The variance is a plug-in estimate, so looks before ``min_units`` per arm are not counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

DEFAULT_S = 5_000.0
MIN_UNITS = 100


@dataclass(frozen=True)
class SequentialResult:
    """State after the last look: the always-valid p-value and interval (intersected over all
    looks so far), and whether the null was rejected at any look."""

    method: str
    looks: int
    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    rejected: bool
    first_rejection_look: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def msprt_lambda(effect: Any, se2: Any, tau2: float) -> np.ndarray:
    """Λ = sqrt(s²/(s²+τ²)) · exp(τ²θ̂² / (2s²(s²+τ²))) with s² the squared standard error;
    with equal arms this is the paired form Λ_n of specs.md."""
    e, s2 = np.asarray(effect, dtype=float), np.asarray(se2, dtype=float)
    total = s2 + tau2
    log_lam = 0.5 * np.log(s2 / total) + tau2 * e**2 / (2 * s2 * total)
    return np.exp(np.minimum(log_lam, 700.0))


def msprt_half_width(se2: Any, tau2: float, alpha: float) -> np.ndarray:
    """Half-width of {θ0 : Λ(θ0) < 1/alpha}, the interval the mSPRT inverts to."""
    s2 = np.asarray(se2, dtype=float)
    total = s2 + tau2
    return np.sqrt(2 * s2 * total / tau2 * (np.log(1 / alpha) + 0.5 * np.log(total / s2)))


def gavi_half_width(se2: Any, n: Any, alpha: float, s: float = DEFAULT_S) -> np.ndarray:
    """Half-width of the asymptotic confidence sequence at total sample size n."""
    se2a, na = np.asarray(se2, dtype=float), np.asarray(n, dtype=float)
    rho2 = (-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / s
    per_obs = se2a * na
    a = na * rho2 + 1
    return np.sqrt(per_obs) * np.sqrt(2 * a * np.log(np.sqrt(a) / alpha) / (na**2 * rho2))


def gavi_p(effect: Any, se2: Any, n: Any, alpha: float, s: float = DEFAULT_S) -> np.ndarray:
    """Always-valid p-value of the confidence sequence for H0: effect = 0 (one look each)."""
    e, se2a, na = (np.asarray(v, dtype=float) for v in (effect, se2, n))
    rho2 = (-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / s
    t2 = e**2 * na / se2a
    a = na * rho2 + 1
    log_e = rho2 * t2 / (2 * a) - 0.5 * np.log(a)
    return np.minimum(1.0, np.exp(-np.minimum(log_e, 700.0)))


def _running(
    effect: np.ndarray, low: np.ndarray, high: np.ndarray, p: np.ndarray, method: str
) -> SequentialResult:
    low_run = np.maximum.accumulate(low)
    high_run = np.minimum.accumulate(high)
    p_run = np.minimum.accumulate(p)
    hits = np.flatnonzero((low_run > 0) | (high_run < 0))
    first = int(hits[0]) + 1 if hits.size else None
    return SequentialResult(
        method,
        int(effect.size),
        float(effect[-1]),
        float(low_run[-1]),
        float(high_run[-1]),
        float(p_run[-1]),
        first is not None,
        first,
    )


def running_moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and unbiased variance after each arrival (arrays aligned with values)."""
    v = np.asarray(values, dtype=float)
    n = np.arange(1, v.size + 1, dtype=float)
    mean = np.cumsum(v) / n
    sq = np.cumsum(v**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n > 1, (sq - n * mean**2) / (n - 1), np.nan)
    return n, mean, np.maximum(var, 0.0)


def _check(alpha: float, method: str, looks: int, min_units: int) -> None:
    if method not in ("gavi", "msprt"):
        raise ValueError("method must be 'gavi' or 'msprt'")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    if looks < max(min_units, 2):
        raise ValueError(f"need at least {max(min_units, 2)} units per arm")


def _decide(
    effect: np.ndarray,
    se2: np.ndarray,
    n: np.ndarray,
    alpha: float,
    method: str,
    tau: float,
    s: float,
) -> SequentialResult:
    se2 = np.maximum(se2, 1e-300)
    if method == "gavi":
        half = gavi_half_width(se2, n, alpha, s)
        p = gavi_p(effect, se2, n, alpha, s)
    else:
        half = msprt_half_width(se2, tau**2, alpha)
        p = np.minimum(1.0, 1.0 / msprt_lambda(effect, se2, tau**2))
    return _running(effect, effect - half, effect + half, p, method)


def monitor(
    treatment: Any,
    control: Any,
    alpha: float = 0.05,
    method: str = "gavi",
    tau: float | None = None,
    s: float = DEFAULT_S,
    min_units: int = MIN_UNITS,
) -> SequentialResult:
    """Replay a difference-in-means experiment in arrival order, looking after every unit of
    each arm pair, and report the always-valid state after the last look.

    ``tau`` (mSPRT only) is the prior's standard deviation on the effect, ideally near the
    minimum detectable effect; by default 0.1 pooled standard deviations.
    """
    t = np.asarray(treatment, dtype=float)
    c = np.asarray(control, dtype=float)
    looks = min(t.size, c.size)
    _check(alpha, method, looks, min_units)
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(c))):
        raise ValueError("metric values must be finite")
    nt, mt, vt = running_moments(t[:looks])
    nc, mc, vc = running_moments(c[:looks])
    if tau is None:
        pooled = float(np.sqrt((vt[-1] + vc[-1]) / 2))
        tau = 0.1 * pooled if pooled > 0 else 1.0
    sl = slice(min_units - 1, looks)
    return _decide((mt - mc)[sl], (vt / nt + vc / nc)[sl], (nt + nc)[sl], alpha, method, tau, s)


def _running_ratio(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ratio of means and its delta-method variance after each arrival."""
    n, my, vy = running_moments(num)
    _, mx, vx = running_moments(den)
    sxy = np.cumsum(num * den)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(n > 1, (sxy - n * my * mx) / (n - 1), np.nan)
        r = my / mx
        var = (vy - 2 * r * cov + r**2 * vx) / (mx**2 * n)
    return r, var


def monitor_ratio(
    num_t: Any,
    den_t: Any,
    num_c: Any,
    den_c: Any,
    alpha: float = 0.05,
    method: str = "gavi",
    tau: float | None = None,
    s: float = DEFAULT_S,
    min_units: int = MIN_UNITS,
) -> SequentialResult:
    """As :func:`monitor` for a ratio of means (delta-method variance at every look), so each
    look uses only the units seen so far. ``tau`` defaults to 10 % of the control ratio."""
    nt_, dt_, nc_, dc_ = (np.asarray(v, dtype=float) for v in (num_t, den_t, num_c, den_c))
    if nt_.size != dt_.size or nc_.size != dc_.size:
        raise ValueError("numerator and denominator need one value per unit")
    looks = min(nt_.size, nc_.size)
    _check(alpha, method, looks, min_units)
    if not all(np.all(np.isfinite(v)) for v in (nt_, dt_, nc_, dc_)):
        raise ValueError("metric values must be finite")
    rt, vt = _running_ratio(nt_[:looks], dt_[:looks])
    rc, vc = _running_ratio(nc_[:looks], dc_[:looks])
    sl = slice(min_units - 1, looks)
    effect, se2 = (rt - rc)[sl], (vt + vc)[sl]
    if not np.all(np.isfinite(effect)) or not np.all(np.isfinite(se2)):
        raise ValueError("a denominator's running mean is zero")
    if tau is None:
        tau = 0.1 * abs(float(rc[-1])) or 1.0
    n = (np.arange(1, looks + 1) * 2.0)[sl]
    return _decide(effect, se2, n, alpha, method, tau, s)
