"""An app with a configured admin token and one API token per role, and notices to send."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from veracity.access.passwords import ScryptParams
from veracity.access.principal import Principal
from veracity.access.roles import ALL_ROLES, Role
from veracity.access.tokens import create_token
from veracity.access.users import create_user
from veracity.config import Settings
from veracity.store.db import Database
from veracity.web.app import create_app

ADMIN_TOKEN = "configured-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
FAST = ScryptParams(n=2**10)
# Contact details that must never leave report_contacts.
NAME = "Zelda Quixote-Marchetti"
EMAIL = "zelda.quixote@example.org"
PLATFORM = Principal(actor="user:platform", roles=frozenset({Role.SERVICE}), via="api_token")


@dataclass
class Env:
    client: TestClient
    db: Database
    tokens: dict[Role, str]

    def auth(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    @property
    def service(self) -> dict[str, str]:
        return self.auth(Role.SERVICE)

    def notice(self, body: dict[str, Any]) -> Any:
        return self.client.post("/v1/reports", json=body, headers=self.service)


@contextmanager
def environment(db: Database) -> Iterator[Env]:
    config = Settings(database_url=db.url, password_scrypt_n=FAST.n)
    app = create_app(config, db=db, api_tokens=[ADMIN_TOKEN])
    tokens: dict[Role, str] = {}
    with db.transaction() as session:
        for role in ALL_ROLES:
            create_user(session, role.value, [role], None, FAST)
            tokens[role] = create_token(session, role.value, [role]).secret
    with TestClient(app) as client:
        yield Env(client, db, tokens)


def notice(id_: str = "n1", **overrides: Any) -> dict[str, Any]:
    """A complete, valid notice about content c1."""
    body: dict[str, Any] = {
        "id": id_,
        "category": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "keywords": ["KEYWORD_MISINFORMATION_DISINFORMATION"],
        "explanation": "The video claims the election date moved; the commission says it did not.",
        "content_id": "c1",
        "url": "https://Platform.example/v/c1#t=3",
        "reporter": {"name": NAME, "email": EMAIL},
        "reporter_account_id": "acc-reporter-1",
        "good_faith": True,
        "occurred_at": "2026-11-30T10:00:00Z",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}
