"""Conflict resolution between the actions of matching rules."""

from __future__ import annotations

from typing import Any

from veracity.domain.actions import Action
from veracity.domain.decisions import RuleMatch, RuleMode
from veracity.policy.resolve import resolve_actions

SOR = "notify(reason=statement_of_reasons)"


def act(type_: str, **params: Any) -> Action:
    return Action.model_validate({"type": type_, "params": params})


def match(
    rule_id: str,
    *actions: Action,
    priority: int = 0,
    mode: RuleMode = RuleMode.LIVE,
    policy_id: str = "p",
) -> RuleMatch:
    return RuleMatch(
        policy_id=policy_id,
        policy_version="1.0.0",
        rule_id=rule_id,
        mode=mode,
        priority=priority,
        actions=list(actions),
    )


def keys(matches: list[RuleMatch]) -> list[str]:
    return [a.key() for a in resolve_actions(matches)]


def test_remove_beats_reduce_beats_label() -> None:
    label = act("label", label="unverified")
    assert keys([match("a", label), match("b", act("reduce"))]) == [
        "reduce()",
        "label(label=unverified)",
        SOR,
    ]
    assert keys([match("a", label), match("b", act("reduce")), match("c", act("remove"))]) == [
        "remove()",
        SOR,
    ]


def test_most_severe_wins_regardless_of_priority() -> None:
    low = match("low", act("remove"), priority=1)
    high = match("high", act("not_recommendable"), priority=100)
    assert keys([high, low]) == ["remove()", SOR]


def test_suspend_beats_warn_and_families_are_independent() -> None:
    got = keys([match("a", act("warn")), match("b", act("suspend")), match("c", act("reduce"))])
    assert got == ["reduce()", "suspend()", SOR]


def test_shadow_matches_are_never_effective() -> None:
    shadow = match("s", act("ban"), act("label", label="x"), mode=RuleMode.SHADOW, priority=99)
    assert keys([shadow]) == []
    assert keys([shadow, match("l", act("label", label="y"))]) == ["label(label=y)"]


def test_labels_are_additive_and_deduplicated() -> None:
    got = keys(
        [
            match("a", act("label", label="b-label")),
            match("b", act("label", label="a-label"), act("label", label="b-label")),
        ]
    )
    assert got == ["label(label=a-label)", "label(label=b-label)"]


def test_labels_kept_with_geo_restrict_but_dropped_with_remove() -> None:
    label = act("label", label="x")
    geo = act("geo_restrict", regions="DE")
    assert keys([match("a", label, geo)]) == ["geo_restrict(regions=DE)", "label(label=x)", SOR]
    assert keys([match("a", label), match("b", act("remove"))]) == ["remove()", SOR]


def test_equal_severity_tie_breaks_by_priority_then_policy_then_rule() -> None:
    de, fr = act("geo_restrict", regions="DE"), act("geo_restrict", regions="FR")
    assert keys([match("a", de, priority=1), match("b", fr, priority=2)])[0] == (
        "geo_restrict(regions=FR)"
    )
    assert keys([match("r", fr, policy_id="zeta"), match("r", de, policy_id="alpha")])[0] == (
        "geo_restrict(regions=DE)"
    )
    assert keys([match("rule-b", fr), match("rule-a", de)])[0] == "geo_restrict(regions=DE)"


def test_one_route_from_the_highest_precedence_rule() -> None:
    got = keys(
        [
            match("a", act("route", queue="spam"), priority=5),
            match("b", act("route", queue="misinfo"), priority=10),
            match("c", act("route", queue="zzz"), priority=10),
        ]
    )
    assert got == ["route(queue=misinfo)"]


def test_outcome_does_not_depend_on_input_order() -> None:
    matches = [
        match("a", act("route", queue="q1"), act("label", label="x")),
        match("b", act("route", queue="q2"), act("strike"), priority=3),
        match("c", act("warn"), act("reduce"), policy_id="o"),
    ]
    assert keys(matches) == keys(list(reversed(matches)))
    assert keys(matches) == ["reduce()", "strike()", "label(label=x)", "route(queue=q2)", SOR]


def test_explicit_notices_are_kept_once() -> None:
    notice = act("notify", reason="statement_of_reasons")
    assert keys([match("a", notice, act("remove"))]) == ["remove()", SOR]
    assert keys([match("a", act("notify", reason="info"))]) == ["notify(reason=info)"]
