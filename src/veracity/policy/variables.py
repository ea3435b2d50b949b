"""The typed variables a rule may read, and the facts (one value per variable) for one item.

The schema is declared once, from the entity fields below and the outputs every registered
detector declares, so the CEL type checker refuses a rule that reads an unknown field or compares
a string with a number when the rule loads, not when it first meets traffic. Facts always carry
every declared variable (defaults where unknown), because CEL reports a missing variable only
at evaluation time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from cel_expr_python import cel

from veracity.detect.base import DetectorResult, OutputType
from veracity.detect.registry import DetectorRegistry
from veracity.domain.entities import AccountIn, ContentIn


class VariableType(StrEnum):
    DOUBLE = "double"
    INT = "int"
    BOOL = "bool"
    STRING = "string"
    STRING_LIST = "list<string>"
    MAP = "map<string, dyn>"

    def cel_type(self) -> Any:
        """The cel_expr_python type used to declare a variable of this type."""
        return _CEL_TYPES[self]()


_CEL_TYPES: dict[VariableType, Callable[[], Any]] = {
    VariableType.DOUBLE: lambda: cel.Type.DOUBLE,
    VariableType.INT: lambda: cel.Type.INT,
    VariableType.BOOL: lambda: cel.Type.BOOL,
    VariableType.STRING: lambda: cel.Type.STRING,
    VariableType.STRING_LIST: lambda: cel.Type.List(cel.Type.STRING),
    VariableType.MAP: lambda: cel.Type.Map(cel.Type.STRING, cel.Type.DYN),
}

_FROM_OUTPUT: dict[OutputType, VariableType] = {
    OutputType.DOUBLE: VariableType.DOUBLE,
    OutputType.INT: VariableType.INT,
    OutputType.BOOL: VariableType.BOOL,
    OutputType.STRING: VariableType.STRING,
    OutputType.STRING_LIST: VariableType.STRING_LIST,
}

UNKNOWN_NUMBER = -1


@dataclass(frozen=True)
class Variable:
    name: str
    type: VariableType
    description: str
    default: Any

    def fresh_default(self) -> Any:
        """The default, copied when mutable so one item's facts never leak into another's."""
        if isinstance(self.default, list):
            return list(self.default)
        if isinstance(self.default, dict):
            return dict(self.default)
        return self.default


def _var(name: str, type_: VariableType, default: Any, description: str) -> Variable:
    return Variable(name, type_, description, default)


V = VariableType
ENTITY_VARIABLES: tuple[Variable, ...] = (
    _var("content.id", V.STRING, "", "The platform's id of the item."),
    _var("content.account_id", V.STRING, "", "Id of the posting account."),
    _var("content.kind", V.STRING, "", "video, post, comment, image or audio."),
    _var("content.text", V.STRING, "", "The item's own text (caption, post body)."),
    _var("content.language", V.STRING, "", "Language the platform declared; '' if unknown."),
    _var("content.region", V.STRING, "", "Region the platform declared; '' if unknown."),
    _var("content.media_count", V.INT, 0, "Number of media references."),
    _var("content.text_length", V.INT, 0, "Characters in content.text."),
    _var("content.has_transcript", V.BOOL, False, "A non-empty transcript was supplied."),
    _var("content.is_reply", V.BOOL, False, "The item answers another item (parent_id set)."),
    _var("content.age_hours", V.DOUBLE, -1.0, "Hours since created_at; -1 when unknown."),
    _var("content.metadata", V.MAP, {}, "The platform's free-form metadata."),
    _var("account.known", V.BOOL, False, "The posting account's profile is on record."),
    _var("account.id", V.STRING, "", "The author's id (known even without a profile)."),
    _var("account.age_days", V.DOUBLE, -1.0, "Days since the account was created; -1 unknown."),
    _var("account.verified", V.BOOL, False, "The platform verified the account."),
    _var("account.follower_count", V.INT, UNKNOWN_NUMBER, "Followers; -1 when unknown."),
    _var("account.following_count", V.INT, UNKNOWN_NUMBER, "Accounts followed; -1 unknown."),
    _var("account.post_count", V.INT, UNKNOWN_NUMBER, "Posts; -1 when unknown."),
    _var("account.region", V.STRING, "", "The account's region; '' when unknown."),
    _var("account.prior_strikes", V.INT, 0, "Strikes already given to the account."),
    _var(
        "account.prior_violations",
        V.INT,
        0,
        "Earlier decisions that restricted the account's content.",
    ),
)


def present_variable(detector: str) -> str:
    return f"signals.{detector}.present"


class FactsError(ValueError):
    """Facts that do not fit the declared schema (unknown name or wrong type)."""


def _coerce(variable: Variable, value: Any) -> Any:
    """Check one value against its variable's type; ints widen to doubles, nothing else."""
    if value is None:
        return variable.fresh_default()
    t = variable.type
    ok: bool
    if t is V.DOUBLE:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif t is V.INT:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t is V.BOOL:
        ok = isinstance(value, bool)
    elif t is V.STRING:
        ok = isinstance(value, str)
        value = str(value) if ok else value  # plain str, not a StrEnum subclass
    elif t is V.STRING_LIST:
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        value = list(value) if ok else value
    else:
        ok = isinstance(value, Mapping) and all(isinstance(k, str) for k in value)
        value = dict(value) if ok else value
    if not ok:
        raise FactsError(
            f"{variable.name} must be {variable.type.value}, got {type(value).__name__} "
            f"{_short(value)}"
        )
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _hours_between(start: datetime | None, now: datetime) -> float:
    if start is None:
        return -1.0
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    return max(0.0, (now - start).total_seconds() / 3600.0)


