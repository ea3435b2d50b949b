"""Per-user API tokens for machines: shown once at creation, stored as a SHA-256 hash.

A token is 256 random bits, so a fast hash is enough (no salt or stretching needed) and lets
the lookup be one indexed query. A token carries roles, which must be roles its user holds; at
use, the effective roles are those still held by the user, so taking a role from a user takes
it from their tokens too.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from veracity.access.roles import Role, role_list
from veracity.access.users import UserError, known_roles, normalise_username
from veracity.store.db import as_utc, utcnow
from veracity.store.tables import ApiTokenRow, UserRow, WebSessionRow

TOKEN_PREFIX = "vt_"
MAX_TOKEN_CHARS = 512
MAX_EXPIRY_DAYS = 3650


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    username: str
    prefix: str
    roles: frozenset[Role]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "user": self.username,
            "prefix": self.prefix,
            "roles": role_list(self.roles),
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


@dataclass(frozen=True)
class NewToken:
    """A created token: ``secret`` is the only copy of the token and is shown once."""

    token: ApiToken
    secret: str


def _token(row: ApiTokenRow, username: str) -> ApiToken:
    created = as_utc(row.created_at)
    assert created is not None
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        username=username,
        prefix=row.prefix,
        roles=known_roles(row.roles),
        created_at=created,
        expires_at=as_utc(row.expires_at),
        revoked_at=as_utc(row.revoked_at),
    )


def create_token(
    session: Session,
    username: str,
    roles: Iterable[Role],
    expires_days: float | None = None,
) -> NewToken:
    """A new token for ``username`` carrying ``roles`` (a subset of the user's roles)."""
    name = normalise_username(username)
    user = session.scalars(select(UserRow).where(UserRow.username == name)).first()
    if user is None:
        raise UserError(f"no user {name!r}")
    if user.disabled:
        raise UserError(f"user {name!r} is disabled")
    wanted = frozenset(roles)
    if not wanted:
        raise UserError("a token needs at least one role")
    missing = wanted - known_roles(user.roles)
    if missing:
        raise UserError(f"user {name!r} does not hold {', '.join(role_list(missing))}")
    if expires_days is not None and not 0 < expires_days <= MAX_EXPIRY_DAYS:
        raise UserError(f"expiry must be between 0 and {MAX_EXPIRY_DAYS} days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiTokenRow(
        user_id=user.id,
        token_hash=token_hash(secret),
        prefix=secret[:10],
        roles=role_list(wanted),
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days is not None else None,
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    return NewToken(token=_token(row, user.username), secret=secret)


def revoke_token(session: Session, token_id: int) -> tuple[ApiToken, bool]:
    """Revoke a token (and web sessions opened with it); returns it and whether it changed."""
    found = session.execute(
        select(ApiTokenRow, UserRow.username)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.id == token_id)
    ).first()
    if found is None:
        raise UserError(f"no token {token_id}")
    row, username = found
    changed = row.revoked_at is None
    if changed:
        row.revoked_at = utcnow()
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_id == row.id))
        session.flush()
    return _token(row, username), changed


def list_tokens(session: Session, username: str | None = None) -> list[ApiToken]:
    query = select(ApiTokenRow, UserRow.username).join(UserRow, UserRow.id == ApiTokenRow.user_id)
    if username is not None:
        query = query.where(UserRow.username == normalise_username(username))
    return [_token(row, name) for row, name in session.execute(query.order_by(ApiTokenRow.id))]


@dataclass(frozen=True)
class TokenHolder:
    """Who a valid presented token belongs to, and the roles it grants now."""

    token_id: int
    user_id: int
    username: str
    roles: frozenset[Role]


def token_holder(
    session: Session, presented: str, now: datetime | None = None
) -> TokenHolder | None:
    """The holder of a presented token, or None when it is unknown, revoked, expired, or its
    user is disabled."""
    if not presented.startswith(TOKEN_PREFIX) or len(presented) > MAX_TOKEN_CHARS:
        return None
    found = session.execute(
        select(ApiTokenRow, UserRow)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.token_hash == token_hash(presented))
    ).first()
    if found is None:
        return None
    row, user = found
    now = now or utcnow()
    expires = as_utc(row.expires_at)
    if row.revoked_at is not None or user.disabled or (expires is not None and expires <= now):
        return None
    roles = known_roles(row.roles) & known_roles(user.roles)
    return TokenHolder(row.id, user.id, user.username, roles)
