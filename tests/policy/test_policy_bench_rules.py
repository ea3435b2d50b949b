"""The generated benchmark rule sets."""

from __future__ import annotations

import pytest
from policy_testkit import NOW, account, content, results

from veracity.detect.registry import DetectorRegistry
from veracity.domain.decisions import RuleMode
from veracity.policy.bench_rules import generate_rules
from veracity.policy.engine import PolicyEngine


@pytest.mark.parametrize("n", [0, 1, 50, 300])
def test_n_distinct_live_rules_that_compile(registry: DetectorRegistry, n: int) -> None:
    policy = generate_rules(n)
    assert len(policy.rules) == n
    assert len({r.condition for r in policy.rules}) == n
    assert len({r.id for r in policy.rules}) == n
    assert all(r.mode is RuleMode.LIVE for r in policy.rules)
    assert PolicyEngine([policy], registry).rule_count == n


def test_a_suspicious_item_matches_some_but_not_all(registry: DetectorRegistry) -> None:
    engine = PolicyEngine([generate_rules(50)], registry)
    facts = engine.build_facts(
        content(),
        account(created_at="2026-11-27T00:00:00Z", follower_count=5),
        results(
            text_match={"similarity": 0.8, "matched": True, "label": "false"},
            url_reputation={"lists": ["spam"], "url_count": 1, "listed": True, "score": 0.5},
        ),
        NOW,
    )
    evaluation = engine.evaluate(facts)
    assert evaluation.errors == []
    assert 0 < len(evaluation.matches) < 50
    quiet = engine.evaluate(engine.build_facts(content(), None, {}, NOW))
    assert quiet.matches == [] and quiet.errors == []


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        generate_rules(-1)
