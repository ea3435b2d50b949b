"""People's decisions join the existing pipeline: a decision row, its outbox message (webhooks
and the pull API), the account's enforcement totals and the statement of reasons commit in the
reviewer's transaction; a reversal queues the message that undoes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from veracity.compliance.statements import StatementOfReasons, save_statements
from veracity.domain.actions import RESTRICTIVE, Action, ActionType
from veracity.domain.decisions import Decision
from veracity.domain.signals import SubjectType
from veracity.enforce.outbox import OutboxStatus, enqueue_many, utc
from veracity.store.enforcement import record_enforcement
from veracity.store.tables import (
    AccountEnforcementRow,
    ContentRow,
    DecisionRow,
    OutboxRow,
    SupersededRow,
)
from veracity.store.upsert import insert_ignore

REVERSAL_TOPIC = "decision.reversed"
APPEAL_TOPIC = "appeal.decided"
# Actions that are not enforcement and so are never undone: the route to review, the notice.
LASTING = frozenset({ActionType.ROUTE, ActionType.NOTIFY})
REASONS = {"review": "replaced_by_reviewer", "appeal": "reversed_on_appeal"}


def affected_account(session: Session, subject_type: str, subject_id: str) -> str | None:
    """The account a decision restricts: the subject itself, or the author of content."""
    if subject_type == SubjectType.ACCOUNT.value:
        return subject_id
    if subject_type == SubjectType.CONTENT.value:
        return session.scalar(select(ContentRow.account_id).where(ContentRow.id == subject_id))
    return None


def store_decision(
    session: Session,
    decision: Decision,
    now: datetime,
    statement: StatementOfReasons | None = None,
) -> bool:
    """Record a person's decision like any other; returns False if it was stored already."""
    new = insert_ignore(
        session,
        DecisionRow,
        [
            {
                "id": decision.id,
                "subject_type": decision.subject_type.value,
                "subject_id": decision.subject_id,
                "trigger": decision.trigger,
                "record": decision.model_dump(mode="json"),
                "action_count": len(decision.actions),
                "automated_decision": decision.automated_decision,
                "created_at": decision.created_at,
            }
        ],
        "id",
    )
    if not new:
        return False
    enqueue_many(session, [decision], now)
    account = affected_account(session, decision.subject_type.value, decision.subject_id)
    if account is not None:
        record_enforcement(session, [(account, decision)], now)
    if statement is not None:
        save_statements(session, [statement])
    return True


def queue_event(
    session: Session,
    *,
    key: str,
    decision_id: str,
    topic: str,
    payload: Mapping[str, Any],
    now: datetime,
) -> bool:
    """An outbox message that is not a decision's actions (a reversal, an appeal outcome):
    delivered by the same workers, signed the same way, deduplicated on ``key``."""
    when = utc(now)
    new = insert_ignore(
        session,
        OutboxRow,
        [
            {
                "idempotency_key": key,
                "decision_id": decision_id,
                "topic": topic,
                "payload": {"idempotency_key": key, "topic": topic, **payload},
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": when,
                "leased_until": None,
                "last_error": None,
                "created_at": when,
                "delivered_at": None,
            }
        ],
        "idempotency_key",
    )
    return bool(new)


def undo_totals(
    session: Session, account_id: str | None, decision: Decision, now: datetime
) -> None:
    """Take a reversed decision out of the account's history (prior violations and strikes)."""
    if account_id is None:
        return
    types = {a.type for a in decision.actions}
    violations = 1 if types & RESTRICTIVE else 0
    strikes = 1 if ActionType.STRIKE in types else 0
    if not violations and not strikes:
        return
    t = AccountEnforcementRow
    session.execute(
        update(t)
        .where(t.account_id == account_id)
        .values(
            violations=t.violations - violations,
            strikes=t.strikes - strikes,
            updated_at=now,
        )
        .where(t.violations >= violations, t.strikes >= strikes)
    )


def reversal_payload(
    original: Decision, by: Decision, undo: list[Action], reason: str
) -> dict[str, Any]:
    """What the platform receives to undo (part of) a decision: the actions to lift, and why."""
    return {
        "decision_id": by.id,
        "reverses_decision_id": original.id,
        "subject_type": original.subject_type.value,
        "subject_id": original.subject_id,
        "undo": [
            {"type": a.type.value, "params": a.model_dump(mode="json")["params"], "key": a.key()}
            for a in undo
        ],
        "reason": reason,
        "explanation": by.explain(),
        "automated_decision": False,
        "created_at": utc(by.created_at).isoformat(),
    }


def supersede(
    session: Session,
    original: Decision,
    by: Decision,
    reason: str,
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> list[Action]:
    """Take ``original`` out of force because ``by`` replaces it (a reviewer's decision on the
    case it opened, ``reason`` "review", or an appeal's reversal, "appeal"): queue a
    ``decision.reversed`` message with every action of the original that ``by`` does not
    repeat (so the two messages commute), drop it from the account's totals, and record the
    supersession. Returns the actions to undo; does nothing if it was superseded already."""
    new = insert_ignore(
        session,
        SupersededRow,
        [{"decision_id": original.id, "superseded_by": by.id, "reason": reason, "created_at": now}],
        "decision_id",
    )
    if not new:
        return []
    keep = {a.key() for a in by.actions}
    undo = [a for a in original.actions if a.type not in LASTING and a.key() not in keep]
    if undo:
        payload = reversal_payload(original, by, undo, REASONS[reason])
        queue_event(
            session,
            key=f"reverse:{original.id}",
            decision_id=by.id,
            topic=REVERSAL_TOPIC,
            payload={**payload, **(extra or {})},
            now=now,
        )
    account = affected_account(session, original.subject_type.value, original.subject_id)
    undo_totals(session, account, original, now)
    return undo
