"""Backtest: replay stored history under two policy sets and report what would change.

A policy author measures a change before switching it on: every stored content item is
evaluated with its author's profile and the latest stored signal of each detector, under the old
and the new policies, and every subject whose effective actions or live matching rules differ is
listed. Rows are streamed in id order, one chunk at a time, so memory does not grow with history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.detect.base import DetectorResult
from veracity.detect.registry import DetectorRegistry
from veracity.domain.actions import Action
from veracity.domain.entities import AccountIn, ContentIn
from veracity.domain.signals import SubjectType
from veracity.policy.engine import Evaluation, PolicyEngine
from veracity.policy.resolve import resolve_actions
from veracity.policy.variables import FactsError
from veracity.store.db import Database
from veracity.store.tables import AccountRow, ContentRow, SignalRow

DEFAULT_CHUNK = 500
DEFAULT_MAX_LISTED = 1_000


@dataclass(frozen=True)
class SubjectChange:
    subject_type: str
    subject_id: str
    old_actions: list[str]
    new_actions: list[str]
    rules_added: list[str]
    rules_removed: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "old_actions": list(self.old_actions),
            "new_actions": list(self.new_actions),
            "rules_added": list(self.rules_added),
            "rules_removed": list(self.rules_removed),
        }


@dataclass
class BacktestReport:
    old_versions: dict[str, str]
    new_versions: dict[str, str]
    evaluated: int = 0
    changed: int = 0
    actions_added: Counter[str] = field(default_factory=Counter)
    actions_removed: Counter[str] = field(default_factory=Counter)
    changes: list[SubjectChange] = field(default_factory=list)
    changes_truncated: bool = False
    subject_errors: list[dict[str, str]] = field(default_factory=list)
    rule_errors: Counter[str] = field(default_factory=Counter)
    ignored_signals: Counter[str] = field(default_factory=Counter)
    ignored_outputs: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; counters become plain sorted dicts."""
        return {
            "old_versions": dict(self.old_versions),
            "new_versions": dict(self.new_versions),
            "evaluated": self.evaluated,
            "changed": self.changed,
            "actions_added": dict(sorted(self.actions_added.items())),
            "actions_removed": dict(sorted(self.actions_removed.items())),
            "changes": [c.to_dict() for c in self.changes],
            "changes_truncated": self.changes_truncated,
            "subject_errors": list(self.subject_errors),
            "rule_errors": dict(sorted(self.rule_errors.items())),
            "ignored_signals": dict(sorted(self.ignored_signals.items())),
            "ignored_outputs": dict(sorted(self.ignored_outputs.items())),
        }


def backtest(
    db: Database,
    old_dir: Path,
    new_dir: Path,
    registry: DetectorRegistry,
    limit: int | None = None,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    now: datetime | None = None,
    max_listed: int = DEFAULT_MAX_LISTED,
) -> BacktestReport:
    """Compare two policy directories over stored content (PolicyLoadError if either is bad)."""
    return backtest_engines(
        db,
        PolicyEngine.from_dir(old_dir, registry),
        PolicyEngine.from_dir(new_dir, registry),
        limit,
        chunk_size=chunk_size,
        now=now,
        max_listed=max_listed,
    )


