"""Appeals (DSA Art. 20): the platform lodges a complaint for its user against a restrictive
decision; a person other than the one who decided reviews it; a reversal undoes the
enforcement and everyone concerned is told.

* Open for ``appeal_window_days`` after the decision (at least six months; refused after).
* One appeal per decision (lodging again returns the first one).
* The appeal case goes to the appeals queue and excludes the original decider, checked again
  when the appeal is decided, whoever holds the case.
* Reversed: a reversal decision is recorded, a ``decision.reversed`` message (the actions to
  lift) goes through the outbox, the account's enforcement totals drop, the statement of reasons
  is marked reversed (statements are immutable; the appeal row says what superseded it), the user
  gets an ``appeal.decided`` event and the reporter (if any) is notified.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.audit.actors import record_by
from veracity.compliance.statements import statement_puid
from veracity.domain.actions import RESTRICTIVE
from veracity.domain.decisions import Decision, RuleMatch, RuleMode
from veracity.domain.limits import Identifier
from veracity.review.config import ReviewConfig
from veracity.review.decide import InvalidReview, close_case, hashed, open_case_for_review
from veracity.review.enforcement import affected_account, store_decision, supersede
from veracity.review.intake import CaseKind, Routed, new_case_row
from veracity.review.locks import CaseNotFound, NotAllowed, ReviewError, check_may_review
from veracity.review.notify import notify_affected_user, notify_reporters
from veracity.review.options import AppealOutcome
from veracity.store import queries
from veracity.store.db import as_utc
from veracity.store.tables import (
    AppealRow,
    CaseRow,
    ReviewDecisionRow,
    StatementRow,
    SupersededRow,
)
from veracity.store.upsert import insert_ignore

AUTOMATED = "automated"
OPEN = "open"
DECIDED = "decided"
TRIGGER = "appeal"


class AppealIn(BaseModel):
    """A complaint lodged by the platform on behalf of the affected user."""

    model_config = ConfigDict(extra="forbid")

    decision_id: str = Field(min_length=1, max_length=64)
    account_id: Identifier = Field(description="The affected user's account.")
    reason: str = Field(min_length=1, max_length=5000, description="The user's explanation.")


class AppealDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: AppealOutcome
    note: str = Field(default="", max_length=2000, description="Sent to the user.")


class NotAppealable(ReviewError):
    status = 422


def appeal_json(row: AppealRow) -> dict[str, Any]:
    lodged = as_utc(row.lodged_at)
    decided = as_utc(row.decided_at)
    return {
        "id": row.id,
        "decision_id": row.decision_id,
        "account_id": row.account_id,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "statement_puid": row.statement_puid,
        "case_id": row.case_id,
        "status": row.status,
        "outcome": row.outcome,
        "lodged_at": lodged.isoformat() if lodged else None,
        "decided_at": decided.isoformat() if decided else None,
        "reversal_decision_id": row.reversal_decision_id,
    }


def original_decider(session: Session, decision: Decision) -> str:
    """Who made the decision: the reviewer, the investigator, or ``automated``."""
    found = session.scalar(
        select(ReviewDecisionRow.reviewer).where(ReviewDecisionRow.decision_id == decision.id)
    )
    if found:
        return str(found)
    for m in decision.matched:
        by = m.values_used.get("decided_by")
        if m.mode is RuleMode.LIVE and isinstance(by, str) and by:
            return by
    return AUTOMATED if decision.automated_decision else "unknown"


def _original_case(decision: Decision) -> str | None:
    for m in decision.matched:
        case_id = m.values_used.get("case_id")
        if isinstance(case_id, str):
            return case_id
    return None


def _severity(decision: Decision) -> float:
    worst = max((a.severity for a in decision.actions if a.type in RESTRICTIVE), default=0)
    return min(1.0, worst / 40.0)


def lodge_appeal(
    session: Session,
    config: ReviewConfig,
    body: AppealIn,
    principal: Principal,
    now: datetime,
) -> tuple[dict[str, Any], bool]:
    """Open an appeal and its case; returns it and whether it is new."""
    existing = session.scalar(select(AppealRow).where(AppealRow.decision_id == body.decision_id))
    if existing is not None:
        if existing.account_id != body.account_id:
            raise NotAppealable("account_id is not the account affected by this decision")
        return appeal_json(existing), False
    decision = queries.get_decision(session, body.decision_id)
    if decision is None:
        raise CaseNotFound(f"no decision {body.decision_id!r}")
    if not any(a.type in RESTRICTIVE for a in decision.actions):
        raise NotAppealable("the decision restricts nothing, so there is nothing to appeal")
    replaced = session.get(SupersededRow, decision.id)
    if replaced is not None:
        raise NotAppealable(
            f"the decision is no longer in force: {replaced.superseded_by} replaced it"
            + ("; appeal that decision instead" if replaced.reason == "review" else "")
        )
    account = affected_account(session, decision.subject_type.value, decision.subject_id)
    if account != body.account_id:
        raise NotAppealable("account_id is not the account affected by this decision")
    decided_at = as_utc(decision.created_at)
    assert decided_at is not None
    closes = decided_at + timedelta(days=config.appeal_window_days)
    if now > closes:
        raise NotAppealable(
            f"the appeal window closed on {closes.date().isoformat()} "
            f"({config.appeal_window_days:g} days after the decision of "
            f"{decided_at.date().isoformat()})"
        )
    decider = original_decider(session, decision)
    appeal_id = hashed("apl-", decision.id)
    case_id = hashed("case-apl-", decision.id)
    puid = statement_puid(decision.id, decision.subject_id)
    has_statement = session.scalar(select(StatementRow.seq).where(StatementRow.puid == puid))
    original_case = _original_case(decision)
    first = session.get(CaseRow, original_case) if original_case else None
    excluded = [decider] if decider not in (AUTOMATED, "unknown") else []
    insert_ignore(
        session,
        CaseRow,
        [
            new_case_row(
                config,
                case_id=case_id,
                kind=CaseKind.APPEAL,
                routed=Routed(
                    config.appeals_queue,
                    (first.policy_area if first else None) or "appeals",
                    _severity(decision),
                    -1,
                ),
                subject_type=decision.subject_type.value,
                subject_id=decision.subject_id,
                decision_id=decision.id,
                now=now,
                language=first.language if first else None,
                region=first.region if first else None,
                parent_case_id=original_case,
                data={"excluded_reviewers": excluded, "appeal_id": appeal_id},
            )
        ],
        "id",
    )
    row = AppealRow(
        id=appeal_id,
        decision_id=decision.id,
        account_id=body.account_id,
        subject_type=decision.subject_type.value,
        subject_id=decision.subject_id,
        statement_puid=puid if has_statement is not None else None,
        case_id=case_id,
        reason=body.reason,
        status=OPEN,
        outcome=None,
        original_decided_by=decider,
        decision_trigger=decision.trigger,
        decision_automated=decision.automated_decision,
        decision_created_at=decided_at,
        lodged_at=now,
        data={"original_case_id": original_case},
    )
    session.add(row)
    session.flush()
    record_by(
        session,
        principal,
        "appeal.lodge",
        f"decision:{decision.id}",
        {"appeal_id": appeal_id, "case_id": case_id, "original_decided_by": decider},
    )
    return appeal_json(row), True


def _reversal(
    decision: Decision, appeal: AppealRow, principal: Principal, now: datetime
) -> Decision:
    match = RuleMatch(
        policy_id="appeal",
        policy_version="manual",
        rule_id="reversed",
        mode=RuleMode.LIVE,
        priority=0,
        actions=[],
        values_used={
            "appeal_id": appeal.id,
            "reverses": decision.id,
            "decided_by": principal.actor,
        },
    )
    return Decision(
        id=hashed("apd-", appeal.id),
        subject_type=decision.subject_type,
        subject_id=decision.subject_id,
        trigger=TRIGGER,
        policy_versions={"appeal": "manual"},
        matched=[match],
        actions=[],
        automated_detection=False,
        automated_decision=False,
        created_at=now,
    )


def decide_appeal(
    session: Session,
    config: ReviewConfig,
    case_id: str,
    body: AppealDecisionIn,
    principal: Principal,
    now: datetime,
) -> dict[str, Any]:
    """Uphold or reverse the appealed decision (the caller must hold the appeal case)."""
    row = open_case_for_review(session, case_id, principal.actor, now, kinds=(CaseKind.APPEAL,))
    check_may_review(config, row, principal.actor, principal.roles)
    appeal = session.scalar(select(AppealRow).where(AppealRow.case_id == row.id))
    if appeal is None:
        raise InvalidReview(f"case {case_id} has no appeal")
    if principal.actor == appeal.original_decided_by:
        raise NotAllowed("an appeal must be reviewed by someone other than the original decider")
    original = queries.get_decision(session, appeal.decision_id)
    if original is None:
        raise CaseNotFound(f"the appealed decision {appeal.decision_id} is gone")
    reversal: Decision | None = None
    if body.outcome is AppealOutcome.REVERSED:
        reversal = _reversal(original, appeal, principal, now)
        store_decision(session, reversal, now)
        supersede(session, original, reversal, "appeal", now, {"appeal_id": appeal.id})
        appeal.reversal_decision_id = reversal.id
    appeal.status = DECIDED
    appeal.outcome = body.outcome.value
    appeal.decided_by = principal.actor
    appeal.decided_at = now
    close_case(row, body.outcome.value, principal.actor, now)
    insert_ignore(
        session,
        ReviewDecisionRow,
        [
            {
                "id": hashed("rd-", row.id),
                "case_id": row.id,
                "case_kind": row.kind,
                "queue": row.queue,
                "reviewer": principal.actor,
                "role": principal.role_label,
                "outcome": body.outcome.value,
                "policy_tags": [],
                "note": body.note or None,
                "decision_id": reversal.id if reversal else None,
                "correct": None,
                "created_at": now,
            }
        ],
        "id",
    )
    restriction = ", ".join(a.key() for a in original.actions if a.type in RESTRICTIVE)
    notify_affected_user(
        session,
        appeal_id=appeal.id,
        decision_id=original.id,
        account_id=appeal.account_id,
        outcome=body.outcome.value,
        details={
            "statement_puid": appeal.statement_puid,
            "reversal_decision_id": appeal.reversal_decision_id,
            "restriction": restriction,
            "explanation": body.note.strip()
            or (
                "A reviewer looked at your appeal and lifted the restriction."
                if reversal
                else "A reviewer looked at your appeal and kept the decision."
            ),
        },
        now=now,
    )
    notify_reporters(
        session,
        (appeal.data or {}).get("original_case_id") or row.id,
        body.outcome.value,
        decision_id=reversal.id if reversal else original.id,
        now=now,
    )
    record_by(
        session,
        principal,
        "appeal.decide",
        f"appeal:{appeal.id}",
        {
            "decision_id": original.id,
            "outcome": body.outcome.value,
            "before": restriction,
            "after": "lifted" if reversal else restriction,
            "reversal_decision_id": appeal.reversal_decision_id,
            "original_decided_by": appeal.original_decided_by,
        },
    )
    return appeal_json(appeal)


def get_appeal(session: Session, appeal_id: str) -> dict[str, Any] | None:
    row = session.get(AppealRow, appeal_id)
    return appeal_json(row) if row is not None else None


def appeal_for_case(session: Session, case_id: str) -> AppealRow | None:
    return session.scalar(select(AppealRow).where(AppealRow.case_id == case_id))
