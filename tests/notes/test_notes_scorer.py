"""The bridging scorer on simulated two-camp populations, its optimiser, rules and inputs."""

from __future__ import annotations

import numpy as np
import pytest
from notes_support import input_of
from scipy.optimize import minimize

from veracity.notes.mf import Fitter, Ratings, Regularisation, predict, solve_frozen
from veracity.notes.params import ScorerParams
from veracity.notes.rules import Status
from veracity.notes.scorer import ScoringInput, regularisation, score
from veracity.notes.simulate import (
    CAMP_A,
    CampConfig,
    NoteKind,
    SyntheticRatings,
    two_camp_ratings,
)

HELPFUL, NOT_HELPFUL = Status.HELPFUL, Status.NOT_HELPFUL


def _helpful_share(s: SyntheticRatings, notes: np.ndarray) -> np.ndarray:
    """Per note, the share of its ratings that say helpful (what a plain vote would use)."""
    counts = np.bincount(s.note, minlength=s.n_notes)
    yes = np.bincount(s.note, weights=s.value == 1.0, minlength=s.n_notes)
    return (yes / np.maximum(counts, 1))[notes]


def test_one_camp_notes_never_become_helpful_and_cross_camp_notes_do() -> None:
    s = two_camp_ratings(CampConfig(raters=1500, notes=600, ratings=45_000, seed=11))
    result = score(input_of(s))
    rated = result.n_ratings >= 15
    one_camp = s.note_kind == NoteKind.ONE_CAMP
    bridging = (s.note_kind == NoteKind.BRIDGING) & rated
    unhelpful = (s.note_kind == NoteKind.UNHELPFUL) & rated
    assert one_camp.sum() > 100 and bridging.sum() > 50
    # Rated helpful by one camp only: never helpful, whatever the size of that camp's vote.
    assert not np.any(result.status[one_camp] == HELPFUL)
    # Rated helpful across camps: helpful.
    assert np.mean(result.status[bridging] == HELPFUL) >= 0.95
    assert np.mean(result.status[unhelpful] == NOT_HELPFUL) >= 0.95
    # The factor carries the camp: one-camp notes sit far out on it, bridging notes near zero.
    assert np.nanmedian(np.abs(result.factor[one_camp])) > 0.5
    assert np.nanmedian(np.abs(result.factor[bridging])) < 0.15
    camp_a = s.rater_camp[: s.n_raters] == CAMP_A
    factors = result.raters.user_factor[: s.n_raters]
    signs = np.sign(factors[~np.isnan(factors)])
    a_sign = np.sign(np.nanmedian(factors[camp_a]))
    agreement = np.mean(signs == np.where(camp_a, a_sign, -a_sign)[~np.isnan(factors)])
    assert agreement > 0.95


def test_a_majority_camp_cannot_vote_its_notes_helpful() -> None:
    """Camp A is 80 % of raters: its favourite notes get mostly helpful ratings (a plain vote
    would show them), yet they stay unhelpful-to-show; notes both camps like still show."""
    s = two_camp_ratings(
        CampConfig(raters=1500, notes=600, ratings=45_000, camp_a_share=0.8, seed=12)
    )
    result = score(input_of(s))
    favoured_by_majority = np.flatnonzero(
        (s.note_kind == NoteKind.ONE_CAMP) & (s.note_favoured_camp == CAMP_A)
    )
    assert np.mean(_helpful_share(s, favoured_by_majority)) > 0.7
    assert not np.any(result.status[favoured_by_majority] == HELPFUL)
    bridging = (s.note_kind == NoteKind.BRIDGING) & (result.n_ratings >= 15)
    # With few minority raters some wait for more of them (MinMinorityRaters); none is refused.
    assert np.mean(result.status[bridging] == HELPFUL) >= 0.8
    assert not np.any(result.status[bridging] == NOT_HELPFUL)


def test_scoring_is_deterministic() -> None:
    s = two_camp_ratings(CampConfig(raters=400, notes=200, ratings=8_000, seed=3))
    first, second = score(input_of(s)), score(input_of(s))
    assert np.array_equal(first.status, second.status)
    assert np.array_equal(first.intercept, second.intercept, equal_nan=True)
    assert np.array_equal(first.raters.user_factor, second.raters.user_factor, equal_nan=True)


