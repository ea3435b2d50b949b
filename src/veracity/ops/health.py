"""Readiness: the database answers and its schema is at the newest migration. The answer names
what is wrong in one word, never a URL, driver message or stack trace."""

from __future__ import annotations

import logging
from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from veracity.store.db import Database
from veracity.store.migrate import alembic_config

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The revision ids the migration scripts end at (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def readiness(db: Database) -> dict[str, str]:
    """``{"database": "ok"|"unreachable", "migrations": "ok"|"behind"|"unknown"}``."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception:  # any failure means "not ready"; the cause goes to the log only
        log.warning("readiness check failed", exc_info=True)
        return {"database": "unreachable", "migrations": "unknown"}
    heads = head_revisions()
    return {"database": "ok", "migrations": "ok" if current == heads else "behind"}
