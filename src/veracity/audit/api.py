"""``GET /v1/audit``: the audit log for auditors, oldest first, paged by seq."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from veracity.access.roles import AUDIT_READ
from veracity.audit.log import list_entries
from veracity.store.db import Database
from veracity.web.auth import require_roles

MAX_PAGE = 1000

router = APIRouter(prefix="/v1", tags=["audit"], dependencies=[Depends(require_roles(AUDIT_READ))])


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    subject: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_after: int | None = Field(
        description="Pass as ?after= for the next page; null at the end."
    )


@router.get("/audit", response_model=AuditPage, summary="Audit log entries, oldest first")
def audit_log(
    request: Request,
    after: Annotated[int, Query(ge=0, description="Entries with a seq above this one.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    subject: Annotated[str | None, Query(max_length=256)] = None,
) -> AuditPage:
    """Each entry carries its hash and its predecessor's; `veracity audit verify` checks them."""
    db: Database = request.app.state.db
    with db.transaction() as session:
        entries = list_entries(
            session, after=after, limit=limit, action=action, actor=actor, subject=subject
        )
    return AuditPage(
        items=[AuditEntryOut(**e.to_json()) for e in entries],
        next_after=entries[-1].seq if len(entries) == limit else None,
    )
