"""Who is calling: resolve a presented API token or a web session to a principal with roles.

Configured tokens (``VERACITY_API_TOKEN``, or those given to ``create_app``) act as ``admin``
so that existing clients keep working; per-user tokens and sessions carry the user's roles.
No web framework here, so the CLI and tests can use it too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from veracity.access.roles import Role, role_list
from veracity.access.sessions import SessionKind, Timeouts, live_session
from veracity.access.tokens import MAX_TOKEN_CHARS, token_holder
from veracity.access.users import known_roles
from veracity.store.db import as_utc, utcnow
from veracity.store.tables import ApiTokenRow, UserRow

CONFIG_ACTOR = "config-token"


class Via:
    CONFIG_TOKEN = "config_token"
    API_TOKEN = "api_token"
    SESSION = "session"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``csrf_key`` is the secret a cookie credential's CSRF tokens
    are derived from (None for bearer tokens, which need no CSRF token)."""

    actor: str
    roles: frozenset[Role]
    via: str
    user_id: int | None = None
    username: str | None = None
    token_id: int | None = None
    csrf_key: str | None = field(default=None, repr=False)

    @property
    def role_label(self) -> str:
        return ",".join(role_list(self.roles))

    def audit_details(self) -> dict[str, Any]:
        """How the caller authenticated, for audit entries (never the credential itself)."""
        out: dict[str, Any] = {"via": self.via}
        if self.token_id is not None:
            out["token_id"] = self.token_id
        return out

    def with_csrf_key(self, key: str) -> Principal:
        return Principal(
            self.actor, self.roles, self.via, self.user_id, self.username, self.token_id, key
        )


def config_token_match(presented: str, configured: Sequence[str]) -> bool:
    """Constant-time comparison against every configured token."""
    ok = False
    data = presented.encode()
    for token in configured:
        ok |= hmac.compare_digest(data, token.encode())
    return ok


def config_credential_hash(token: str) -> str:
    return hashlib.sha256(b"veracity-config-token:" + token.encode()).hexdigest()


def user_actor(username: str) -> str:
    return f"user:{username}"


def from_token(
    session: Session | None, presented: str, configured: Sequence[str]
) -> Principal | None:
    """The principal a bearer token stands for; ``session`` None checks configured tokens only."""
    if not presented or len(presented) > MAX_TOKEN_CHARS:
        return None
    if config_token_match(presented, configured):
        return Principal(CONFIG_ACTOR, frozenset({Role.ADMIN}), Via.CONFIG_TOKEN)
    if session is None:
        return None
    holder = token_holder(session, presented)
    if holder is None:
        return None
    return Principal(
        user_actor(holder.username),
        holder.roles,
        Via.API_TOKEN,
        user_id=holder.user_id,
        username=holder.username,
        token_id=holder.token_id,
    )


def from_session(
    session: Session,
    secret: str,
    configured: Sequence[str],
    timeouts: Timeouts,
    now: datetime | None = None,
) -> Principal | None:
    """The principal of a live web session, re-checking what it was opened with: the user is
    still enabled, the token not revoked or expired, the configured token still configured."""
    now = now or utcnow()
    row = live_session(session, secret, timeouts, now)
    if row is None:
        return None
    roles: frozenset[Role] = frozenset()
    username: str | None = None
    if row.kind == SessionKind.CONFIG_TOKEN:
        if not any(
            hmac.compare_digest(config_credential_hash(t), row.credential_hash or "")
            for t in configured
        ):
            return None
        roles = frozenset({Role.ADMIN})
    else:
        user = session.get(UserRow, row.user_id) if row.user_id is not None else None
        if user is None or user.disabled:
            return None
        username, roles = user.username, known_roles(user.roles)
        if row.kind == SessionKind.API_TOKEN:
            token = session.get(ApiTokenRow, row.token_id) if row.token_id is not None else None
            expires = as_utc(token.expires_at) if token is not None else None
            if token is None or token.revoked_at is not None:
                return None
            if expires is not None and expires <= now:
                return None
            roles = roles & known_roles(token.roles)
        elif row.kind != SessionKind.PASSWORD:
            return None
    return Principal(
        row.actor,
        roles,
        Via.SESSION,
        user_id=row.user_id,
        username=username,
        token_id=row.token_id,
        csrf_key=secret,
    )
