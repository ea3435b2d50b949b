"""How big a simulated platform is and how much of each phenomenon it plants.

Populations (accounts, posts, comments) set the memory the simulator needs; ``events`` only sets
how long it streams. Every proportion a test checks lives here, so the tests read the same
numbers the generator used.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime

from veracity.sim.vocab import VOCABULARIES

DEFAULT_PERIOD_END = datetime(2025, 6, 1, tzinfo=UTC)

LANGUAGE_WEIGHTS: dict[str, float] = {"en": 0.42, "es": 0.2, "pt": 0.15, "fr": 0.12, "de": 0.11}


@dataclass(frozen=True)
class SimScale:
    """Sizes and planted proportions of one simulated platform."""

    name: str
    accounts: int
    posts: int
    comments: int
    events: int
    claims: int
    period_days: float = 7.0
    period_end: datetime = DEFAULT_PERIOD_END
    languages: dict[str, float] = field(default_factory=lambda: dict(LANGUAGE_WEIGHTS))
    creator_fraction: float = 0.04
    bot_fraction: float = 0.03
    bot_farm_size: int = 20
    spammer_fraction: float = 0.01
    trusted_flaggers: int = 3
    campaigns: int = 4
    campaign_size: int = 12
    campaign_window_s: int = 3 * 3600
    lockstep_groups: int = 4
    lockstep_size: int = 10
    lockstep_targets: int = 6
    lockstep_window_s: int = 180
    claim_repeat_fraction: float = 0.05
    hard_negative_fraction: float = 0.02
    media_fraction: float = 0.7
    ai_media_fraction: float = 0.15
    spam_post_fraction: float = 0.02
    spam_comment_fraction: float = 0.08
    report_fraction: float = 0.3
    false_report_fraction: float = 0.004
    trusted_report_fraction: float = 0.1

    def __post_init__(self) -> None:
        problems = []
        for name in ("accounts", "posts", "events", "claims"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1")
        if self.comments < 0:
            problems.append("comments must not be negative")
        if self.period_days <= 0:
            problems.append("period_days must be positive")
        if self.period_end.tzinfo is None:
            problems.append("period_end must be timezone-aware")
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_fraction") and not 0 <= value <= 1:
                problems.append(f"{f.name} must be within [0, 1], got {value}")
        if not self.languages or any(w <= 0 for w in self.languages.values()):
            problems.append("languages needs at least one language with a positive weight")
        for language in self.languages:
            if language not in VOCABULARIES:
                known = ", ".join(sorted(VOCABULARIES))
                problems.append(f"no vocabulary for language {language!r} (have {known})")
        needed = self.planted_accounts + self.trusted_flaggers
        if needed >= self.accounts:
            problems.append(
                f"planted groups need {needed} accounts but the scale has only {self.accounts}"
            )
        if problems:
            raise ValueError(f"invalid simulation scale {self.name!r}: " + "; ".join(problems))

    @property
    def bots(self) -> int:
        return round(self.accounts * self.bot_fraction)

    @property
    def spammers(self) -> int:
        return round(self.accounts * self.spammer_fraction)

    @property
    def planted_accounts(self) -> int:
        return (
            self.bots
            + self.spammers
            + self.campaigns * self.campaign_size
            + self.lockstep_groups * self.lockstep_size
        )

    @property
    def period_s(self) -> int:
        return int(self.period_days * 86400)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the manifest."""
        out = dataclasses.asdict(self)
        out["period_end"] = self.period_end.isoformat().replace("+00:00", "Z")
        return out


PRESETS: dict[str, SimScale] = {
    "tiny": SimScale(
        name="tiny",
        accounts=120,
        posts=200,
        comments=60,
        events=1_000,
        claims=20,
        bot_fraction=0.05,
        bot_farm_size=3,
        spammer_fraction=0.02,
        trusted_flaggers=1,
        campaigns=1,
        campaign_size=5,
        lockstep_groups=1,
        lockstep_size=5,
        lockstep_targets=3,
        report_fraction=0.5,
        false_report_fraction=0.05,
        trusted_report_fraction=0.3,
    ),
    "small": SimScale(
        name="small", accounts=2_000, posts=4_000, comments=1_000, events=50_000, claims=300
    ),
    "medium": SimScale(
        name="medium",
        accounts=20_000,
        posts=40_000,
        comments=20_000,
        events=1_000_000,
        claims=400,
        trusted_flaggers=5,
        campaigns=10,
        campaign_size=25,
        lockstep_groups=10,
        lockstep_size=20,
        lockstep_targets=10,
    ),
    "large": SimScale(
        name="large",
        accounts=200_000,
        posts=400_000,
        comments=200_000,
        events=10_000_000,
        claims=600,
        trusted_flaggers=10,
        campaigns=30,
        campaign_size=40,
        lockstep_groups=30,
        lockstep_size=25,
        lockstep_targets=15,
    ),
}


def resolve_scale(scale: SimScale | str, *, events: int | None = None) -> SimScale:
    """A preset by name or a custom scale, optionally with another event count."""
    if isinstance(scale, str):
        if scale not in PRESETS:
            raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(PRESETS)}")
        scale = PRESETS[scale]
    if events is not None:
        if events < 1:
            raise ValueError(f"events must be at least 1, got {events}")
        scale = dataclasses.replace(scale, events=events)
    return scale
