"""Evaluation and decisions."""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

import pytest
from policy_testkit import NOW, account, content, results

from veracity.config import DEFAULT_POLICY_DIR
from veracity.detect.registry import DetectorRegistry
from veracity.domain.decisions import RuleMode
from veracity.domain.signals import SubjectType
from veracity.policy.bench_rules import generate_rules
from veracity.policy.engine import PolicyEngine
from veracity.policy.errors import PolicyLoadError
from veracity.policy.model import Policy
from veracity.policy.variables import FactsError

GROUND = {"legal_ground": "ToS 6.1", "dsa_category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"}


def rule(rule_id: str, condition: str, mode: str = "live", **fields: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "condition": condition,
        "mode": mode,
        "actions": fields.pop("actions", [{"type": "label", "params": {"label": rule_id}}]),
        **fields,
    }


def engine(registry: DetectorRegistry, *rules: dict[str, Any], pid: str = "p") -> PolicyEngine:
    policy = Policy.model_validate({"id": pid, "version": "1.0.0", "rules": list(rules)})
    return PolicyEngine([policy], registry)


def spam_facts(e: PolicyEngine, **extra: Any) -> dict[str, Any]:
    return e.build_facts(
        content(metadata={"tier": "gold"}),
        account(created_at="2026-11-28T12:00:00Z"),
        results(
            text_match={"similarity": 0.92, "matched": True, "label": "false"},
            url_reputation={"lists": ["spam", "shortener"], "url_count": 2},
        ),
        NOW,
        extra,
    )


def test_values_used_are_the_referenced_variables(registry: DetectorRegistry) -> None:
    e = engine(
        registry,
        rule(
            "young-spam",
            'account.age_days < 7.0 && "spam" in signals.url_reputation.lists '
            '&& content.kind != "account.verified"',
        ),
    )
    (m,) = e.evaluate(spam_facts(e)).matches
    assert m.rule_id == "young-spam"
    assert m.values_used == {
        "account.age_days": pytest.approx(1.0),
        "signals.url_reputation.lists": ["spam", "shortener"],
        "content.kind": "post",
    }


def test_off_rules_are_never_evaluated(registry: DetectorRegistry) -> None:
    e = engine(
        registry,
        rule("always-off", "true", "off"),
        rule("would-fail", 'content.metadata.missing == "x"', "off"),
        rule("live", "true"),
    )
    evaluation = e.evaluate(spam_facts(e))
    assert [m.rule_id for m in evaluation.matches] == ["live"]
    assert evaluation.errors == []
    assert e.rule_count == 1


def test_off_rules_must_still_compile(registry: DetectorRegistry) -> None:
    with pytest.raises(PolicyLoadError, match="rule 'off-rule': undeclared reference"):
        engine(registry, rule("off-rule", "signals.gone.x > 1.0", "off"))


def test_runtime_error_is_recorded_not_raised(registry: DetectorRegistry) -> None:
    e = engine(
        registry,
        rule("bad", 'content.metadata.missing == "x"'),
        rule("div", "10 / account.prior_strikes > 1"),
        rule("good", "signals.text_match.matched"),
    )
    evaluation = e.evaluate(spam_facts(e))
    assert [m.rule_id for m in evaluation.matches] == ["good"]
    errors = {err.rule_id: err.message for err in evaluation.errors}
    assert "Key not found in map" in errors["bad"]
    assert "divide by zero" in errors["div"]
    assert evaluation.errors[0].to_dict()["policy_id"] == "p"


def test_matches_in_precedence_order_with_shadow(registry: DetectorRegistry) -> None:
    e = engine(
        registry,
        rule("b", "true", priority=5),
        rule("a", "true", priority=5),
        rule("s", "true", "shadow", priority=50),
        rule("z", "true", priority=9),
    )
    evaluation = e.evaluate(spam_facts(e))
    assert [m.rule_id for m in evaluation.matches] == ["s", "z", "a", "b"]
    assert [m.rule_id for m in evaluation.shadow] == ["s"]
    assert evaluation.matches[0].mode is RuleMode.SHADOW


