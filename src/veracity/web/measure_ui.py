"""Measurement dashboards for analysts (issue 8): KPIs with intervals, daily series, the
enforcement funnel, detector calibration, as server-drawn SVG; CSV export of the KPIs and the
series; and the JSON KPI API. Reading needs MEASURE_READ (analyst, auditor, policy admin)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from veracity.access.principal import Principal
from veracity.access.roles import MEASURE_READ
from veracity.measure.dashboard import Dashboard, build
from veracity.measure.definitions import dictionary
from veracity.measure.kpi import EngineUnavailable
from veracity.measure.report import flat_rows
from veracity.measure.svg import calibration_svg, funnel_svg, timeseries_svg
from veracity.review.config import ReviewConfigError, configured
from veracity.web.auth import require_roles
from veracity.web.pages import PageAccess, templates

router = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/v1/kpi", tags=["measurement"], dependencies=[Depends(require_roles(MEASURE_READ))]
)
Reader = Annotated[Principal, Depends(PageAccess(MEASURE_READ))]
When = Annotated[datetime | None, Query(description="ISO date/time (UTC when naive)")]


def _window(
    since: datetime | None, until: datetime | None
) -> tuple[datetime | None, datetime | None]:
    since = since if since is None or since.tzinfo else since.replace(tzinfo=UTC)
    until = until if until is None or until.tzinfo else until.replace(tzinfo=UTC)
    if since is not None and until is not None and until <= since:
        raise HTTPException(422, "until must be after since")
    return since, until


def _dashboard(request: Request, since: datetime | None, until: datetime | None) -> Dashboard:
    since, until = _window(since, until)
    try:
        config = configured()
    except ReviewConfigError as exc:
        raise HTTPException(503, f"review configuration refused: {exc}") from None
    try:
        return build(request.app.state.db, config, since, until)
    except EngineUnavailable as exc:
        raise HTTPException(503, str(exc)) from None


def _csv(rows: list[list[Any]], name: str) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/ui/measure", response_class=HTMLResponse)
def measure_page(
    request: Request, _access: Reader, since: When = None, until: When = None
) -> Response:
    d = _dashboard(request, since, until)
    detectors = d.quality["detectors"]
    return templates.TemplateResponse(
        request,
        "measure.html",
        {
            "k": d.kpis,
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
            "query": request.url.query,
            "actions_svg": timeseries_svg(d.days, ["actioned", "removals", "proactive"]),
            "views_svg": timeseries_svg(d.days, ["views"]),
            "funnel_svg": funnel_svg(d.stages),
            "calibration": {n: calibration_svg(v["calibration"], n) for n, v in detectors.items()},
            "detectors": detectors,
            "rules": d.quality["rules"],
            "dictionary": dictionary(),
        },
    )


@router.get("/ui/measure/kpis.csv")
def kpis_csv(request: Request, _access: Reader, since: When = None, until: When = None) -> Response:
    d = _dashboard(request, since, until)
    return _csv(
        [["kpi", "value"], *[[k, "" if v is None else v] for k, v in flat_rows(d.kpis)]], "kpis.csv"
    )


@router.get("/ui/measure/daily.csv")
def daily_csv(
    request: Request, _access: Reader, since: When = None, until: When = None
) -> Response:
    d = _dashboard(request, since, until)
    head = ["day", "views", "actioned", "removals", "proactive"]
    rows = [
        [datetime.fromtimestamp(r["day"], UTC).date().isoformat(), *(r[h] for h in head[1:])]
        for r in d.days
    ]
    return _csv([head, *rows], "daily.csv")


@api.get("", summary="KPIs keyed by name (docs/measurement.md)")
def kpi_api(request: Request, since: When = None, until: When = None) -> dict[str, Any]:
    return _dashboard(request, since, until).kpis


@api.get("/dictionary", summary="KPI definitions")
def kpi_dictionary() -> dict[str, Any]:
    return {"kpis": dictionary()}
