"""HTTP routes for fact-checks: submit verdicts, browse them, retract one.

Submitting a verdict re-labels the stored posts it concerns before answering (see
``verdicts``), so the answer says how many posts were re-decided. Re-sending a record is
idempotent: an unchanged record, or an explicit ``version`` already stored, changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from veracity.access.principal import Principal
from veracity.access.roles import FACTCHECKS_READ, FACTCHECKS_WRITE
from veracity.audit.actors import record_by
from veracity.detect.misinfo.factchecks.model import FactCheckIn, FactCheckStatus
from veracity.detect.misinfo.factchecks.ratings import Rating
from veracity.detect.misinfo.factchecks.store import (
    MAX_LIST,
    VersionConflictError,
    get_fact_check,
    list_fact_checks,
)
from veracity.detect.misinfo.factchecks.verdicts import (
    ClaimDetectorMissingError,
    RelabelReport,
    record_verdict,
    retract_verdict,
)
from veracity.domain.limits import MAX_BATCH_ITEMS
from veracity.runtime import Runtime
from veracity.store.db import Database
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["fact-checks"])
READ = [Depends(require_roles(FACTCHECKS_READ))]
Writer = Annotated[Principal, Depends(require_roles(FACTCHECKS_WRITE))]


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


Db = Annotated[Database, Depends(_db)]
RuntimeDep = Annotated[Runtime, Depends(_runtime)]


class FactCheckBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[FactCheckIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class Retraction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=2000)


def _unavailable(exc: ClaimDetectorMissingError) -> HTTPException:
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(exc))


def _audit(db: Database, who: Principal, action: str, report: RelabelReport) -> None:
    """Verdicts are decisions made by people: audit what changed (ids, ratings, counts)."""
    changed = [o.to_json() for o in report.fact_checks if o.changed]
    if not changed:
        return
    subject = f"fact_check:{changed[0]['id']}" if len(changed) == 1 else None
    with db.transaction() as session:
        record_by(
            session,
            who,
            action,
            subject,
            {
                "fact_checks": changed[:100],
                "count": len(changed),
                "redecided": len(report.decisions),
            },
        )


@router.post(
    "/fact-checks", summary="Submit fact-checks; stored posts they concern are re-labelled"
)
def post_fact_checks(
    batch: FactCheckBatch, db: Db, runtime: RuntimeDep, who: Writer
) -> dict[str, Any]:
    try:
        report = record_verdict(db, runtime, batch.items)
    except VersionConflictError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    except ClaimDetectorMissingError as exc:
        raise _unavailable(exc) from None
    _audit(db, who, "factcheck.submit", report)
    return report.to_json()


@router.get(
    "/fact-checks", summary="List fact-checks, optionally by rating and status", dependencies=READ
)
def get_fact_checks(
    db: Db,
    rating: Rating | None = None,
    fc_status: Annotated[FactCheckStatus | None, Query(alias="status")] = None,
    after: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 100,
) -> dict[str, Any]:
    with db.transaction() as session:
        page = list_fact_checks(
            session, rating=rating, status=fc_status, after_id=after, limit=limit
        )
    return {
        "items": [fc.to_json() for fc in page],
        "next": page[-1].id if len(page) == limit else None,
    }


@router.get("/fact-checks/{fc_id}", summary="One fact-check", dependencies=READ)
def get_one_fact_check(fc_id: str, db: Db) -> dict[str, Any]:
    with db.transaction() as session:
        found = get_fact_check(session, fc_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no fact-check {fc_id!r}")
    return found.to_json()


@router.post(
    "/fact-checks/{fc_id}/retract",
    summary="Retract a fact-check; its labels are taken down from stored posts",
)
def retract(
    fc_id: str, db: Db, runtime: RuntimeDep, who: Writer, body: Retraction | None = None
) -> dict[str, Any]:
    try:
        report = retract_verdict(db, runtime, fc_id, reason=body.reason if body else None)
    except ClaimDetectorMissingError as exc:
        raise _unavailable(exc) from None
    if report is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no fact-check {fc_id!r}")
    _audit(db, who, "factcheck.retract", report)
    return report.to_json()
