"""Shared fixtures. Every test gets a fresh database: a SQLite file by default, or a fresh
PostgreSQL schema when VERACITY_TEST_DATABASE_URL points at a server (``.ci/run`` does both)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from veracity.store.db import Database, normalise_url

PG_URL = os.environ.get("VERACITY_TEST_DATABASE_URL", "")
SHARED_DATA = Path(
    os.environ.get("VERACITY_DATA_DIR", Path(__file__).parents[1] / "../shared/data")
)


def _fresh_postgres_url(base: str) -> tuple[str, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in base else "?"
    return f"{normalise_url(base)}{sep}options=-csearch_path%3D{schema}", schema


def _drop_schema(base: str, schema: str) -> None:
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty database that lives for one test."""
    if PG_URL:
        url, schema = _fresh_postgres_url(PG_URL)
        yield url
        _drop_schema(PG_URL, schema)
    else:
        yield f"sqlite:///{tmp_path / 'veracity.db'}"


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
