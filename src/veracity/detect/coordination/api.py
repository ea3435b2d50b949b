"""Read API for campaigns and engagement counts corrected for lockstep groups (issue 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel

from veracity.access.principal import Principal
from veracity.access.roles import (
    CAMPAIGNS_DECIDE,
    CAMPAIGNS_READ,
    ENGAGEMENT_READ,
    STATEMENTS_READ,
)
from veracity.compliance.statements import StatementOfReasons, list_statements
from veracity.detect.coordination.decide import (
    CampaignDecisionIn,
    CampaignNotFound,
    IdempotencyConflict,
    decide_campaign,
)
from veracity.detect.coordination.decision_audit import decided_by, record_campaign_decision
from veracity.detect.coordination.store import content_engagement, get_campaign, list_campaigns
from veracity.store.db import Database, utcnow
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["campaigns"])
READ = [Depends(require_roles(CAMPAIGNS_READ))]
Decider = Annotated[Principal, Depends(require_roles(CAMPAIGNS_DECIDE))]


class CampaignSummary(BaseModel):
    id: str
    kind: str
    status: str
    score: float
    member_count: int
    reach: int
    first_seen_at: datetime
    last_seen_at: datetime
    engine: str
    updated_at: datetime


class CampaignMember(BaseModel):
    account_id: str
    score: float


class EngagementDiscount(BaseModel):
    subject_type: str
    subject_id: str
    action: str
    discounted: int
    window_start: datetime
    window_end: datetime


class CampaignDetail(CampaignSummary):
    members: list[CampaignMember]
    evidence: dict[str, Any]
    discounts: list[EngagementDiscount]


class CampaignList(BaseModel):
    campaigns: list[CampaignSummary]


class EngagementCounts(BaseModel):
    likes: int
    shares: int


class ContentEngagement(BaseModel):
    content_id: str
    raw: EngagementCounts
    discounted: EngagementCounts
    corrected: EngagementCounts
    campaigns: list[str]


class CampaignDecisionOut(BaseModel):
    id: str
    campaign_id: str
    created: bool
    action: str
    decision_ids: list[str]
    statements: list[StatementOfReasons]
    created_at: datetime


class StatementList(BaseModel):
    statements: list[StatementOfReasons]


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@router.get("/campaigns", summary="Coordinated campaigns, highest score first", dependencies=READ)
def campaigns_index(
    request: Request,
    kind: Annotated[
        str | None, Query(description="coordinated or fake_engagement", max_length=32)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CampaignList:
    with _db(request).transaction() as session:
        rows = list_campaigns(session, kind, limit, offset)
    return CampaignList(campaigns=[CampaignSummary(**r) for r in rows])


@router.get(
    "/campaigns/{campaign_id}",
    summary="One campaign: members, evidence, discounts",
    dependencies=READ,
)
def campaign_detail(
    request: Request, campaign_id: Annotated[str, Path(max_length=64)]
) -> CampaignDetail:
    with _db(request).transaction() as session:
        found = get_campaign(session, campaign_id)
    if found is None:
        raise HTTPException(status_code=404, detail="no such campaign")
    return CampaignDetail(**found)


@router.get(
    "/content/{content_id}/engagement",
    summary="Raw like/share counts and the counts without lockstep (fake) engagement",
    dependencies=[Depends(require_roles(ENGAGEMENT_READ))],
)
def engagement(
    request: Request, content_id: Annotated[str, Path(max_length=128)]
) -> ContentEngagement:
    with _db(request).transaction() as session:
        return ContentEngagement(**content_engagement(session, content_id))


@router.post(
    "/campaigns/{campaign_id}/decision",
    summary="Act on every member of a campaign: account decisions, statements, enforcement",
    status_code=201,
    responses={
        200: {"description": "Replay of an earlier request with the same idempotency key"},
        404: {"description": "No such campaign"},
        409: {"description": "Idempotency key already used with a different request"},
    },
)
def campaign_decision(
    request: Request,
    response: Response,
    campaign_id: Annotated[str, Path(max_length=64)],
    body: CampaignDecisionIn,
    who: Decider,
) -> CampaignDecisionOut:
    body = decided_by(body, who)
    try:
        with _db(request).transaction() as session:
            result = decide_campaign(session, campaign_id, body, utcnow())
            record_campaign_decision(session, who, body, result)
    except CampaignNotFound:
        raise HTTPException(status_code=404, detail="no such campaign") from None
    except IdempotencyConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    if not result.created:
        response.status_code = 200
    return CampaignDecisionOut(**result.__dict__)


@router.get(
    "/campaigns/{campaign_id}/statements",
    summary="Statements of reasons (DSA Art. 17) issued for a campaign's members",
    dependencies=[Depends(require_roles(STATEMENTS_READ))],
)
def campaign_statements(
    request: Request,
    campaign_id: Annotated[str, Path(max_length=64)],
    account_id: Annotated[str | None, Query(max_length=128)] = None,
) -> StatementList:
    with _db(request).transaction() as session:
        found = list_statements(session, source_ref=campaign_id, subject_id=account_id)
    return StatementList(statements=found)
