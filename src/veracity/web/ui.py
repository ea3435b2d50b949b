"""Server-rendered pages: the decisions list and one decision explained (sign-in: login_ui)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from veracity.access.roles import DECISIONS_READ
from veracity.store import queries
from veracity.web.pages import PageAccess, templates

__all__ = ["router", "templates"]

router = APIRouter(include_in_schema=False)
READ = [Depends(PageAccess(DECISIONS_READ))]


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/decisions", status_code=303)


@router.get("/ui/decisions", response_class=HTMLResponse, dependencies=READ)
def decisions_page(
    request: Request,
    before: Annotated[int | None, Query(ge=1)] = None,
    actioned: bool = False,
) -> Response:
    limit = 50
    with request.app.state.db.transaction() as session:
        rows = queries.list_decisions(
            session, limit=limit, before_seq=before, with_actions_only=actioned
        )
        counts = queries.decision_counts(session)
    return templates.TemplateResponse(
        request,
        "decisions.html",
        {
            "rows": rows,
            "counts": counts,
            "actioned": actioned,
            "next_before": rows[-1][0] if len(rows) == limit else None,
        },
    )


@router.get("/ui/decisions/{decision_id}", response_class=HTMLResponse, dependencies=READ)
def decision_page(request: Request, decision_id: str) -> Response:
    with request.app.state.db.transaction() as session:
        decision = queries.get_decision(session, decision_id)
        if decision is None:
            return templates.TemplateResponse(
                request, "not_found.html", {"what": f"decision {decision_id}"}, status_code=404
            )
        signals = queries.signals_for(session, decision.subject_type.value, decision.subject_id)
        content = queries.content_data(session, decision.subject_id)
    return templates.TemplateResponse(
        request,
        "decision.html",
        {"d": decision, "signals": signals, "content": content},
    )