def test_decision_is_resolved_and_explains_itself(registry: DetectorRegistry) -> None:
    e = engine(
        registry,
        rule(
            "claim",
            "signals.text_match.matched",
            actions=[
                {"type": "label", "params": {"label": "false-information"}},
                {"type": "reduce"},
            ],
            **GROUND,
        ),
        rule(
            "spam", '"spam" in signals.url_reputation.lists', actions=[{"type": "remove"}], **GROUND
        ),
        rule("shadow-ban", "true", "shadow", actions=[{"type": "ban"}], **GROUND),
    )
    decision = e.decide(
        "content", "post-1", spam_facts(e), "ingest", "ev-1", NOW, {"text_match": "text_match@1"}
    )
    assert [a.key() for a in decision.actions] == [
        "remove()",
        "notify(reason=statement_of_reasons)",
    ]
    assert {m.rule_id for m in decision.matched} == {"claim", "spam", "shadow-ban"}
    assert [m.rule_id for m in decision.live_matches] == ["claim", "spam"]
    assert decision.subject_type is SubjectType.CONTENT
    assert decision.policy_versions == {"p": "1.0.0"}
    assert decision.signals_used == {"text_match": "text_match@1"}
    assert decision.automated_detection and decision.automated_decision
    assert decision.created_at == NOW
    assert "remove()" in decision.explain() and "p/spam" in decision.explain()


def test_decision_id_is_deterministic_per_trigger(registry: DetectorRegistry) -> None:
    e = engine(registry, rule("r", "true"))
    facts = spam_facts(e)
    first = e.decide("content", "post-1", facts, "ingest", "ev-1", NOW)
    again = e.decide("content", "post-1", facts, "ingest", "ev-1", NOW.replace(year=2027))
    assert first.id == again.id
    assert len(first.id) == 32
    assert int(first.id, 16) >= 0
    assert e.decide("content", "post-1", facts, "ingest", "ev-2", NOW).id != first.id
    assert e.decide("content", "post-2", facts, "ingest", "ev-1", NOW).id != first.id
    assert e.decide("content", "post-1", facts, "rescore", "ev-1", NOW).id != first.id
    newer = Policy.model_validate({"id": "p", "version": "1.0.1", "rules": [rule("r", "true")]})
    assert (
        PolicyEngine([newer], registry).decide("content", "post-1", facts, "ingest", "ev-1", NOW).id
        != first.id
    )


def test_facts_must_match_the_schema(registry: DetectorRegistry) -> None:
    e = engine(registry, rule("r", "true"))
    facts = spam_facts(e)
    del facts["account.verified"]
    with pytest.raises(FactsError, match=re.escape("missing account.verified")):
        e.evaluate(facts)


def test_wrongly_typed_facts_become_rule_errors(registry: DetectorRegistry) -> None:
    e = engine(registry, rule("r", "signals.text_match.similarity > 0.5"))
    facts = spam_facts(e)
    facts["signals.text_match.similarity"] = "high"
    evaluation = e.evaluate(facts)
    assert evaluation.matches == []
    assert "Unexpected value type" in evaluation.errors[0].message


def test_evaluate_many_keeps_order(registry: DetectorRegistry) -> None:
    e = engine(registry, rule("video", 'content.kind == "video"'))
    facts = [
        e.build_facts(content(f"c{i}", kind=kind), None, {}, NOW)
        for i, kind in enumerate(["video", "post", "video"])
    ]
    assert [len(ev.matches) for ev in e.evaluate_many(facts)] == [1, 0, 1]


def test_engine_refuses_duplicate_policy_ids(registry: DetectorRegistry) -> None:
    p = Policy.model_validate({"id": "p", "version": "1.0.0", "rules": [rule("r", "true")]})
    with pytest.raises(PolicyLoadError, match="policy id already used"):
        PolicyEngine([p, p], registry)


def test_default_policies_decide_a_spam_item(registry: DetectorRegistry) -> None:
    e = PolicyEngine.from_dir(DEFAULT_POLICY_DIR, registry)
    facts = e.build_facts(
        content(text="look https://bit.ly/x"),
        account(created_at="2026-11-28T00:00:00Z"),
        results(url_reputation={"url_count": 1, "lists": ["shortener"], "listed": True}),
        NOW,
    )
    decision = e.decide("content", "post-1", facts, "ingest", "ev-1", NOW)
    assert [m.rule_id for m in decision.live_matches] == ["new-account-shortener"]
    assert [a.key() for a in decision.actions] == [
        "not_recommendable()",
        "route(queue=spam-review)",
        "notify(reason=statement_of_reasons)",
    ]


def test_fifty_rules_take_well_under_a_millisecond(registry: DetectorRegistry) -> None:
    e = PolicyEngine([generate_rules(50)], registry)
    facts = spam_facts(e, **{"account.prior_strikes": 2})
    assert e.rule_count == 50
    timings = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(50):
            e.evaluate(facts)
        timings.append((time.perf_counter() - start) / 50)
    assert statistics.median(timings) < 1e-3  # typically 0.1-0.2 ms on the project machines
