"""Retry schedule for webhook delivery: exponential backoff with full jitter, then dead letters.

Full jitter (a uniform draw between zero and the exponential ceiling) spreads the retries of many
messages that failed together, so a receiver coming back up is not hit by a synchronized wave.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from veracity.config import Settings


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait between attempts, and when to give up."""

    base_s: float = 0.5
    max_s: float = 300.0
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if self.base_s <= 0:
            raise ValueError(f"backoff base must be positive, got {self.base_s}")
        if self.max_s < self.base_s:
            raise ValueError(f"backoff max ({self.max_s}) must be >= base ({self.base_s})")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            base_s=settings.outbox_backoff_base_s,
            max_s=settings.outbox_backoff_max_s,
            max_attempts=settings.outbox_max_attempts,
        )

    def ceiling(self, attempt: int) -> float:
        """Upper bound of the wait after the ``attempt``-th failed attempt (1-based)."""
        if attempt < 1:
            raise ValueError(f"attempt numbers start at 1, got {attempt}")
        # Cap the exponent first so huge attempt counts cannot overflow a float.
        exponent = min(attempt - 1, 64)
        return min(self.max_s, self.base_s * (2.0**exponent))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """A full-jitter wait: uniform in [0, ceiling(attempt)]."""
        draw = (rng or random).uniform(0.0, self.ceiling(attempt))
        return float(draw)

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
