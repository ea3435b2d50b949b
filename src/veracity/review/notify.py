"""Telling people what became of a case, and where a case came from.

The reporter is told through ``veracity.reports.notify.notify_outcome`` and a statement's source
(a notice, a trusted flagger) is read from ``veracity.reports.source.notice_source``: the reports
package owns notices, and review works without it (each hook is looked up, not imported). The
affected user is told by a webhook event through the outbox.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from veracity.review.enforcement import APPEAL_TOPIC, queue_event

REPORTS_NOTIFY = "veracity.reports.notify"
REPORTS_SOURCE = "veracity.reports.source"


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise


def notify_reporters(
    session: Session,
    case_id: str,
    outcome: str,
    *,
    decision_id: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Tell the notifiers of ``case_id`` its outcome (a person decided: not automated);
    returns whether the reports package was there to do it."""
    module = _optional(REPORTS_NOTIFY)
    notify = getattr(module, "notify_outcome", None) if module else None
    if not callable(notify):
        return False
    notify(session, case_id, outcome, decision_id=decision_id, automated=False, now=now)
    return True


def notice_source(session: Session, case_id: str) -> tuple[str, str | None] | None:
    """(source_type, source_identity) of a case opened by notices, if the reports package
    knows it; None otherwise (the decision was on the platform's own initiative)."""
    module = _optional(REPORTS_SOURCE)
    source = getattr(module, "notice_source", None) if module else None
    if not callable(source):
        return None
    found = source(session, case_id)
    return str(found.source_type), found.source_identity


def notify_affected_user(
    session: Session,
    *,
    appeal_id: str,
    decision_id: str,
    account_id: str,
    outcome: str,
    details: Mapping[str, Any],
    now: datetime,
) -> bool:
    """An ``appeal.decided`` webhook event for the platform to pass on to its user."""
    return queue_event(
        session,
        key=f"appeal-outcome:{appeal_id}",
        decision_id=decision_id,
        topic=APPEAL_TOPIC,
        payload={
            "appeal_id": appeal_id,
            "decision_id": decision_id,
            "account_id": account_id,
            "outcome": outcome,
            **details,
            "decided_at": now.isoformat(),
        },
        now=now,
    )
