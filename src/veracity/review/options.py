"""What a reviewer can decide, the key that decides it on the case page, and the enforcement
actions each outcome takes. Appeal outcomes are separate: uphold or reverse."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from veracity.domain.actions import RESTRICTIVE, Action, ActionType


class Outcome(StrEnum):
    NO_VIOLATION = "no_violation"
    LABEL = "label"
    REDUCE = "reduce"
    REMOVE = "remove"
    REMOVE_STRIKE = "remove_strike"


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    REVERSED = "reversed"


@dataclass(frozen=True)
class Option:
    outcome: Outcome
    key: str
    title: str
    actions: tuple[Action, ...]

    @property
    def restrictive(self) -> bool:
        return any(a.type in RESTRICTIVE for a in self.actions)


OPTIONS: tuple[Option, ...] = (
    Option(Outcome.NO_VIOLATION, "1", "No violation", ()),
    Option(
        Outcome.LABEL,
        "2",
        "Label",
        (Action(type=ActionType.LABEL, params={"label": "reviewed-context"}),),
    ),
    Option(Outcome.REDUCE, "3", "Demote", (Action(type=ActionType.REDUCE),)),
    Option(Outcome.REMOVE, "4", "Remove", (Action(type=ActionType.REMOVE),)),
    Option(
        Outcome.REMOVE_STRIKE,
        "5",
        "Remove + strike",
        (Action(type=ActionType.REMOVE), Action(type=ActionType.STRIKE)),
    ),
)
BY_OUTCOME: dict[Outcome, Option] = {o.outcome: o for o in OPTIONS}
APPEAL_KEYS: dict[AppealOutcome, str] = {AppealOutcome.UPHELD: "1", AppealOutcome.REVERSED: "2"}


def option(outcome: Outcome | str) -> Option:
    return BY_OUTCOME[Outcome(outcome)]
