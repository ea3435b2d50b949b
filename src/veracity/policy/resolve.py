"""Conflict resolution: from every live rule that matched to the actions actually taken.

Visibility and account actions are exclusive (an item is either reduced or removed, not both), so
only the most severe one in each family survives. Labels add up, unless the item is removed and
nobody would see them. One route is enough to put an item in front of a person. Any restrictive
action brings a notice with a statement of reasons (DSA Art. 17).
Ties are broken by rule precedence (priority, then policy id, then rule id), so the outcome
never depends on file or evaluation order.
"""

from __future__ import annotations

from collections.abc import Iterable

from veracity.domain.actions import RESTRICTIVE, Action, ActionFamily, ActionType
from veracity.domain.decisions import RuleMatch, RuleMode

EXCLUSIVE_FAMILIES = (ActionFamily.VISIBILITY, ActionFamily.ACCOUNT)
STATEMENT_OF_REASONS = Action(type=ActionType.NOTIFY, params={"reason": "statement_of_reasons"})
_FAMILY_ORDER = {family: index for index, family in enumerate(ActionFamily)}


def precedence(match: RuleMatch) -> tuple[int, str, str]:
    """Higher priority first, then policy id, then rule id."""
    return (-match.priority, match.policy_id, match.rule_id)


def action_order(action: Action) -> tuple[int, int, str]:
    """Display and storage order: (family, most severe first, key)."""
    return (_FAMILY_ORDER[action.family], -action.severity, action.key())


def resolve_actions(matches: Iterable[RuleMatch]) -> list[Action]:
    """Effective actions of a decision; shadow matches never contribute."""
    live = sorted((m for m in matches if m.mode is RuleMode.LIVE), key=precedence)
    winners: dict[ActionFamily, Action] = {}
    labels: dict[str, Action] = {}
    notices: dict[str, Action] = {}
    route: Action | None = None
    for match in live:  # precedence order: the first of equals wins
        for action in match.actions:
            family = action.family
            if family in EXCLUSIVE_FAMILIES:
                current = winners.get(family)
                if current is None or action.severity > current.severity:
                    winners[family] = action
            elif family is ActionFamily.LABEL:
                labels.setdefault(action.key(), action)
            elif family is ActionFamily.ROUTE:
                route = route or action
            else:
                notices.setdefault(action.key(), action)
    effective = list(winners.values())
    visibility = winners.get(ActionFamily.VISIBILITY)
    if visibility is None or visibility.type is not ActionType.REMOVE:
        effective.extend(labels.values())
    if route is not None:
        effective.append(route)
    if any(a.type in RESTRICTIVE for a in effective):
        notices.setdefault(STATEMENT_OF_REASONS.key(), STATEMENT_OF_REASONS)
    effective.extend(notices.values())
    return sorted(effective, key=action_order)
