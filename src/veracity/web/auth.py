"""Authentication for machine clients: bearer API tokens, or a cookie set from one for the UI.

Issue 6 adds users and roles; until then every non-public endpoint requires a valid API token.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

TOKEN_COOKIE = "veracity_token"
# Declared so that the OpenAPI document shows the bearer scheme; checking is ours.
bearer_scheme = HTTPBearer(auto_error=False, description="An API token.")


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(TOKEN_COOKIE)


def token_is_valid(presented: str | None, expected: list[str]) -> bool:
    if not presented:
        return False
    # Compare against every token so timing does not reveal which one nearly matched.
    ok = False
    for token in expected:
        ok |= hmac.compare_digest(presented.encode(), token.encode())
    return ok


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)] = None,
) -> str:
    """FastAPI dependency: 401 unless the request carries a configured API token."""
    expected: list[str] = request.app.state.api_tokens
    presented = credentials.credentials if credentials else presented_token(request)
    if not token_is_valid(presented, expected):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    assert presented is not None
    return presented
