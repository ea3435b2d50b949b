"""Note status rules, vectorised over all notes (specs.md section 4.3, ``MFBaseScorer``).

Rules run in the published order; a later rule overrides an earlier one, and the name of the
last rule that set a note's status is kept as the reason shown in its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from veracity.notes.params import ScorerParams

F64 = NDArray[np.float64]
I8 = NDArray[np.int8]


class Status(IntEnum):
    NEEDS_MORE_RATINGS = 0
    HELPFUL = 1
    NOT_HELPFUL = 2


STATUS_NAMES: dict[int, str] = {
    Status.NEEDS_MORE_RATINGS: "needs_more_ratings",
    Status.HELPFUL: "helpful",
    Status.NOT_HELPFUL: "not_helpful",
}
STATUS_CODES: dict[str, int] = {v: k for k, v in STATUS_NAMES.items()}

# Rule names follow the published scorer's, so a status can be traced to its rule there.
RULES: tuple[str, ...] = (
    "InitialNMR",
    "GeneralCRH",
    "GeneralCRNH",
    "RatioCRNH",
    "NmCRNH",
    "GeneralCRHInertia",
    "FilterLargeFactor",
    "MinMinorityRaters",
    "RaterBalance",
    "NoHighVolIntercept",
    "NoCorrelatedIntercept",
    "Locked",
)
RULE = {name: i for i, name in enumerate(RULES)}


@dataclass
class SignStats:
    """Per note, from ratings by raters with a factor: how each side of the axis rated it."""

    min_sign_count: NDArray[np.int64]
    neg_mean: F64
    pos_mean: F64
    net_min_helpful: NDArray[np.int64]
    net_min_ratio: F64

    @classmethod
    def empty(cls, n: int) -> SignStats:
        nan = np.full(n, np.nan)
        zero = np.zeros(n, dtype=np.int64)
        return cls(zero, nan, nan.copy(), zero.copy(), np.zeros(n))


def sign_stats(note: NDArray[np.int32], value: F64, rater_factor: F64, n_notes: int) -> SignStats:
    """``rater_factor`` is per rating (NaN: the rater has no factor, and is left out)."""
    keep = ~np.isnan(rater_factor)
    note, value, neg = note[keep], value[keep], rater_factor[keep] < 0

    def count(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.bincount(note[mask], minlength=n_notes).astype(np.int64)

    def total(mask: NDArray[np.bool_]) -> F64:
        return np.bincount(note[mask], weights=value[mask], minlength=n_notes).astype(np.float64)

    pos = ~neg
    n_neg, n_pos = count(neg), count(pos)
    with np.errstate(invalid="ignore", divide="ignore"):
        neg_mean = np.where(n_neg > 0, total(neg) / n_neg, np.nan)
        pos_mean = np.where(n_pos > 0, total(pos) / n_pos, np.nan)
    helpful, unhelpful = value == 1.0, value == 0.0
    net_neg = count(neg & helpful) - count(neg & unhelpful)
    net_pos = count(pos & helpful) - count(pos & unhelpful)
    net_min = np.clip(np.minimum(net_neg, net_pos), 0, None)
    n_all = n_neg + n_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(n_all > 0, net_min / np.maximum(n_all, 1), 0.0)
    return SignStats(np.minimum(n_neg, n_pos), neg_mean, pos_mean, net_min, ratio)


@dataclass
class NoteFacts:
    """What the rules read, one entry per note. Intercepts are NaN for unscored notes."""

    n_ratings: NDArray[np.int64]
    intercept: F64
    factor: F64
    misleading: NDArray[np.bool_]
    previous: I8
    signs: SignStats | None = None
    intercept_no_high_vol: F64 | None = None
    intercept_no_correlated: F64 | None = None
    locked: I8 | None = None


class _Apply:
    def __init__(self, n: int) -> None:
        self.status = np.full(n, Status.NEEDS_MORE_RATINGS, dtype=np.int8)
        self.rule = np.full(n, RULE["InitialNMR"], dtype=np.int8)

    def __call__(self, mask: NDArray[np.bool_], status: int, rule: str) -> None:
        self.status[mask] = status
        self.rule[mask] = RULE[rule]


def _ge(x: F64, threshold: float) -> NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):
        return np.asarray(x >= threshold)


def _lt(x: F64, threshold: float) -> NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):
        return np.asarray(x < threshold)


def first_round(f: NoteFacts, p: ScorerParams) -> tuple[I8, I8]:
    """Statuses used to judge raters (prescoring): intercept and not-helpful rules only."""
    out = _Apply(len(f.intercept))
    _base_rules(out, f, p)
    _not_misleading_rule(out, f, p)
    return out.status, out.rule


def _not_misleading_rule(out: _Apply, f: NoteFacts, p: ScorerParams) -> None:
    """Notes saying the content is not misleading are not helpful below a lower intercept."""
    low = _lt(f.intercept, p.crnh_threshold_nm_intercept)
    out(low & ~f.misleading, Status.NOT_HELPFUL, "NmCRNH")


def _base_rules(out: _Apply, f: NoteFacts, p: ScorerParams) -> None:
    enough = f.n_ratings >= p.min_ratings_needed
    out(enough & _ge(f.intercept, p.crh_threshold) & f.misleading, Status.HELPFUL, "GeneralCRH")
    crnh_line = p.crnh_threshold_intercept + p.crnh_threshold_factor_multiplier * np.abs(f.factor)
    with np.errstate(invalid="ignore"):
        crnh = enough & (f.intercept <= crnh_line)
    out(crnh, Status.NOT_HELPFUL, "GeneralCRNH")


def final_round(f: NoteFacts, p: ScorerParams) -> tuple[I8, I8]:
    """Final statuses: every rule of the core model that this scorer implements."""
    n = len(f.intercept)
    out = _Apply(n)
    _base_rules(out, f, p)
    enough = f.n_ratings >= p.min_ratings_needed
    s = f.signs or SignStats.empty(n)
    with np.errstate(invalid="ignore"):
        ratio_crnh = (
            enough
            & ~np.isnan(s.neg_mean)
            & ~np.isnan(s.pos_mean)
            & (s.min_sign_count >= p.ratio_crnh_min_sign_count)
            & (s.neg_mean <= p.ratio_crnh_max_helpful_per_side)
            & (s.pos_mean <= p.ratio_crnh_max_helpful_per_side)
            & ((s.neg_mean + s.pos_mean) / 2 <= p.ratio_crnh_max_avg_helpful)
        )
    out(ratio_crnh, Status.NOT_HELPFUL, "RatioCRNH")
    _not_misleading_rule(out, f, p)
    inertia = (
        (out.status != Status.HELPFUL)
        & enough
        & _ge(f.intercept, p.crh_threshold - p.inertia_delta)
        & (f.previous == Status.HELPFUL)
        & f.misleading
    )
    out(inertia, Status.HELPFUL, "GeneralCRHInertia")
    helpful = out.status == Status.HELPFUL
    with np.errstate(invalid="ignore"):
        large = helpful & (np.abs(f.factor) > p.factor_threshold)
    out(large, Status.NEEDS_MORE_RATINGS, "FilterLargeFactor")
    helpful = out.status == Status.HELPFUL
    out(helpful & (s.net_min_helpful < p.min_minority_net_helpful), 0, "MinMinorityRaters")
    helpful = out.status == Status.HELPFUL
    balance = (
        helpful
        & (s.net_min_helpful >= p.min_minority_net_helpful)
        & (s.net_min_helpful < p.max_minority_net_helpful_for_ratio)
        & (s.net_min_ratio < p.min_minority_net_helpful_ratio)
    )
    out(balance, Status.NEEDS_MORE_RATINGS, "RaterBalance")
    if f.intercept_no_high_vol is not None:
        low = _lt(f.intercept_no_high_vol, p.crh_threshold_no_high_vol)
        out((out.status == Status.HELPFUL) & low, Status.NEEDS_MORE_RATINGS, "NoHighVolIntercept")
    if f.intercept_no_correlated is not None:
        low = _lt(f.intercept_no_correlated, p.crh_threshold_no_correlated)
        rule = "NoCorrelatedIntercept"
        out((out.status == Status.HELPFUL) & low, Status.NEEDS_MORE_RATINGS, rule)
    if f.locked is not None:
        locked = f.locked >= 0
        out.status[locked] = f.locked[locked]
        out.rule[locked] = RULE["Locked"]
    return out.status, out.rule
