"""Sequential tests: the formulas of specs.md section 5.3 and a small A/A run under continuous
peeking (the 1,000-run figures are in benchmarks/bench_experiments.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from veracity.experiments.sequential import (
    gavi_half_width,
    monitor,
    msprt_half_width,
    msprt_lambda,
)


def test_msprt_lambda_equals_the_paired_form() -> None:
    v, tau2, n, dbar = 2.0, 0.04, 500, 0.1
    paired = math.sqrt(v / (v + n * tau2)) * math.exp(
        n**2 * tau2 * dbar**2 / (2 * v * (v + n * tau2))
    )
    assert float(msprt_lambda(dbar, v / n, tau2)) == pytest.approx(paired)


def test_msprt_interval_is_where_lambda_crosses_one_over_alpha() -> None:
    se2, tau2, alpha = 0.01, 0.05, 0.05
    h = float(msprt_half_width(se2, tau2, alpha))
    assert float(msprt_lambda(h, se2, tau2)) == pytest.approx(1 / alpha)


def test_confidence_sequence_is_about_1_55_times_the_fixed_interval_at_s() -> None:
    # specs.md: at n = S the CS is 1.55x the fixed-horizon 95 % half-width.
    s = 5000.0
    se2 = 1.0 / s
    ratio = float(gavi_half_width(se2, s, 0.05, s)) / (stats.norm.ppf(0.975) * math.sqrt(se2))
    assert ratio == pytest.approx(1.55, abs=0.02)


@pytest.mark.parametrize("method", ["gavi", "msprt"])
def test_a_real_effect_is_found_and_the_interval_covers_it(method: str) -> None:
    rng = np.random.default_rng(1)
    t, c = rng.normal(0.3, 1, 3000), rng.normal(0, 1, 3000)
    res = monitor(t, c, method=method, tau=0.2)
    assert res.rejected
    assert res.first_rejection_look is not None
    assert res.ci_low <= 0.3 <= res.ci_high
    assert res.p_value < 0.05


def test_a_a_false_positives_stay_under_alpha_with_peeking_after_every_unit() -> None:
    rng = np.random.default_rng(2)
    runs = 200
    hits = {"gavi": 0, "msprt": 0}
    naive = 0
    for _ in range(runs):
        t, c = rng.exponential(1, 1000), rng.exponential(1, 1000)
        for method in hits:
            hits[method] += monitor(t, c, method=method).rejected
        # Peeking at a fixed-horizon z test every 50 units: the inflation sequential tests fix.
        for n in range(100, 1001, 50):
            z = (t[:n].mean() - c[:n].mean()) / math.sqrt(t[:n].var() / n + c[:n].var() / n)
            if abs(z) > 1.96:
                naive += 1
                break
    # Binomial upper 99 % bound for a 5 % rate over 200 runs is about 0.09.
    assert hits["gavi"] / runs <= 0.09
    assert hits["msprt"] / runs <= 0.09
    assert naive / runs > 0.1


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 100"):
        monitor([1.0] * 10, [1.0] * 10)
    with pytest.raises(ValueError, match="method"):
        monitor([1.0] * 200, [1.0] * 200, method="bayes")
    with pytest.raises(ValueError, match="finite"):
        monitor([float("inf")] * 200, [1.0] * 200)


def test_running_ratio_ends_at_the_fixed_delta_method_estimate() -> None:
    from veracity.experiments.sequential import _running_ratio
    from veracity.experiments.stats import ratio_delta

    rng = np.random.default_rng(3)
    den_t, den_c = rng.poisson(20, 800).astype(float), rng.poisson(20, 800).astype(float)
    num_t, num_c = rng.binomial(den_t.astype(int), 0.05), rng.binomial(den_c.astype(int), 0.04)
    fixed = ratio_delta(num_t, den_t, num_c, den_c)
    rt, vt = _running_ratio(num_t.astype(float), den_t)
    rc, vc = _running_ratio(num_c.astype(float), den_c)
    assert rt[-1] - rc[-1] == pytest.approx(fixed.effect)
    assert math.sqrt(vt[-1] + vc[-1]) == pytest.approx(fixed.se)
    from veracity.experiments.sequential import monitor_ratio

    res = monitor_ratio(num_t, den_t, num_c, den_c)
    assert res.effect == pytest.approx(fixed.effect)
    assert res.ci_high - res.ci_low > fixed.ci_high - fixed.ci_low
