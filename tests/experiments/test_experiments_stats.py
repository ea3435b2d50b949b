"""The estimators against hand-computed examples and against statsmodels and tea-tasting."""

from __future__ import annotations

import math

import numpy as np
import pytest

from veracity.experiments.stats import cuped, diff_means, diff_proportions, ratio_delta, srm_check


def test_diff_means_matches_hand_computation_and_statsmodels() -> None:
    t, c = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]
    est = diff_means(t, c)
    # By hand: means 2.5 and 5; variances 5/3 and 20/3; se = sqrt(5/12 + 20/12).
    assert est.effect == pytest.approx(-2.5)
    assert est.se == pytest.approx(math.sqrt(25 / 12))
    assert est.rel_effect == pytest.approx(-0.5)
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    cm = CompareMeans(DescrStatsW(np.array(t)), DescrStatsW(np.array(c)))
    _, p, _ = cm.ttest_ind(usevar="unequal")
    low, high = cm.tconfint_diff(usevar="unequal")
    assert est.p_value == pytest.approx(p)
    assert (est.ci_low, est.ci_high) == pytest.approx((low, high))


def test_diff_proportions_matches_hand_computation_and_statsmodels() -> None:
    est = diff_proportions(30, 100, 20, 100)
    se = math.sqrt(0.3 * 0.7 / 100 + 0.2 * 0.8 / 100)
    assert est.effect == pytest.approx(0.1)
    assert est.se == pytest.approx(se)
    assert est.ci_low == pytest.approx(0.1 - 1.959964 * se, abs=1e-6)
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(30, 100, 20, 100, method="wald")
    assert (est.ci_low, est.ci_high) == pytest.approx((low, high))


def test_ratio_delta_matches_the_formula_and_tea_tasting() -> None:
    import tea_tasting as tt

    data = tt.make_users_data(rng=42).to_pandas()
    t, c = data[data.variant == 1], data[data.variant == 0]
    est = ratio_delta(t.orders, t.sessions, c.orders, c.sessions)
    exp = tt.Experiment(r=tt.RatioOfMeans("orders", "sessions", use_t=False))
    ref = exp.analyze(tt.make_users_data(rng=42)).to_pandas().iloc[0]
    assert est.effect == pytest.approx(ref.effect_size)
    assert est.ci_low == pytest.approx(ref.effect_size_ci_lower)
    assert est.p_value == pytest.approx(ref.pvalue)
    # The specs.md formula by hand for one arm.
    y, x = t.orders.to_numpy(float), t.sessions.to_numpy(float)
    r = y.mean() / x.mean()
    cov = np.cov(y, x)
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r**2 * cov[1, 1]) / (x.mean() ** 2 * y.size)
    yc, xc = c.orders.to_numpy(float), c.sessions.to_numpy(float)
    rc = yc.mean() / xc.mean()
    covc = np.cov(yc, xc)
    varc = (covc[0, 0] - 2 * rc * covc[0, 1] + rc**2 * covc[1, 1]) / (xc.mean() ** 2 * yc.size)
    assert est.se == pytest.approx(math.sqrt(var + varc))


def test_cuped_matches_tea_tasting_and_shrinks_the_interval() -> None:
    import tea_tasting as tt

    users = tt.make_users_data(covariates=True, rng=42)
    data = users.to_pandas()
    t, c = data[data.variant == 1], data[data.variant == 0]
    est, theta = cuped(t.revenue, t.revenue_covariate, c.revenue, c.revenue_covariate)
    exp = tt.Experiment(m=tt.Mean("revenue", "revenue_covariate", use_t=False))
    ref = exp.analyze(users).to_pandas().iloc[0]
    assert est.effect == pytest.approx(ref.effect_size)
    assert est.ci_high - est.ci_low == pytest.approx(
        ref.effect_size_ci_upper - ref.effect_size_ci_lower, rel=1e-3
    )
    plain = diff_means(t.revenue, c.revenue)
    assert est.se < plain.se
    assert theta > 0


def test_cuped_on_a_perfect_covariate_removes_the_noise() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(10, 3, 400)
    y = x + np.r_[np.full(200, 1.0), np.zeros(200)]
    est, theta = cuped(y[:200], x[:200], y[200:], x[200:])
    assert theta == pytest.approx(1.0, abs=0.01)
    assert est.effect == pytest.approx(1.0, abs=0.01)
    assert est.se < 0.01


def test_srm_hand_computed() -> None:
    ok = srm_check([5000, 5200], [0.5, 0.5])
    assert ok.statistic == pytest.approx(2 * 100**2 / 5100)
    assert ok.p_value == pytest.approx(0.0477, abs=1e-4)
    assert not ok.mismatch
    bad = srm_check([5000, 5400], [1, 1])
    assert bad.statistic == pytest.approx(2 * 200**2 / 5200)
    assert bad.mismatch
    uneven = srm_check([900, 100], [9, 1])
    assert uneven.statistic == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: diff_means([1.0], [1.0, 2.0]), "at least 2"),
        (lambda: diff_means([1.0, float("nan")], [1.0, 2.0]), "finite"),
        (lambda: diff_proportions(5, 3, 1, 3), "successes"),
        (lambda: ratio_delta([1, 2], [0, 0], [1, 2], [1, 1]), "denominator"),
        (lambda: srm_check([1, 2, 3], [1, 1]), "one count per variant"),
        (lambda: srm_check([1, 2], [1, 0]), "weights > 0"),
    ],
)
def test_bad_input_is_a_clear_error(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
