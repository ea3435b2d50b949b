"""Decisions: immutable records that explain themselves."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from veracity.domain.actions import Action
from veracity.domain.signals import SubjectType


class RuleMode(StrEnum):
    LIVE = "live"
    SHADOW = "shadow"
    OFF = "off"


class RuleMatch(BaseModel):
    """One rule whose condition held, with the values it read."""

    model_config = ConfigDict(frozen=True)

    policy_id: str
    policy_version: str
    rule_id: str
    mode: RuleMode
    priority: int
    actions: list[Action]
    legal_ground: str | None = None
    dsa_category: str | None = None
    values_used: dict[str, Any] = Field(default_factory=dict)


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    subject_type: SubjectType
    subject_id: str
    trigger: str = Field(description="What caused evaluation, e.g. 'ingest', 'rescore', 'review'.")
    policy_versions: dict[str, str] = Field(description="policy id -> version evaluated")
    matched: list[RuleMatch] = Field(description="Every matching rule, live and shadow.")
    actions: list[Action] = Field(description="Effective actions after conflict resolution.")
    signals_used: dict[str, str] = Field(
        default_factory=dict, description="signal name -> detector@version"
    )
    automated_detection: bool = True
    automated_decision: bool = True
    evaluation_errors: list[dict[str, str]] = Field(
        default_factory=list, description="Rules whose evaluation failed; they did not match."
    )
    created_at: datetime

    @property
    def live_matches(self) -> list[RuleMatch]:
        return [m for m in self.matched if m.mode is RuleMode.LIVE]

    def explain(self) -> str:
        """A sentence a reviewer or an affected user can read."""
        if not self.actions:
            shadow = [m.rule_id for m in self.matched if m.mode is RuleMode.SHADOW]
            tail = f" (shadow rules matched: {', '.join(shadow)})" if shadow else ""
            return f"No action on {self.subject_type.value} {self.subject_id}{tail}."
        acts = ", ".join(a.key() for a in self.actions)
        rules = ", ".join(f"{m.policy_id}/{m.rule_id}" for m in self.live_matches)
        how = "automatically" if self.automated_decision else "by a reviewer"
        return f"{acts} on {self.subject_type.value} {self.subject_id}, decided {how} by {rules}."


class CaseStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DECIDED = "decided"
    CLOSED = "closed"


class Case(BaseModel):
    """A unit of human work in a review queue."""

    id: str
    queue: str
    subject_type: SubjectType
    subject_id: str
    decision_id: str | None
    status: CaseStatus = CaseStatus.OPEN
    priority: float = 0.0
    created_at: datetime
