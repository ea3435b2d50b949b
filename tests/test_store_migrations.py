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


def test_decisions_and_signals_refuse_updates(db: Database) -> None:
    import pytest
    from sqlalchemy import insert, update
    from sqlalchemy.exc import DBAPIError

    from veracity.store.db import utcnow
    from veracity.store.tables import DecisionRow, SignalRow

    now = utcnow()
    with db.transaction() as session:
        session.execute(
            insert(DecisionRow).values(
                id="d1",
                subject_type="content",
                subject_id="c1",
                trigger="ingest",
                record={},
                action_count=0,
                automated_decision=True,
                created_at=now,
            )
        )
        session.execute(
            insert(SignalRow).values(
                subject_type="content",
                subject_id="c1",
                detector="x",
                detector_version="1",
                outputs={},
                evidence={},
                created_at=now,
            )
        )
    for stmt in (
        update(DecisionRow).where(DecisionRow.id == "d1").values(action_count=5),
        update(SignalRow).values(outputs={"score": 1.0}),
    ):
        with pytest.raises(DBAPIError, match="immutable"), db.transaction() as session:
            session.execute(stmt)
