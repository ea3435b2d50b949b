"""The statements of reasons an affected user may read (DSA Art. 17): those about their account
and about content they posted, newest first, each with where an appeal against it stands.

Statements are immutable records; their status is read from ``superseded_decisions``: in
force, ``reversed`` (an appeal lifted it) or ``superseded`` (a reviewer's decision on the case
it opened replaced it), with the decision that replaced it and any appeal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from veracity.compliance.statements import StatementOfReasons
from veracity.store.tables import AppealRow, ContentRow, StatementRow, SupersededRow

MAX_PAGE = 200


STATUS = {"appeal": "reversed", "review": "superseded"}


def _status(appeal: AppealRow | None, replaced: SupersededRow | None) -> dict[str, Any]:
    """In force, reversed on appeal, or superseded by a reviewer's decision; with the appeal."""
    out: dict[str, Any] = {
        "status": STATUS.get(replaced.reason, "superseded") if replaced else "in_force",
        "superseded_by": replaced.superseded_by if replaced else None,
        "appeal": None,
    }
    if appeal is not None:
        out["appeal"] = {
            "id": appeal.id,
            "status": appeal.status,
            "outcome": appeal.outcome,
            "lodged_at": appeal.lodged_at.isoformat() if appeal.lodged_at else None,
            "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None,
        }
    return out


def _statuses(session: Session, decision_ids: list[str]) -> dict[str, dict[str, Any]]:
    appeals = {
        a.decision_id: a
        for a in session.scalars(select(AppealRow).where(AppealRow.decision_id.in_(decision_ids)))
    }
    replaced = {
        r.decision_id: r
        for r in session.scalars(
            select(SupersededRow).where(SupersededRow.decision_id.in_(decision_ids))
        )
    }
    return {d: _status(appeals.get(d), replaced.get(d)) for d in decision_ids}


def statements_for_account(
    session: Session, account_id: str, *, before: int | None = None, limit: int = 50
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the account's statements and the ``before`` cursor of the next page."""
    limit = max(1, min(limit, MAX_PAGE))
    authored = select(ContentRow.id).where(ContentRow.account_id == account_id)
    about = or_(
        and_(StatementRow.subject_type == "account", StatementRow.subject_id == account_id),
        and_(StatementRow.subject_type == "content", StatementRow.subject_id.in_(authored)),
    )
    stmt = select(StatementRow.seq, StatementRow.record).where(about)
    if before is not None:
        stmt = stmt.where(StatementRow.seq < before)
    rows = session.execute(stmt.order_by(StatementRow.seq.desc()).limit(limit)).all()
    statements = [StatementOfReasons.model_validate(record) for _, record in rows]
    status = _statuses(session, [s.decision_id for s in statements])
    out = [{"statement": s.model_dump(mode="json"), **status[s.decision_id]} for s in statements]
    next_before = int(rows[-1][0]) if len(rows) == limit else None
    return out, next_before


def statement_by_puid(session: Session, puid: str) -> dict[str, Any] | None:
    record = session.scalar(select(StatementRow.record).where(StatementRow.puid == puid))
    if record is None:
        return None
    statement = StatementOfReasons.model_validate(record)
    status = _statuses(session, [statement.decision_id])[statement.decision_id]
    return {"statement": statement.model_dump(mode="json"), **status}
