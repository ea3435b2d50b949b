"""``GET /v1/me``: who the caller is and which roles they hold (any signed-in caller)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from veracity.access.principal import Principal
from veracity.access.roles import ANY_ROLE, role_list
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["access"])


class Me(BaseModel):
    actor: str
    username: str | None
    roles: list[str]
    via: str


@router.get("/me", response_model=Me, summary="The caller's identity and roles")
def me(who: Annotated[Principal, Depends(require_roles(ANY_ROLE))]) -> Me:
    return Me(actor=who.actor, username=who.username, roles=role_list(who.roles), via=who.via)
