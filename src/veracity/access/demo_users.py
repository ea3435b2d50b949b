"""Demo accounts: one user per role, sharing one random password printed by ``veracity demo``.

Only the demo calls this; a real deployment adds people with ``veracity users add``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from veracity.access.passwords import ScryptParams
from veracity.access.roles import ALL_ROLES
from veracity.access.users import create_user
from veracity.audit.log import record
from veracity.store.db import Database

DEMO_ACTOR = "system:demo"


@dataclass(frozen=True)
class DemoUsers:
    usernames: list[str]
    password: str


def create_demo_users(db: Database, params: ScryptParams | None = None) -> DemoUsers:
    """A user named after each role (``reviewer``, ``auditor``, ...) holding just that role."""
    password = secrets.token_urlsafe(12)
    names = []
    with db.transaction() as session:
        for role in ALL_ROLES:
            user = create_user(session, role.value, [role], password, params)
            record(
                session,
                actor=DEMO_ACTOR,
                role="admin",
                action="user.create",
                subject=f"user:{user.username}",
                details={"roles": [role.value], "has_password": True, "demo": True},
            )
            names.append(user.username)
    return DemoUsers(names, password)