def _gradient(r: Ratings, reg: Regularisation, fitter: Fitter, x: np.ndarray) -> tuple:
    """Loss and gradient of the mean-normalised objective, parameters packed in ``x``."""
    m, u = r.n_notes, r.n_users
    b, q, a, p, mu = x[:m], x[m : 2 * m], x[2 * m : 2 * m + u], x[2 * m + u : -1], x[-1]
    err = r.value - (mu + a[r.user] + b[r.note] + p[r.user] * q[r.note])
    n, mm, uu = len(r), fitter.m, fitter.u
    loss = (
        np.dot(r.weight, err**2) / n
        + reg.note_intercept * np.sum(b**2) / mm
        + reg.note_factor * np.sum(q**2) / mm
        + reg.user_intercept * np.sum(a**2) / uu
        + reg.user_factor * np.sum(p**2) / uu
        + reg.global_intercept * mu**2
    )
    we = -2 * r.weight * err / n
    grad = np.concatenate(
        [
            np.bincount(r.note, we, m) + 2 * reg.note_intercept * b / mm,
            np.bincount(r.note, we * p[r.user], m) + 2 * reg.note_factor * q / mm,
            np.bincount(r.user, we, u) + 2 * reg.user_intercept * a / uu,
            np.bincount(r.user, we * q[r.note], u) + 2 * reg.user_factor * p / uu,
            [np.sum(we) + 2 * reg.global_intercept * mu],
        ]
    )
    return loss, grad


def test_alternating_least_squares_reaches_the_objectives_minimum() -> None:
    s = two_camp_ratings(CampConfig(raters=150, notes=120, ratings=3_000, seed=5))
    r = Ratings.of(s.note, s.rater, s.value, s.n_notes, s.n_raters)
    reg = regularisation(ScorerParams())
    fitter = Fitter(r, reg)
    f, report = fitter.fit(max_iterations=2000, tolerance=1e-13)
    assert report.converged
    x = np.concatenate(
        [
            np.nan_to_num(f.note_intercept),
            np.nan_to_num(f.note_factor),
            np.nan_to_num(f.user_intercept),
            np.nan_to_num(f.user_factor),
            [f.mu],
        ]
    )
    loss, grad = _gradient(r, reg, fitter, x)
    assert loss == pytest.approx(report.loss, rel=1e-9)
    assert np.max(np.abs(grad)) < 1e-6  # a stationary point of the published objective
    # A general-purpose optimiser from a fresh start finds nothing lower.
    rng = np.random.default_rng(0)
    start = rng.normal(0, 0.1, len(x))
    found = minimize(
        lambda z: _gradient(r, reg, fitter, z),
        start,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 20_000, "ftol": 1e-15, "gtol": 1e-10},
    )
    assert found.fun >= loss - 1e-9
    assert found.fun == pytest.approx(loss, abs=1e-6)


def test_final_solve_with_frozen_raters_is_exact() -> None:
    s = two_camp_ratings(CampConfig(raters=150, notes=120, ratings=3_000, seed=6))
    r = Ratings.of(s.note, s.rater, s.value, s.n_notes, s.n_raters)
    reg = regularisation(ScorerParams())
    f, _ = Fitter(r, reg).fit()
    per_note = 17.0
    b, q = solve_frozen(r, f, reg, per_note)
    f.note_intercept, f.note_factor = b, q
    err = r.value - predict(r, f)
    # The note gradient of sum((y - y_hat)^2) + lambda * per_note * (b^2, q^2) is zero.
    grad_b = -2 * np.bincount(r.note, err, r.n_notes) + 2 * reg.note_intercept * per_note * b
    grad_q = (
        -2 * np.bincount(r.note, err * f.user_factor[r.user], r.n_notes)
        + 2 * reg.note_factor * per_note * q
    )
    seen = ~np.isnan(b)
    assert np.max(np.abs(grad_b[seen])) < 1e-9 and np.max(np.abs(grad_q[seen])) < 1e-9


def test_inputs_are_checked() -> None:
    base = {
        "note": np.array([0, 0]),
        "rater": np.array([0, 1]),
        "value": np.array([1.0, 0.0]),
        "at": np.array([10, 20]),
        "n_notes": 1,
        "n_participants": 2,
        "note_created_at": np.array([0]),
        "note_author": np.array([-1]),
        "note_misleading": np.array([True]),
    }
    ScoringInput(**base)
    with pytest.raises(ValueError, match=r"0, 0\.5 or 1"):
        ScoringInput(**{**base, "value": np.array([1.0, 0.3])})
    with pytest.raises(ValueError, match="rater index"):
        ScoringInput(**{**base, "rater": np.array([0, 5])})
    with pytest.raises(ValueError, match="one entry per note"):
        ScoringInput(**{**base, "note_author": np.array([-1, 2])})
    with pytest.raises(ValueError, match="positive"):
        ScorerParams(note_intercept_lambda=0)


def test_no_ratings_at_all_leaves_every_note_waiting() -> None:
    empty = np.array([], dtype=np.int64)
    result = score(
        ScoringInput(
            note=empty,
            rater=empty,
            value=np.array([]),
            at=empty,
            n_notes=3,
            n_participants=1,
            note_created_at=np.zeros(3, dtype=np.int64),
            note_author=np.zeros(3, dtype=np.int32),
            note_misleading=np.ones(3, dtype=bool),
        )
    )
    assert result.status.tolist() == [0, 0, 0]
    assert np.isnan(result.intercept).all()
