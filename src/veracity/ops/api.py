"""Operations routes: readiness (public, one word per check) and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from veracity.access.roles import METRICS_READ
from veracity.ops.health import readiness
from veracity.ops.metrics import CONTENT_TYPE, Metrics
from veracity.web.auth import require_roles

router = APIRouter(tags=["ops"])
metrics_reader = Depends(require_roles(METRICS_READ))


@router.get(
    "/readyz",
    summary="Readiness: database reachable and schema at the newest migration",
    responses={503: {"description": "Not ready; the body says which check failed."}},
)
def readyz(request: Request) -> JSONResponse:
    checks = readiness(request.app.state.db)
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


def metrics_response(request: Request) -> Response:
    """The Prometheus exposition (the role check, unless public, is added where it is routed)."""
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.render(), media_type=CONTENT_TYPE)
