"""An app wired to a fresh database, with a small bank so the default policies have work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from ingest_support import FALSE_CLAIM, TOKEN

from veracity.config import Settings
from veracity.detect.banks import BankEntry, add_entries
from veracity.runtime import Runtime, build_runtime
from veracity.store.db import Database
from veracity.web.app import create_app


@pytest.fixture
def runtime(db: Database) -> Runtime:
    with db.transaction() as session:
        add_entries(session, "text", [BankEntry("claim-1", FALSE_CLAIM, "false")])
        add_entries(session, "domains:spam", [BankEntry("d1", "spam-offers.example", "spam")])
    return build_runtime(db, Settings(database_url=db.url))


@pytest.fixture
def client(db: Database, runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db.url), db=db, runtime=runtime, api_tokens=[TOKEN])
    with TestClient(app) as test_client:
        yield test_client
