"""Insert-if-absent for both dialects: the mechanism behind idempotent ingestion.

``INSERT ... ON CONFLICT DO NOTHING RETURNING key`` tells us which rows were new in one statement,
so concurrent re-sends of the same id can never both be processed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from veracity.store.tables import Base


def insert_ignore(
    session: Session,
    target: Table | type[Base],
    rows: Sequence[dict[str, Any]],
    key: str,
    conflict_columns: Sequence[str] | None = None,
) -> set[Any]:
    """Insert ``rows``, skipping those whose key exists; return the keys actually inserted."""
    if not rows:
        return set()
    table = target if isinstance(target, Table) else cast(Table, target.__table__)
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Parameters passed separately (executemany) keep the compiled statement cacheable; a
    # multi-row VALUES literal would be recompiled for every batch size.
    stmt = (
        builder(table)
        .on_conflict_do_nothing(index_elements=list(conflict_columns or [key]))
        .returning(table.c[key])
    )
    result = session.execute(stmt, list(rows))
    return set(result.scalars())
