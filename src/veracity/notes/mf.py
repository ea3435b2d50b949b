"""Matrix factorisation with intercepts and one factor, fitted by alternating least squares.

The model is the published Community Notes one: ``r̂_un = μ + i_u + i_n + f_u·f_n``, fitted
to minimise the mean squared error over ratings plus ``λ·mean(θ²)`` for each parameter group
(the published scorer's normalisation: a data term averaged over ratings, penalties averaged
over the notes and raters present). Multiplied by the number of ratings N this is ordinary
ridge regression, with per-note penalties ``λ·N/M`` and per-rater penalties ``λ·N/U``.

With one factor, fixing the raters' parameters leaves each note a 2x2 ridge problem in
(intercept, factor) with a closed-form solution, and the same holds the other way round. So
instead of the published scorer's Adam loop, each half-step solves every note (then every
rater) exactly with a handful of ``numpy.bincount`` passes over the ratings: the loss falls
monotonically, needs no learning rate, and the result is deterministic. The final-scoring step
(raters frozen) is a single exact note solve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]


@dataclass(frozen=True)
class Regularisation:
    """The λ of each parameter group, in the published scorer's mean-normalised form."""

    user_intercept: float
    user_factor: float
    note_intercept: float
    note_factor: float
    global_intercept: float


@dataclass
class Factors:
    """Fitted parameters, indexed by note and rater; NaN where a note or rater had no rating."""

    mu: float
    note_intercept: F64
    note_factor: F64
    user_intercept: F64
    user_factor: F64

    def flipped(self) -> Factors:
        return Factors(
            self.mu, self.note_intercept, -self.note_factor, self.user_intercept, -self.user_factor
        )


@dataclass
class FitReport:
    iterations: int
    loss: float
    train_mse: float
    converged: bool
    losses: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Ratings:
    """Ratings as parallel arrays: note index, rater index, value in [0, 1], weight."""

    note: I32
    user: I32
    value: F64
    weight: F64
    n_notes: int
    n_users: int

    def __post_init__(self) -> None:
        n = len(self.value)
        if not (len(self.note) == len(self.user) == len(self.weight) == n):
            raise ValueError("rating arrays must have the same length")

    @classmethod
    def of(
        cls,
        note: NDArray[np.integer],
        user: NDArray[np.integer],
        value: NDArray[np.floating],
        n_notes: int,
        n_users: int,
        weight: NDArray[np.floating] | None = None,
    ) -> Ratings:
        w = np.ones(len(value)) if weight is None else np.asarray(weight, dtype=np.float64)
        return cls(
            np.asarray(note, dtype=np.int32),
            np.asarray(user, dtype=np.int32),
            np.asarray(value, dtype=np.float64),
            w,
            n_notes,
            n_users,
        )

    def subset(self, keep: NDArray[np.bool_]) -> Ratings:
        return Ratings(
            self.note[keep],
            self.user[keep],
            self.value[keep],
            self.weight[keep],
            self.n_notes,
            self.n_users,
        )

    def __len__(self) -> int:
        return len(self.value)


def _sums(index: I32, n: int, weights: F64) -> F64:
    return np.bincount(index, weights=weights, minlength=n).astype(np.float64)


def _solve2(a: F64, b: F64, c: F64, r0: F64, r1: F64) -> tuple[F64, F64]:
    """Solve [[a, b], [b, c]] x = [r0, r1] elementwise (a, c > 0 by the penalties)."""
    det = a * c - b * b
    return (c * r0 - b * r1) / det, (a * r1 - b * r0) / det


def solve_notes(
    ratings: Ratings,
    user_intercept: F64,
    user_factor: F64,
    mu: float,
    alpha: float,
    beta: float,
) -> tuple[F64, F64]:
    """Each note's exact (intercept, factor) with the raters fixed; ``alpha`` and ``beta`` are
    the intercept and factor penalties in the summed form. Notes without ratings get 0."""
    pu = user_factor[ratings.user]
    resid = ratings.value - mu - user_intercept[ratings.user]
    w = ratings.weight
    wp = w * pu
    n = ratings.n_notes
    a = _sums(ratings.note, n, w) + alpha
    b = _sums(ratings.note, n, wp)
    c = _sums(ratings.note, n, wp * pu) + beta
    return _solve2(a, b, c, _sums(ratings.note, n, w * resid), _sums(ratings.note, n, wp * resid))


def _solve_users(
    ratings: Ratings, note_intercept: F64, note_factor: F64, mu: float, alpha: float, beta: float
) -> tuple[F64, F64]:
    qn = note_factor[ratings.note]
    resid = ratings.value - mu - note_intercept[ratings.note]
    w = ratings.weight
    wq = w * qn
    n = ratings.n_users
    a = _sums(ratings.user, n, w) + alpha
    b = _sums(ratings.user, n, wq)
    c = _sums(ratings.user, n, wq * qn) + beta
    return _solve2(a, b, c, _sums(ratings.user, n, w * resid), _sums(ratings.user, n, wq * resid))


def predict(ratings: Ratings, f: Factors) -> F64:
    return (
        f.mu
        + f.user_intercept[ratings.user]
        + f.note_intercept[ratings.note]
        + f.user_factor[ratings.user] * f.note_factor[ratings.note]
    )