class VariableSchema:
    """Every variable a rule may read, for one detector registry."""

    def __init__(self, registry: DetectorRegistry) -> None:
        variables: dict[str, Variable] = {v.name: v for v in ENTITY_VARIABLES}
        self._detector_outputs: dict[str, dict[str, Variable]] = {}
        for detector in registry:
            outputs: dict[str, Variable] = {}
            for spec in detector.outputs:
                name = f"signals.{detector.name}.{spec.name}"
                outputs[spec.name] = _var(
                    name, _FROM_OUTPUT[spec.type], spec.default, spec.description
                )
            if "present" in outputs:
                raise FactsError(
                    f"detector {detector.name!r} declares an output named 'present', which the "
                    "policy engine reserves for 'the detector ran on this item'"
                )
            present = present_variable(detector.name)
            variables[present] = _var(
                present, V.BOOL, False, f"{detector.name} produced a result for this item."
            )
            variables.update({v.name: v for v in outputs.values()})
            self._detector_outputs[detector.name] = outputs
        self.variables: Mapping[str, Variable] = variables

    def __contains__(self, name: object) -> bool:
        return name in self.variables

    def cel_types(self) -> dict[str, Any]:
        """Declarations for ``cel.NewEnv(variables=...)``."""
        return {name: v.type.cel_type() for name, v in self.variables.items()}

    def detector_outputs(self, detector: str) -> Mapping[str, Variable]:
        """Declared outputs of one detector; KeyError names it when it is not registered."""
        try:
            return self._detector_outputs[detector]
        except KeyError:
            raise FactsError(f"detector {detector!r} is not registered") from None

    def build_facts(
        self,
        item: ContentIn,
        account: AccountIn | None,
        results: Mapping[str, DetectorResult],
        now: datetime,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One value for every declared variable; raises FactsError on anything undeclared."""
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        facts: dict[str, Any] = {name: v.fresh_default() for name, v in self.variables.items()}
        facts.update(
            {
                "content.id": item.id,
                "content.account_id": item.account_id,
                "content.kind": item.kind.value,
                "content.text": item.text,
                "content.language": item.language or "",
                "content.region": item.region or "",
                "content.media_count": len(item.media),
                "content.text_length": len(item.text),
                "content.has_transcript": bool(item.transcript),
                "content.is_reply": item.parent_id is not None,
                "content.age_hours": _hours_between(item.created_at, now),
                "content.metadata": dict(item.metadata),
            }
        )
        if account is not None:
            if account.id != item.account_id:
                raise FactsError(
                    f"account {account.id!r} is not the author of content {item.id!r} "
                    f"(account_id {item.account_id!r})"
                )
            age_hours = _hours_between(account.created_at, now)
            facts.update(
                {
                    "account.known": True,
                    "account.id": account.id,
                    "account.age_days": age_hours / 24.0 if age_hours >= 0 else -1.0,
                    "account.verified": account.verified,
                    "account.follower_count": _or_unknown(account.follower_count),
                    "account.following_count": _or_unknown(account.following_count),
                    "account.post_count": _or_unknown(account.post_count),
                    "account.region": account.region or "",
                }
            )
        else:
            facts["account.id"] = item.account_id
        for detector, result in results.items():
            outputs = self.detector_outputs(detector)
            for name, value in result.outputs.items():
                variable = outputs.get(name)
                if variable is None:
                    raise FactsError(
                        f"detector {detector!r} has no declared output {name!r}; "
                        f"declared: {', '.join(sorted(outputs))}"
                    )
                facts[variable.name] = _coerce(variable, value)
            facts[present_variable(detector)] = True
        for name, value in (extra or {}).items():
            variable = self.variables.get(name)
            if variable is None:
                raise FactsError(f"extra fact {name!r} is not a declared variable")
            facts[name] = _coerce(variable, value)
        return facts

    def check_facts(self, facts: Mapping[str, Any]) -> None:
        """Raise FactsError unless ``facts`` has exactly the declared variables, well typed."""
        missing = [name for name in self.variables if name not in facts]
        unknown = [name for name in facts if name not in self.variables]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(sorted(missing)[:10])}")
            if unknown:
                parts.append(f"undeclared {', '.join(sorted(unknown)[:10])}")
            raise FactsError("facts do not match the variable schema: " + "; ".join(parts))
        for name, variable in self.variables.items():
            _coerce(variable, facts[name])


def _or_unknown(value: int | None) -> int:
    return UNKNOWN_NUMBER if value is None else value


def build_facts(
    registry: DetectorRegistry,
    item: ContentIn,
    account: AccountIn | None,
    results: Mapping[str, DetectorResult],
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Convenience for one-off callers; hot paths keep a VariableSchema (or PolicyEngine)."""
    return VariableSchema(registry).build_facts(item, account, results, now, extra)
