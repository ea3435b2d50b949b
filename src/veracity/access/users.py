"""Users: create, list, disable, set a password, and check a password at sign-in.

Usernames are lower-case identifiers so that ``Alice`` and ``alice`` are one person. A user
without a password signs in only through API tokens (machine clients).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from veracity.access.passwords import (
    ScryptParams,
    hash_password,
    needs_rehash,
    verify_password,
)
from veracity.access.roles import Role, role_list
from veracity.store.db import as_utc, utcnow
from veracity.store.tables import UserRow, WebSessionRow

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class UserError(ValueError):
    """A request about users that cannot be carried out (the message says why)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    roles: frozenset[Role]
    disabled: bool
    has_password: bool
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "roles": role_list(self.roles),
            "disabled": self.disabled,
            "has_password": self.has_password,
            "created_at": self.created_at.isoformat(),
        }


def normalise_username(name: str) -> str:
    """The canonical form of a username, or UserError when it is not a valid one."""
    value = name.strip().lower()
    if not USERNAME_RE.match(value):
        raise UserError(
            "a username is 1-64 characters: a-z, 0-9, '.', '_' or '-', starting with a letter "
            "or digit"
        )
    return value


def known_roles(values: Iterable[str]) -> frozenset[Role]:
    """Roles stored in a row; names no longer known are dropped rather than trusted."""
    out = set()
    for value in values:
        try:
            out.add(Role(value))
        except ValueError:
            continue
    return frozenset(out)


def _user(row: UserRow) -> User:
    created = as_utc(row.created_at)
    assert created is not None
    return User(
        id=row.id,
        username=row.username,
        roles=known_roles(row.roles),
        disabled=row.disabled,
        has_password=row.password_hash is not None,
        created_at=created,
    )


def create_user(
    session: Session,
    username: str,
    roles: Iterable[Role],
    password: str | None = None,
    params: ScryptParams | None = None,
) -> User:
    """A new user; UserError when the name is taken or invalid, or no role is given."""
    name = normalise_username(username)
    role_set = frozenset(roles)
    if not role_set:
        raise UserError("a user needs at least one role")
    hashed = hash_password(password, params) if password is not None else None
    now = utcnow()
    row = UserRow(
        username=name,
        password_hash=hashed,
        roles=role_list(role_set),
        disabled=False,
        created_at=now,
        updated_at=now,
    )
    if _row(session, name) is not None:
        raise UserError(f"user {name!r} already exists")
    session.add(row)
    session.flush()
    return _user(row)


def _row(session: Session, username: str) -> UserRow | None:
    try:
        name = normalise_username(username)
    except UserError:
        return None
    return session.scalars(select(UserRow).where(UserRow.username == name)).first()


def get_user(session: Session, username: str) -> User | None:
    row = _row(session, username)
    return _user(row) if row is not None else None


def get_user_by_id(session: Session, user_id: int) -> User | None:
    row = session.get(UserRow, user_id)
    return _user(row) if row is not None else None


def list_users(session: Session) -> list[User]:
    return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def disable_user(session: Session, username: str) -> User:
    """Disable a user and end their web sessions; their API tokens stop working too."""
    row = _row(session, username)
    if row is None:
        raise UserError(f"no user {username!r}")
    row.disabled = True
    row.updated_at = utcnow()
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    session.flush()
    return _user(row)


def set_password(
    session: Session, username: str, password: str, params: ScryptParams | None = None
) -> User:
    """Replace a user's password and end their web sessions."""
    row = _row(session, username)
    if row is None:
        raise UserError(f"no user {username!r}")
    row.password_hash = hash_password(password, params)
    row.updated_at = utcnow()
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    session.flush()
    return _user(row)


def check_password(
    session: Session, username: str, password: str, params: ScryptParams | None = None
) -> User | None:
    """The user when the password is right and the user enabled, else None. Unknown users cost
    the same time as known ones; a hash with weaker parameters is upgraded."""
    row = _row(session, username)
    stored = row.password_hash if row is not None else None
    if not verify_password(password, stored, params):
        return None
    assert row is not None and stored is not None
    if row.disabled:
        return None
    if needs_rehash(stored, params):
        row.password_hash = hash_password(password, params, check=False)
        session.flush()
    return _user(row)
