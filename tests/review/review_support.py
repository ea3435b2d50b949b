"""A running review world: the app with its runtime, one user (and API token) per role plus a
second reviewer and senior reviewer, and content the default policies route to review."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from access_support import ADMIN_TOKEN, FAST, PASSWORD, add_role_users
from veracity.access.principal import Principal, Via, user_actor
from veracity.access.roles import Role
from veracity.access.tokens import create_token
from veracity.access.users import create_user
from veracity.config import Settings
from veracity.domain.entities import AccountIn, ContentIn, ContentKind
from veracity.review.config import ReviewConfig, load_config
from veracity.runtime import Runtime, build_runtime
from veracity.store.db import Database, utcnow
from veracity.store.tables import CaseRow

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CONFIG: ReviewConfig = load_config()
EXTRA_USERS = {"reviewer2": Role.REVIEWER, "senior2": Role.SENIOR_REVIEWER}

__all__ = ["ADMIN_TOKEN", "CONFIG", "PASSWORD", "T0", "World", "review_world"]


@dataclass
class World:
    app: FastAPI
    db: Database
    runtime: Runtime
    tokens: dict[str, str]
    client: TestClient

    def auth(self, who: Role | str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[str(who)]}"}


def person(username: str, *roles: Role) -> Principal:
    """The principal a signed-in user with these roles is."""
    return Principal(user_actor(username), frozenset(roles), Via.API_TOKEN)


def spam_posts(
    runtime: Runtime, count: int, now: datetime | None = None, prefix: str = "p"
) -> list[str]:
    """Posts the spam policy routes to review (a two-day-old account posting a link
    shortener), ingested at ``now`` (default: the current time); returns their case ids,
    highest priority first."""
    now = now or utcnow()
    accounts = [
        AccountIn(
            id=f"{prefix}-acct-{i}",
            created_at=now - timedelta(days=2),
            follower_count=10 ** (i % 6),
            region="DE" if i % 2 == 0 else "US",
        )
        for i in range(count)
    ]
    runtime.ingest.accounts(accounts, now=now)
    posts = [
        ContentIn(
            id=f"{prefix}-{i}",
            account_id=f"{prefix}-acct-{i}",
            kind=ContentKind.POST,
            text=f"Check this out bit.ly/deal{i} great deal number {i}",
            language="en" if i % 3 else "de",
        )
        for i in range(count)
    ]
    runtime.ingest.content(posts, now=now)
    with runtime.db.transaction() as session:
        return list(
            session.scalars(
                select(CaseRow.id)
                .where(CaseRow.subject_id.in_([p.id for p in posts]))
                .order_by(CaseRow.priority.desc())
            )
        )


@contextmanager
def review_world(db: Database, **settings: Any) -> Iterator[World]:
    config = Settings(database_url=db.url, password_scrypt_n=FAST.n, **settings)
    runtime = build_runtime(db, config)
    from veracity.web.app import create_app

    app = create_app(config, db=db, runtime=runtime, api_tokens=[ADMIN_TOKEN])
    tokens = {str(role): secret for role, secret in add_role_users(db).items()}
    with db.transaction() as session:
        for name, role in EXTRA_USERS.items():
            create_user(session, name, [role], PASSWORD, FAST)
            tokens[name] = create_token(session, name, [role]).secret
    with TestClient(app) as client:
        yield World(app, db, runtime, tokens, client)
