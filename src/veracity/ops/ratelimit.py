"""Per-token rate limits: an in-process token bucket per API credential.

Each worker process keeps its own buckets, so with N API processes the effective limit is N
times the configured one (documented in docs/operations.md). The rate is the highest of the
caller's roles' rates (``VERACITY_RATE_LIMIT_ROLES``), else the default.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

MAX_BUCKETS = 100_000


@dataclass(frozen=True)
class Rate:
    """``per_s`` requests per second sustained, ``burst`` at once."""

    per_s: float
    burst: float


class TokenBuckets:
    """Thread-safe token buckets keyed by credential; ``take`` answers 0 (allowed) or the
    seconds to wait before one more request would be allowed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str, rate: Rate) -> float:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (rate.burst, now))
            tokens = min(rate.burst, tokens + (now - last) * rate.per_s)
            if tokens >= 1.0:
                self._store(key, tokens - 1.0, now)
                return 0.0
            self._store(key, tokens, now)
            return (1.0 - tokens) / rate.per_s if rate.per_s > 0 else math.inf

    def _store(self, key: str, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= MAX_BUCKETS:
            self._buckets.clear()  # bounded memory; a reset only ever allows more
        self._buckets[key] = (tokens, now)


def rate_for(
    roles: Iterable[str], default: Rate, per_role: Mapping[str, float] | None, burst_factor: float
) -> Rate:
    """The most generous rate among the caller's roles (roles without one get the default)."""
    rates = [per_role[r] for r in roles if per_role and r in per_role]
    if not rates:
        return default
    best = max(rates)
    return Rate(best, max(1.0, best * burst_factor))


def retry_after_header(wait_s: float) -> str:
    """Retry-After in whole seconds, at least 1."""
    return str(max(1, math.ceil(wait_s))) if math.isfinite(wait_s) else "3600"
