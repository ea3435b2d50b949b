"""Server-rendered investigation pages: the campaigns list, one campaign with its evidence and
pictures, and the form that decides on the whole campaign (cookie sign-in plus a CSRF token)."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from veracity.access.principal import Principal
from veracity.access.roles import CAMPAIGNS_DECIDE, CAMPAIGNS_READ, allows
from veracity.compliance.statements import list_statements
from veracity.detect.coordination.decide import (
    CampaignAction,
    CampaignDecisionIn,
    CampaignNotFound,
    IdempotencyConflict,
    campaign_decisions,
    decide_campaign,
)
from veracity.detect.coordination.decision_audit import decided_by, record_campaign_decision
from veracity.detect.coordination.investigate import campaign_list, campaign_view
from veracity.store.db import utcnow
from veracity.web.campaign_svg import network_svg, timeline_svg
from veracity.web.pages import PageAccess, form_csrf, form_csrf_ok, form_rejected, templates

router = APIRouter(include_in_schema=False)
PAGE = 50
Reader = Annotated[Principal, Depends(PageAccess(CAMPAIGNS_READ))]
Decider = Annotated[Principal, Depends(PageAccess(CAMPAIGNS_DECIDE))]


@router.get("/ui/campaigns", response_class=HTMLResponse)
def campaigns_page(
    request: Request,
    _access: Reader,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    with request.app.state.db.transaction() as session:
        rows = campaign_list(session, kind or None, PAGE, offset)
    return templates.TemplateResponse(
        request,
        "campaigns.html",
        {
            "rows": rows,
            "kind": kind or "",
            "next_offset": offset + PAGE if len(rows) == PAGE else None,
        },
    )


def _render_campaign(
    request: Request,
    principal: Principal,
    campaign_id: str,
    *,
    error: str | None = None,
    decided: str | None = None,
    status_code: int = 200,
) -> Response:
    with request.app.state.db.transaction() as session:
        view = campaign_view(session, campaign_id)
        if view is None:
            return templates.TemplateResponse(
                request, "not_found.html", {"what": f"campaign {campaign_id}"}, status_code=404
            )
        history = campaign_decisions(session, campaign_id)
        statements = list_statements(session, source_ref=campaign_id, limit=500)
    ids = [m.account_id for m in view.members]
    activity = [(a.account_id, a.at, a.kind) for a in view.activity]
    return templates.TemplateResponse(
        request,
        "campaign.html",
        {
            "c": view.campaign,
            "view": view,
            "timeline": timeline_svg(ids, activity, *view.window),
            "network": network_svg(ids, view.edges),
            "history": history,
            "statements": statements,
            "actions": list(CampaignAction),
            "csrf": form_csrf(principal),
            "can_decide": allows(principal.roles, CAMPAIGNS_DECIDE),
            "idempotency_key": secrets.token_hex(16),
            "error": error,
            "decided": decided,
        },
        status_code=status_code,
    )


@router.get("/ui/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(
    request: Request,
    access: Reader,
    campaign_id: str,
    decided: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return _render_campaign(request, access, campaign_id, decided=decided)


@router.post("/ui/campaigns/{campaign_id}/decision", response_class=HTMLResponse)
def campaign_decision_form(
    request: Request,
    access: Decider,
    campaign_id: str,
    action: Annotated[str, Form(max_length=32)],
    ground: Annotated[str, Form(max_length=500)],
    csrf: Annotated[str, Form(max_length=128)],
    idempotency_key: Annotated[str, Form(max_length=128)],
    note: Annotated[str, Form(max_length=2000)] = "",
    duration_days: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    if not form_csrf_ok(access, csrf):
        return form_rejected(request)
    try:
        body = CampaignDecisionIn.model_validate(
            {
                "action": action,
                "ground": ground,
                "note": note,
                "idempotency_key": idempotency_key,
                "duration_days": duration_days.strip() or None,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _render_campaign(request, access, campaign_id, error=problems, status_code=422)
    try:
        with request.app.state.db.transaction() as session:
            body = decided_by(body, access)
            result = decide_campaign(session, campaign_id, body, utcnow())
            record_campaign_decision(session, access, body, result)
    except CampaignNotFound:
        return templates.TemplateResponse(
            request, "not_found.html", {"what": f"campaign {campaign_id}"}, status_code=404
        )
    except IdempotencyConflict as exc:
        return _render_campaign(request, access, campaign_id, error=str(exc), status_code=409)
    target = f"/ui/campaigns/{quote(campaign_id, safe='')}?decided={result.id}"
    return RedirectResponse(target, status_code=303)
