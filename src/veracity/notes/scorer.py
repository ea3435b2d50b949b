"""The bridging scorer: ratings in, note statuses and contributor scores out (no I/O).

It follows the published core model's two phases (``MFCoreScorer``):

1. Prescoring. Keep notes with >= 5 ratings and raters with >= 10 (notes, raters, notes once
   each); fit the model; give first-round statuses; score raters on how well their valid
   ratings predicted those statuses; fit again on the helpful raters' ratings only, starting
   from the first fit.
2. Final scoring. With raters and the global intercept frozen, solve each note exactly on the
   ratings of helpful raters (notes with >= 5 ratings), and again without the top 0.1 % most
   active raters and without raters in lockstep groups; then apply every status rule.

Incremental rescoring repeats phase 2 for the notes that got new ratings, with the rater
parameters the last full run stored (``RaterModel``), which is what the published scorer does
between its full runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from veracity.notes.contributors import Helpfulness, helpfulness, valid_ratings
from veracity.notes.mf import (
    Factors,
    FitReport,
    Fitter,
    Ratings,
    Regularisation,
    identify,
    solve_frozen,
)
from veracity.notes.params import DAY_S, ScorerParams
from veracity.notes.rules import NoteFacts, SignStats, Status, final_round, first_round, sign_stats

F64 = NDArray[np.float64]
I8 = NDArray[np.int8]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]


class ScoringUnstable(RuntimeError):
    """The first-round fit explains the ratings too poorly to trust (train error too high)."""


def regularisation(p: ScorerParams) -> Regularisation:
    return Regularisation(
        user_intercept=p.user_intercept_lambda,
        user_factor=p.user_factor_lambda,
        note_intercept=p.note_intercept_lambda,
        note_factor=p.note_factor_lambda,
        global_intercept=p.global_intercept_lambda,
    )


@dataclass
class ScoringInput:
    """Ratings as parallel arrays plus what is known about each note and participant.

    Participants (raters and authors) share one index space. ``note_previous`` is each note's
    current status (inertia), ``note_last_rated_at`` when it last became helpful or not helpful
    (-1: never), ``note_locked`` a status locked by age (-1: none), ``correlated`` the raters
    found in lockstep groups; ``now`` (epoch seconds) enables locking by age.
    """

    note: I32
    rater: I32
    value: F64
    at: I64
    n_notes: int
    n_participants: int
    note_created_at: I64
    note_author: I32
    note_misleading: B
    note_previous: I8 | None = None
    note_last_rated_at: I64 | None = None
    note_locked: I8 | None = None
    correlated: B | None = None
    now: int | None = None

    def __post_init__(self) -> None:
        self.note = np.asarray(self.note, dtype=np.int32)
        self.rater = np.asarray(self.rater, dtype=np.int32)
        self.value = np.asarray(self.value, dtype=np.float64)
        self.at = np.asarray(self.at, dtype=np.int64)
        m = self.n_notes
        if self.note_previous is None:
            self.note_previous = np.zeros(m, dtype=np.int8)
        if self.note_last_rated_at is None:
            self.note_last_rated_at = np.full(m, -1, dtype=np.int64)
        if self.note_locked is None:
            self.note_locked = np.full(m, -1, dtype=np.int8)
        for name in ("note_created_at", "note_author", "note_misleading", "note_previous"):
            if len(getattr(self, name)) != m:
                raise ValueError(f"{name} must have one entry per note")
        if len(self.rater) and (self.rater.max() >= self.n_participants or self.rater.min() < 0):
            raise ValueError("rater index out of range")
        if len(self.note) and (self.note.max() >= m or self.note.min() < 0):
            raise ValueError("note index out of range")
        bad = (self.value != 0.0) & (self.value != 0.5) & (self.value != 1.0)
        if np.any(bad):
            raise ValueError("rating values must be 0, 0.5 or 1")


@dataclass
class RaterModel:
    """What final scoring needs from prescoring; stored by a full run for incremental runs."""

    mu: float
    user_intercept: F64  # NaN: not in the final prescoring round
    user_factor: F64
    helpful: B
    high_volume: B
    correlated: B
    ratings_per_note: float

    def usable(self) -> B:
        return np.asarray(~np.isnan(self.user_intercept) & self.helpful)


@dataclass
class ScoringResult:
    status: I8
    rule: I8
    intercept: F64
    factor: F64
    n_ratings: I64
    signs: SignStats
    intercept_no_high_vol: F64 | None
    intercept_no_correlated: F64 | None
    first_status: I8
    first_intercept: F64
    first_factor: F64
    helpfulness: Helpfulness
    raters: RaterModel
    lock_now: B
    report: dict[str, Any] = field(default_factory=dict)


def filter_counts(note: I32, rater: I32, n_notes: int, n_users: int, p: ScorerParams) -> B:
    """Keep notes with enough raters and raters with enough ratings: notes, raters, notes."""
    keep = np.ones(len(note), dtype=bool)

    def notes_ok() -> B:
        counts = np.bincount(note[keep], minlength=n_notes)
        return np.asarray(counts[note] >= p.min_raters_per_note)

    keep &= notes_ok()
    counts = np.bincount(rater[keep], minlength=n_users)
    keep &= counts[rater] >= p.min_ratings_per_rater
    keep &= notes_ok()
    return keep


def high_volume_raters(inp: ScoringInput, p: ScorerParams) -> B:
    """Raters above the 99.9th percentile of ratings in the last 7 or 28 days (production-size
    data only, as published)."""
    out = np.zeros(inp.n_participants, dtype=bool)
    if len(np.unique(inp.note)) < p.min_notes_for_prod_checks or len(inp.at) == 0:
        return out
    latest = int(inp.at.max())
    for days in p.high_volume_windows_days:
        recent = inp.at > latest - days * DAY_S
        counts = np.bincount(inp.rater[recent], minlength=inp.n_participants)
        present = counts[counts > 0]
        if len(present):
            threshold = float(np.quantile(present, p.high_volume_quantile))
            out |= counts > threshold
    return out


def _empty_factors(n_notes: int, n_users: int) -> Factors:
    nan_n, nan_u = np.full(n_notes, np.nan), np.full(n_users, np.nan)
    return Factors(0.0, nan_n, nan_n.copy(), nan_u, nan_u.copy())


def _fit_first(ratings: Ratings, reg: Regularisation, p: ScorerParams) -> tuple[Factors, FitReport]:
    fitter = Fitter(ratings, reg)
    f, report = fitter.fit(max_iterations=p.max_iterations, tolerance=p.tolerance, seed=p.seed)
    prod = int(fitter.m) >= p.min_notes_for_prod_checks
    if prod and report.train_mse > p.max_first_train_error:
        f, report = fitter.fit(
            max_iterations=2 * p.max_iterations, tolerance=p.tolerance, seed=p.seed + 1
        )
        if report.train_mse > p.max_first_train_error:
            raise ScoringUnstable(
                f"first-round train error {report.train_mse:.4f} is above "
                f"{p.max_first_train_error} after a re-fit; statuses were not changed"
            )
    return identify(f), report


def final_solve(
    ratings: Ratings, keep: B, model: RaterModel, reg: Regularisation, p: ScorerParams
) -> tuple[F64, F64]:
    """Final-scoring note parameters from the ratings in ``keep``: notes with enough ratings
    there, rated by raters the model keeps; NaN for the other notes."""
    note = ratings.note[keep]
    enough = np.bincount(note, minlength=ratings.n_notes) >= p.min_raters_per_note
    use = keep.copy()
    use[keep] = enough[note]
    use &= model.usable()[ratings.user]
    if not use.any():
        nan = np.full(ratings.n_notes, np.nan)
        return nan, nan.copy()
    frozen = Factors(model.mu, np.zeros(0), np.zeros(0), model.user_intercept, model.user_factor)
    return solve_frozen(ratings.subset(use), frozen, reg, model.ratings_per_note)


def final_statuses(
    inp: ScoringInput,
    ratings: Ratings,
    model: RaterModel,
    p: ScorerParams,
    n_ratings: I64,
) -> tuple[NoteFacts, I8, I8]:
    """Phase 2 for every note in ``inp`` (the full run and the incremental one share it)."""
    reg = regularisation(p)
    everything = np.ones(len(ratings), dtype=bool)
    intercept, factor = final_solve(ratings, everything, model, reg, p)
    no_hv = no_corr = None
    if model.high_volume.any():
        no_hv, _ = final_solve(ratings, ~model.high_volume[ratings.user], model, reg, p)
    if model.correlated.any():
        no_corr, _ = final_solve(ratings, ~model.correlated[ratings.user], model, reg, p)
    usable = model.usable()
    rater_factor = np.where(usable, model.user_factor, np.nan)[ratings.user]
    facts = NoteFacts(
        n_ratings=n_ratings,
        intercept=intercept,
        factor=factor,
        misleading=inp.note_misleading,
        previous=np.asarray(inp.note_previous),
        signs=sign_stats(ratings.note, ratings.value, rater_factor, ratings.n_notes),
        intercept_no_high_vol=no_hv,
        intercept_no_correlated=no_corr,
        locked=inp.note_locked,
    )
    status, rule = final_round(facts, p)
    return facts, status, rule


def score(inp: ScoringInput, params: ScorerParams | None = None) -> ScoringResult:
    """A full run over every rating (see the module docstring)."""
    p = params or ScorerParams()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 4)
        clock = now

    m, n_p = inp.n_notes, inp.n_participants
    reg = regularisation(p)
    ratings = Ratings.of(inp.note, inp.rater, inp.value, m, n_p)
    n_ratings = np.bincount(inp.note, minlength=m).astype(np.int64)
    keep_first = filter_counts(inp.note, inp.rater, m, n_p, p)
    lap("filter")
    report1 = report2 = None
    if keep_first.any():
        f1, report1 = _fit_first(ratings.subset(keep_first), reg, p)
    else:
        f1 = _empty_factors(m, n_p)
    lap("first_fit")
    facts1 = NoteFacts(
        n_ratings,
        f1.note_intercept,
        f1.note_factor,
        inp.note_misleading,
        np.asarray(inp.note_previous),
    )
    status1, _ = first_round(facts1, p)
    assert inp.note_last_rated_at is not None
    valid = valid_ratings(
        inp.note,
        inp.value,
        inp.at,
        inp.note_created_at,
        inp.note_last_rated_at,
        p.valid_rating_window_s,
    )
    helped = helpfulness(
        note=inp.note,
        rater=inp.rater,
        value=inp.value,
        valid=valid,
        status=status1,
        intercept=f1.note_intercept,
        note_author=inp.note_author,
        n_participants=n_p,
        params=p,
    )
    lap("helpfulness")
    keep_final = keep_first & helped.helpful[inp.rater]
    per_note = 1.0
    if keep_final.any():
        final_ratings = ratings.subset(keep_final)
        fitter = Fitter(final_ratings, reg)
        f2, report2 = fitter.fit(
            init=f1, max_iterations=p.max_iterations, tolerance=p.tolerance, seed=p.seed
        )
        f2 = identify(f2)
        per_note = len(final_ratings) / fitter.m
    else:
        f2 = _empty_factors(m, n_p)
    lap("final_fit")
    correlated = np.zeros(n_p, dtype=bool) if inp.correlated is None else np.asarray(inp.correlated)
    model = RaterModel(
        mu=f2.mu,
        user_intercept=f2.user_intercept,
        user_factor=f2.user_factor,
        helpful=helped.helpful,
        high_volume=high_volume_raters(inp, p),
        correlated=correlated,
        ratings_per_note=per_note,
    )
    facts, status, rule = final_statuses(inp, ratings, model, p, n_ratings)
    lock_now = np.zeros(m, dtype=bool)
    if inp.now is not None:
        assert inp.note_locked is not None
        lock_now = (inp.note_locked < 0) & (inp.now - inp.note_created_at >= p.lock_after_s)
    lap("final_scoring")
    report: dict[str, Any] = {
        "ratings": len(ratings),
        "notes": m,
        "participants": n_p,
        "first_round_ratings": int(keep_first.sum()),
        "final_round_ratings": int(keep_final.sum()),
        "helpful_raters": int(helped.helpful.sum()),
        "high_volume_raters": int(model.high_volume.sum()),
        "correlated_raters": int(correlated.sum()),
        "global_intercept": round(float(f2.mu), 6),
        "statuses": {
            "helpful": int(np.sum(status == Status.HELPFUL)),
            "not_helpful": int(np.sum(status == Status.NOT_HELPFUL)),
            "needs_more_ratings": int(np.sum(status == Status.NEEDS_MORE_RATINGS)),
        },
        "first_fit": _fit_json(report1),
        "final_fit": _fit_json(report2),
        "seconds": timings,
    }
    return ScoringResult(
        status=status,
        rule=rule,
        intercept=facts.intercept,
        factor=facts.factor,
        n_ratings=n_ratings,
        signs=facts.signs or SignStats.empty(m),
        intercept_no_high_vol=facts.intercept_no_high_vol,
        intercept_no_correlated=facts.intercept_no_correlated,
        first_status=status1,
        first_intercept=f1.note_intercept,
        first_factor=f1.note_factor,
        helpfulness=helped,
        raters=model,
        lock_now=lock_now,
        report=report,
    )


def _fit_json(report: FitReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "iterations": report.iterations,
        "converged": report.converged,
        "loss": round(report.loss, 8),
        "train_mse": round(report.train_mse, 6),
    }
