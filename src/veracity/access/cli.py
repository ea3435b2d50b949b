"""``veracity users`` and ``veracity tokens``: manage people, roles and API tokens.

These commands act with direct database access, that is as an administrator; each change is
written to the audit log as ``cli:<login name>``. Passwords are read from stdin, never from the
command line (where ``ps`` and shell history would keep them); a new token is printed once.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from veracity.access.passwords import PasswordPolicyError, ScryptParams
from veracity.access.roles import UnknownRoleError, parse_roles, role_list
from veracity.access.tokens import create_token, list_tokens, revoke_token
from veracity.access.users import (
    UserError,
    create_user,
    disable_user,
    list_users,
    set_password,
)
from veracity.audit.actors import CLI_ROLE, cli_actor
from veracity.audit.log import record
from veracity.cli_common import emit, fail
from veracity.config import get_settings
from veracity.store.db import Database

users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
tokens_app = typer.Typer(help="Per-user API tokens for machines.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]
RolesOption = Annotated[
    list[str],
    typer.Option("--role", help="A role; repeat (or separate with commas) for several."),
]


def _db(database_url: str | None) -> Database:
    return Database(database_url or get_settings().database_url)


def _params() -> ScryptParams:
    return ScryptParams(n=get_settings().password_scrypt_n)


def _roles(values: list[str]) -> list[str]:
    names = [part for value in values for part in value.split(",") if part.strip()]
    try:
        return role_list(parse_roles(names))
    except UnknownRoleError as exc:
        fail(str(exc))


def _password_from_stdin() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        fail("no password on stdin")
    return password


def _audit(db: Database, action: str, subject: str, details: dict[str, object]) -> None:
    with db.transaction() as session:
        record(
            session,
            actor=cli_actor(),
            role=CLI_ROLE,
            action=action,
            subject=subject,
            details=details,
        )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Username: a-z, 0-9, '.', '_', '-'.")],
    role: RolesOption,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from stdin; without it: tokens only."
        ),
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Add a user with one or more roles."""
    roles = _roles(role)
    password = _password_from_stdin() if password_stdin else None
    db = _db(database_url)
    try:
        with db.transaction() as session:
            user = create_user(session, name, parse_roles(roles), password, _params())
            record(
                session,
                actor=cli_actor(),
                role=CLI_ROLE,
                action="user.create",
                subject=f"user:{user.username}",
                details={"roles": roles, "has_password": user.has_password},
            )
    except (UserError, PasswordPolicyError) as exc:
        fail(str(exc))
    emit(user.to_json())


@users_app.command("list")
def users_list(database_url: DbOption = None) -> None:
    """List users with their roles."""
    with _db(database_url).transaction() as session:
        users = list_users(session)
    emit({"users": [u.to_json() for u in users]})


@users_app.command("disable")
def users_disable(name: str, database_url: DbOption = None) -> None:
    """Disable a user: their sessions end and their tokens stop working."""
    db = _db(database_url)
    try:
        with db.transaction() as session:
            user = disable_user(session, name)
            record(
                session,
                actor=cli_actor(),
                role=CLI_ROLE,
                action="user.disable",
                subject=f"user:{user.username}",
            )
    except UserError as exc:
        fail(str(exc))
    emit(user.to_json())


@users_app.command("set-password")
def users_set_password(name: str, database_url: DbOption = None) -> None:
    """Set a user's password from stdin; their sessions end."""
    password = _password_from_stdin()
    db = _db(database_url)
    try:
        with db.transaction() as session:
            user = set_password(session, name, password, _params())
            record(
                session,
                actor=cli_actor(),
                role=CLI_ROLE,
                action="user.set_password",
                subject=f"user:{user.username}",
            )
    except (UserError, PasswordPolicyError) as exc:
        fail(str(exc))
    emit(user.to_json())


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Option("--user", help="The token's owner.")],
    role: RolesOption,
    expires_days: Annotated[
        float | None, typer.Option("--expires-days", help="Days until it expires; default never.")
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Create a token carrying some of the user's roles; the token is printed once."""
    roles = _roles(role)
    db = _db(database_url)
    try:
        with db.transaction() as session:
            made = create_token(session, user, parse_roles(roles), expires_days)
            record(
                session,
                actor=cli_actor(),
                role=CLI_ROLE,
                action="token.create",
                subject=f"user:{made.token.username}",
                details={
                    "token_id": made.token.id,
                    "roles": roles,
                    "expires_at": made.token.expires_at.isoformat()
                    if made.token.expires_at
                    else None,
                },
            )
    except UserError as exc:
        fail(str(exc))
    emit({**made.token.to_json(), "token": made.secret})


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    database_url: DbOption = None,
) -> None:
    """List tokens (never the tokens themselves: only their first characters)."""
    try:
        with _db(database_url).transaction() as session:
            tokens = list_tokens(session, user)
    except UserError as exc:
        fail(str(exc))
    emit({"tokens": [t.to_json() for t in tokens]})


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id.")],
    database_url: DbOption = None,
) -> None:
    """Revoke a token; web sessions opened with it end too."""
    db = _db(database_url)
    try:
        with db.transaction() as session:
            token, changed = revoke_token(session, token_id)
            if changed:
                record(
                    session,
                    actor=cli_actor(),
                    role=CLI_ROLE,
                    action="token.revoke",
                    subject=f"user:{token.username}",
                    details={"token_id": token.id},
                )
    except UserError as exc:
        fail(str(exc))
    emit({**token.to_json(), "changed": changed})


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
