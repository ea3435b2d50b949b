"""Server-rendered pages: the decisions list and one decision explained."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from veracity.store import queries
from veracity.web.auth import TOKEN_COOKIE, presented_token, token_is_valid

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)


def _authorised(request: Request) -> bool:
    return token_is_valid(presented_token(request), request.app.state.api_tokens)


def _login_redirect() -> RedirectResponse:
    return RedirectResponse("/ui/login", status_code=303)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/decisions", status_code=303)


@router.get("/ui/login", response_class=HTMLResponse)
def login_page(request: Request, token: Annotated[str | None, Query()] = None) -> Response:
    if token is not None:
        return _login_with(request, token)
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/ui/login", response_class=HTMLResponse)
def login_submit(request: Request, token: Annotated[str, Form(max_length=512)]) -> Response:
    return _login_with(request, token)


def _login_with(request: Request, token: str) -> Response:
    if not token_is_valid(token, request.app.state.api_tokens):
        return templates.TemplateResponse(
            request, "login.html", {"error": "That token is not valid."}, status_code=401
        )
    response = RedirectResponse("/ui/decisions", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", max_age=8 * 3600)
    return response


@router.get("/ui/decisions", response_class=HTMLResponse)
def decisions_page(
    request: Request,
    before: Annotated[int | None, Query(ge=1)] = None,
    actioned: bool = False,
) -> Response:
    if not _authorised(request):
        return _login_redirect()
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


@router.get("/ui/decisions/{decision_id}", response_class=HTMLResponse)
def decision_page(request: Request, decision_id: str) -> Response:
    if not _authorised(request):
        return _login_redirect()
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
