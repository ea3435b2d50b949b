"""``veracity audit verify``: walk the hash chain; exit 1 when it is broken."""

from __future__ import annotations

from typing import Annotated

import typer

from veracity.audit.log import verify
from veracity.cli_common import emit
from veracity.config import get_settings
from veracity.store.db import Database

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
    ] = None,
) -> None:
    """Check every entry's hash and link and the head; prints {"ok", "entries", "first_bad_id",
    ...}. Keep the printed head hash elsewhere to detect a rewrite of the whole chain."""
    db = Database(database_url or get_settings().database_url)
    try:
        with db.transaction() as session:
            result = verify(session)
    finally:
        db.dispose()
    emit(result.to_json())
    if not result.ok:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
