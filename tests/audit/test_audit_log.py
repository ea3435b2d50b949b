"""The hash-chained audit log: an untouched log verifies; editing, reordering or deleting any
entry with raw SQL (after dropping the guards, as someone with owner rights could) does not."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from veracity.audit import AuditError, list_entries, record, verify
from veracity.audit.log import GENESIS, canonical_json, chain_hash
from veracity.cli import app
from veracity.store.db import Database


def _fill(db: Database, n: int = 5) -> None:
    for i in range(n):
        with db.transaction() as session:
            record(
                session,
                actor=f"user:u{i}",
                role="reviewer",
                action="case.decide",
                subject=f"case:{i}",
                details={"outcome": "remove" if i % 2 else "keep", "n": i, "ratio": 0.1 * i},
            )


def _verify(db: Database) -> dict[str, object]:
    with db.transaction() as session:
        return verify(session).to_json()


def _sql(db: Database, *statements: str) -> None:
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _drop_guards(db: Database) -> None:
    if db.dialect == "postgresql":
        _sql(db, "DROP TRIGGER audit_log_append_only ON audit_log")
    else:
        _sql(db, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")


def test_untouched_log_verifies(db: Database) -> None:
    assert _verify(db) == {
        "ok": True,
        "entries": 0,
        "first_bad_id": None,
        "problem": None,
        "head": GENESIS,
    }
    _fill(db)
    result = _verify(db)
    assert result["ok"] is True and result["entries"] == 5 and result["first_bad_id"] is None
    with db.transaction() as session:
        entries = list_entries(session)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    for before, entry in itertools.pairwise(entries):
        assert entry.prev_hash == before.hash
    last = entries[-1]
    canonical = canonical_json(
        last.seq, last.at, last.actor, last.role, last.action, last.subject, last.details
    )
    assert chain_hash(last.prev_hash, canonical) == last.hash == result["head"]


def test_the_database_refuses_edits_and_deletions(db: Database) -> None:
    _fill(db, 2)
    for statement in (
        "UPDATE audit_log SET role = 'admin' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_head",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            _sql(db, statement)
    assert _verify(db)["ok"] is True


TAMPERS: dict[str, tuple[list[str], int]] = {
    "details": (
        [
            'UPDATE audit_log SET details = \'{"outcome": "keep", "n": 3, "ratio": 0.3}\' '
            "WHERE seq = 4"
        ],
        4,
    ),
    "actor": (["UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 2"], 2),
    "time": (["UPDATE audit_log SET at = at + INTERVAL '1 second' WHERE seq = 3"], 3),
    "order": (
        [
            "UPDATE audit_log SET seq = -2 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = -2",
        ],
        2,
    ),
    "deleted in the middle": (["DELETE FROM audit_log WHERE seq = 3"], 3),
    "deleted at the end": (["DELETE FROM audit_log WHERE seq = 5"], 5),
    "renumbered after a deletion": (
        ["DELETE FROM audit_log WHERE seq = 3", "UPDATE audit_log SET seq = seq - 1 WHERE seq > 3"],
        3,
    ),
}


@pytest.mark.parametrize("name", list(TAMPERS))
def test_tampering_is_detected(db: Database, name: str) -> None:
    statements, first_bad = TAMPERS[name]
    if name == "time" and db.dialect == "sqlite":
        statements = ["UPDATE audit_log SET at = datetime(at, '+1 second') WHERE seq = 3"]
    _fill(db)
    _drop_guards(db)
    _sql(db, *statements)
    result = _verify(db)
    assert result["ok"] is False, result
    assert result["first_bad_id"] == first_bad, result
    assert result["problem"]


def test_cli_verify_prints_one_json_object_and_fails_on_tampering(db: Database) -> None:
    _fill(db, 3)
    runner = CliRunner()
    good = runner.invoke(app, ["audit", "verify", "--database-url", db.url])
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["ok"] is True
    _drop_guards(db)
    _sql(db, "UPDATE audit_log SET subject = 'case:other' WHERE seq = 2")
    bad = runner.invoke(app, ["audit", "verify", "--database-url", db.url])
    assert bad.exit_code == 1
    report = json.loads(bad.stdout)
    assert {k: report[k] for k in ("ok", "entries", "first_bad_id")} == {
        "ok": False,
        "entries": 2,
        "first_bad_id": 2,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"details": {"password": "hunter2"}}, "secrets"),
        ({"details": {"nested": {"api_token": "vt_abc"}}}, "secrets"),
        ({"details": {"reporter_email": "a@example.org"}}, "contact"),
        ({"details": {"when": object()}}, "plain JSON"),
        ({"details": {"x": float("nan")}}, "plain JSON"),
        ({"details": {"blob": "x" * 20_000}}, "at most"),
        ({"action": "Drop Table"}, "dotted name"),
        ({"actor": ""}, "actor"),
    ],
)
def test_malformed_entries_are_refused(
    db: Database, kwargs: dict[str, object], message: str
) -> None:
    entry: dict[str, object] = {"actor": "user:a", "role": "admin", "action": "x.y", **kwargs}
    with db.transaction() as session, pytest.raises(AuditError, match=message):
        record(session, **entry)  # type: ignore[arg-type]
    # Flags and ids under such names are fine: they cannot carry a secret.
    with db.transaction() as session:
        record(
            session,
            actor="cli:x",
            role="admin",
            action="user.create",
            details={"has_password": True, "token_id": 4},
        )
    assert _verify(db)["ok"] is True


def test_concurrent_appends_keep_one_chain(db: Database) -> None:
    errors: list[BaseException] = []

    def writer(k: int) -> Callable[[], None]:
        def run() -> None:
            try:
                for i in range(10):
                    with db.transaction() as session:
                        record(
                            session,
                            actor=f"user:w{k}",
                            role="r",
                            action="t.write",
                            details={"i": i},
                        )
            except BaseException as exc:
                errors.append(exc)

        return run

    threads = [threading.Thread(target=writer(k)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = _verify(db)
    assert result["ok"] is True and result["entries"] == 40


def test_an_action_and_its_entry_commit_together(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        record(session, actor="user:a", role="admin", action="x.y")
        raise RuntimeError("the action failed")
    assert _verify(db) == {
        "ok": True,
        "entries": 0,
        "first_bad_id": None,
        "problem": None,
        "head": GENESIS,
    }
