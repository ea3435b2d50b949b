"""Settings of the coordination job, with the per-trace calibration it ships with."""

from __future__ import annotations

from dataclasses import dataclass, field

# Traces the campaign graph uses (posting together) and the engagement graph uses (lockstep).
CONTENT_TRACES: tuple[str, ...] = ("url", "media", "tags", "text", "share")
ENGAGEMENT_TRACES: tuple[str, ...] = ("like", "follow")
ALL_TRACES: tuple[str, ...] = CONTENT_TRACES + ENGAGEMENT_TRACES

# Calibration: P(pair in one coordinated group) = sigmoid(intercept + sum_t coef_t * weight_t),
# weight_t being the pair's popularity-discounted count of items shared in trace t. Fitted by
# ``calibrate.fit_calibration`` on simulator seed 11 (small scale); evaluation uses seed 7.
# The simulator plants no shared media, so "media" is not learnt: it is set to the link's
# coefficient (an exact media hash is as specific as a link).
DEFAULT_CALIBRATION: dict[str, float] = {
    "intercept": -2.64,
    "url": 8.359,
    "media": 8.359,
    "tags": 2.845,
    "text": 3.055,
    "share": 0.0,
}


@dataclass(frozen=True)
class CoordinationConfig:
    """Windows are seconds; ``max_item_accounts`` drops items too popular to be evidence."""

    content_window_s: int = 2 * 3600
    engagement_window_s: int = 300
    max_item_accounts: int = 2000
    min_tag_count: int = 2
    min_text_words: int = 5
    text_threshold: float = 0.8
    edge_threshold: float = 0.5
    leiden_resolution: float = 1.0
    leiden_seed: int = 7
    min_members: int = 3
    min_campaign_score: float = 0.45
    # Lockstep (CopyCatch-style): a pair must share this many targets, each within the
    # engagement window, with at least this much popularity-discounted weight.
    lockstep_min_targets: int = 3
    lockstep_min_weight: float = 1.2
    lockstep_member_fraction: float = 0.5
    calibration: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CALIBRATION))

    def window(self, trace: str) -> int:
        return self.engagement_window_s if trace in ENGAGEMENT_TRACES else self.content_window_s

    def validate(self) -> None:
        if self.content_window_s < 1 or self.engagement_window_s < 1:
            raise ValueError("windows must be at least one second")
        if self.max_item_accounts < 2:
            raise ValueError("max_item_accounts must be at least 2")
        if not 0 < self.edge_threshold < 1:
            raise ValueError("edge_threshold must be in (0, 1)")
        if self.min_members < 2:
            raise ValueError("min_members must be at least 2")