def backtest_engines(
    db: Database,
    old: PolicyEngine,
    new: PolicyEngine,
    limit: int | None = None,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    now: datetime | None = None,
    max_listed: int = DEFAULT_MAX_LISTED,
) -> BacktestReport:
    """Like backtest, for engines already built (e.g. live rules vs. a shadow promotion).

    ``now`` is the evaluation time for every item; by default each item is replayed as at its
    ingestion time, so age-based rules see what they saw then.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    if old.schema.variables.keys() != new.schema.variables.keys():
        raise ValueError("both engines must be built for the same detector registry")
    report = BacktestReport(dict(old.policy_versions), dict(new.policy_versions))
    for row, account_data, signals in _stream(db, chunk_size, limit):
        try:
            item = ContentIn.model_validate(row.data)
            author = AccountIn.model_validate(account_data) if account_data is not None else None
            results = _results(old, signals, report)
            at = now if now is not None else _utc(row.ingested_at)
            facts = old.build_facts(item, author, results, at)
        except (ValidationError, FactsError) as exc:
            report.subject_errors.append({"subject_id": row.id, "message": _one_line(exc)})
            continue
        before, after = old.evaluate(facts), new.evaluate(facts)
        _count_rule_errors(report, "old", before)
        _count_rule_errors(report, "new", after)
        report.evaluated += 1
        _compare(report, item.id, before, after, max_listed)
    return report


def _stream(
    db: Database, chunk_size: int, limit: int | None
) -> Iterator[tuple[ContentRow, dict[str, Any] | None, dict[str, SignalRow]]]:
    """Content rows in id order with their author's data and latest signal per detector."""
    last_id: str | None = None
    remaining = limit
    while remaining is None or remaining > 0:
        size = chunk_size if remaining is None else min(chunk_size, remaining)
        with db.sessions() as session:
            query = select(ContentRow).order_by(ContentRow.id).limit(size)
            if last_id is not None:
                query = query.where(ContentRow.id > last_id)
            rows = list(session.scalars(query))
            if not rows:
                return
            accounts = _accounts(session, {r.account_id for r in rows})
            signals = _latest_signals(session, [r.id for r in rows])
            session.expunge_all()
        for row in rows:
            yield row, accounts.get(row.account_id), signals.get(row.id, {})
        last_id = rows[-1].id
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return


def _accounts(session: Session, ids: set[str]) -> dict[str, dict[str, Any]]:
    query = select(AccountRow.id, AccountRow.data).where(AccountRow.id.in_(sorted(ids)))
    return {account_id: data for account_id, data in session.execute(query)}


def _latest_signals(
    session: Session, content_ids: Sequence[str]
) -> dict[str, dict[str, SignalRow]]:
    """subject id -> detector -> the most recent signal (ties broken by insertion order)."""
    query = (
        select(SignalRow)
        .where(
            SignalRow.subject_type == SubjectType.CONTENT.value,
            SignalRow.subject_id.in_(list(content_ids)),
        )
        .order_by(SignalRow.subject_id, SignalRow.detector, SignalRow.created_at, SignalRow.id)
    )
    latest: dict[str, dict[str, SignalRow]] = {}
    for signal in session.scalars(query):
        latest.setdefault(signal.subject_id, {})[signal.detector] = signal
    return latest


def _results(
    engine: PolicyEngine, signals: dict[str, SignalRow], report: BacktestReport
) -> dict[str, DetectorResult]:
    """Stored signals as detector results; detectors or outputs the registry lacks are counted."""
    results: dict[str, DetectorResult] = {}
    for detector, signal in signals.items():
        try:
            declared = engine.schema.detector_outputs(detector)
        except FactsError:
            report.ignored_signals[detector] += 1
            continue
        outputs = {}
        for name, value in (signal.outputs or {}).items():
            if name in declared:
                outputs[name] = value
            else:
                report.ignored_outputs[f"{detector}.{name}"] += 1
        results[detector] = DetectorResult(outputs, signal.evidence or {})
    return results


def _count_rule_errors(report: BacktestReport, side: str, evaluation: Evaluation) -> None:
    for error in evaluation.errors:
        report.rule_errors[f"{side}:{error.policy_id}/{error.rule_id}"] += 1


def _compare(
    report: BacktestReport, subject_id: str, before: Evaluation, after: Evaluation, max_listed: int
) -> None:
    old_actions = {a.key(): a for a in resolve_actions(before.matches)}
    new_actions = {a.key(): a for a in resolve_actions(after.matches)}
    old_rules = {f"{m.policy_id}/{m.rule_id}" for m in before.live}
    new_rules = {f"{m.policy_id}/{m.rule_id}" for m in after.live}
    if old_actions.keys() == new_actions.keys() and old_rules == new_rules:
        return
    report.changed += 1
    added: list[Action] = [a for k, a in new_actions.items() if k not in old_actions]
    removed: list[Action] = [a for k, a in old_actions.items() if k not in new_actions]
    report.actions_added.update(a.type.value for a in added)
    report.actions_removed.update(a.type.value for a in removed)
    if len(report.changes) >= max_listed:
        report.changes_truncated = True
        return
    report.changes.append(
        SubjectChange(
            subject_type=SubjectType.CONTENT.value,
            subject_id=subject_id,
            old_actions=list(old_actions),
            new_actions=list(new_actions),
            rules_added=sorted(new_rules - old_rules),
            rules_removed=sorted(old_rules - new_rules),
        )
    )


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:500]
