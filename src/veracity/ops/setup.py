"""Wire operations into an app: metrics, request ids, JSON guards, rate-limit buckets, the
readiness and metrics routes, and an OpenAPI document that states the 422 shapes we send."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.middleware import Middleware

from veracity.config import Settings
from veracity.ops.api import metrics_reader, metrics_response
from veracity.ops.api import router as ops_router
from veracity.ops.guard import InputGuard
from veracity.ops.metrics import Metrics
from veracity.ops.observe import Observe
from veracity.ops.ratelimit import TokenBuckets


def install(app: FastAPI, settings: Settings) -> None:
    """Call after the body-size limit is added: the guard goes inside it, Observe outside."""
    app.state.metrics = Metrics()
    app.state.rate_buckets = TokenBuckets()
    app.user_middleware.append(Middleware(InputGuard, max_depth=settings.max_json_depth))
    app.add_middleware(Observe, metrics=app.state.metrics)
    app.include_router(ops_router)
    app.add_api_route(
        settings.metrics_path,
        metrics_response,
        include_in_schema=False,
        dependencies=[] if settings.metrics_public else [metrics_reader],
    )
    _document_string_details(app)


def _document_string_details(app: FastAPI) -> None:
    """Routes answer 422 with field errors (a list), one message (a string, from
    ``HTTPException(422, "...")``) or a structured report (an object, e.g. a bank upload's
    ``invalid_entries``); say so, or clients and fuzzers see a schema breach."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = build()
        schema = doc.get("components", {}).get("schemas", {}).get("HTTPValidationError")
        if schema is not None:
            listed = schema["properties"]["detail"]
            schema["properties"]["detail"] = {
                "anyOf": [
                    {"type": "array", "items": listed["items"]},
                    {"type": "string"},
                    {"type": "object"},
                ],
                "title": "Detail",
            }
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
