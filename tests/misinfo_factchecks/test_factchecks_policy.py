"""The misinfo policy's fixtures, with claim_match beside the other detectors; placeholders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factcheck_fakes import POLICY_DIR, fake_backend

from veracity.detect.base import DetectorResult
from veracity.detect.defaults import build_registry
from veracity.detect.misinfo.factchecks.detector import ClaimMatchDetector
from veracity.detect.registry import DetectorRegistry
from veracity.domain.actions import Action, ActionType
from veracity.domain.entities import ContentIn, ContentKind
from veracity.domain.signals import SubjectType
from veracity.policy.engine import PolicyEngine
from veracity.policy.fixtures import run_policy_tests
from veracity.policy.loader import load_policy_dir
from veracity.policy.placeholders import (
    PlaceholderError,
    check_placeholders,
    fill_action,
    fill_decision,
)


def registry() -> DetectorRegistry:
    reg = build_registry(None)  # the real default detectors, bundled lists only
    reg.register(ClaimMatchDetector(fake_backend()), replace=True)
    return reg


def test_misinfo_policy_passes_its_fixtures() -> None:
    report = run_policy_tests(POLICY_DIR, registry())
    assert report.ok, report.format_text()
    assert report.passed >= 15


def test_policy_placeholders_name_declared_variables() -> None:
    reg = registry()
    policies = load_policy_dir(POLICY_DIR, reg)
    check_placeholders(policies, reg.signal_schema())
    broken = Action(type=ActionType.LABEL, params={"label": "x", "url": "${signals.claim.url}"})
    policy = policies[0]
    rule = policy.rules[0].model_copy(update={"actions": [broken]})
    with pytest.raises(PlaceholderError, match=r"signals\.claim\.url"):
        check_placeholders([policy.model_copy(update={"rules": [rule]})], reg.signal_schema())


def test_filled_decision_carries_the_fact_check() -> None:
    reg = registry()
    engine = PolicyEngine(load_policy_dir(POLICY_DIR, reg), reg)
    now = datetime(2026, 11, 29, tzinfo=UTC)
    item = ContentIn(id="p1", account_id="a1", kind=ContentKind.POST, text="x")
    outputs = {
        "probability": 0.9,
        "suggested": True,
        "confirmed": True,
        "claim_id": "fc-1",
        "rating": "altered",
        "url": "https://c.example/1",
        "publisher": "Checks",
    }
    facts = engine.build_facts(item, None, {"claim_match": DetectorResult(outputs)}, now)
    decision = engine.decide(SubjectType.CONTENT, "p1", facts, "ingest", "content:p1", now)
    filled = fill_decision(decision, facts)
    assert filled.id == decision.id
    assert "label(label=fact-checked,publisher=Checks,rating=altered,url=https://c.example/1)" in [
        a.key() for a in filled.actions
    ]
    assert fill_decision(filled, facts) == filled
    plain = Action(type=ActionType.LABEL, params={"label": "unverified"})
    assert fill_action(plain, facts) is plain
    with pytest.raises(PlaceholderError):
        fill_action(Action(type=ActionType.LABEL, params={"label": "${nope}"}), facts)
