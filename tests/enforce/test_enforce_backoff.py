"""The retry schedule: exponential ceilings, capped, with full jitter inside them."""

from __future__ import annotations

import random

import pytest

from veracity.config import Settings
from veracity.enforce.backoff import RetryPolicy


def test_ceiling_doubles_then_caps() -> None:
    policy = RetryPolicy(base_s=0.5, max_s=5.0, max_attempts=10)
    assert [policy.ceiling(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert policy.ceiling(10_000) == 5.0


def test_full_jitter_stays_within_ceiling_and_spreads() -> None:
    policy = RetryPolicy(base_s=1.0, max_s=300.0)
    rng = random.Random(1)
    draws = [policy.delay(4, rng) for _ in range(500)]
    assert all(0.0 <= d <= 8.0 for d in draws)
    assert min(draws) < 1.0 and max(draws) > 7.0  # full jitter, not "ceiling +- a bit"
    late = [policy.delay(20, rng) for _ in range(500)]
    assert max(late) <= 300.0 and sum(late) / len(late) > 100.0


def test_exhausted_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert not policy.exhausted(2) and policy.exhausted(3)


def test_from_settings() -> None:
    s = Settings(outbox_backoff_base_s=2, outbox_backoff_max_s=60, outbox_max_attempts=5)
    assert RetryPolicy.from_settings(s) == RetryPolicy(2.0, 60.0, 5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_s": 0}, "base must be positive"),
        ({"base_s": 10, "max_s": 1}, "must be >= base"),
        ({"max_attempts": 0}, "max_attempts"),
    ],
)
def test_bad_policy_is_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_attempt_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        RetryPolicy().ceiling(0)
