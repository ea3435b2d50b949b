"""Action parameters filled from the facts a decision was made on.

A fact-check label must carry the rating, the link and the publisher of the fact-check that
matched, which a static policy file cannot know. A policy therefore writes a parameter whose
whole value is a placeholder, ``"${signals.claim_match.url}"``, and the decision carries the
value the variable had for this item. Only whole-value placeholders are filled (no string
interpolation), and only declared variables may be named, so a misspelt placeholder is refused
when policies load (``check_placeholders``), never shipped to a platform.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from veracity.domain.actions import Action
from veracity.domain.decisions import Decision
from veracity.policy.errors import PolicyLoadError
from veracity.policy.model import Policy

PLACEHOLDER = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_.]*)\}$")


class PlaceholderError(PolicyLoadError):
    """A placeholder that names no declared variable: a load error like any other."""


def placeholder_name(value: Any) -> str | None:
    """The variable a parameter value names, or None when it is a plain value."""
    if not isinstance(value, str):
        return None
    match = PLACEHOLDER.match(value)
    return match.group(1) if match else None


def check_placeholders(policies: Iterable[Policy], variables: Iterable[str]) -> None:
    """Refuse a policy whose action parameter names an undeclared variable."""
    declared = set(variables)
    for policy in policies:
        for rule in policy.rules:
            for action in rule.actions:
                for key, value in action.params.items():
                    name = placeholder_name(value)
                    if name is not None and name not in declared:
                        raise PlaceholderError(
                            f"policy {policy.id!r} rule {rule.id!r}: action {action.type.value} "
                            f"param {key!r} names unknown variable {name!r}"
                        )


def fill_action(action: Action, facts: Mapping[str, Any]) -> Action:
    """The action with every placeholder replaced by the fact's value."""
    if not any(placeholder_name(v) for v in action.params.values()):
        return action
    params: dict[str, Any] = {}
    for key, value in action.params.items():
        name = placeholder_name(value)
        if name is None:
            params[key] = value
        elif name not in facts:
            raise PlaceholderError(f"action param {key!r} names unknown variable {name!r}")
        else:
            params[key] = facts[name]
    return Action(type=action.type, params=params)


def fill_decision(decision: Decision, facts: Mapping[str, Any]) -> Decision:
    """The decision with its effective actions' placeholders filled; its id is unchanged."""
    actions = [fill_action(a, facts) for a in decision.actions]
    if actions == decision.actions:
        return decision
    return decision.model_copy(update={"actions": actions})
