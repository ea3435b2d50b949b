"""Every tunable of the narratives job, in one documented object.

Clustering links two posts when they carry the same fact-check claim (a ``claim_match`` or
``text_match`` signal), near-identical normalised text (MinHash estimate of the Jaccard of
character shingles at least ``text_threshold``) or the same media (equal SHA-256, equal PDQ, or
PDQ within ``pdq_max_distance`` bits). Clusters are the connected components of those links.

Burst detection is a Poisson test of a narrative's recent volume against its *share of the
platform*: the expected count in a bucket is ``share * platform_count``, with the share estimated
from the narrative's own earlier buckets (exponentially weighted, half-life
``baseline_half_life_buckets``) and shrunk towards a platform-wide prior of
``prior_posts_per_bucket`` posts per median bucket (weight ``prior_buckets``). Measuring share
rather than raw counts cancels the daily cycle and platform growth, so a steady meme never looks
like a burst at 8 pm. Counts wander more than Poisson once large, so the variance is negative
binomial (``E + E**2 / dispersion``); reach arrives in lumps (one post brings many views), so
its variance is further multiplied by ``reach_lumpiness``. The same test runs on reach. A
narrative trends when a score reaches its threshold, its recent posts are ``min_growth`` times
the expected, and it has enough recent posts from enough accounts.

Defaults were chosen on the narrative scenario of ``veracity.sim.narratives`` (see
benchmarks/bench_narratives.py), hourly buckets and runs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

FACT_CHECK_RATINGS = frozenset(
    {"false", "altered", "partly_false", "missing_context", "satire", "true"}
)


@dataclass(frozen=True)
class NarrativeConfig:
    """Clustering, burst and case parameters; ``validate`` names every bad value."""

    # Window and time buckets.
    window_hours: float = 48.0
    bucket_minutes: int = 60
    # Clustering.
    text_threshold: float = 0.6
    shingle_size: int = 5
    num_perm: int = 64
    min_text_chars: int = 20
    pdq_max_distance: int = 15
    claim_detectors: tuple[str, ...] = ("claim_match", "text_match")
    # Burst test.
    recent_buckets: int = 4
    baseline_half_life_buckets: float = 24.0
    prior_posts_per_bucket: float = 0.2
    prior_reach_per_bucket: float = 50.0
    prior_buckets: float = 6.0
    min_expected: float = 1.0
    dispersion: float = 10.0
    reach_lumpiness: float = 10.0
    z_posts: float = 3.5
    z_reach: float = 6.0
    # Gates before a narrative may trend.
    min_posts: int = 6
    min_recent_posts: int = 4
    min_accounts: int = 3
    min_growth: float = 3.0  # recent posts over expected posts
    # Life cycle and cases.
    close_after_hours: float = 48.0
    case_queue: str = "fact-check"
    representatives: int = 5
    anchors: int = 8

    def validate(self) -> NarrativeConfig:
        problems: list[str] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                problems.append(f"{f.name} must not be negative, got {value}")
        if self.window_hours <= 0:
            problems.append("window_hours must be positive")
        if self.bucket_minutes < 1:
            problems.append("bucket_minutes must be at least 1")
        if self.window_hours * 60 < self.bucket_minutes * (self.recent_buckets + 1):
            problems.append("window_hours must cover more than recent_buckets buckets")
        if not 0 < self.text_threshold <= 1:
            problems.append(f"text_threshold must be in (0, 1], got {self.text_threshold}")
        if self.shingle_size < 1 or self.num_perm < 8:
            problems.append("shingle_size must be >= 1 and num_perm >= 8")
        if self.pdq_max_distance > 15:
            problems.append(
                f"pdq_max_distance must be at most 15 (16 exact 16-bit chunks), "
                f"got {self.pdq_max_distance}"
            )
        if self.recent_buckets < 1:
            problems.append("recent_buckets must be at least 1")
        if self.min_expected <= 0 or self.prior_buckets <= 0:
            problems.append("min_expected and prior_buckets must be positive")
        if not self.case_queue:
            problems.append("case_queue must not be empty")
        if problems:
            raise ValueError("invalid narrative config: " + "; ".join(problems))
        return self

    @property
    def bucket_s(self) -> int:
        return self.bucket_minutes * 60

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)
