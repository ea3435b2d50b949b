"""Overturn rates: of the appeals decided against decisions of a cohort, the share that
reversed the decision; with the cohort's restrictive decisions (those with a statement of
reasons) and the share of them appealed.

Cohorts: ``automation`` (automated or human decision), ``trigger`` (ingest, review,
campaign_review, ...), ``month`` (when the decision was made, UTC) or ``decider`` (who made it;
appealed decisions only, since the decider of an unappealed one is not looked up).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.store.db import as_utc
from veracity.store.tables import AppealRow, DecisionRow, StatementRow


class Cohort(StrEnum):
    AUTOMATION = "automation"
    TRIGGER = "trigger"
    MONTH = "month"
    DECIDER = "decider"


def _key(by: Cohort) -> Callable[[str, bool, datetime], str]:
    if by is Cohort.AUTOMATION:
        return lambda _t, automated, _at: "automated" if automated else "human"
    if by is Cohort.TRIGGER:
        return lambda trigger, _a, _at: trigger
    return lambda _t, _a, at: (as_utc(at) or at).strftime("%Y-%m")


def overturn_rates(
    session: Session,
    by: Cohort = Cohort.AUTOMATION,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict[str, Any]]:
    """One row per cohort of decisions made in [since, until)."""
    restrictive: Counter[str] = Counter()
    appealed: Counter[str] = Counter()
    decided: Counter[str] = Counter()
    reversed_: Counter[str] = Counter()
    if by is not Cohort.DECIDER:
        key = _key(by)
        stmt = select(
            DecisionRow.trigger, DecisionRow.automated_decision, DecisionRow.created_at
        ).join(StatementRow, StatementRow.decision_id == DecisionRow.id)
        if since is not None:
            stmt = stmt.where(DecisionRow.created_at >= since)
        if until is not None:
            stmt = stmt.where(DecisionRow.created_at < until)
        for trigger, automated, at in session.execute(stmt):
            restrictive[key(trigger, bool(automated), at)] += 1
    stmt_a = select(AppealRow)
    if since is not None:
        stmt_a = stmt_a.where(AppealRow.decision_created_at >= since)
    if until is not None:
        stmt_a = stmt_a.where(AppealRow.decision_created_at < until)
    for a in session.scalars(stmt_a):
        if by is Cohort.DECIDER:
            cohort = a.original_decided_by
        else:
            cohort = _key(by)(a.decision_trigger, a.decision_automated, a.decision_created_at)
        appealed[cohort] += 1
        if a.outcome is not None:
            decided[cohort] += 1
            if a.outcome == "reversed":
                reversed_[cohort] += 1
    cohorts = sorted(set(restrictive) | set(appealed))
    out = []
    for c in cohorts:
        row: dict[str, Any] = {
            "cohort": c,
            "appealed": appealed[c],
            "appeals_decided": decided[c],
            "reversed": reversed_[c],
            "overturn_rate": round(reversed_[c] / decided[c], 4) if decided[c] else None,
        }
        if by is not Cohort.DECIDER:
            row["restrictive_decisions"] = restrictive[c]
            row["appeal_rate"] = round(appealed[c] / restrictive[c], 4) if restrictive[c] else None
        out.append(row)
    return out
