"""Policy file validation that needs no detector registry."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from veracity.policy.dsa import DSA_CATEGORIES
from veracity.policy.model import MAX_CONDITION_CHARS, Policy

GROUND = {"legal_ground": "ToS 6.1", "dsa_category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"}


def rule(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "r1",
        "condition": "true",
        "actions": [{"type": "label", "params": {"label": "x"}}],
        "mode": "live",
    }
    data.update(fields)
    return data


def policy(*rules: dict[str, Any], **fields: Any) -> Policy:
    return Policy.model_validate({"id": "p", "version": "1.0.0", "rules": list(rules), **fields})


def error_text(**kwargs: Any) -> str:
    with pytest.raises(ValidationError) as info:
        policy(rule(**kwargs))
    return str(info.value)


def test_sixteen_current_dsa_categories() -> None:
    assert len(DSA_CATEGORIES) == 16
    assert "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS" in DSA_CATEGORIES


def test_restrictive_action_needs_legal_ground_and_category() -> None:
    text = error_text(actions=[{"type": "reduce"}])
    assert "restrictive action (reduce)" in text
    assert "legal_ground and dsa_category" in text
    text = error_text(actions=[{"type": "suspend"}], legal_ground="ToS 9")
    assert "needs dsa_category" in text
    assert policy(rule(actions=[{"type": "remove"}], **GROUND)).rules[0].legal_ground == "ToS 6.1"


def test_labels_and_routes_need_no_legal_ground() -> None:
    p = policy(rule(actions=[{"type": "route", "params": {"queue": "q"}}]))
    assert p.rules[0].dsa_category is None


def test_unknown_and_retired_dsa_categories_are_refused() -> None:
    assert "unknown DSA category" in error_text(dsa_category="STATEMENT_CATEGORY_NOPE")
    text = error_text(dsa_category="STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE")
    assert "STATEMENT_CATEGORY_OTHER_VIOLATION_TC" in text


def test_label_and_route_need_their_parameter() -> None:
    assert "param 'label'" in error_text(actions=[{"type": "label"}])
    assert "param 'queue'" in error_text(actions=[{"type": "route", "params": {"queue": ""}}])


def test_repeated_action_and_empty_actions_are_refused() -> None:
    label = {"type": "label", "params": {"label": "x"}}
    assert "repeats actions: label(label=x)" in error_text(actions=[label, label])
    assert "at least 1 item" in error_text(actions=[])


def test_condition_limits() -> None:
    assert "blank" in error_text(condition="   ")
    assert f"at most {MAX_CONDITION_CHARS}" in error_text(
        condition="true" + " " * MAX_CONDITION_CHARS
    )


def test_mode_is_required_and_checked() -> None:
    data = rule()
    del data["mode"]
    with pytest.raises(ValidationError, match="mode"):
        policy(data)
    assert "'live', 'shadow' or 'off'" in error_text(mode="on")


def test_unknown_fields_are_refused() -> None:
    assert "Extra inputs are not permitted" in error_text(severity=3)
    with pytest.raises(ValidationError, match="Extra inputs"):
        policy(rule(), owner="me")


@pytest.mark.parametrize("version", ["2026-11-29.1", "1.0.0", "2.3.4-rc.1", "0.1.0+build.5"])
def test_accepted_versions(version: str) -> None:
    assert policy(rule(), version=version).version == version


@pytest.mark.parametrize("version", ["v1", "1.0", "2026-13-01.1", "2026-11-29", "latest"])
def test_refused_versions(version: str) -> None:
    with pytest.raises(ValidationError, match="version"):
        policy(rule(), version=version)


def test_rule_ids_are_unique_and_well_formed() -> None:
    with pytest.raises(ValidationError, match="rule id 'r1' appears more than once"):
        policy(rule(), rule())
    assert "pattern" in error_text(id="has space")


def test_rule_lookup_names_policy() -> None:
    p = policy(rule())
    assert p.rule("r1").id == "r1"
    with pytest.raises(KeyError, match="policy 'p' has no rule 'nope'"):
        p.rule("nope")
