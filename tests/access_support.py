"""An app with a configured admin token and one user (and one API token) per role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from veracity.access.passwords import ScryptParams
from veracity.access.roles import ALL_ROLES, Role
from veracity.access.tokens import create_token
from veracity.access.users import create_user
from veracity.config import Settings
from veracity.store.db import Database
from veracity.web.app import create_app

ADMIN_TOKEN = "configured-admin-token"
PASSWORD = "a long enough test password"
# Cheap hashing for tests; the default cost is checked in test_access_passwords.
FAST = ScryptParams(n=2**10)


@dataclass
class World:
    app: FastAPI
    db: Database
    tokens: dict[Role, str]

    def auth(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def add_role_users(db: Database, password: str | None = PASSWORD) -> dict[Role, str]:
    """A user per role named after it, with a password and an API token for that role."""
    tokens: dict[Role, str] = {}
    with db.transaction() as session:
        for role in ALL_ROLES:
            create_user(session, role.value, [role], password, FAST)
            tokens[role] = create_token(session, role.value, [role]).secret
    return tokens


@contextmanager
def world(db: Database, **settings: object) -> Iterator[World]:
    config = Settings(database_url=db.url, password_scrypt_n=FAST.n, **settings)
    app = create_app(config, db=db, api_tokens=[ADMIN_TOKEN])
    yield World(app, db, add_role_users(db))


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    """Sign in through the form as a browser would; returns the status code."""
    page = client.get("/ui/login")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/ui/login",
        data={"csrf": csrf, "username": username, "password": password},
        follow_redirects=False,
    )
    return response.status_code