class Fitter:
    """Fits ``Factors`` to one set of ratings; ``present`` masks are the notes and raters the
    penalties average over."""

    def __init__(self, ratings: Ratings, reg: Regularisation) -> None:
        if len(ratings) == 0:
            raise ValueError("no ratings to fit")
        self.ratings = ratings
        self.reg = reg
        self.n = float(len(ratings))
        self.note_present = np.bincount(ratings.note, minlength=ratings.n_notes) > 0
        self.user_present = np.bincount(ratings.user, minlength=ratings.n_users) > 0
        self.m = float(self.note_present.sum())
        self.u = float(self.user_present.sum())
        self.weight_sum = float(ratings.weight.sum())

    def loss(self, f: Factors) -> tuple[float, float]:
        """(regularised loss, weighted mean squared error), both mean-normalised."""
        r = self.ratings
        err = r.value - predict(r, f)
        mse = float(np.dot(r.weight, err * err)) / self.n
        reg = self.reg
        np_, up = self.note_present, self.user_present
        penalty = (
            reg.note_intercept * float(np.sum(f.note_intercept[np_] ** 2)) / self.m
            + reg.note_factor * float(np.sum(f.note_factor[np_] ** 2)) / self.m
            + reg.user_intercept * float(np.sum(f.user_intercept[up] ** 2)) / self.u
            + reg.user_factor * float(np.sum(f.user_factor[up] ** 2)) / self.u
            + reg.global_intercept * f.mu * f.mu
        )
        return mse + penalty, mse

    def initial(self, seed: int) -> Factors:
        """Zero intercepts and small deterministic factors (the ALS steps take it from there)."""
        r = self.ratings
        rng = np.random.default_rng(seed)
        return Factors(
            mu=0.0,
            note_intercept=np.zeros(r.n_notes),
            note_factor=np.zeros(r.n_notes),
            user_intercept=np.zeros(r.n_users),
            user_factor=rng.uniform(-0.5, 0.5, r.n_users),
        )

    def _mu(self, f: Factors) -> float:
        r = self.ratings
        rest = (
            f.user_intercept[r.user]
            + f.note_intercept[r.note]
            + f.user_factor[r.user] * f.note_factor[r.note]
        )
        num = float(np.dot(r.weight, r.value - rest))
        return num / (self.weight_sum + self.reg.global_intercept * self.n)

    def fit(
        self,
        init: Factors | None = None,
        *,
        max_iterations: int = 300,
        tolerance: float = 1e-9,
        seed: int = 7,
        fit_mu: bool = True,
    ) -> tuple[Factors, FitReport]:
        """Alternate exact note and rater solves until the loss changes by less than
        ``tolerance`` (relative) or the iteration budget is spent."""
        reg, n = self.reg, self.n
        note_a, note_b = reg.note_intercept * n / self.m, reg.note_factor * n / self.m
        user_a, user_b = reg.user_intercept * n / self.u, reg.user_factor * n / self.u
        f = _clean(init) if init is not None else self.initial(seed)
        losses: list[float] = []
        previous = np.inf
        converged = False
        iterations = 0
        for iterations in range(1, max_iterations + 1):  # noqa: B007 - reported below
            f.note_intercept, f.note_factor = solve_notes(
                self.ratings, f.user_intercept, f.user_factor, f.mu, note_a, note_b
            )
            f.user_intercept, f.user_factor = _solve_users(
                self.ratings, f.note_intercept, f.note_factor, f.mu, user_a, user_b
            )
            if fit_mu:
                f.mu = self._mu(f)
            loss, _ = self.loss(f)
            losses.append(loss)
            if abs(previous - loss) <= tolerance * max(abs(loss), 1e-12):
                converged = True
                break
            previous = loss
        loss, mse = self.loss(f)
        return self._mask(f), FitReport(iterations, loss, mse, converged, losses)

    def _mask(self, f: Factors) -> Factors:
        """NaN for notes and raters the fit never saw, so callers cannot mistake them for 0."""
        f.note_intercept = np.where(self.note_present, f.note_intercept, np.nan)
        f.note_factor = np.where(self.note_present, f.note_factor, np.nan)
        f.user_intercept = np.where(self.user_present, f.user_intercept, np.nan)
        f.user_factor = np.where(self.user_present, f.user_factor, np.nan)
        return f


def _clean(f: Factors) -> Factors:
    """A copy of ``f`` with NaN (unseen) parameters started at 0."""
    return Factors(
        float(f.mu),
        np.nan_to_num(f.note_intercept, nan=0.0).astype(np.float64),
        np.nan_to_num(f.note_factor, nan=0.0).astype(np.float64),
        np.nan_to_num(f.user_intercept, nan=0.0).astype(np.float64),
        np.nan_to_num(f.user_factor, nan=0.0).astype(np.float64),
    )


def identify(f: Factors) -> Factors:
    """Fix the factor's sign as the published scorer does: most raters negative."""
    seen = f.user_factor[~np.isnan(f.user_factor)]
    nonzero = int(np.count_nonzero(seen))
    if nonzero and np.count_nonzero(seen < 0) / nonzero < 0.5:
        return f.flipped()
    return f


def solve_frozen(
    ratings: Ratings, frozen: Factors, reg: Regularisation, ratings_per_note: float
) -> tuple[F64, F64]:
    """Note parameters with raters and μ frozen (the final scoring step). The note penalties
    use ``ratings_per_note`` of the run the raters come from (``ratingPerNoteLossRatio``);
    notes without ratings here are NaN."""
    user_a = np.nan_to_num(frozen.user_intercept, nan=0.0)
    user_p = np.nan_to_num(frozen.user_factor, nan=0.0)
    alpha = reg.note_intercept * ratings_per_note
    beta = reg.note_factor * ratings_per_note
    b, q = solve_notes(ratings, user_a, user_p, frozen.mu, alpha, beta)
    present = np.bincount(ratings.note, minlength=ratings.n_notes) > 0
    return np.where(present, b, np.nan), np.where(present, q, np.nan)
