"""The reviewer's pages: queues, the case page (keyboard-driven, htmx for claim and release),
the decision, escalation and appeal forms, and the quality page for analysts.

Forms are posted with the session cookie and the page's CSRF token; every state change goes
through the same ``veracity.review`` functions as the API, so the page and the API cannot
disagree about locks, roles, or who decided.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from veracity.access.principal import Principal
from veracity.access.roles import REVIEW_QUALITY, REVIEW_WORK
from veracity.review.appeals import AppealDecisionIn, decide_appeal
from veracity.review.casepage import build_view
from veracity.review.config import ReviewConfig, configured
from veracity.review.decide import ReviewIn, decide_case
from veracity.review.escalate import EscalateIn, escalate_case
from veracity.review.locks import (
    QueueFilter,
    ReviewError,
    claim,
    claim_next,
    release,
    workable_queues,
)
from veracity.review.options import APPEAL_KEYS, OPTIONS, AppealOutcome
from veracity.review.overturn import Cohort, overturn_rates
from veracity.review.quality_report import quality_report
from veracity.review.queues import list_cases, sla_of, summary
from veracity.store.db import Database, utcnow
from veracity.store.tables import CaseRow
from veracity.web.pages import PageAccess, form_csrf, form_csrf_ok, form_rejected, templates

router = APIRouter(include_in_schema=False)
Worker = Annotated[Principal, Depends(PageAccess(REVIEW_WORK))]
Analyst = Annotated[Principal, Depends(PageAccess(REVIEW_QUALITY))]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=64)]
Note = Annotated[str, Form(max_length=2000)]
FilterParam = Annotated[str | None, Query(max_length=64)]
T = TypeVar("T")
HOME = "/ui/review"


def _config(request: Request) -> ReviewConfig:
    return configured(request.app.state.settings)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _case_url(case_id: str, **params: str) -> str:
    url = f"/ui/review/cases/{quote(case_id, safe='')}"
    return f"{url}?{urlencode(params)}" if params else url


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in exc.errors())


def _attempt(request: Request, work: Callable[[Session], T]) -> T | ReviewError:
    """Run ``work`` in a transaction; a review error rolls it back and is returned."""
    try:
        with _db(request).transaction() as session:
            return work(session)
    except ReviewError as exc:
        return exc


def _case_form(
    request: Request,
    who: Principal,
    case_id: str,
    csrf: str,
    model: type[BaseModel],
    fields: dict[str, Any],
    action: Callable[..., Any],
    done_url: str,
) -> Response:
    """A case form: check CSRF, validate ``fields`` as ``model``, run ``action`` in a
    transaction; errors re-render the case page, success redirects to ``done_url``."""
    if not form_csrf_ok(who, csrf):
        return form_rejected(request)
    try:
        body = model.model_validate(fields)
    except ValidationError as exc:
        return _render_case(request, who, case_id, error=_problems(exc), status_code=422)
    config = _config(request)
    done = _attempt(request, lambda s: action(s, config, case_id, body, who, utcnow()))
    if isinstance(done, ReviewError):
        return _render_case(request, who, case_id, error=str(done), status_code=done.status)
    return RedirectResponse(done_url, status_code=303)


@router.get("/ui/review", response_class=HTMLResponse)
def queues_page(
    request: Request,
    who: Worker,
    queue: FilterParam = None,
    policy_area: FilterParam = None,
    language: FilterParam = None,
    region: FilterParam = None,
    empty: bool = False,
    escalated: FilterParam = None,
) -> Response:
    config = _config(request)
    names = workable_queues(config, who.roles)
    where = QueueFilter(queue or None, policy_area or None, language or None, region or None)
    now = utcnow()
    with _db(request).transaction() as session:
        counts = summary(session, names, now)
        rows = [r for r in list_cases(session, where, limit=50) if r.queue in names]
        shown = [(r, sla_of(config, r, now)) for r in rows]
    return templates.TemplateResponse(
        request,
        "review_queues.html",
        {
            "queues": {n: config.queue(n) for n in names},
            "counts": counts,
            "rows": shown,
            "where": where,
            "csrf": form_csrf(who),
            "empty": empty,
            "escalated": escalated,
        },
    )


@router.post("/ui/review/next")
def next_case(
    request: Request,
    who: Worker,
    csrf: Csrf,
    queue: Short = "",
    policy_area: Short = "",
    language: Short = "",
    region: Short = "",
) -> Response:
    if not form_csrf_ok(who, csrf):
        return form_rejected(request)
    config = _config(request)
    where = QueueFilter(queue or None, policy_area or None, language or None, region or None)
    made = _attempt(request, lambda s: claim_next(s, config, who.actor, who.roles, utcnow(), where))
    if made is None or isinstance(made, ReviewError):
        params = {k: v for k, v in {"queue": queue, "language": language}.items() if v}
        return RedirectResponse(f"{HOME}?{urlencode({**params, 'empty': 'true'})}", 303)
    return RedirectResponse(_case_url(made.case_id), status_code=303)


def _render_case(
    request: Request,
    who: Principal,
    case_id: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
    template: str = "review_case.html",
) -> Response:
    config = _config(request)
    runtime = request.app.state.runtime
    with _db(request).transaction() as session:
        row = session.get(CaseRow, case_id)
        if row is None:
            return templates.TemplateResponse(
                request, "not_found.html", {"what": f"case {case_id}"}, status_code=404
            )
        view = build_view(
            session,
            config,
            row,
            actor=who.actor,
            roles=who.roles,
            policies=runtime.policies,
            detectors=runtime.registry,
            now=utcnow(),
        )
    return templates.TemplateResponse(
        request,
        template,
        {
            "v": view,
            "c": view.case,
            "csrf": form_csrf(who),
            "options": OPTIONS,
            "appeal_options": [(o, APPEAL_KEYS[o]) for o in AppealOutcome],
            "error": error,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/ui/review/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request,
    who: Worker,
    case_id: str,
    done: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    notice = {
        "decided": "Decision recorded.",
        "appeal": "Appeal decided.",
        "released": "Case released.",
    }.get(done or "")
    return _render_case(request, who, case_id, notice=notice)


def _lock_change(
    request: Request, who: Principal, case_id: str, csrf: str, work: Callable[[Session], Any]
) -> Response:
    """Claim or release; htmx gets the refreshed panel, a plain form the whole page."""
    if not form_csrf_ok(who, csrf):
        return form_rejected(request)
    outcome = _attempt(request, work)
    error = str(outcome) if isinstance(outcome, ReviewError) else None
    status = outcome.status if isinstance(outcome, ReviewError) else 200
    if request.headers.get("hx-request") == "true":
        return _render_case(
            request, who, case_id, error=error, status_code=status, template="review_panel.html"
        )
    if error:
        return _render_case(request, who, case_id, error=error, status_code=status)
    return RedirectResponse(_case_url(case_id), status_code=303)


@router.post("/ui/review/cases/{case_id}/claim", response_class=HTMLResponse)
def claim_form(request: Request, who: Worker, case_id: str, csrf: Csrf) -> Response:
    config = _config(request)
    return _lock_change(
        request,
        who,
        case_id,
        csrf,
        lambda s: claim(s, config, case_id, who.actor, who.roles, utcnow()),
    )


@router.post("/ui/review/cases/{case_id}/release", response_class=HTMLResponse)
def release_form(request: Request, who: Worker, case_id: str, csrf: Csrf) -> Response:
    return _lock_change(request, who, case_id, csrf, lambda s: release(s, case_id, who.actor))


@router.post("/ui/review/cases/{case_id}/decision", response_class=HTMLResponse)
def decision_form(
    request: Request,
    who: Worker,
    case_id: str,
    csrf: Csrf,
    outcome: Short,
    policy_tags: Annotated[list[str] | None, Form(max_length=5)] = None,
    note: Note = "",
) -> Response:
    return _case_form(
        request,
        who,
        case_id,
        csrf,
        ReviewIn,
        {"outcome": outcome, "policy_tags": policy_tags or [], "note": note},
        decide_case,
        _case_url(case_id, done="decided"),
    )


@router.post("/ui/review/cases/{case_id}/escalate", response_class=HTMLResponse)
def escalate_form(
    request: Request, who: Worker, case_id: str, csrf: Csrf, to: Short, note: Note = ""
) -> Response:
    return _case_form(
        request,
        who,
        case_id,
        csrf,
        EscalateIn,
        {"to": to, "note": note},
        escalate_case,
        f"{HOME}?escalated={quote(case_id, safe='')}",
    )


@router.post("/ui/review/cases/{case_id}/appeal-decision", response_class=HTMLResponse)
def appeal_form(
    request: Request, who: Worker, case_id: str, csrf: Csrf, outcome: Short, note: Note = ""
) -> Response:
    return _case_form(
        request,
        who,
        case_id,
        csrf,
        AppealDecisionIn,
        {"outcome": outcome, "note": note},
        decide_appeal,
        _case_url(case_id, done="appeal"),
    )


@router.get("/ui/review/quality", response_class=HTMLResponse)
def quality_page(
    request: Request,
    _who: Analyst,
    by: Cohort = Cohort.AUTOMATION,
) -> Response:
    with _db(request).transaction() as session:
        report = quality_report(session)
        overturn = overturn_rates(session, by)
    return templates.TemplateResponse(
        request,
        "review_quality.html",
        {"report": report, "overturn": overturn, "by": by, "cohorts": list(Cohort)},
    )
