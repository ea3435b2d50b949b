"""The priority formula, term by term, against values worked out by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from veracity.review.config import PriorityConfig, PriorityWeights
from veracity.review.priority import compute_priority, deadline_term, reach_term

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CONFIG = PriorityConfig(
    weights=PriorityWeights(severity=0.4, reach=0.25, confidence=0.15, deadline=0.2),
    reach_cap=10_000_000,
)


def test_each_term() -> None:
    assert reach_term(0, 10_000_000) == 0.0
    assert reach_term(10_000_000, 10_000_000) == pytest.approx(1.0)
    assert reach_term(10**9, 10_000_000) == 1.0  # capped
    assert reach_term(999, 999_999) == pytest.approx(math.log1p(999) / math.log1p(999_999))
    deadline = T0 + timedelta(hours=24)
    assert deadline_term(T0, deadline, T0) == 0.0
    assert deadline_term(T0, deadline, T0 + timedelta(hours=6)) == pytest.approx(0.25)
    assert deadline_term(T0, deadline, T0 + timedelta(hours=30)) == 1.0  # overdue
    assert deadline_term(T0, None, T0) == 0.0


def test_worked_example() -> None:
    # severity 0.6, reach 9,999 (log1p(9999)/log1p(1e7) = 4 ln 10 / ln(1e7 + 1) ~ 0.5714),
    # confidence 0.8, half the SLA used (0.5):
    # 100 * (0.4*0.6 + 0.25*0.5714 + 0.15*0.8 + 0.2*0.5) / 1.0 = 100 * 0.60286 ~ 60.286
    parts = compute_priority(
        CONFIG,
        severity=0.6,
        reach=9_999,
        confidence=0.8,
        opened_at=T0,
        deadline_at=T0 + timedelta(hours=24),
        now=T0 + timedelta(hours=12),
    )
    r = 4 * math.log(10) / math.log1p(10_000_000)
    assert parts.reach == pytest.approx(r)
    assert parts.priority == pytest.approx(100 * (0.24 + 0.25 * r + 0.12 + 0.1), abs=1e-3)


def test_unknown_confidence_counts_as_even_odds_and_weights_are_normalised() -> None:
    config = PriorityConfig(
        weights=PriorityWeights(severity=2, reach=0, confidence=2, deadline=0), reach_cap=100
    )
    parts = compute_priority(
        config, severity=1.0, reach=0, confidence=None, opened_at=T0, deadline_at=None, now=T0
    )
    assert parts.confidence == 0.5
    assert parts.priority == pytest.approx(100 * (2 * 1.0 + 2 * 0.5) / 4)


def test_priority_rises_with_each_factor() -> None:
    base = {
        "severity": 0.5,
        "reach": 1000,
        "confidence": 0.5,
        "opened_at": T0,
        "deadline_at": T0 + timedelta(hours=10),
        "now": T0 + timedelta(hours=1),
    }
    start = compute_priority(CONFIG, **base).priority  # type: ignore[arg-type]
    for key, more in (
        ("severity", 0.9),
        ("reach", 1_000_000),
        ("confidence", 0.95),
        ("now", T0 + timedelta(hours=9)),
    ):
        assert compute_priority(CONFIG, **{**base, key: more}).priority > start, key  # type: ignore[arg-type]
    overdue = compute_priority(CONFIG, **{**base, "now": T0 + timedelta(days=3)})  # type: ignore[arg-type]
    assert overdue.deadline == 1.0
