"""Enforcement history per account: how often its content was restricted, how many strikes.

Policies read these totals as ``account.prior_violations`` and ``account.prior_strikes``, so a
repeat offender can be treated differently. Totals are updated in the decision's transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from veracity.domain.actions import RESTRICTIVE, ActionType
from veracity.domain.decisions import Decision
from veracity.store.tables import AccountEnforcementRow

PRIOR_VIOLATIONS = "account.prior_violations"
PRIOR_STRIKES = "account.prior_strikes"


def history_facts(session: Session, account_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per account id, the policy facts describing its enforcement history."""
    ids = set(account_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(
            AccountEnforcementRow.account_id,
            AccountEnforcementRow.violations,
            AccountEnforcementRow.strikes,
        ).where(AccountEnforcementRow.account_id.in_(ids))
    )
    return {r.account_id: {PRIOR_VIOLATIONS: r.violations, PRIOR_STRIKES: r.strikes} for r in rows}


def record_enforcement(
    session: Session, decisions: Iterable[tuple[str, Decision]], now: datetime
) -> None:
    """Add each (account id, decision) with a restrictive action to the account's totals."""
    violations: Counter[str] = Counter()
    strikes: Counter[str] = Counter()
    for account_id, decision in decisions:
        types = {a.type for a in decision.actions}
        if types & RESTRICTIVE:
            violations[account_id] += 1
        if ActionType.STRIKE in types:
            strikes[account_id] += 1
    _add(session, violations, strikes, now)


def _add(
    session: Session, violations: Mapping[str, int], strikes: Mapping[str, int], now: datetime
) -> None:
    if not violations:
        return
    rows = [
        {
            "account_id": account_id,
            "violations": count,
            "strikes": strikes.get(account_id, 0),
            "updated_at": now,
        }
        for account_id, count in violations.items()
    ]
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = builder(AccountEnforcementRow)
    table = AccountEnforcementRow.__table__.c
    stmt = stmt.on_conflict_do_update(
        index_elements=["account_id"],
        set_={
            "violations": table.violations + stmt.excluded.violations,
            "strikes": table.strikes + stmt.excluded.strikes,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt, rows)
