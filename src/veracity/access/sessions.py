"""Server-side web sessions: the browser holds a random secret, the database its SHA-256 with
the times that expire it.

A session ends when it has been idle longer than the idle timeout or has lived longer than the
absolute timeout, whichever comes first, or at logout. ``last_seen_at`` is written at most
once a minute per session, so reading pages does not turn into a write per request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from veracity.store.db import as_utc, utcnow
from veracity.store.tables import WebSessionRow

MAX_SECRET_CHARS = 128
TOUCH_EVERY = timedelta(seconds=60)


class SessionKind:
    PASSWORD = "password"
    API_TOKEN = "api_token"
    CONFIG_TOKEN = "config_token"


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def of(cls, idle_minutes: float, absolute_hours: float) -> Timeouts:
        return cls(timedelta(minutes=idle_minutes), timedelta(hours=absolute_hours))


def session_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def open_session(
    session: Session,
    *,
    kind: str,
    actor: str,
    timeouts: Timeouts,
    user_id: int | None = None,
    token_id: int | None = None,
    credential_hash: str | None = None,
    now: datetime | None = None,
) -> str:
    """Store a new session and return its secret (the cookie value; never stored)."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
    session.add(
        WebSessionRow(
            id=session_key(secret),
            kind=kind,
            user_id=user_id,
            token_id=token_id,
            credential_hash=credential_hash,
            actor=actor,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timeouts.absolute,
        )
    )
    session.flush()
    return secret


def live_session(
    session: Session, secret: str, timeouts: Timeouts, now: datetime | None = None
) -> WebSessionRow | None:
    """The session for ``secret`` if it has not expired (an expired one is deleted)."""
    if not secret or len(secret) > MAX_SECRET_CHARS:
        return None
    row = session.get(WebSessionRow, session_key(secret))
    if row is None:
        return None
    now = now or utcnow()
    last_seen, expires = as_utc(row.last_seen_at), as_utc(row.expires_at)
    assert last_seen is not None and expires is not None
    if now >= expires or now - last_seen >= timeouts.idle:
        session.delete(row)
        return None
    if now - last_seen >= TOUCH_EVERY:
        row.last_seen_at = now
    return row


def end_session(session: Session, secret: str) -> WebSessionRow | None:
    """Delete the session for ``secret``; returns what it was, if anything."""
    if not secret or len(secret) > MAX_SECRET_CHARS:
        return None
    row = session.get(WebSessionRow, session_key(secret))
    if row is not None:
        session.delete(row)
        session.flush()
    return row
