"""Review API: queues, cases, claims, decisions, escalation, golden cases, quality and overturn
measurements (``/v1/review/...``); appeals lodged by the platform (``/v1/appeals``); and the
statements of reasons an affected user may read (``/v1/statements``).

Who decided is always the authenticated caller. Queue roles (routing.yaml) narrow the route's
roles: a fact-checker cannot decide a spam case, nor anyone but a senior reviewer an appeal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.access.roles import (
    APPEALS_LODGE,
    APPEALS_READ,
    GOLDEN_ADMIN,
    REVIEW_QUALITY,
    REVIEW_WORK,
    USER_STATEMENTS,
)
from veracity.compliance.user_statements import statement_by_puid, statements_for_account
from veracity.review.appeals import (
    AppealDecisionIn,
    AppealIn,
    decide_appeal,
    get_appeal,
    lodge_appeal,
)
from veracity.review.casepage import build_view, case_json
from veracity.review.config import ReviewConfig, ReviewConfigError, configured
from veracity.review.decide import ReviewIn, decide_case
from veracity.review.escalate import EscalateIn, escalate_case
from veracity.review.golden import GoldenIn, add_golden
from veracity.review.locks import (
    QueueFilter,
    ReviewError,
    claim,
    claim_next,
    release,
    workable_queues,
)
from veracity.review.overturn import Cohort, overturn_rates
from veracity.review.quality_report import quality_report
from veracity.review.queues import list_cases, sla_of, summary
from veracity.store.db import Database, utcnow
from veracity.store.tables import CaseRow
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["review"])
Worker = Annotated[Principal, Depends(require_roles(REVIEW_WORK))]
Analyst = Annotated[Principal, Depends(require_roles(REVIEW_QUALITY))]
GoldenAdmin = Annotated[Principal, Depends(require_roles(GOLDEN_ADMIN))]
Platform = Annotated[Principal, Depends(require_roles(APPEALS_LODGE))]
AppealReader = Annotated[Principal, Depends(require_roles(APPEALS_READ))]
StatementReader = Annotated[Principal, Depends(require_roles(USER_STATEMENTS))]
CaseId = Annotated[str, Path(min_length=1, max_length=64)]
Name = Annotated[str | None, Query(max_length=64)]
T = TypeVar("T")


def review_config(request: Request) -> ReviewConfig:
    try:
        return configured(request.app.state.settings)
    except ReviewConfigError as exc:
        raise HTTPException(status_code=503, detail=f"review configuration: {exc}") from None


@contextmanager
def _tx(request: Request) -> Iterator[Session]:
    """A transaction whose review errors become HTTP errors (the transaction rolls back)."""
    db: Database = request.app.state.db
    try:
        with db.transaction() as session:
            yield session
    except ReviewError as exc:
        raise HTTPException(status_code=exc.status, detail=str(exc)) from None


def _run(request: Request, work: Callable[[Session], T]) -> T:
    with _tx(request) as session:
        return work(session)


class NextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queue: str | None = Field(default=None, max_length=64)
    policy_area: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    region: str | None = Field(default=None, max_length=32)

    def filter(self) -> QueueFilter:
        return QueueFilter(self.queue, self.policy_area, self.language, self.region)


def _claim_json(case_id: str, actor: str, until: datetime) -> dict[str, Any]:
    return {"case_id": case_id, "claimed_by": actor, "lock_expires_at": until.isoformat()}


@router.get("/review/queues", summary="Queues the caller works, and open cases by partition")
def queues(request: Request, who: Worker) -> dict[str, Any]:
    config = review_config(request)
    names = workable_queues(config, who.roles)
    now = utcnow()
    with _tx(request) as session:
        counts = summary(session, names, now)
    return {
        "queues": {n: config.queue(n).model_dump() | {"name": n} for n in names},
        "open": counts,
    }


@router.get("/review/cases", summary="Open cases in priority order")
def cases(
    request: Request,
    who: Worker,
    queue: Name = None,
    policy_area: Name = None,
    language: Name = None,
    region: Name = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    config = review_config(request)
    allowed = set(workable_queues(config, who.roles))
    if queue is not None and queue not in allowed:
        raise HTTPException(status_code=403, detail=f"you do not work the queue {queue!r}")
    now = utcnow()
    where = QueueFilter(queue, policy_area, language, region)
    with _tx(request) as session:
        rows = [
            r for r in list_cases(session, where, limit=limit, offset=offset) if r.queue in allowed
        ]
        return {"cases": [case_json(r, sla_of(config, r, now)) for r in rows]}


@router.get("/review/cases/{case_id}", summary="One case with everything a reviewer needs")
def case(request: Request, who: Worker, case_id: CaseId) -> dict[str, Any]:
    config = review_config(request)
    runtime = request.app.state.runtime
    with _tx(request) as session:
        row = session.get(CaseRow, case_id)
        if row is None:
            raise HTTPException(status_code=404, detail=f"no case {case_id!r}")
        view = build_view(
            session,
            config,
            row,
            actor=who.actor,
            roles=who.roles,
            policies=runtime.policies,
            detectors=runtime.registry,
            now=utcnow(),
        )
        return view.as_json()


@router.post("/review/cases/{case_id}/claim", summary="Claim (or renew the lock on) a case")
def claim_case(request: Request, who: Worker, case_id: CaseId) -> dict[str, Any]:
    config = review_config(request)
    made = _run(request, lambda s: claim(s, config, case_id, who.actor, who.roles, utcnow()))
    return _claim_json(made.case_id, made.actor, made.lock_expires_at)


@router.post("/review/cases/{case_id}/release", summary="Give a claimed case back")
def release_case(request: Request, who: Worker, case_id: CaseId) -> dict[str, Any]:
    return {"released": _run(request, lambda s: release(s, case_id, who.actor))}


@router.post("/review/next", summary="Claim the highest-priority case the caller may work")
def next_case(request: Request, who: Worker, body: NextIn | None = None) -> dict[str, Any]:
    config = review_config(request)
    where = (body or NextIn()).filter()
    made = _run(request, lambda s: claim_next(s, config, who.actor, who.roles, utcnow(), where))
    if made is None:
        return {"case_id": None}
    return _claim_json(made.case_id, made.actor, made.lock_expires_at)


@router.post("/review/cases/{case_id}/decision", summary="Decide a case the caller holds")
def decision(request: Request, who: Worker, case_id: CaseId, body: ReviewIn) -> dict[str, Any]:
    config = review_config(request)
    result = _run(request, lambda s: decide_case(s, config, case_id, body, who, utcnow()))
    return result.as_json()


@router.post("/review/cases/{case_id}/escalate", summary="Escalate to senior review or fact-check")
def escalate(request: Request, who: Worker, case_id: CaseId, body: EscalateIn) -> dict[str, Any]:
    config = review_config(request)
    return _run(request, lambda s: escalate_case(s, config, case_id, body, who, utcnow()))


@router.post(
    "/review/cases/{case_id}/appeal-decision", summary="Uphold or reverse an appealed decision"
)
def appeal_decision(
    request: Request, who: Worker, case_id: CaseId, body: AppealDecisionIn
) -> dict[str, Any]:
    config = review_config(request)
    return _run(request, lambda s: decide_appeal(s, config, case_id, body, who, utcnow()))


@router.post("/review/golden", status_code=201, summary="Mix a known-answer case into a queue")
def golden(request: Request, who: GoldenAdmin, body: GoldenIn) -> dict[str, Any]:
    config = review_config(request)
    return _run(request, lambda s: add_golden(s, config, body, who, utcnow()))


@router.get("/review/quality", summary="Agreement and accuracy per reviewer and queue")
def quality(
    request: Request,
    _who: Analyst,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    return _run(request, lambda s: quality_report(s, since, until))


@router.get("/review/overturn", summary="Appeal overturn rates per decision cohort")
def overturn(
    request: Request,
    _who: Analyst,
    by: Cohort = Cohort.AUTOMATION,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    return {"by": by.value, "cohorts": _run(request, lambda s: overturn_rates(s, by, since, until))}


@router.post("/appeals", summary="Lodge an appeal for the affected user (DSA Art. 20)")
def appeal(request: Request, response: Response, who: Platform, body: AppealIn) -> dict[str, Any]:
    config = review_config(request)
    found, created = _run(request, lambda s: lodge_appeal(s, config, body, who, utcnow()))
    response.status_code = 201 if created else 200
    return found | {"created": created}


@router.get("/appeals/{appeal_id}", summary="Where an appeal stands")
def appeal_status(request: Request, _who: AppealReader, appeal_id: CaseId) -> dict[str, Any]:
    found = _run(request, lambda s: get_appeal(s, appeal_id))
    if found is None:
        raise HTTPException(status_code=404, detail=f"no appeal {appeal_id!r}")
    return found


@router.get("/statements", summary="An affected user's statements of reasons (DSA Art. 17)")
def statements(
    request: Request,
    _who: StatementReader,
    account_id: Annotated[str, Query(min_length=1, max_length=128)],
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    found, next_before = _run(
        request, lambda s: statements_for_account(s, account_id, before=before, limit=limit)
    )
    return {"account_id": account_id, "statements": found, "next_before": next_before}


@router.get("/statements/{puid}", summary="One statement of reasons and its appeal status")
def statement(request: Request, _who: StatementReader, puid: CaseId) -> dict[str, Any]:
    found = _run(request, lambda s: statement_by_puid(s, puid))
    if found is None:
        raise HTTPException(status_code=404, detail=f"no statement {puid!r}")
    return found
