"""What a statement of reasons gives as ``source_type`` / ``source_identity`` for a case
(Art. 17(3)(b): whether the decision was taken on a notice, and from whom where necessary).

A case that any active trusted flagger reported within its area is SOURCE_TRUSTED_FLAGGER, with
the flaggers' registered names as identity (entities, never persons); a case with other notices
is SOURCE_ARTICLE_16 with no identity (the notifier is a person); anything else is the
platform's own initiative, SOURCE_VOLUNTARY.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.compliance.statements import SOURCE_VOLUNTARY
from veracity.reports.service import SOURCE_ARTICLE_16, SOURCE_TRUSTED_FLAGGER
from veracity.store.tables import ReportRow, TrustedFlaggerRow

MAX_IDENTITY_CHARS = 500


@dataclass(frozen=True)
class NoticeSource:
    source_type: str
    source_identity: str | None = None


def notice_source(session: Session, case_id: str) -> NoticeSource:
    """The statement-of-reasons source of the decision on ``case_id`` (module docstring)."""
    rows = session.execute(
        select(ReportRow.trusted_flagger, ReportRow.flagger_id).where(ReportRow.case_id == case_id)
    ).all()
    if not rows:
        return NoticeSource(SOURCE_VOLUNTARY)
    flagger_ids = sorted({f for trusted, f in rows if trusted and f})
    if not flagger_ids:
        return NoticeSource(SOURCE_ARTICLE_16)
    names = session.scalars(
        select(TrustedFlaggerRow.name)
        .where(TrustedFlaggerRow.id.in_(flagger_ids))
        .order_by(TrustedFlaggerRow.name)
    ).all()
    identity = "; ".join(names)[:MAX_IDENTITY_CHARS] or None
    return NoticeSource(SOURCE_TRUSTED_FLAGGER, identity)
