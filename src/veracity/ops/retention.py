"""Data retention: delete what the retention policy says must go, and nothing else.

* Notifier contact data (name, e-mail in ``report_contacts``) older than
  ``retention_report_contacts_days`` is deleted; the report itself stays (it carries no PII).
* Content text older than ``retention_content_text_days`` is blanked (column and the copy in
  ``data``) unless a decision took an action on that content, whose statement of reasons and
  appeal may need it.

Running it again changes nothing more (idempotent): erased rows no longer match.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, select, update

from veracity.store.db import Database, utcnow
from veracity.store.tables import ContentRow, DecisionRow, ReportContactRow

BATCH = 1000
ERASED_MARK = "text_erased_at"


@dataclass(frozen=True)
class RetentionPolicy:
    """Days each kind of data is kept; None keeps it."""

    report_contacts_days: float | None = None
    content_text_days: float | None = None


@dataclass
class RetentionReport:
    report_contacts_deleted: int = 0
    content_texts_erased: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_retention(
    db: Database, policy: RetentionPolicy, now: datetime | None = None
) -> RetentionReport:
    """Apply ``policy`` once; returns what it removed."""
    now = now or utcnow()
    report = RetentionReport()
    if policy.report_contacts_days is not None:
        cutoff = now - timedelta(days=policy.report_contacts_days)
        with db.transaction() as session:
            result = session.execute(
                delete(ReportContactRow).where(ReportContactRow.created_at < cutoff)
            )
            report.report_contacts_deleted = int(getattr(result, "rowcount", 0) or 0)
    if policy.content_text_days is not None:
        cutoff = now - timedelta(days=policy.content_text_days)
        report.content_texts_erased = _erase_content_text(db, cutoff, now)
    return report


def _erase_content_text(db: Database, cutoff: datetime, now: datetime) -> int:
    actioned = exists().where(
        and_(
            DecisionRow.subject_type == "content",
            DecisionRow.subject_id == ContentRow.id,
            DecisionRow.action_count > 0,
        )
    )
    erased = 0
    while True:
        with db.transaction() as session:
            rows = session.execute(
                select(ContentRow.id, ContentRow.data)
                .where(ContentRow.ingested_at < cutoff, ContentRow.text != "", ~actioned)
                .order_by(ContentRow.id)
                .limit(BATCH)
            ).all()
            for content_id, data in rows:
                kept = {k: v for k, v in (data or {}).items() if k != "text"}
                kept[ERASED_MARK] = now.isoformat()
                session.execute(
                    update(ContentRow).where(ContentRow.id == content_id).values(text="", data=kept)
                )
        erased += len(rows)
        if len(rows) < BATCH:
            return erased
