"""The shape of a policy file: a versioned list of CEL rules with their actions and legal basis.

Everything an author can get wrong without running the rule (unknown fields, a restrictive action
without a legal ground, a misspelt DSA category, duplicate rule ids) is refused here, so a
policy that loads can always produce a complete statement of reasons.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from veracity.domain.actions import RESTRICTIVE, Action, ActionType
from veracity.domain.decisions import RuleMode
from veracity.policy.dsa import check_dsa_category

MAX_CONDITION_CHARS = 4_000
MAX_RULES_PER_POLICY = 1_000

Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]

_DATED_VERSION = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.(\d+)$")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?$"
)

# Parameters an action type cannot work without (the enforcement side reads them).
_REQUIRED_PARAMS: dict[ActionType, str] = {
    ActionType.LABEL: "label",
    ActionType.ROUTE: "queue",
}


class Rule(BaseModel):
    """One condition and what to do when it holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    description: str = Field(default="", max_length=2_000)
    condition: str = Field(min_length=1, max_length=MAX_CONDITION_CHARS)
    actions: list[Action] = Field(min_length=1, max_length=32)
    mode: RuleMode
    priority: int = Field(default=0, ge=-1_000_000, le=1_000_000)
    legal_ground: str | None = Field(default=None, min_length=1, max_length=500)
    dsa_category: str | None = None

    @field_validator("condition")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("condition is blank")
        return value

    @field_validator("dsa_category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        return None if value is None else check_dsa_category(value)

    @model_validator(mode="after")
    def _actions_are_complete(self) -> Rule:
        keys = [a.key() for a in self.actions]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"rule {self.id!r} repeats actions: {', '.join(repeated)}")
        for action in self.actions:
            param = _REQUIRED_PARAMS.get(action.type)
            if param is not None:
                value = action.params.get(param)
                if not isinstance(value, str) or not value:
                    raise ValueError(
                        f"rule {self.id!r}: {action.type.value} action needs a non-empty "
                        f"string param {param!r}"
                    )
        restrictive = sorted(a.type.value for a in self.actions if a.type in RESTRICTIVE)
        if restrictive:
            missing = [
                name for name in ("legal_ground", "dsa_category") if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(
                    f"rule {self.id!r} takes restrictive action ({', '.join(restrictive)}) "
                    f"and so needs {' and '.join(missing)} for the statement of reasons"
                )
        return self


class Policy(BaseModel):
    """A versioned file of rules; the version is recorded in every decision it takes part in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    version: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=5_000)
    rules: list[Rule] = Field(max_length=MAX_RULES_PER_POLICY)

    @field_validator("version")
    @classmethod
    def _version_format(cls, value: str) -> str:
        dated = _DATED_VERSION.match(value)
        if dated:
            year, month, day, _ = dated.groups()
            try:
                date(int(year), int(month), int(day))
            except ValueError as exc:
                raise ValueError(f"version {value!r} has an invalid date: {exc}") from None
            return value
        if _SEMVER.match(value):
            return value
        raise ValueError(
            f"version {value!r} is neither a dated version (2026-11-29.1) nor semver (1.2.0)"
        )

    @model_validator(mode="after")
    def _unique_rule_ids(self) -> Policy:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} appears more than once")
            seen.add(rule.id)
        return self

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; KeyError names the policy when there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"policy {self.id!r} has no rule {rule_id!r}")
