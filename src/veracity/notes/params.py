"""Scorer parameters: the published Community Notes defaults (specs.md section 4.3).

One frozen object carries every number the scorer uses, so a run can record exactly what it
ran with and a test can change one value without touching module constants.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

HOUR_S = 3600
DAY_S = 24 * HOUR_S


@dataclass(frozen=True)
class ScorerParams:
    """Model, eligibility and status-rule parameters (names follow ``MFBaseScorer``)."""

    # r̂ = μ + i_u + i_n + f_u·f_n; intercepts regularised 5x harder than factors, so a note
    # can only reach a high intercept when raters on both sides of the factor axis agree.
    user_factor_lambda: float = 0.03
    note_factor_lambda: float = 0.03
    user_intercept_lambda: float = 0.03 * 5
    note_intercept_lambda: float = 0.03 * 5
    global_intercept_lambda: float = 0.03 * 5
    # Who takes part in the fit.
    min_ratings_per_rater: int = 10
    min_raters_per_note: int = 5
    min_ratings_needed: int = 5
    # Status rules.
    crh_threshold: float = 0.40
    crnh_threshold_intercept: float = -0.05
    crnh_threshold_factor_multiplier: float = -0.8
    crnh_threshold_nm_intercept: float = -0.15
    factor_threshold: float = 0.5
    inertia_delta: float = 0.01
    ratio_crnh_max_helpful_per_side: float = 0.4
    ratio_crnh_max_avg_helpful: float = 0.3
    ratio_crnh_min_sign_count: int = 3
    min_minority_net_helpful: int = 4
    min_minority_net_helpful_ratio: float = 0.05
    max_minority_net_helpful_for_ratio: int = 10
    crh_threshold_no_high_vol: float = 0.37
    crh_threshold_no_correlated: float = 0.37
    high_volume_quantile: float = 0.999
    high_volume_windows_days: tuple[int, ...] = (7, 28)
    # Contributor helpfulness (contributor-scores.md).
    min_rater_agree_ratio: float = 0.66
    min_mean_note_score: float = 0.05
    min_crh_vs_crnh_ratio: float = 0.0
    author_crnh_multiplier: float = 5.0
    valid_rating_window_s: int = 48 * HOUR_S
    # Stability: a note's status is locked once it is this old.
    lock_after_s: int = 14 * DAY_S
    # The "production data" checks (train error limits, high-volume raters) apply from here.
    min_notes_for_prod_checks: int = 200
    max_first_train_error: float = 0.16
    max_final_train_error: float = 0.09
    # Optimiser: alternating least squares, deterministic.
    max_iterations: int = 300
    tolerance: float = 1e-9
    seed: int = 7

    def __post_init__(self) -> None:
        lambdas = (
            self.user_factor_lambda,
            self.note_factor_lambda,
            self.user_intercept_lambda,
            self.note_intercept_lambda,
            self.global_intercept_lambda,
        )
        if any(x <= 0 for x in lambdas):
            raise ValueError("regularisation weights must be positive")
        if self.min_ratings_needed < 1 or self.min_raters_per_note < 1:
            raise ValueError("minimum rating counts must be at least 1")
        if self.max_iterations < 1 or self.tolerance <= 0:
            raise ValueError("max_iterations must be >= 1 and tolerance > 0")
        if not 0 < self.high_volume_quantile <= 1:
            raise ValueError("high_volume_quantile must be in (0, 1]")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["high_volume_windows_days"] = list(self.high_volume_windows_days)
        return out
