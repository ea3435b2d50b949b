"""Reading which declared variables a condition uses, and CEL error messages."""

from __future__ import annotations

import pytest

from veracity.policy.compiler import (
    ConditionError,
    compile_condition,
    describe_cel_error,
    new_env,
    referenced_variables,
    strip_string_literals,
)
from veracity.policy.variables import VariableType

DECLARED = {
    "content.kind",
    "content.metadata",
    "signals.url_reputation.lists",
    "signals.text_match.similarity",
    "account.age_days",
}


def test_references_in_first_use_order_without_duplicates() -> None:
    cond = (
        "signals.text_match.similarity > 0.8 && account.age_days < 3.0 "
        "&& signals.text_match.similarity < 0.9"
    )
    assert referenced_variables(cond, DECLARED) == (
        "signals.text_match.similarity",
        "account.age_days",
    )


def test_names_inside_string_literals_are_ignored() -> None:
    cond = (
        'content.kind == "account.age_days" && \'signals.text_match.similarity\' != "x" '
        "&& r\"content.metadata\\\" == '''signals.url_reputation.lists'''"
    )
    assert referenced_variables(cond, DECLARED) == ("content.kind",)


def test_escaped_quotes_do_not_end_a_literal() -> None:
    cond = '"a \\" account.age_days" == content.kind'
    assert strip_string_literals(cond).count('"') == 0
    assert referenced_variables(cond, DECLARED) == ("content.kind",)


def test_longest_declared_prefix_wins() -> None:
    cond = (
        'has(content.metadata.c2pa) && signals.url_reputation.lists.exists(l, l == "spam")'
        " // account.age_days only in a comment"
    )
    assert referenced_variables(cond, DECLARED) == (
        "content.metadata",
        "signals.url_reputation.lists",
    )


def test_cel_errors_are_short_and_located() -> None:
    raw = (
        "INVALID_ARGUMENT: ERROR: <input>:1:13: undeclared reference to 'signals.nope.x' "
        "(in container '')\n | signals.nope.x > 1\n | ............^ [INVALID_ARGUMENT]"
    )
    assert describe_cel_error(raw) == (
        "undeclared reference to 'signals.nope.x' (line 1, column 13)"
    )


def test_condition_must_be_bool() -> None:
    env = new_env({"content.kind": VariableType.STRING.cel_type()})
    compile_condition(env, 'content.kind == "video"')
    with pytest.raises(ConditionError, match="type string, it must be bool"):
        compile_condition(env, "content.kind")
    with pytest.raises(ConditionError, match="no matching overload"):
        compile_condition(env, "content.kind > 3")
