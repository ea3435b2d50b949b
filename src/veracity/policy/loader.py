"""Loading a directory of policy files and refusing any that would misbehave in production.

Every error names the file, the policy and the rule, and all errors of a directory are reported
together, so an author fixes them in one pass. The rules are compiled against the registry's
variable schema here; a directory that loads is one the engine can run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from veracity.detect.registry import DetectorRegistry
from veracity.policy.compiler import compile_policies
from veracity.policy.errors import PolicyLoadError
from veracity.policy.model import Policy
from veracity.policy.safe_yaml import MAX_FILE_BYTES, YamlRefused, read_yaml_file
from veracity.policy.variables import VariableSchema

POLICY_SUFFIX = ".yaml"
FIXTURE_SUFFIX = ".tests.yaml"
MAX_ERRORS_SHOWN = 20

__all__ = [
    "PolicyLoadError",
    "load_policy_dir",
    "load_policy_file",
    "load_policy_files",
    "policy_files",
]


def display_name(path: Path) -> str:
    """``<folder>/<file>``: enough to find the file, short enough for a log line."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def policy_files(policy_dir: Path) -> list[Path]:
    """The policy files of a directory (fixture files excluded), sorted for determinism."""
    if not policy_dir.is_dir():
        raise PolicyLoadError(f"{policy_dir}: not a directory")
    stray = sorted(p.name for p in policy_dir.glob("*.yml"))
    if stray:
        raise PolicyLoadError(
            f"{policy_dir}: {', '.join(stray)}: policy files must end in {POLICY_SUFFIX}"
        )
    return sorted(
        p
        for p in policy_dir.glob(f"*{POLICY_SUFFIX}")
        if p.is_file() and not p.name.endswith(FIXTURE_SUFFIX)
    )


def parse_policy(data: Any, where: str) -> Policy:
    """Validate the parsed YAML of one file; errors say which rule and field is wrong."""
    if data is None:
        raise PolicyLoadError(f"{where}: file is empty")
    if not isinstance(data, dict):
        raise PolicyLoadError(f"{where}: expected a mapping with id, version and rules")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyLoadError(_describe_validation(exc, data, where)) from None


def load_policy_file(path: Path, registry: DetectorRegistry | None = None) -> Policy:
    """One policy file; with a registry its conditions are compiled and type-checked too."""
    where = display_name(path)
    try:
        data = read_yaml_file(path, MAX_FILE_BYTES)
    except YamlRefused as exc:
        raise PolicyLoadError(f"{where}: {exc}") from None
    policy = parse_policy(data, where)
    if registry is not None:
        compile_policies([policy], VariableSchema(registry), {policy.id: where})
    return policy


def load_policy_dir(policy_dir: Path, registry: DetectorRegistry) -> list[Policy]:
    """Every policy of a directory, validated and compiled; all errors raised together."""
    return [policy for _, policy in load_policy_files(policy_dir, registry)]


def load_policy_files(policy_dir: Path, registry: DetectorRegistry) -> list[tuple[Path, Policy]]:
    """Like load_policy_dir, keeping the file each policy came from."""
    files = policy_files(policy_dir)
    if not files:
        raise PolicyLoadError(f"{policy_dir}: no *{POLICY_SUFFIX} policy files")
    policies: list[tuple[Path, Policy]] = []
    sources: dict[str, str] = {}
    errors: list[str] = []
    for path in files:
        where = display_name(path)
        try:
            policy = load_policy_file(path)
        except PolicyLoadError as exc:
            errors.append(str(exc))
            continue
        if policy.id in sources:
            errors.append(
                f"{where}: policy id {policy.id!r} is already used by {sources[policy.id]}"
            )
            continue
        sources[policy.id] = where
        policies.append((path, policy))
    try:
        compile_policies([p for _, p in policies], VariableSchema(registry), sources)
    except PolicyLoadError as exc:
        errors.append(str(exc))
    if errors:
        raise PolicyLoadError("\n".join(errors))
    return policies


def _describe_validation(exc: ValidationError, data: dict[str, Any], where: str) -> str:
    policy_id = data.get("id")
    head = f"{where}: policy {policy_id!r}" if isinstance(policy_id, str) else where
    lines = []
    for error in exc.errors()[:MAX_ERRORS_SHOWN]:
        loc: Sequence[Any] = error["loc"]
        message = str(error["msg"]).removeprefix("Value error, ")
        context = head
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            context += f", {_rule_name(data, loc[1])}"
            loc = loc[2:]
        field = ".".join(str(part) for part in loc)
        lines.append(f"{context}: {field}: {message}" if field else f"{context}: {message}")
    hidden = len(exc.errors()) - MAX_ERRORS_SHOWN
    if hidden > 0:
        lines.append(f"{head}: ... and {hidden} more errors")
    return "\n".join(lines)


def _rule_name(data: dict[str, Any], index: int) -> str:
    rules = data.get("rules")
    if isinstance(rules, list) and index < len(rules):
        rule = rules[index]
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            return f"rule {rule['id']!r}"
    return f"rules[{index}]"
