"""HTTP ingestion routes: single items and batches of accounts, content, events and reports.

Re-sending an id is answered with ``status: duplicate`` and changes nothing. Unknown fields,
malformed values and oversized input are rejected whole with a 4xx that names the field.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from veracity.access.roles import INGEST
from veracity.domain.entities import AccountIn, ContentIn
from veracity.domain.events import EventIn, ReportIn
from veracity.domain.limits import MAX_BATCH_ITEMS
from veracity.ingest.results import BatchResult
from veracity.ingest.service import IngestService
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["ingest"], dependencies=[Depends(require_roles(INGEST))])

M = TypeVar("M", bound=BaseModel)


def _service(request: Request) -> IngestService:
    service: IngestService = request.app.state.ingest
    return service


Service = Annotated[IngestService, Depends(_service)]


def _counted(request: Request, result: BatchResult) -> BatchResult:
    """Count the batch's new decisions in the app's Prometheus metrics (when it has them)."""
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.count_decisions(r.actions for r in result.results if r.status == "accepted")
    return result


class AccountBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[AccountIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class ContentBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[ContentIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[EventIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class ReportBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[ReportIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


@router.post("/accounts", response_model=BatchResult, summary="Submit one account")
def post_account(item: AccountIn, service: Service) -> BatchResult:
    return service.accounts([item])


@router.post("/accounts/batch", response_model=BatchResult, summary="Submit accounts in bulk")
def post_accounts(batch: AccountBatch, service: Service) -> BatchResult:
    return service.accounts(batch.items)


@router.post(
    "/content",
    response_model=BatchResult,
    summary="Submit one content item; it is decided on synchronously",
)
def post_content(item: ContentIn, service: Service, request: Request) -> BatchResult:
    return _counted(request, service.content([item]))


@router.post("/content/batch", response_model=BatchResult, summary="Submit content in bulk")
def post_content_batch(batch: ContentBatch, service: Service, request: Request) -> BatchResult:
    return _counted(request, service.content(batch.items))


@router.post("/events", response_model=BatchResult, summary="Submit one event")
def post_event(item: EventIn, service: Service) -> BatchResult:
    return service.events([item])


@router.post("/events/batch", response_model=BatchResult, summary="Submit events in bulk")
def post_events(batch: EventBatch, service: Service) -> BatchResult:
    return service.events(batch.items)


# A single notice goes to POST /v1/reports (veracity.reports: DSA Art. 16 notices, cases and
# outcomes); this route imports report records in bulk (history, simulations) and opens no case.
@router.post(
    "/reports/batch",
    response_model=BatchResult,
    summary="Import report records in bulk (history; single notices: POST /v1/reports)",
)
def post_reports(batch: ReportBatch, service: Service) -> BatchResult:
    return service.reports(batch.items)
