"""The two decision thresholds on a match probability, read from one place (Settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_SUGGESTED = 0.5
DEFAULT_CONFIRMED = 0.9

MatchLevel = Literal["confirmed", "suggested"]


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """``suggested``: send to the fact-check queue; ``confirmed``: label automatically."""

    suggested: float = DEFAULT_SUGGESTED
    confirmed: float = DEFAULT_CONFIRMED

    def __post_init__(self) -> None:
        if not 0.0 <= self.suggested <= self.confirmed <= 1.0:
            raise ValueError(
                "claim match thresholds need 0 <= suggested <= confirmed <= 1, got "
                f"suggested={self.suggested}, confirmed={self.confirmed}"
            )

    @classmethod
    def from_settings(cls, settings: Any) -> MatchThresholds:
        """Settings fields ``claim_match_suggested`` / ``claim_match_confirmed`` when present."""
        return cls(
            suggested=_or(getattr(settings, "claim_match_suggested", None), DEFAULT_SUGGESTED),
            confirmed=_or(getattr(settings, "claim_match_confirmed", None), DEFAULT_CONFIRMED),
        )

    def level(self, probability: float) -> MatchLevel | None:
        if probability >= self.confirmed:
            return "confirmed"
        if probability >= self.suggested:
            return "suggested"
        return None


def _or(value: float | None, default: float) -> float:
    return default if value is None else float(value)
