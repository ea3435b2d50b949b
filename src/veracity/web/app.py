"""The FastAPI application: ingestion, decisions, banks, enforcement and the web UI."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles

from veracity import __version__
from veracity.config import Settings, get_settings
from veracity.runtime import Runtime, build_runtime
from veracity.store.db import Database
from veracity.web.errors import BodySizeLimit, validation_error_handler
from veracity.web.pages import PageDenied, page_denied_handler

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    settings: Settings | None = None,
    db: Database | None = None,
    runtime: Runtime | None = None,
    api_tokens: list[str] | None = None,
) -> FastAPI:
    """Build the app. Configured tokens act as role admin; without any, a random one is made
    (read it from app.state). Users and their own tokens live in the database."""
    settings = settings or get_settings()
    db = db or Database(settings.database_url)
    runtime = runtime or build_runtime(db, settings)
    tokens = api_tokens or ([settings.api_token] if settings.api_token else [])
    if not tokens:
        tokens = [secrets.token_urlsafe(24)]

    app = FastAPI(
        title="Veracity",
        version=__version__,
        description=(
            "Integrity & Authenticity platform API. Every /v1 route needs a bearer token whose "
            "roles the route permits (docs/roles.md)."
        ),
    )
    app.state.settings = settings
    app.state.db = db
    app.state.runtime = runtime
    app.state.ingest = runtime.ingest
    app.state.on_banks_changed = lambda _bank: runtime.reload_detectors()
    app.state.api_tokens = tokens
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(PageDenied, page_denied_handler)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    from veracity.ops.setup import install as install_ops

    install_ops(app, settings)

    from veracity.access.api import router as access_router
    from veracity.audit.api import router as audit_router
    from veracity.detect.api import router as banks_router
    from veracity.detect.coordination.api import router as campaigns_router
    from veracity.detect.misinfo.factchecks.api import router as factchecks_router
    from veracity.detect.misinfo.media.api import router as media_banks_router
    from veracity.enforce.api import router as enforce_router
    from veracity.experiments.api import router as experiments_router
    from veracity.ingest.api import router as ingest_router
    from veracity.notes.api import router as notes_router
    from veracity.notes.ui import router as notes_ui_router
    from veracity.reports.api import router as reports_router
    from veracity.review.api import router as review_router
    from veracity.web.aigc_api import router as aigc_router
    from veracity.web.campaigns_ui import router as campaigns_ui_router
    from veracity.web.decisions_api import router as decisions_router
    from veracity.web.login_ui import router as login_router
    from veracity.web.measure_ui import api as measure_api_router
    from veracity.web.measure_ui import router as measure_ui_router
    from veracity.web.review_ui import router as review_ui_router
    from veracity.web.ui import router as ui_router

    app.include_router(ingest_router)
    app.include_router(reports_router)
    app.include_router(decisions_router)
    app.include_router(enforce_router)
    app.include_router(banks_router)
    app.include_router(factchecks_router)
    app.include_router(media_banks_router)
    app.include_router(aigc_router)
    app.include_router(campaigns_router)
    app.include_router(audit_router)
    app.include_router(access_router)
    app.include_router(login_router)
    app.include_router(ui_router)
    app.include_router(campaigns_ui_router)
    app.include_router(notes_router)
    app.include_router(notes_ui_router)
    app.include_router(experiments_router)
    app.include_router(review_router)
    app.include_router(review_ui_router)
    app.include_router(measure_ui_router)
    app.include_router(measure_api_router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/healthz", tags=["ops"], summary="Liveness")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    return app
