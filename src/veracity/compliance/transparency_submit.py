"""Submitting stored statements of reasons to the DSA Transparency Database, and remembering
where each one stands (``dsa_submissions``) so an accepted puid is never sent again.

A run takes the statements that are not accepted (nor refused by the database, unless asked),
validates each body here, sends the valid ones in batches, and records each batch's outcome
in its own transaction, so a crash loses at most one batch's record; the database's puid
uniqueness then answers the re-send with ``existing_puids``, which is recorded as accepted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from veracity.compliance import transparency_schema as S
from veracity.compliance.statements import StatementOfReasons
from veracity.compliance.transparency_client import BatchResult, TransparencyClient
from veracity.compliance.transparency_export import Exported, export_page
from veracity.store.db import Database, utcnow
from veracity.store.tables import DsaSubmissionRow, StatementRow

PENDING, ACCEPTED, REJECTED, INVALID = "pending", "accepted", "rejected", "invalid"


@dataclass
class SubmitReport:
    """Counts of one run, printed by ``veracity dsa submit``."""

    submitted: int = 0  # statements carried by at least one request
    accepted: int = 0
    rejected: int = 0
    retried: int = 0  # requests repeated after a 5xx, 408/429 or timeout
    pending: int = 0  # still unsettled after the retry budget; sent again next run
    invalid: int = 0  # failed validation here, not sent
    requests: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _upsert(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or overwrite submission rows by puid (both dialects, one statement)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = builder(DsaSubmissionRow)
    stmt = stmt.on_conflict_do_update(
        index_elements=["puid"],
        set_={
            c: stmt.excluded[c]
            for c in ("status", "attempts", "uuid", "errors", "updated_at", "accepted_at")
        },
    )
    session.execute(stmt, list(rows))


def _attempts(session: Session, puids: Sequence[str]) -> dict[str, int]:
    found = session.execute(
        select(DsaSubmissionRow.puid, DsaSubmissionRow.attempts).where(
            DsaSubmissionRow.puid.in_(list(puids))
        )
    )
    return {p: n for p, n in found}


def _candidates(
    db: Database,
    *,
    since: datetime | None,
    until: datetime | None,
    retry_rejected: bool,
    page: int = 500,
) -> Iterator[list[Exported]]:
    """Statements not accepted yet (nor refused, unless ``retry_rejected``), in issue order,
    with their API bodies; a page per transaction, so recording outcomes meanwhile is safe."""
    skip = [ACCEPTED] if retry_rejected else [ACCEPTED, REJECTED]
    after = 0
    while True:
        stmt = (
            select(StatementRow.seq, StatementRow.record)
            .outerjoin(DsaSubmissionRow, DsaSubmissionRow.puid == StatementRow.puid)
            .where(StatementRow.seq > after)
            .where(or_(DsaSubmissionRow.status.is_(None), DsaSubmissionRow.status.not_in(skip)))
            .order_by(StatementRow.seq)
            .limit(page)
        )
        if since is not None:
            stmt = stmt.where(StatementRow.created_at >= since)
        if until is not None:
            stmt = stmt.where(StatementRow.created_at < until)
        with db.transaction() as session:
            rows = session.execute(stmt).all()
            if not rows:
                return
            after = rows[-1][0]
            exported = export_page(session, [StatementOfReasons.model_validate(r) for _, r in rows])
        yield exported


def _record_invalid(db: Database, invalid: Sequence[Exported]) -> None:
    now = utcnow()
    with db.transaction() as session:
        _upsert(
            session,
            [
                {
                    "puid": e.statement.puid,
                    "status": INVALID,
                    "attempts": 0,
                    "uuid": None,
                    "errors": [v.as_dict() for v in e.violations],
                    "updated_at": now,
                    "accepted_at": None,
                }
                for e in invalid
            ],
        )


def _record_batch(db: Database, result: BatchResult, sent: Sequence[str]) -> None:
    now = utcnow()
    with db.transaction() as session:
        tries = _attempts(session, sent)
        rows: list[dict[str, Any]] = []
        for puid in sent:
            row: dict[str, Any] = {
                "puid": puid,
                "attempts": tries.get(puid, 0) + 1,
                "uuid": None,
                "errors": None,
                "updated_at": now,
                "accepted_at": None,
            }
            if puid in result.accepted:
                row.update(status=ACCEPTED, uuid=result.accepted[puid], accepted_at=now)
            elif puid in result.rejected:
                row.update(status=REJECTED, errors=result.rejected[puid])
            else:
                problem = result.pending.get(puid, "no answer")
                row.update(status=PENDING, errors=[{"field": "", "reason": problem}])
            rows.append(row)
        _upsert(session, rows)


def submit_statements(
    db: Database,
    client: TransparencyClient,
    *,
    batch_size: int = S.MAX_BATCH,
    since: datetime | None = None,
    until: datetime | None = None,
    retry_rejected: bool = False,
    report: SubmitReport | None = None,
) -> SubmitReport:
    """One submission run (see the module doc); returns its counts, kept in ``report`` as they
    grow so a caller still has them when the run stops on a ``SubmissionError``."""
    if not 1 <= batch_size <= S.MAX_BATCH:
        raise ValueError(f"batch size must be 1 to {S.MAX_BATCH}, got {batch_size}")
    report = report if report is not None else SubmitReport()
    ready: list[dict[str, Any]] = []

    def send(batch: list[dict[str, Any]]) -> None:
        result = client.submit(batch)
        puids = [str(b["puid"]) for b in batch]
        _record_batch(db, result, puids)
        report.submitted += len(batch)
        report.accepted += len(result.accepted)
        report.rejected += len(result.rejected)
        report.pending += len(result.pending)
        report.retried += result.retries
        report.requests += result.requests

    for exported in _candidates(db, since=since, until=until, retry_rejected=retry_rejected):
        invalid = [e for e in exported if e.violations]
        if invalid:
            _record_invalid(db, invalid)
            report.invalid += len(invalid)
        for e in exported:
            if e.violations:
                continue
            ready.append(e.body)
            if len(ready) == batch_size:
                send(ready)
                ready = []
    if ready:
        send(ready)
    return report
