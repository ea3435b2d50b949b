"""Statements of reasons for policy decisions on content: automated ones at ingest and
reviewers' ones, so that every restrictive decision has one (DSA Art. 17).

Campaign decisions build theirs in ``detect.coordination.decide``; this module covers the rest.
The restriction, automation codes and puid come from ``compliance.statements``, so all
statements are alike whatever made the decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from veracity.compliance.statements import (
    SOURCE_VOLUNTARY,
    StatementOfReasons,
    automated_decision_code,
    restriction_for,
    statement_puid,
)
from veracity.domain.actions import RESTRICTIVE
from veracity.domain.decisions import Decision, RuleMatch, RuleMode

DEFAULT_CATEGORY = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
DEFAULT_GROUND = "Terms of Service"
MAX_FACTS = 5000
MAX_EXPLANATION = 2000


def is_restrictive(decision: Decision) -> bool:
    return any(a.type in RESTRICTIVE for a in decision.actions)


def _grounding_rule(decision: Decision) -> RuleMatch | None:
    """The live rule whose restrictive action is the most severe (its ground is cited)."""
    best: tuple[int, int, RuleMatch] | None = None
    for m in decision.matched:
        if m.mode is not RuleMode.LIVE:
            continue
        severities = [a.severity for a in m.actions if a.type in RESTRICTIVE]
        if not severities:
            continue
        key = (max(severities), m.priority, m)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _signal_facts(values: Mapping[str, Any]) -> str:
    shown = []
    for name, value in list(values.items())[:8]:
        if isinstance(value, float):
            shown.append(f"{name} = {value:.3f}")
        elif isinstance(value, bool | int | str):
            shown.append(f"{name} = {str(value)[:80]}")
    return "; ".join(shown)


def automated_statement(decision: Decision) -> StatementOfReasons:
    """The statement for a policy decision made by the rules (ingest or re-decision)."""
    rule = _grounding_rule(decision)
    ground = (rule.legal_ground if rule else None) or DEFAULT_GROUND
    facts = f"Automated detection and decision: {decision.explain()}" + (
        f" The rule {rule.policy_id}/{rule.rule_id} (version {rule.policy_version}) read: "
        f"{_signal_facts(rule.values_used)}."
        if rule and rule.values_used
        else ""
    )
    return StatementOfReasons(
        puid=statement_puid(decision.id, decision.subject_id),
        decision_id=decision.id,
        subject_type=decision.subject_type.value,
        subject_id=decision.subject_id,
        restriction=restriction_for(decision, None, None),
        decision_facts=facts[:MAX_FACTS],
        facts_evidence={
            "rule": f"{rule.policy_id}/{rule.rule_id}" if rule else None,
            "policy_versions": dict(decision.policy_versions),
            "signals_used": dict(decision.signals_used),
        },
        automated_detection=decision.automated_detection,
        automated_decision=automated_decision_code(decision),
        incompatible_content_ground=ground,
        incompatible_content_explanation=decision.explain()[:MAX_EXPLANATION],
        category=(rule.dsa_category if rule else None) or DEFAULT_CATEGORY,
        created_at=decision.created_at,
    )


def automated_statements(decisions: Iterable[Decision]) -> list[StatementOfReasons]:
    """One statement per restrictive decision among ``decisions``."""
    return [automated_statement(d) for d in decisions if is_restrictive(d)]


def reviewed_statement(
    decision: Decision,
    *,
    facts: str,
    evidence: Mapping[str, Any],
    ground: str,
    category: str,
    keywords: Sequence[str],
    explanation: str,
    source_type: str = SOURCE_VOLUNTARY,
    source_identity: str | None = None,
    created_at: datetime | None = None,
) -> StatementOfReasons:
    """The statement for a decision a person made (detection automated or not, as the
    decision records; decision not automated)."""
    return StatementOfReasons(
        puid=statement_puid(decision.id, decision.subject_id),
        decision_id=decision.id,
        subject_type=decision.subject_type.value,
        subject_id=decision.subject_id,
        restriction=restriction_for(decision, None, None),
        decision_facts=facts[:MAX_FACTS],
        facts_evidence=dict(evidence),
        source_type=source_type,
        source_identity=source_identity,
        automated_detection=decision.automated_detection,
        automated_decision=automated_decision_code(decision),
        incompatible_content_ground=ground,
        incompatible_content_explanation=explanation[:MAX_EXPLANATION],
        category=category,
        category_specification=list(keywords),
        created_at=created_at or decision.created_at,
    )
