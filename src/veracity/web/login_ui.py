"""Sign in and out of the web UI: username and password, or an API token; either opens a
server-side session (``veracity.access.sessions``) whose secret is the only thing the cookie
holds.

The sign-in form carries a CSRF token tied to a short-lived pre-sign-in cookie, so another
site cannot sign a browser into an account of its choosing; ``GET /ui/login?token=`` stays for
the link the demo prints. Sign-ins, failed password sign-ins of existing users, and sign-outs
go to the audit log; passwords and tokens never do.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from veracity.access.passwords import ScryptParams
from veracity.access.principal import (
    CONFIG_ACTOR,
    Principal,
    Via,
    config_credential_hash,
    user_actor,
)
from veracity.access.sessions import SessionKind, end_session, open_session
from veracity.access.users import check_password, get_user
from veracity.audit import record
from veracity.audit.actors import record_by
from veracity.store.db import Database
from veracity.web.auth import (
    SESSION_COOKIE,
    TOKEN_COOKIE,
    app_settings,
    authenticate,
    session_timeouts,
    token_principal,
)
from veracity.web.csrf import csrf_ok, csrf_token
from veracity.web.pages import LOGIN_PATH, templates

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "veracity_login"
LOGIN_CSRF_MAX_AGE = 3600
HOME = "/ui/decisions"


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _login_form(
    request: Request, *, error: str | None = None, username: str = "", status_code: int = 200
) -> Response:
    """The sign-in page, with a fresh pre-sign-in secret behind its CSRF token."""
    secret = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"error": error, "csrf": csrf_token(secret), "username": username},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        secret,
        max_age=LOGIN_CSRF_MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=app_settings(request).session_cookie_secure,
        path=LOGIN_PATH,
    )
    return response


def _signed_in(
    request: Request, principal: Principal, method: str, token: str | None = None
) -> Response:
    """Open a session for ``principal`` (signed in with ``token`` when it is a configured
    one), audit the sign-in, set the cookie, go home."""
    timeouts = session_timeouts(request)
    with _db(request).transaction() as session:
        end_session(session, request.cookies.get(SESSION_COOKIE, ""))  # one per browser
        if principal.via == Via.CONFIG_TOKEN:
            secret = open_session(
                session,
                kind=SessionKind.CONFIG_TOKEN,
                actor=CONFIG_ACTOR,
                timeouts=timeouts,
                credential_hash=config_credential_hash(token or ""),
            )
        else:
            secret = open_session(
                session,
                kind=SessionKind.API_TOKEN if principal.token_id else SessionKind.PASSWORD,
                actor=principal.actor,
                timeouts=timeouts,
                user_id=principal.user_id,
                token_id=principal.token_id,
            )
        record_by(session, principal, "auth.login", principal.actor, {"method": method})
    response = RedirectResponse(HOME, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(timeouts.absolute.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=app_settings(request).session_cookie_secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    response.delete_cookie(TOKEN_COOKIE)
    return response


def _token_login(request: Request, token: str) -> Response:
    principal = token_principal(request, token)
    if principal is None:
        return _login_form(request, error="That token is not valid.", status_code=401)
    return _signed_in(request, principal, "token", token)


def _password_login(request: Request, username: str, password: str) -> Response:
    params = ScryptParams(n=app_settings(request).password_scrypt_n)
    with _db(request).transaction() as session:
        user = check_password(session, username, password, params)
        if user is None:
            known = get_user(session, username)
            if known is not None:
                record(
                    session,
                    actor=user_actor(known.username),
                    role="",
                    action="auth.login_failed",
                    subject=user_actor(known.username),
                    details={"method": "password", "disabled": known.disabled},
                )
    if user is None:
        return _login_form(
            request,
            error="That username and password do not match an active account.",
            username=username[:64],
            status_code=401,
        )
    principal = Principal(
        user_actor(user.username),
        user.roles,
        Via.SESSION,
        user_id=user.id,
        username=user.username,
    )
    return _signed_in(request, principal, "password")


@router.get("/ui/login", response_class=HTMLResponse)
def login_page(
    request: Request, token: Annotated[str | None, Query(max_length=512)] = None
) -> Response:
    if token is not None:
        return _token_login(request, token)
    return _login_form(request)


@router.post("/ui/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    csrf: Annotated[str, Form(max_length=128)] = "",
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    token: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return _login_form(
            request, error="The sign-in form expired; please try again.", status_code=403
        )
    if token.strip():
        return _token_login(request, token.strip())
    if username.strip() and password:
        return _password_login(request, username, password)
    return _login_form(
        request,
        error="Enter a username and password, or an API token.",
        username=username[:64],
        status_code=422,
    )


@router.post("/ui/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    principal = authenticate(request, allow_cookies=True)
    secret = request.cookies.get(SESSION_COOKIE)
    if principal is None or principal.via != Via.SESSION or not secret:
        return RedirectResponse(LOGIN_PATH, status_code=303)
    if not csrf_ok(principal.csrf_key, csrf):
        return templates.TemplateResponse(
            request, "not_found.html", {"what": "valid form token (reload the page)"}, 403
        )
    with _db(request).transaction() as session:
        if end_session(session, secret) is not None:
            record_by(session, principal, "auth.logout", principal.actor)
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
