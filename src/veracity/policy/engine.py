"""The policy engine: compiled rules evaluated over facts, and decisions that explain themselves.

Rules are compiled once when the engine is built; evaluating an item builds one CEL activation and
runs every live and shadow rule against it (a few microseconds per rule). A rule that fails at
run time (a missing metadata key, a division by zero) is reported as an evaluation error beside
the matches; it never stops the other rules or the caller.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from veracity.detect.base import DetectorResult
from veracity.detect.registry import DetectorRegistry
from veracity.domain.decisions import Decision, RuleMatch, RuleMode
from veracity.domain.entities import AccountIn, ContentIn
from veracity.domain.signals import SubjectType
from veracity.policy.compiler import CompiledRule, active, compile_policies
from veracity.policy.loader import load_policy_dir
from veracity.policy.model import Policy
from veracity.policy.placeholders import check_placeholders, fill_decision
from veracity.policy.resolve import resolve_actions
from veracity.policy.variables import FactsError, VariableSchema

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleEvaluationError:
    """A rule that could not be evaluated for one item (it neither matched nor failed to)."""

    policy_id: str
    policy_version: str
    rule_id: str
    mode: RuleMode
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "rule_id": self.rule_id,
            "mode": self.mode.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every live and shadow rule that matched, in precedence order, and every rule that failed."""

    matches: list[RuleMatch] = field(default_factory=list)
    errors: list[RuleEvaluationError] = field(default_factory=list)
    facts: Mapping[str, Any] = field(default_factory=dict)  # what the rules read

    @property
    def live(self) -> list[RuleMatch]:
        return [m for m in self.matches if m.mode is RuleMode.LIVE]

    @property
    def shadow(self) -> list[RuleMatch]:
        return [m for m in self.matches if m.mode is RuleMode.SHADOW]


def decision_id(
    subject_type: SubjectType,
    subject_id: str,
    trigger: str,
    policy_versions: Mapping[str, str],
    trigger_id: str,
) -> str:
    """Deterministic: re-evaluating the same trigger under the same policies gives the same id."""
    material = json.dumps(
        [subject_type.value, subject_id, trigger, sorted(policy_versions.items()), trigger_id],
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


class PolicyEngine:
    """Compiled policies for one detector registry."""

    def __init__(self, policies: Sequence[Policy], registry: DetectorRegistry) -> None:
        self.schema = VariableSchema(registry)
        check_placeholders(policies, self.schema.variables)
        self._env, compiled = compile_policies(policies, self.schema)
        self._rules: list[CompiledRule] = active(compiled)
        self._by_id = {(c.policy.id, c.rule.id): c for c in compiled}
        self._names = frozenset(self.schema.variables)
        self.policies: tuple[Policy, ...] = tuple(policies)
        self.policy_versions: dict[str, str] = {p.id: p.version for p in policies}

    @classmethod
    def from_dir(cls, policy_dir: Path, registry: DetectorRegistry) -> PolicyEngine:
        """Load, validate and compile a policy directory (raises PolicyLoadError)."""
        return cls(load_policy_dir(policy_dir, registry), registry)

    @property
    def rule_count(self) -> int:
        """Rules that are evaluated (live and shadow)."""
        return len(self._rules)

    def references(self, policy_id: str, rule_id: str) -> tuple[str, ...]:
        """Declared variables a rule's condition reads (KeyError if there is no such rule)."""
        try:
            return self._by_id[(policy_id, rule_id)].references
        except KeyError:
            raise KeyError(f"no rule {policy_id}/{rule_id} in this engine") from None

    def build_facts(
        self,
        item: ContentIn,
        account: AccountIn | None,
        results: Mapping[str, DetectorResult],
        now: datetime,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Facts for one content item; see VariableSchema.build_facts."""
        return self.schema.build_facts(item, account, results, now, extra)

    def evaluate(self, facts: Mapping[str, Any]) -> Evaluation:
        """Run every live and shadow rule; ``off`` rules are never evaluated."""
        if facts.keys() != self._names:
            self.schema.check_facts(facts)  # raises with the missing / undeclared names
        activation = self._env.Activation(facts)
        matches: list[RuleMatch] = []
        errors: list[RuleEvaluationError] = []
        for compiled in self._rules:
            try:
                value = compiled.expr.eval(activation).value()
            except Exception as exc:  # the runtime should return errors as values; be safe
                value = f"{type(exc).__name__}: {exc}"
            if value is True:
                matches.append(_match(compiled, facts))
            elif value is not False:
                rule, policy = compiled.rule, compiled.policy
                errors.append(
                    RuleEvaluationError(policy.id, policy.version, rule.id, rule.mode, str(value))
                )
        return Evaluation(matches, errors, facts)

    def evaluate_many(self, facts_list: Iterable[Mapping[str, Any]]) -> list[Evaluation]:
        """Evaluate a batch; one item's facts error does not hide the others' results."""
        return [self.evaluate(facts) for facts in facts_list]

    def decide(
        self,
        subject_type: SubjectType | str,
        subject_id: str,
        facts: Mapping[str, Any],
        trigger: str,
        trigger_id: str,
        now: datetime,
        signals_used: Mapping[str, str] | None = None,
    ) -> Decision:
        """Evaluate and resolve into a Decision; rule evaluation errors are logged and kept."""
        evaluation = self.evaluate(facts)
        for error in evaluation.errors:
            log.warning(
                "rule %s/%s failed on %s %s: %s",
                error.policy_id,
                error.rule_id,
                subject_type,
                subject_id,
                error.message,
            )
        return self.decision_from(
            evaluation, subject_type, subject_id, trigger, trigger_id, now, signals_used
        )

    def decision_from(
        self,
        evaluation: Evaluation,
        subject_type: SubjectType | str,
        subject_id: str,
        trigger: str,
        trigger_id: str,
        now: datetime,
        signals_used: Mapping[str, str] | None = None,
    ) -> Decision:
        """A Decision from an evaluation the caller already has (and may store errors of)."""
        kind = SubjectType(subject_type)
        decision = Decision(
            id=decision_id(kind, subject_id, trigger, self.policy_versions, trigger_id),
            subject_type=kind,
            subject_id=subject_id,
            trigger=trigger,
            policy_versions=dict(self.policy_versions),
            matched=list(evaluation.matches),
            actions=resolve_actions(evaluation.matches),
            signals_used=dict(signals_used or {}),
            automated_detection=True,
            automated_decision=True,
            evaluation_errors=[e.to_dict() for e in evaluation.errors],
            created_at=now,
        )
        return fill_decision(decision, evaluation.facts)


def _match(compiled: CompiledRule, facts: Mapping[str, Any]) -> RuleMatch:
    rule, policy = compiled.rule, compiled.policy
    return RuleMatch(
        policy_id=policy.id,
        policy_version=policy.version,
        rule_id=rule.id,
        mode=rule.mode,
        priority=rule.priority,
        actions=list(rule.actions),
        legal_ground=rule.legal_ground,
        dsa_category=rule.dsa_category,
        values_used={name: _copy(facts[name]) for name in compiled.references},
    )


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


__all__ = ["Evaluation", "FactsError", "PolicyEngine", "RuleEvaluationError", "decision_id"]
