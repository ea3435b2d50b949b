"""Read AI-generated content label coverage (issue 4: "label coverage appears in the API")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from veracity.access.roles import METRICS_READ
from veracity.detect.aigc.coverage import (
    DEFAULT_DETECTION_THRESHOLD,
    LabelCoverage,
    as_utc,
    label_coverage,
)
from veracity.store.db import Database
from veracity.web.auth import require_roles

router = APIRouter(
    prefix="/v1/aigc", tags=["aigc"], dependencies=[Depends(require_roles(METRICS_READ))]
)


@router.get(
    "/label-coverage",
    summary="AI-generated label coverage over content ingested in a window",
    response_model=LabelCoverage,
)
def get_label_coverage(
    request: Request,
    since: Annotated[
        datetime | None, Query(description="ISO 8601, inclusive; naive means UTC")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="ISO 8601, exclusive; naive means UTC")
    ] = None,
    detection_threshold: Annotated[
        float,
        Query(ge=0.0, le=1.0, description="AI-text probability that counts as detection"),
    ] = DEFAULT_DETECTION_THRESHOLD,
) -> LabelCoverage:
    """Of the items with AI-generation evidence (creator disclosure, valid or trusted C2PA,
    watermark, IPTC/EXIF metadata), how many got an "ai-generated" label, overall and by
    strongest source, with Wilson 95 % intervals; detection-only items are reported apart with
    the share routed to review."""
    start, end = as_utc(since), as_utc(until)
    if start is not None and end is not None and start >= end:
        raise HTTPException(status_code=422, detail="since must be before until")
    db: Database = request.app.state.db
    with db.transaction() as session:
        return label_coverage(session, start, end, detection_threshold)
