"""Compiling rule conditions with Google's CEL runtime, and reading which variables they use.

Compilation type-checks a condition against the declared variables, so an unknown signal or a
type error is found when the policy loads. The variables a condition references are found by
scanning its text (outside string literals) for declared names; a decision records their values,
which is what lets a reviewer see *why* a rule matched.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cel_expr_python import cel

from veracity.domain.decisions import RuleMode
from veracity.policy.errors import PolicyLoadError
from veracity.policy.model import Policy, Rule
from veracity.policy.variables import VariableSchema

_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*")
_CEL_ERROR = re.compile(r"ERROR: <input>:(\d+):(\d+): (.*)")
_LINE_COMMENT = re.compile(r"//[^\n]*")
_CONTAINER_NOTE = re.compile(r"\s*\(in container ''\)$")


class ConditionError(ValueError):
    """A condition that does not compile, or compiles to something other than a bool."""


def new_env(cel_types: dict[str, Any]) -> Any:
    """A CEL environment declaring exactly these variables."""
    return cel.NewEnv(variables=cel_types)


def compile_condition(env: Any, condition: str) -> Any:
    """Compile and type-check; the result must be a bool so a rule either holds or not."""
    try:
        expr = env.compile(condition)
    except RuntimeError as exc:
        raise ConditionError(describe_cel_error(str(exc))) from None
    result = expr.return_type()
    if result != cel.Type.BOOL:
        raise ConditionError(
            f"condition has type {result.name().lower()}, it must be bool "
            "(compare dynamic values explicitly, e.g. content.metadata.x == true)"
        )
    return expr


def describe_cel_error(message: str) -> str:
    """The CEL messages without the runtime's status prefix and caret drawings."""
    found = []
    for line in message.splitlines():
        match = _CEL_ERROR.search(line)
        if match:
            row, col, text = match.groups()
            text = _CONTAINER_NOTE.sub("", text.strip())
            found.append(f"{text} (line {row}, column {col})")
    return "; ".join(found) if found else message.strip()


def strip_string_literals(source: str) -> str:
    """Replace every CEL string or bytes literal with a space, keeping everything else."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch not in "'\"":
            out.append(ch)
            i += 1
            continue
        raw = _has_raw_prefix(out)
        quote = source[i : i + 3] if source[i : i + 3] in ("'''", '"""') else ch
        i += len(quote)
        while i < n and not source.startswith(quote, i):
            i += 2 if (source[i] == "\\" and not raw) else 1
        i += len(quote)
        out.append(" ")
    return "".join(out)


def _has_raw_prefix(before: list[str]) -> bool:
    """True when the literal starting now has an r/R prefix (CEL allows r, b, rb, br)."""
    prefix = ""
    for ch in reversed(before[-2:]):
        if ch not in "rRbB":
            break
        prefix = ch + prefix
    head = before[: len(before) - len(prefix)]
    if not prefix or (head and (head[-1].isalnum() or head[-1] == "_")):
        return False
    return "r" in prefix.lower()


def referenced_variables(condition: str, declared: Collection[str]) -> tuple[str, ...]:
    """Declared variables the condition reads, in order of first use.

    A dotted path resolves to its longest declared prefix, so ``content.metadata.flag`` reports
    ``content.metadata`` and ``signals.x.lists.exists(...)`` reports ``signals.x.lists``.
    """
    found: dict[str, None] = {}
    code = _LINE_COMMENT.sub("", strip_string_literals(condition))
    for match in _DOTTED_NAME.finditer(code):
        parts = [p.strip() for p in match.group(0).split(".")]
        for end in range(len(parts), 0, -1):
            name = ".".join(parts[:end])
            if name in declared:
                found.setdefault(name, None)
                break
    return tuple(found)


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to evaluate, with what a match must report."""

    policy: Policy
    rule: Rule
    expr: Any
    references: tuple[str, ...]

    @property
    def precedence(self) -> tuple[int, str, str]:
        """Sort key: higher priority first, then policy id, then rule id (lexicographic)."""
        return (-self.rule.priority, self.policy.id, self.rule.id)


def compile_policies(
    policies: Sequence[Policy],
    schema: VariableSchema,
    sources: Mapping[str, str] | None = None,
) -> tuple[Any, list[CompiledRule]]:
    """Compile every rule (``off`` ones too, so they stay valid) in one environment.

    ``sources`` maps a policy id to the file it came from, for error messages. Every error in
    every policy is reported at once, one per line.
    """
    env = new_env(schema.cel_types())
    declared = set(schema.variables)
    errors: list[str] = []
    compiled: list[CompiledRule] = []
    owners: dict[str, str] = {}
    for policy in policies:
        where = (sources or {}).get(policy.id)
        prefix = f"{where}: policy {policy.id!r}" if where else f"policy {policy.id!r}"
        if policy.id in owners:
            errors.append(f"{prefix}: policy id already used by {owners[policy.id]}")
            continue
        owners[policy.id] = where or f"another policy {policy.id!r}"
        for rule in policy.rules:
            try:
                expr = compile_condition(env, rule.condition)
            except ConditionError as exc:
                errors.append(f"{prefix}, rule {rule.id!r}: {exc}")
                continue
            refs = referenced_variables(rule.condition, declared)
            compiled.append(CompiledRule(policy, rule, expr, refs))
    if errors:
        raise PolicyLoadError("\n".join(errors))
    return env, compiled


def active(rules: Sequence[CompiledRule]) -> list[CompiledRule]:
    """Live and shadow rules in precedence order; ``off`` rules are never evaluated."""
    return sorted((r for r in rules if r.rule.mode is not RuleMode.OFF), key=lambda r: r.precedence)
