"""Who may write and rate notes: accounts old enough, without recent violations.

TikTok Footnotes asks for an account older than six months and no recent Community Guidelines
violations (specs.md section 4.2); both limits are settings. A violation is a decision with a
restrictive action (removal, demotion, strike, suspension, ...) against the account or any of
its content within the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from veracity.domain.actions import RESTRICTIVE, Action
from veracity.domain.signals import SubjectType
from veracity.store.db import as_utc
from veracity.store.tables import AccountRow, ContentRow, DecisionRow

if TYPE_CHECKING:
    from veracity.config import Settings


@dataclass(frozen=True)
class EligibilityRules:
    min_account_age_days: float = 180.0
    violation_window_days: float = 90.0
    max_recent_violations: int = 0

    @classmethod
    def from_settings(cls, settings: Settings | None) -> EligibilityRules:
        if settings is None:
            return cls()
        return cls(
            min_account_age_days=settings.notes_min_account_age_days,
            violation_window_days=settings.notes_violation_window_days,
            max_recent_violations=settings.notes_max_recent_violations,
        )


def recent_violations(session: Session, account_id: str, since: datetime) -> int:
    """Decisions since ``since`` with a restrictive action on the account or its content."""
    own_content = select(ContentRow.id).where(ContentRow.account_id == account_id)
    rows = session.scalars(
        select(DecisionRow.record).where(
            DecisionRow.created_at >= since,
            DecisionRow.action_count > 0,
            or_(
                and_(
                    DecisionRow.subject_type == SubjectType.ACCOUNT.value,
                    DecisionRow.subject_id == account_id,
                ),
                and_(
                    DecisionRow.subject_type == SubjectType.CONTENT.value,
                    DecisionRow.subject_id.in_(own_content),
                ),
            ),
        )
    )
    count = 0
    for record in rows:
        actions = [Action.model_validate(a) for a in record.get("actions", [])]
        count += any(a.type in RESTRICTIVE for a in actions)
    return count


def ineligibility(
    session: Session, account_id: str, now: datetime, rules: EligibilityRules
) -> str | None:
    """Why the account may not contribute notes, or None when it may."""
    account = session.get(AccountRow, account_id)
    if account is None:
        return f"account {account_id} is unknown (send it to /v1/accounts first)"
    created = as_utc(account.created_at)
    if created is None:
        return f"account {account_id} has no created_at, so its age cannot be checked"
    age_days = (now - created).total_seconds() / 86_400
    if age_days < rules.min_account_age_days:
        return (
            f"account {account_id} is {age_days:.0f} days old; contributors need "
            f"{rules.min_account_age_days:g}"
        )
    since = now - timedelta(days=rules.violation_window_days)
    found = recent_violations(session, account_id, since)
    if found > rules.max_recent_violations:
        return (
            f"account {account_id} had {found} violation(s) in the last "
            f"{rules.violation_window_days:g} days"
        )
    return None
