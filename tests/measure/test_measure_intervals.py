"""Interval estimators, and the issue's "must hold": prevalence intervals cover the simulated
population's true prevalence at the nominal rate (500 repetitions per design)."""

from __future__ import annotations

import pytest

from veracity.measure.coverage_study import population, run, simulator_population
from veracity.measure.intervals import clopper_pearson, hajek, proportion
from veracity.measure.prevalence import draw


def test_zero_positives_give_the_exact_upper_bound_near_the_rule_of_three() -> None:
    est = proportion(0, 1000)
    assert est.upper_only and est.value == 0.0 and est.low == 0.0
    assert est.high == pytest.approx(1 - 0.05 ** (1 / 1000))
    assert est.high == pytest.approx(3 / 1000, rel=0.01)
    assert clopper_pearson(0, 1000)[1] > est.high  # two-sided bound is wider (alpha/2)


def test_clopper_pearson_matches_known_values_and_contains_wilson_centre() -> None:
    low, high = clopper_pearson(5, 100)
    assert low == pytest.approx(0.01643, abs=1e-4) and high == pytest.approx(0.11284, abs=1e-4)
    est = proportion(5, 100)
    assert est.method == "wilson" and low < est.value < high


def test_hajek_with_equal_weights_is_the_sample_proportion() -> None:
    labels = [True] * 10 + [False] * 90
    est = hajek(labels, [0.01] * 100)
    assert est.value == pytest.approx(0.1)
    assert est.low < 0.1 < est.high


@pytest.mark.parametrize(
    ("labels", "pis"),
    [([], []), ([True], [0.0]), ([True], [1.5]), ([True, False], [0.5])],
)
def test_hajek_refuses_bad_designs(labels: list[bool], pis: list[float]) -> None:
    with pytest.raises(ValueError):
        hajek(labels, pis)


def test_draw_refuses_empty_or_negative_input() -> None:
    with pytest.raises(ValueError):
        draw({}, 10)
    with pytest.raises(ValueError):
        draw({"a": -1}, 10)
    with pytest.raises(ValueError):
        draw({"a": 5}, 0)
    with pytest.raises(ValueError):
        draw({"a": 5}, 3, weights={"a": float("nan")})


def test_weighted_draw_oversamples_heavy_items_with_exact_inclusion_probabilities() -> None:
    sample = draw({"a": 1000, "b": 1000}, 100, weights={"a": 9.0, "b": 1.0}, seed=1)
    pis = {c: p for c, _, p in sample.items}
    assert pis["a"] == pytest.approx(100 * 9 / 10_000) and pis["b"] == pytest.approx(100 / 10_000)


@pytest.mark.parametrize("source", ["simulator", "rare"])
def test_prevalence_intervals_cover_the_true_prevalence_at_the_nominal_rate(source: str) -> None:
    """500 repetitions per design on the platform simulator's views and ground truth (true
    rate about 7 %) and on a numpy population with rarer violations (about 0.9 %)."""
    pop = simulator_population() if source == "simulator" else population()
    for weighted in (False, True):
        got = run(repetitions=500, sample_views=2000, weighted=weighted, pop=pop)
        # 500 Bernoulli(0.95) trials: sd ~0.0097; accept within about 3 sd of nominal.
        assert 0.92 <= got["coverage"] <= 0.98, got
