"""Policy unit tests: example items kept beside each policy, with the outcome they must produce.

``<name>.tests.yaml`` holds a list of cases for the policy in ``<name>.yaml``. Each case gives a
content item, optionally its account, the detector outputs to assume and the expected result::

    - name: confirmed repeat of a false claim
      content: {kind: video, text: "..."}
      account: {id: acc-1, created_at: 2026-11-01T00:00:00Z}
      signals: {text_match: {matched: true, similarity: 0.93, label: "false"}}
      extra: {account.prior_strikes: 1}          # optional facts supplied by the caller
      now: 2026-11-29T12:00:00Z                  # optional; default below
      expect:
        matched: [repeat-false-claim]            # these rules (live or shadow) must match
        not_matched: [possible-claim-repeat]     # these must not
        actions: ["label(label=false-information)", "reduce()"]   # exact effective set

A case is evaluated against its own policy alone, so it tests that policy's rules and their
conflict resolution; how policies combine is what a backtest measures. A case also fails when
any rule raises at evaluation time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from veracity.detect.base import DetectorResult
from veracity.detect.registry import DetectorRegistry
from veracity.domain.decisions import RuleMode
from veracity.domain.entities import AccountIn, ContentIn
from veracity.policy.engine import PolicyEngine
from veracity.policy.errors import PolicyLoadError
from veracity.policy.loader import FIXTURE_SUFFIX, POLICY_SUFFIX, display_name, load_policy_files
from veracity.policy.model import Policy
from veracity.policy.safe_yaml import YamlRefused, read_yaml_file
from veracity.policy.variables import FactsError

DEFAULT_NOW = datetime(2026, 1, 1, tzinfo=UTC)
MAX_CASES_PER_FILE = 2_000


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    matched: list[str] = Field(default_factory=list)
    not_matched: list[str] = Field(default_factory=list)
    actions: list[str] | None = Field(
        default=None, description="Exact set of effective action keys; omitted = not checked."
    )


class FixtureCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    now: datetime | None = None
    content: ContentIn
    account: AccountIn | None = None
    signals: dict[str, dict[str, Any]] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    expect: Expectation

    @model_validator(mode="before")
    @classmethod
    def _fill_content_ids(cls, data: Any) -> Any:
        """Cases may omit the content id and author; they are rarely what a rule is about."""
        if isinstance(data, dict) and isinstance(data.get("content"), dict):
            content = dict(data["content"])
            account = data.get("account")
            author = account.get("id") if isinstance(account, dict) else None
            content.setdefault("id", "fixture-item")
            content.setdefault("account_id", author if isinstance(author, str) else "fixture-acc")
            data = {**data, "content": content}
        return data


@dataclass(frozen=True)
class CaseResult:
    file: str
    policy_id: str
    name: str
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        """What differed from the expectation; empty when the case passed."""
        return "\n".join(self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "policy_id": self.policy_id,
            "name": self.name,
            "passed": self.passed,
            "problems": list(self.problems),
        }


@dataclass
class PolicyTestReport:
    cases: list[CaseResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    untested_policies: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        return len(self.cases) - self.passed

    @property
    def ok(self) -> bool:
        """Every case passed and every fixture file could be read."""
        return self.failed == 0 and not self.file_errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "passed": self.passed,
            "failed": self.failed,
            "file_errors": list(self.file_errors),
            "untested_policies": list(self.untested_policies),
            "cases": [c.to_dict() for c in self.cases],
        }

    def format_text(self) -> str:
        """Human-readable summary for the CLI: failures in full, passes counted."""
        lines = [f"FILE ERROR {error}" for error in self.file_errors]
        for case in self.cases:
            if not case.passed:
                lines.append(f"FAIL {case.file} :: {case.name}")
                lines.extend(f"  {p}" for p in case.problems)
        if self.untested_policies:
            lines.append(f"policies without fixtures: {', '.join(self.untested_policies)}")
        lines.append(f"{self.passed} passed, {self.failed} failed")
        return "\n".join(lines)


def run_policy_tests(policy_dir: Path, registry: DetectorRegistry) -> PolicyTestReport:
    """Run every ``*.tests.yaml`` case of a directory; policy load errors propagate."""
    by_stem = {
        path.name.removesuffix(POLICY_SUFFIX): policy
        for path, policy in load_policy_files(policy_dir, registry)
    }
    report = PolicyTestReport()
    tested: set[str] = set()
    for path in sorted(policy_dir.glob(f"*{FIXTURE_SUFFIX}")):
        stem = path.name.removesuffix(FIXTURE_SUFFIX)
        where = display_name(path)
        policy = by_stem.get(stem)
        if policy is None:
            report.file_errors.append(f"{where}: no policy file {stem}{POLICY_SUFFIX} beside it")
            continue
        tested.add(stem)
        try:
            raw_cases = _read_cases(path)
        except PolicyLoadError as exc:
            report.file_errors.append(str(exc))
            continue
        engine = PolicyEngine([policy], registry)
        seen: set[str] = set()
        for index, raw in enumerate(raw_cases):
            result = _run_case(engine, policy, where, index, raw)
            if result.name in seen:
                result.problems.append(f"case name {result.name!r} is used twice in this file")
            seen.add(result.name)
            report.cases.append(result)
    report.untested_policies = sorted(
        f"{policy_dir.name}/{stem}{POLICY_SUFFIX}" for stem in by_stem if stem not in tested
    )
    return report


def _read_cases(path: Path) -> list[Any]:
    where = display_name(path)
    try:
        data = read_yaml_file(path)
    except YamlRefused as exc:
        raise PolicyLoadError(f"{where}: {exc}") from None
    if not isinstance(data, list) or not data:
        raise PolicyLoadError(f"{where}: expected a non-empty list of test cases")
    if len(data) > MAX_CASES_PER_FILE:
        raise PolicyLoadError(f"{where}: {len(data)} cases; the limit is {MAX_CASES_PER_FILE}")
    return data


def _case_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("name"), str) and raw["name"]:
        return str(raw["name"])
    return f"case #{index + 1}"


def _run_case(engine: PolicyEngine, policy: Policy, where: str, index: int, raw: Any) -> CaseResult:
    name = _case_name(raw, index)
    problems: list[str] = []
    result = CaseResult(where, policy.id, name, problems)
    if not isinstance(raw, dict):
        problems.append("a case must be a mapping with name, content and expect")
        return result
    try:
        case = FixtureCase.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc = ".".join(str(p) for p in error["loc"])
            problems.append(f"invalid case: {loc}: {error['msg']}")
        return result
    rule_ids = {rule.id for rule in policy.rules}
    unknown = [r for r in (*case.expect.matched, *case.expect.not_matched) if r not in rule_ids]
    if unknown:
        problems.append(f"policy {policy.id!r} has no rule {', '.join(map(repr, unknown))}")
        return result
    off = [r for r in case.expect.matched if policy.rule(r).mode is RuleMode.OFF]
    if off:
        problems.append(f"rule {', '.join(map(repr, off))} is off and is never evaluated")
        return result
    try:
        results = {d: DetectorResult(dict(outputs)) for d, outputs in case.signals.items()}
        facts = engine.build_facts(
            case.content, case.account, results, case.now or DEFAULT_NOW, case.extra
        )
    except FactsError as exc:
        problems.append(f"invalid case: {exc}")
        return result
    evaluation = engine.evaluate(facts)
    matched = {m.rule_id: m for m in evaluation.matches}
    problems.extend(
        f"rule {e.rule_id!r} failed to evaluate: {e.message}" for e in evaluation.errors
    )
    for rule_id in case.expect.matched:
        if rule_id not in matched:
            refs = _values_for(engine, policy, rule_id, facts)
            problems.append(f"expected rule {rule_id!r} to match; it did not (values: {refs})")
    for rule_id in case.expect.not_matched:
        if rule_id in matched:
            problems.append(
                f"expected rule {rule_id!r} not to match; it matched "
                f"(values: {matched[rule_id].values_used})"
            )
    if case.expect.actions is not None:
        decision = engine.decision_from(
            evaluation, "content", case.content.id, "policy-test", name, case.now or DEFAULT_NOW
        )
        got = [a.key() for a in decision.actions]
        missing = sorted(set(case.expect.actions) - set(got))
        unexpected = sorted(set(got) - set(case.expect.actions))
        if missing or unexpected:
            problems.append(
                f"actions differ: missing {missing}, unexpected {unexpected} (got {got})"
            )
    return result


def _values_for(
    engine: PolicyEngine, policy: Policy, rule_id: str, facts: dict[str, Any]
) -> dict[str, Any]:
    """The values a rule read, to show why an expected match did not happen."""
    return {name: facts[name] for name in engine.references(policy.id, rule_id)}
