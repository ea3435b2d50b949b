"""The Alembic migrations and the ORM tables describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from veracity.store.db import Database
from veracity.store.tables import Base


def test_migrations_match_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_all_tables_created(db: Database) -> None:
    names = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= names
