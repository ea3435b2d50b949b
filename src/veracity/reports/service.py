"""Receiving a notice: store it once, keep the notifier's contact apart, open or join its case,
and answer with the acknowledgement of receipt (DSA Art. 16(4)).

Everything happens in the caller's transaction: the notice, its contact, its event-log entry,
its case and the audit entry commit together or not at all. The notice's id is the idempotency
key: the same id with the same body returns what was stored, with another body is refused.
Logs name the notice, its category and its case, never the notifier.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.audit.actors import record_by
from veracity.domain.events import EventType
from veracity.reports.cases import notice_subject, refresh_priority, route_notice
from veracity.reports.flaggers import get_flagger
from veracity.reports.model import NoticeIn
from veracity.store.db import as_utc, utcnow
from veracity.store.tables import EventRow, ReportContactRow, ReportRow
from veracity.store.upsert import insert_ignore

log = logging.getLogger(__name__)

SOURCE_ARTICLE_16 = "SOURCE_ARTICLE_16"
SOURCE_TRUSTED_FLAGGER = "SOURCE_TRUSTED_FLAGGER"
NOTICE_KIND = "notice"


class ReportStatus:
    RECEIVED = "received"
    DECIDED = "decided"


class NoticeConflict(ValueError):
    """The id was used before with a different notice."""


class UnknownFlagger(ValueError):
    """The notice names a trusted flagger the registry does not know."""


class OutcomeOut(BaseModel):
    outcome: str
    at: datetime
    decision_id: str | None = None


class ReportOut(BaseModel):
    """A notice as the platform may see it: its handling, never the notifier's contact."""

    id: str
    status: str = Field(description="received, then decided once an outcome is recorded.")
    category: str
    keywords: list[str]
    content_id: str | None
    url: str | None
    account_id: str | None
    trusted_flagger: bool = Field(
        description="Sent by an active trusted flagger within its area: handled with priority."
    )
    flagger_id: str | None
    source_type: str = Field(description="For the statement of reasons (Transparency DB).")
    case_id: str | None
    occurred_at: datetime
    received_at: datetime
    acknowledgement: str = Field(description="Text the platform can forward to the notifier.")
    outcome: str | None
    decided_at: datetime | None
    outcomes: list[OutcomeOut] = Field(description="Every outcome recorded, oldest first.")


@dataclass(frozen=True)
class Receipt:
    report: ReportOut
    created: bool
    opened_case: bool


def acknowledgement(report_id: str, received_at: datetime) -> str:
    return (
        f"Notice {report_id} was received on {received_at.date().isoformat()}. It will be "
        "reviewed by a person, and you will be told the decision and how to contest it."
    )


def report_view(row: ReportRow) -> ReportOut:
    """The status view of a stored report (a notice, or a report ingested in bulk)."""
    data: dict[str, Any] = row.data or {}
    received = as_utc(row.ingested_at)
    occurred = as_utc(row.occurred_at)
    assert received is not None and occurred is not None
    return ReportOut(
        id=row.id,
        status=row.status or ReportStatus.RECEIVED,
        category=row.reason,
        keywords=list(data.get("keywords") or []),
        content_id=row.content_id,
        url=row.url,
        account_id=row.account_id,
        trusted_flagger=bool(row.trusted_flagger),
        flagger_id=row.flagger_id,
        source_type=SOURCE_TRUSTED_FLAGGER if row.trusted_flagger else SOURCE_ARTICLE_16,
        case_id=row.case_id,
        occurred_at=occurred,
        received_at=received,
        acknowledgement=acknowledgement(row.id, received),
        outcome=row.outcome,
        decided_at=as_utc(row.decided_at),
        outcomes=[OutcomeOut.model_validate(o) for o in data.get("outcomes") or []],
    )


def get_report(session: Session, report_id: str) -> ReportOut | None:
    row = session.get(ReportRow, report_id)
    return report_view(row) if row is not None else None


def submit_notice(
    session: Session, notice: NoticeIn, principal: Principal, now: datetime | None = None
) -> Receipt:
    """Store a notice, open or join its case and audit the receipt; see the module docstring."""
    now = now or utcnow()
    trusted = False
    if notice.flagger_id is not None:
        flagger = get_flagger(session, notice.flagger_id)
        if flagger is None:
            raise UnknownFlagger(f"no trusted flagger {notice.flagger_id!r} is registered")
        trusted = flagger.covers(notice.category)
    fingerprint = notice.fingerprint()
    row = {
        "id": notice.id,
        "reporter_account_id": notice.reporter_account_id,
        "content_id": notice.content_id,
        "account_id": notice.account_id,
        "reason": notice.category,
        "trusted_flagger": trusted,
        "occurred_at": notice.occurred_at or now,
        "data": {
            "kind": NOTICE_KIND,
            "fingerprint": fingerprint,
            "keywords": notice.keywords,
            "explanation": notice.explanation,
            "good_faith": notice.good_faith,
            "contact_given": notice.reporter is not None,
            "metadata": notice.metadata,
            "outcomes": [],
        },
        "ingested_at": now,
        "url": notice.url,
        "flagger_id": notice.flagger_id,
        "case_id": None,
        "status": ReportStatus.RECEIVED,
        "outcome": None,
        "decided_at": None,
    }
    if not insert_ignore(session, ReportRow, [row], "id"):
        existing = session.get(ReportRow, notice.id)
        assert existing is not None
        if (existing.data or {}).get("fingerprint") != fingerprint:
            raise NoticeConflict(f"notice id {notice.id!r} was used before with a different notice")
        return Receipt(report_view(existing), created=False, opened_case=False)

    if notice.reporter is not None:
        contact = {
            "report_id": notice.id,
            "name": notice.reporter.name,
            "email": notice.reporter.email,
            "created_at": now,
        }
        insert_ignore(session, ReportContactRow, [contact], "report_id")
    insert_ignore(session, EventRow, [_report_event(notice, trusted, now)], "id")

    subject_type, subject_id = notice_subject(notice.content_id, notice.url)
    case_id, opened = route_notice(session, subject_type, subject_id, now)
    session.execute(update(ReportRow).where(ReportRow.id == notice.id).values(case_id=case_id))
    priority = refresh_priority(session, case_id)
    record_by(
        session,
        principal,
        "report.receive",
        subject=f"report:{notice.id}",
        details={
            "category": notice.category,
            "trusted_flagger": trusted,
            "flagger_id": notice.flagger_id,
            "case_id": case_id,
            "case_opened": opened,
            "priority": priority,
        },
    )
    log.info(
        "notice %s received: category=%s trusted_flagger=%s case=%s%s priority=%.2f",
        notice.id,
        notice.category,
        trusted,
        case_id,
        " (new)" if opened else "",
        priority,
    )
    stored = session.get(ReportRow, notice.id, populate_existing=True)
    assert stored is not None
    return Receipt(report_view(stored), created=True, opened_case=opened)


def _report_event(notice: NoticeIn, trusted: bool, now: datetime) -> dict[str, Any]:
    """The notice in the event log, as ingested reports are (no contact data)."""
    return {
        "id": f"sys:report:{notice.id}",
        "type": EventType.REPORT.value,
        "account_id": notice.reporter_account_id,
        "content_id": notice.content_id,
        "target_account_id": notice.account_id,
        "occurred_at": notice.occurred_at or now,
        "data": {"category": notice.category, "trusted_flagger": trusted, "notice": True},
        "ingested_at": now,
    }
