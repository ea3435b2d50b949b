"""Throw-away databases for tests and benchmarks: a temporary SQLite file, or a fresh schema in
a PostgreSQL server so runs never touch each other's tables."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from veracity.store.db import normalise_url


@contextmanager
def scratch_database_url(base_url: str | None = None) -> Iterator[str]:
    """Yield the URL of an empty database that is removed afterwards.

    ``base_url`` None or SQLite: a file in a temporary folder. PostgreSQL: a new schema, selected
    through the connection's ``search_path``.
    """
    if not base_url or normalise_url(base_url).startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="veracity-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'veracity.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{normalise_url(base_url)}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
