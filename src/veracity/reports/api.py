"""HTTP routes for notices (DSA Art. 16) and the trusted-flagger registry (Art. 22).

``POST /v1/reports`` is for the platform's machines (role ``service``), which relay their users'
notices; ``GET /v1/reports/{id}`` tells them where a notice stands. The registry routes are for
administrators. Errors are 4xx with the field named: 422 for an invalid notice (a missing or
false good-faith statement included), 409 for a reused id, 404 for an unknown one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from veracity.access.principal import Principal
from veracity.access.roles import FLAGGERS_ADMIN, REPORTS
from veracity.audit.actors import record_by
from veracity.domain.limits import MAX_ID_CHARS
from veracity.reports.flaggers import (
    FlaggerError,
    FlaggerExists,
    FlaggerNotFound,
    add_flagger,
    list_flaggers,
    revoke_flagger,
)
from veracity.reports.model import NoticeIn
from veracity.reports.service import (
    NoticeConflict,
    ReportOut,
    UnknownFlagger,
    get_report,
    submit_notice,
)
from veracity.store.db import Database
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["reports"])

ReportsCaller = Annotated[Principal, Depends(require_roles(REPORTS))]
AdminCaller = Annotated[Principal, Depends(require_roles(FLAGGERS_ADMIN))]
ReportId = Annotated[
    str, Path(min_length=1, max_length=MAX_ID_CHARS, pattern=r"^[A-Za-z0-9_.:@\-]+$")
]
FlaggerId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _field_error(field: str, message: str) -> JSONResponse:
    """A 422 in the shape of every other validation error (web/errors.py)."""
    detail = [{"field": field, "msg": message, "type": "value_error", "loc": ["body", field]}]
    return JSONResponse(status_code=422, content={"detail": detail})


@router.post(
    "/reports",
    response_model=ReportOut,
    status_code=status.HTTP_201_CREATED,
    summary="Submit a notice (DSA Art. 16) on behalf of a user or trusted flagger",
    responses={
        200: {"description": "The same notice was received before (idempotent re-send)."},
        409: {"description": "The id was used before for a different notice."},
        422: {"description": "The notice is invalid; `detail` names each field."},
    },
)
def post_report(notice: NoticeIn, request: Request, response: Response, who: ReportsCaller) -> Any:
    """The answer is the acknowledgement of receipt (Art. 16(4)): the notice's status, its
    case, and a text the platform can forward. A notice from an active trusted flagger within
    its areas is marked `trusted_flagger` and its case gets priority (docs/reports.md)."""
    try:
        with _db(request).transaction() as session:
            receipt = submit_notice(session, notice, who)
    except UnknownFlagger as exc:
        return _field_error("flagger_id", str(exc))
    except NoticeConflict as exc:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=str(exc)) from None
    if not receipt.created:
        response.status_code = status.HTTP_200_OK
    return receipt.report


@router.get("/reports/{report_id}", response_model=ReportOut, summary="A notice's status")
def get_report_status(report_id: ReportId, request: Request, who: ReportsCaller) -> ReportOut:
    """Status, case and outcome of a notice; never the notifier's contact details."""
    with _db(request).transaction() as session:
        found = get_report(session, report_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no report {report_id!r}")
    return found


class FlaggerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$", description="A slug."
    )
    name: str = Field(min_length=1, max_length=200, description="The entity's name.")
    areas: list[Annotated[str, Field(max_length=80)]] = Field(
        min_length=1,
        max_length=16,
        description="Areas of expertise: STATEMENT_CATEGORY_* values (or their bare names).",
    )
    member_state: str | None = Field(
        default=None,
        max_length=2,
        description="The awarding Digital Services Coordinator's Member State (ISO 3166 alpha-2).",
    )


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class FlaggerOut(BaseModel):
    id: str
    name: str
    areas: list[str]
    member_state: str | None
    status: str
    created_at: str
    revoked_at: str | None
    revoke_reason: str | None
    notices: int = Field(description="Notices received from this flagger.")
    outcomes: dict[str, int] = Field(description="Decided notices by outcome.")


class FlaggerPage(BaseModel):
    items: list[FlaggerOut]


@router.get("/trusted-flaggers", response_model=FlaggerPage, summary="The trusted flaggers")
def get_flaggers(request: Request, who: AdminCaller) -> FlaggerPage:
    with _db(request).transaction() as session:
        flaggers = list_flaggers(session)
    return FlaggerPage(items=[FlaggerOut(**f.to_json()) for f in flaggers])


@router.post(
    "/trusted-flaggers",
    response_model=FlaggerOut,
    status_code=status.HTTP_201_CREATED,
    summary="Register a trusted flagger",
    responses={409: {"description": "The id exists already."}},
)
def post_flagger(body: FlaggerIn, request: Request, who: AdminCaller) -> Any:
    try:
        with _db(request).transaction() as session:
            flagger = add_flagger(session, body.id, body.name, body.areas, body.member_state)
            record_by(
                session,
                who,
                "flagger.add",
                subject=f"flagger:{flagger.id}",
                details={"areas": flagger.areas, "member_state": flagger.member_state},
            )
    except FlaggerExists as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    except FlaggerError as exc:
        return _field_error(exc.field, str(exc))
    return FlaggerOut(**flagger.to_json())


@router.post(
    "/trusted-flaggers/{flagger_id}/revoke",
    response_model=FlaggerOut,
    summary="Revoke a trusted flagger's status",
)
def post_revoke(flagger_id: FlaggerId, body: RevokeIn, request: Request, who: AdminCaller) -> Any:
    try:
        with _db(request).transaction() as session:
            flagger, changed = revoke_flagger(session, flagger_id, body.reason)
            if changed:
                record_by(session, who, "flagger.revoke", subject=f"flagger:{flagger.id}")
    except FlaggerNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except FlaggerError as exc:
        return _field_error(exc.field, str(exc))
    return FlaggerOut(**flagger.to_json())
