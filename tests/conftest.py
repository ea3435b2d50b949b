"""Shared fixtures. Every test gets a fresh database: a SQLite file by default, or a fresh
PostgreSQL schema when VERACITY_TEST_DATABASE_URL points at a server (``.ci/run`` does both)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from veracity.store.db import Database
from veracity.store.scratch import scratch_database_url

PG_URL = os.environ.get("VERACITY_TEST_DATABASE_URL", "")
SHARED_DATA = Path(
    os.environ.get("VERACITY_DATA_DIR", Path(__file__).parents[1] / ".." / "shared" / "data")
)


@pytest.fixture
def database_url() -> Iterator[str]:
    """URL of an empty database that lives for one test."""
    with scratch_database_url(PG_URL or None) as url:
        yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated database."""
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def shared_data() -> Path:
    """The team's shared datasets; tests that need them skip when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
