"""Read-side queries shared by the API, the UI and the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from veracity.domain.decisions import Decision
from veracity.domain.entities import AccountIn
from veracity.store.tables import AccountRow, ContentRow, DecisionRow, SignalRow


def list_decisions(
    session: Session,
    *,
    limit: int = 50,
    before_seq: int | None = None,
    subject_id: str | None = None,
    with_actions_only: bool = False,
) -> list[tuple[int, Decision]]:
    """Newest first, keyset-paginated by ``seq``."""
    stmt = select(DecisionRow.seq, DecisionRow.record).order_by(DecisionRow.seq.desc()).limit(limit)
    if before_seq is not None:
        stmt = stmt.where(DecisionRow.seq < before_seq)
    if subject_id is not None:
        stmt = stmt.where(DecisionRow.subject_id == subject_id)
    if with_actions_only:
        stmt = stmt.where(DecisionRow.action_count > 0)
    return [(seq, Decision.model_validate(rec)) for seq, rec in session.execute(stmt)]


def get_decision(session: Session, decision_id: str) -> Decision | None:
    record = session.scalar(select(DecisionRow.record).where(DecisionRow.id == decision_id))
    return Decision.model_validate(record) if record is not None else None


def signals_for(session: Session, subject_type: str, subject_id: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(SignalRow)
        .where(SignalRow.subject_type == subject_type, SignalRow.subject_id == subject_id)
        .order_by(SignalRow.id)
    ).scalars()
    return [
        {
            "detector": r.detector,
            "detector_version": r.detector_version,
            "source": f"{r.detector}@{r.detector_version}",
            "outputs": r.outputs,
            "evidence": r.evidence,
            "created_at": r.created_at.isoformat() if r.created_at else None,
        }
        for r in rows
    ]


def content_data(session: Session, content_id: str) -> dict[str, Any] | None:
    data: dict[str, Any] | None = session.scalar(
        select(ContentRow.data).where(ContentRow.id == content_id)
    )
    return data


def decision_counts(session: Session) -> dict[str, int]:
    total = session.scalar(select(func.count()).select_from(DecisionRow)) or 0
    actioned = (
        session.scalar(
            select(func.count()).select_from(DecisionRow).where(DecisionRow.action_count > 0)
        )
        or 0
    )
    return {"decisions": int(total), "actioned": int(actioned)}


def accounts_by_id(session: Session, ids: Iterable[str]) -> dict[str, AccountIn]:
    """The stored profiles of these accounts; unknown ids are simply absent."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(AccountRow.id, AccountRow.data).where(AccountRow.id.in_(wanted)))
    return {row.id: AccountIn.model_validate(row.data) for row in rows}
