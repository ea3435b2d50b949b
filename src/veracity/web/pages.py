"""What every server-rendered page shares: the templates, who is signed in, and the access
check that sends strangers to the sign-in page and shows the wrong role a 403 page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from veracity.access.principal import Principal
from veracity.access.roles import Permission, Role, allows, role_list
from veracity.web.auth import authenticate, principal_of
from veracity.web.csrf import csrf_ok, csrf_token

LOGIN_PATH = "/ui/login"


def _signed_in(request: Request) -> dict[str, Any]:
    me = principal_of(request)
    return {
        "me": me,
        "me_csrf": csrf_token(me.csrf_key) if me is not None and me.csrf_key else "",
    }


templates = Jinja2Templates(
    directory=str(Path(__file__).parent / "templates"), context_processors=[_signed_in]
)


def page_access(request: Request, permitted: Permission) -> Principal | Response:
    """The signed-in caller when permitted; otherwise the response to send instead."""
    principal = authenticate(request, allow_cookies=True)
    if principal is None:
        return RedirectResponse(LOGIN_PATH, status_code=303)
    if not allows(principal.roles, permitted):
        return templates.TemplateResponse(
            request,
            "forbidden.html",
            {"roles": role_list({Role.ADMIN, *permitted})},
            status_code=403,
        )
    return principal


class PageDenied(HTTPException):
    """Raised by ``PageAccess``: carries the page to send instead (sign-in redirect or 403)."""

    def __init__(self, response: Response) -> None:
        location = response.headers.get("location")
        super().__init__(
            status_code=response.status_code,
            headers={"Location": location} if location else None,
        )
        self.response = response


async def page_denied_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageDenied)
    return exc.response


class PageAccess:
    """Dependency for pages: the caller when permitted. It runs before form and query
    validation, so a stranger learns nothing about a form but where to sign in."""

    def __init__(self, permitted: Permission) -> None:
        self.permitted = permitted

    def __call__(self, request: Request) -> Principal:
        access = page_access(request, self.permitted)
        if isinstance(access, Response):
            raise PageDenied(access)
        return access

    def __repr__(self) -> str:
        return f"PageAccess({role_list(self.permitted)})"


def form_csrf(principal: Principal) -> str:
    """The CSRF token a page's forms carry (empty for bearer callers, who cannot post forms)."""
    return csrf_token(principal.csrf_key) if principal.csrf_key else ""


def form_csrf_ok(principal: Principal, presented: str | None) -> bool:
    return csrf_ok(principal.csrf_key, presented)


def form_rejected(request: Request) -> Response:
    return templates.TemplateResponse(
        request, "not_found.html", {"what": "valid form token (reload the page)"}, 403
    )
