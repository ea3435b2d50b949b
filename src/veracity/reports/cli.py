"""``veracity flaggers add|list|revoke``: the trusted-flagger registry (DSA Art. 22).

Like ``veracity users``, these act with direct database access, i.e. as an administrator, and
each change goes to the audit log as ``cli:<login name>``. Output is one JSON object.
"""

from __future__ import annotations

from typing import Annotated

import typer

from veracity.audit.actors import CLI_ROLE, cli_actor
from veracity.audit.log import record
from veracity.cli_common import emit, fail
from veracity.config import get_settings
from veracity.reports.flaggers import FlaggerError, add_flagger, list_flaggers, revoke_flagger
from veracity.store.db import Database

flaggers_app = typer.Typer(help="Trusted flaggers (DSA Art. 22).", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]


def _db(database_url: str | None) -> Database:
    return Database(database_url or get_settings().database_url)


@flaggers_app.command("add")
def flaggers_add(
    flagger_id: Annotated[str, typer.Argument(metavar="ID", help="a-z 0-9 . _ - (never reused)")],
    name: Annotated[str, typer.Option("--name", help="The entity's name.")],
    area: Annotated[
        list[str],
        typer.Option(
            "--area",
            help="An area of expertise: a STATEMENT_CATEGORY_* value or its bare name; repeat "
            "(or separate with commas) for several.",
        ),
    ],
    member_state: Annotated[
        str | None,
        typer.Option("--member-state", help="The awarding coordinator's country (ISO alpha-2)."),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Register a trusted flagger with its areas of expertise."""
    db = _db(database_url)
    try:
        with db.transaction() as session:
            flagger = add_flagger(session, flagger_id, name, area, member_state)
            record(
                session,
                actor=cli_actor(),
                role=CLI_ROLE,
                action="flagger.add",
                subject=f"flagger:{flagger.id}",
                details={"areas": flagger.areas, "member_state": flagger.member_state},
            )
    except FlaggerError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    emit(flagger.to_json())


@flaggers_app.command("list")
def flaggers_list(
    active_only: Annotated[
        bool, typer.Option("--active-only", help="Leave out revoked flaggers.")
    ] = False,
    database_url: DbOption = None,
) -> None:
    """List trusted flaggers with their notice counts and outcomes."""
    db = _db(database_url)
    try:
        with db.transaction() as session:
            flaggers = list_flaggers(session, include_revoked=not active_only)
    finally:
        db.dispose()
    emit({"flaggers": [f.to_json() for f in flaggers]})


@flaggers_app.command("revoke")
def flaggers_revoke(
    flagger_id: Annotated[str, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="Why the status ends.")],
    database_url: DbOption = None,
) -> None:
    """Revoke a flagger's status: its later notices are handled as ordinary notices."""
    db = _db(database_url)
    try:
        with db.transaction() as session:
            flagger, changed = revoke_flagger(session, flagger_id, reason)
            if changed:
                record(
                    session,
                    actor=cli_actor(),
                    role=CLI_ROLE,
                    action="flagger.revoke",
                    subject=f"flagger:{flagger.id}",
                )
    except FlaggerError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    emit({**flagger.to_json(), "changed": changed})


def register(app: typer.Typer) -> None:
    app.add_typer(flaggers_app, name="flaggers")
