"""Actions a decision can take, and how their severity is ordered.

Actions fall into families. Within a family only the most severe action survives conflict
resolution; labels, routes and notices are additive (but a removal drops labels, since nobody
will see them).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ActionType(StrEnum):
    LABEL = "label"
    NOT_RECOMMENDABLE = "not_recommendable"
    REDUCE = "reduce"
    GEO_RESTRICT = "geo_restrict"
    REMOVE = "remove"
    WARN = "warn"
    STRIKE = "strike"
    SUSPEND = "suspend"
    BAN = "ban"
    ROUTE = "route"
    NOTIFY = "notify"


class ActionFamily(StrEnum):
    VISIBILITY = "visibility"
    ACCOUNT = "account"
    LABEL = "label"
    ROUTE = "route"
    NOTIFY = "notify"


FAMILY: dict[ActionType, ActionFamily] = {
    ActionType.LABEL: ActionFamily.LABEL,
    ActionType.NOT_RECOMMENDABLE: ActionFamily.VISIBILITY,
    ActionType.REDUCE: ActionFamily.VISIBILITY,
    ActionType.GEO_RESTRICT: ActionFamily.VISIBILITY,
    ActionType.REMOVE: ActionFamily.VISIBILITY,
    ActionType.WARN: ActionFamily.ACCOUNT,
    ActionType.STRIKE: ActionFamily.ACCOUNT,
    ActionType.SUSPEND: ActionFamily.ACCOUNT,
    ActionType.BAN: ActionFamily.ACCOUNT,
    ActionType.ROUTE: ActionFamily.ROUTE,
    ActionType.NOTIFY: ActionFamily.NOTIFY,
}

# Higher is more severe. Used to resolve conflicts inside a family and to sort for display.
SEVERITY: dict[ActionType, int] = {
    ActionType.NOTIFY: 0,
    ActionType.ROUTE: 1,
    ActionType.LABEL: 2,
    ActionType.NOT_RECOMMENDABLE: 10,
    ActionType.REDUCE: 20,
    ActionType.GEO_RESTRICT: 30,
    ActionType.REMOVE: 40,
    ActionType.WARN: 10,
    ActionType.STRIKE: 20,
    ActionType.SUSPEND: 30,
    ActionType.BAN: 40,
}

# Actions that restrict the user; each produces a statement of reasons (DSA Art. 17).
RESTRICTIVE: frozenset[ActionType] = frozenset(
    {
        ActionType.NOT_RECOMMENDABLE,
        ActionType.REDUCE,
        ActionType.GEO_RESTRICT,
        ActionType.REMOVE,
        ActionType.STRIKE,
        ActionType.SUSPEND,
        ActionType.BAN,
    }
)


class Action(BaseModel):
    """One action; ``params`` holds e.g. ``{"label": "unverified"}`` or ``{"queue": "misinfo"}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ActionType
    params: dict[str, Any] = Field(default_factory=dict)

    @property
    def family(self) -> ActionFamily:
        return FAMILY[self.type]

    @property
    def severity(self) -> int:
        return SEVERITY[self.type]

    def key(self) -> str:
        """Stable identity of the action within one decision (used in idempotency keys)."""
        params = ",".join(f"{k}={self.params[k]}" for k in sorted(self.params))
        return f"{self.type.value}({params})"
