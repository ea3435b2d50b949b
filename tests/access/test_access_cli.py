"""``veracity users`` and ``veracity tokens``: JSON out, clear errors, audited changes."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from veracity.access.tokens import token_holder
from veracity.access.users import check_password
from veracity.audit import list_entries, verify
from veracity.cli import app
from veracity.store.db import Database

PASSWORD = "correct horse battery staple"


def _run(db: Database, *args: str, stdin: str | None = None) -> tuple[int, Any, str]:
    result = CliRunner().invoke(app, [*args, "--database-url", db.url], input=stdin)
    out = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, out, result.output


def test_users_and_tokens_lifecycle(db: Database) -> None:
    code, user, _ = _run(
        db,
        "users",
        "add",
        "Alice",
        "--role",
        "reviewer",
        "--role",
        "analyst",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and user["username"] == "alice"
    assert user["roles"] == ["analyst", "reviewer"] and user["has_password"] is True
    code, robot, _ = _run(db, "users", "add", "robot", "--role", "service,fact_checker")
    assert code == 0 and robot["has_password"] is False

    code, listed, _ = _run(db, "users", "list")
    assert [u["username"] for u in listed["users"]] == ["alice", "robot"]

    code, made, _output = _run(
        db, "tokens", "create", "--user", "robot", "--role", "service", "--expires-days", "30"
    )
    assert code == 0 and made["token"].startswith("vt_") and made["expires_at"]
    with db.transaction() as session:
        holder = token_holder(session, made["token"])
        assert holder is not None and holder.username == "robot"
        assert check_password(session, "alice", PASSWORD) is not None

    code, tokens, _ = _run(db, "tokens", "list")
    assert code == 0 and made["token"] not in json.dumps(tokens)
    code, revoked, _ = _run(db, "tokens", "revoke", str(made["id"]))
    assert code == 0 and revoked["changed"] is True and revoked["revoked_at"]
    code, disabled, _ = _run(db, "users", "disable", "alice")
    assert code == 0 and disabled["disabled"] is True

    with db.transaction() as session:
        assert token_holder(session, made["token"]) is None
        entries = list_entries(session, limit=100)
        assert verify(session).ok
    assert [e.action for e in entries] == [
        "user.create",
        "user.create",
        "token.create",
        "token.revoke",
        "user.disable",
    ]
    assert all(e.actor.startswith("cli:") for e in entries)
    text = json.dumps([e.to_json() for e in entries])
    assert PASSWORD not in text and made["token"] not in text


def test_errors_are_clear_and_exit_2(db: Database) -> None:
    _run(db, "users", "add", "bob", "--role", "reviewer")
    for args, stdin, message in [
        (("users", "add", "carl", "--role", "wizard"), None, "unknown role 'wizard'"),
        (("users", "add", "bob", "--role", "analyst"), None, "already exists"),
        (("users", "add", "bad name", "--role", "analyst"), None, "username"),
        (("users", "add", "dan", "--role", "analyst", "--password-stdin"), "short\n", "12"),
        (("users", "add", "dan", "--role", "analyst", "--password-stdin"), "", "no password"),
        (("users", "disable", "ghost"), None, "no user 'ghost'"),
        (("tokens", "create", "--user", "bob", "--role", "admin"), None, "does not hold admin"),
        (("tokens", "create", "--user", "ghost", "--role", "reviewer"), None, "no user"),
        (("tokens", "revoke", "424242"), None, "no token 424242"),
    ]:
        code, _, output = _run(db, *args, stdin=stdin)
        assert code == 2, (args, output)
        assert message in output, (args, output)
    code, _, output = _run(db, "tokens", "revoke", "not-a-number")
    assert code == 2
