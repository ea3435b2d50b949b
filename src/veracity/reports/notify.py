"""Telling notifiers the outcome (DSA Art. 16(5)): record the decision on every notice of a
case and queue a signed ``report.outcome`` webhook for each through the transactional outbox.

The review package calls :func:`notify_outcome` when a reviewer decides a case and again when
an appeal is decided, inside its own transaction, so the decision and the notifications commit
together. The webhook body names the notice by id and carries no contact data: the platform
knows who sent its notice and tells them itself. Recording the same outcome twice adds nothing;
a different outcome later (an appeal reversing the decision) is a new event with its own key.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.enforce.outbox import OutboxStatus, utc
from veracity.reports.service import ReportStatus
from veracity.store.db import utcnow
from veracity.store.tables import OutboxRow, ReportRow
from veracity.store.upsert import insert_ignore

log = logging.getLogger(__name__)

REPORT_OUTCOME_TOPIC = "report.outcome"
# Art. 20(1): notifiers too may complain about the decision for at least six months.
COMPLAINT_WINDOW = timedelta(days=183)
_OUTCOME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Outcome(StrEnum):
    """Suggested outcome names; any lower-case ``a-z 0-9 _`` name up to 64 characters is
    accepted, so the review package's own vocabulary passes through unchanged."""

    ACTION_TAKEN = "action_taken"
    NO_ACTION = "no_action"
    REVERSED = "reversed"
    UPHELD = "upheld"


def check_outcome(outcome: str) -> str:
    value = str(outcome)
    if not _OUTCOME.match(value):
        raise ValueError("outcome must be 1-64 characters of a-z, 0-9 and '_', starting a-z")
    return value


def outcome_payload(
    report_id: str,
    case_id: str,
    outcome: str,
    key: str,
    decided_at: datetime,
    decision_id: str | None,
    automated: bool | None,
) -> dict[str, Any]:
    """The webhook body: ids, the outcome and the complaint deadline; never contact data."""
    body: dict[str, Any] = {
        "event": REPORT_OUTCOME_TOPIC,
        "idempotency_key": key,
        "report_id": report_id,
        "case_id": case_id,
        "outcome": outcome,
        "decided_at": decided_at.isoformat(),
        "complaint_until": (decided_at + COMPLAINT_WINDOW).date().isoformat(),
    }
    if decision_id is not None:
        body["decision_id"] = decision_id
    if automated is not None:
        body["automated_decision"] = automated  # Art. 16(6): disclose automated means
    return body


def notify_outcome(
    session: Session,
    case_id: str,
    outcome: str,
    *,
    decision_id: str | None = None,
    automated: bool | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Record ``outcome`` on every notice linked to ``case_id`` and queue one ``report.outcome``
    message per notice; returns the ids of the notices notified now (those that already had
    this outcome are skipped). Runs in the caller's transaction and never commits."""
    outcome = check_outcome(outcome)
    when = utc(now or utcnow())
    rows = session.scalars(
        select(ReportRow)
        .where(ReportRow.case_id == case_id)
        .order_by(ReportRow.id)
        .with_for_update()
    ).all()
    messages: list[dict[str, Any]] = []
    notified: list[str] = []
    for row in rows:
        if row.outcome == outcome:
            continue
        data = dict(row.data or {})
        history = [*list(data.get("outcomes") or []), _entry(outcome, when, decision_id)]
        row.data = {**data, "outcomes": history}
        row.outcome = outcome
        row.status = ReportStatus.DECIDED
        row.decided_at = when
        key = f"{REPORT_OUTCOME_TOPIC}:{row.id}:{len(history)}"
        payload = outcome_payload(row.id, case_id, outcome, key, when, decision_id, automated)
        messages.append(_outbox_row(key, decision_id or case_id, payload, when))
        notified.append(row.id)
    session.flush()
    insert_ignore(session, OutboxRow, messages, "idempotency_key")
    if notified:
        log.info("outcome %s recorded on %d notice(s) of case %s", outcome, len(notified), case_id)
    return notified


def _entry(outcome: str, when: datetime, decision_id: str | None) -> dict[str, Any]:
    return {"outcome": outcome, "at": when.isoformat(), "decision_id": decision_id}


def _outbox_row(key: str, ref: str, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An outbox message; ``decision_id`` holds the decision when known, else the case id."""
    return {
        "idempotency_key": key,
        "decision_id": ref,
        "topic": REPORT_OUTCOME_TOPIC,
        "payload": payload,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "leased_until": None,
        "last_error": None,
        "created_at": now,
        "delivered_at": None,
    }
