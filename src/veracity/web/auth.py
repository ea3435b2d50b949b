"""Authentication and role checks for every route.

A caller is a ``Principal`` (see ``veracity.access.principal``), found from, in this order:
a bearer API token (configured tokens act as ``admin``; per-user tokens carry their roles), the
web session cookie, or the legacy cookie that holds an API token. Cookies authenticate pages
and safe (read-only) API calls only: a state-changing API call needs the bearer header, and a
state-changing form needs the page's CSRF token, so no other site can make a signed-in browser
act.

``require_roles(PERMISSION)`` is the FastAPI dependency routers use: 401 without credentials,
403 when no held role is permitted. The permission table is ``veracity.access.roles``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from veracity.access.principal import Principal, config_token_match, from_session, from_token
from veracity.access.roles import ANY_ROLE, Permission, Role, allows, role_list
from veracity.access.sessions import Timeouts
from veracity.config import Settings, get_settings
from veracity.ops.throttle import check_rate
from veracity.store.db import Database

# Legacy: a cookie that holds an API token (still accepted; sign-in now opens a session).
TOKEN_COOKIE = "veracity_token"
SESSION_COOKIE = "veracity_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Declared so that the OpenAPI document shows the bearer scheme; checking is ours.
bearer_scheme = HTTPBearer(auto_error=False, description="An API token.")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def presented_token(request: Request) -> str | None:
    """The bearer token, or else the legacy token cookie."""
    return bearer_token(request) or request.cookies.get(TOKEN_COOKIE)


def token_is_valid(presented: str | None, expected: list[str]) -> bool:
    """Whether ``presented`` is one of the configured tokens (constant time)."""
    return bool(presented) and config_token_match(presented or "", expected)


def app_settings(request: Request) -> Settings:
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings or get_settings()


def session_timeouts(request: Request) -> Timeouts:
    settings = app_settings(request)
    return Timeouts.of(settings.session_idle_minutes, settings.session_absolute_hours)


def _configured(request: Request) -> list[str]:
    tokens: list[str] = getattr(request.app.state, "api_tokens", [])
    return tokens


def _db(request: Request) -> Database | None:
    db: Database | None = getattr(request.app.state, "db", None)
    return db


def token_principal(request: Request, token: str) -> Principal | None:
    """The principal of an API token: a configured one (no database needed) or a user's."""
    configured = _configured(request)
    found = from_token(None, token, configured)
    if found is not None:
        return found
    db = _db(request)
    if db is None:
        return None
    with db.transaction() as session:
        return from_token(session, token, configured)


def authenticate(request: Request, *, allow_cookies: bool = True) -> Principal | None:
    """The caller, or None. A bearer header that does not verify is not rescued by a cookie."""
    cache_key = f"principal:{allow_cookies}"
    cached: dict[str, Principal | None] | None = getattr(request.state, "auth_cache", None)
    if cached is None:
        cached = request.state.auth_cache = {}
    if cache_key in cached:
        return cached[cache_key]
    principal: Principal | None = None
    bearer = bearer_token(request)
    if bearer is not None:
        principal = token_principal(request, bearer)
    elif allow_cookies:
        secret = request.cookies.get(SESSION_COOKIE)
        db = _db(request)
        if secret and db is not None:
            with db.transaction() as session:
                principal = from_session(
                    session, secret, _configured(request), session_timeouts(request)
                )
        legacy = request.cookies.get(TOKEN_COOKIE)
        if principal is None and legacy:
            found = token_principal(request, legacy)
            principal = found.with_csrf_key(legacy) if found is not None else None
    cached[cache_key] = principal
    if principal is not None:
        request.state.principal = principal
    return principal


def unauthorised(detail: str = "missing or invalid credentials") -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def forbidden(permitted: Permission) -> HTTPException:
    roles = ", ".join(role_list({Role.ADMIN, *permitted}))
    return HTTPException(
        status_code=status.HTTP_403_FORBIDDEN, detail=f"requires one of the roles: {roles}"
    )


class RoleCheck:
    """A dependency that returns the caller when they hold a permitted role."""

    def __init__(self, permitted: Permission) -> None:
        self.permitted = permitted

    def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)] = None,
    ) -> Principal:
        principal = authenticate(request, allow_cookies=request.method in SAFE_METHODS)
        if principal is None:
            if request.method not in SAFE_METHODS and request.cookies.get(SESSION_COOKIE):
                raise unauthorised("state-changing API calls need a bearer token")
            raise unauthorised()
        if not allows(principal.roles, self.permitted):
            raise forbidden(self.permitted)
        check_rate(request, principal)
        return principal

    def __repr__(self) -> str:
        return f"RoleCheck({role_list(self.permitted)})"


def require_roles(*permitted: Role | Permission) -> RoleCheck:
    """Dependency for routes open to the given roles or permissions (admin always passes)."""
    roles: set[Role] = set()
    for item in permitted:
        roles.update({item} if isinstance(item, Role) else item)
    return RoleCheck(frozenset(roles))


# Any signed-in caller, whatever their roles (kept for code written before roles existed).
require_token = require_roles(ANY_ROLE)


def principal_of(request: Request) -> Principal | None:
    """The principal a check already found for this request (for templates and audit)."""
    found: Any = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else None
