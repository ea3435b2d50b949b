"""``veracity dsa export`` and ``veracity dsa submit`` through Typer, on a real database and the
local stand-in server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from tdb_seed import REMOVE_SCOPE_US, many, save
from tdb_standin import TOKEN, StandInServer
from typer.testing import CliRunner, Result

from veracity.compliance.transparency_cli import register
from veracity.compliance.transparency_db import validate_statement
from veracity.store.db import Database

ENV = {"TDB_TOKEN": TOKEN}


def _run(args: list[str], env: dict[str, str] | None = None) -> Result:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # keeps "dsa" a sub-command, as in the real CLI
        return None

    return CliRunner().invoke(app, ["dsa", *args], env=env)


def _json(result: Result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def server() -> Iterator[StandInServer]:
    with StandInServer() as s:
        yield s


def test_export_writes_valid_and_reports_invalid(db: Database, tmp_path: Path) -> None:
    save(db, [REMOVE_SCOPE_US])
    good = many(db, 3)
    out = tmp_path / "sor.jsonl"
    result = _run(["export", "--out", str(out), "--database-url", db.url])
    assert result.exit_code == 1, result.output
    report = _json(result)
    assert (report["exported"], report["invalid"]) == (3, 1)
    assert report["invalid_statements"][0]["puid"] == REMOVE_SCOPE_US.puid
    assert report["invalid_statements"][0]["violations"][0]["field"] == "territorial_scope"
    assert f"invalid statement {REMOVE_SCOPE_US.puid}: territorial_scope" in result.stderr
    bodies = [json.loads(line) for line in out.read_text().splitlines()]
    assert [b["puid"] for b in bodies] == [s.puid for s in good]
    assert all(validate_statement(b) == [] for b in bodies)
    skipped = _run(["export", "--out", str(out), "--skip-invalid", "--database-url", db.url])
    assert skipped.exit_code == 0 and _json(skipped)["exported"] == 3


def test_export_window(db: Database, tmp_path: Path) -> None:
    many(db, 2)  # issued 2026-05-02
    out = tmp_path / "sor.jsonl"
    before = _run(["export", "--out", str(out), "--until", "2026-05-01", "--database-url", db.url])
    assert before.exit_code == 0 and _json(before)["exported"] == 0
    inside = _run(
        [
            "export",
            "--out",
            str(out),
            "--since",
            "2026-05-02T00:00:00Z",
            "--until",
            "2026-05-03",
            "--database-url",
            db.url,
        ]
    )
    assert inside.exit_code == 0 and _json(inside)["exported"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "not an ISO-8601"),
        (["--since", "2026-05-02", "--until", "2026-05-01"], "--until must be after"),
        (["--out", "/nonexistent-dir/x.jsonl"], "no such directory"),
    ],
)
def test_export_usage_errors(db: Database, tmp_path: Path, args: list[str], message: str) -> None:
    argv = ["export", "--out", str(tmp_path / "x.jsonl"), *args, "--database-url", db.url]
    result = _run(argv)
    assert result.exit_code == 2
    assert message in result.stderr


def test_submit_prints_counts(db: Database, server: StandInServer) -> None:
    many(db, 120)
    args = ["submit", "--url", server.url, "--token-env", "TDB_TOKEN", "--database-url", db.url]
    server.state.fail_next("500")
    result = _run([*args, "--batch-size", "50", "--timeout-s", "5"], env=ENV)
    assert result.exit_code == 0, result.output
    report = _json(result)
    assert {k: report[k] for k in ("submitted", "accepted", "rejected", "retried")} == {
        "submitted": 120,
        "accepted": 120,
        "rejected": 0,
        "retried": 1,
    }
    assert len(server.state.stored) == 120
    again = _run(args, env=ENV)
    assert again.exit_code == 0 and _json(again)["submitted"] == 0


def test_submit_exit_1_when_refused(db: Database, server: StandInServer) -> None:
    [s] = many(db, 1)
    server.state.refuse[s.puid] = {"puid": ["The identifier given is not unique."]}
    args = ["submit", "--url", server.url, "--token-env", "TDB_TOKEN", "--database-url", db.url]
    result = _run(args, env=ENV)
    assert result.exit_code == 1
    assert _json(result)["rejected"] == 1


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        ([], {}, "TDB_TOKEN is not set"),
        ([], {"TDB_TOKEN": "wrong"}, "HTTP 401"),
        (["--batch-size", "101"], ENV, "--batch-size must be 1 to 100"),
        (["--batch-size", "0"], ENV, "--batch-size must be 1 to 100"),
        (["--timeout-s", "0"], ENV, "--timeout-s"),
        (["--max-attempts", "0"], ENV, "--max-attempts"),
        (["--since", "not-a-date"], ENV, "not an ISO-8601"),
    ],
)
def test_submit_usage_and_credential_errors(
    db: Database, server: StandInServer, extra: list[str], env: dict[str, str], message: str
) -> None:
    many(db, 1)
    args = ["submit", "--url", server.url, "--token-env", "TDB_TOKEN", "--database-url", db.url]
    result = _run([*args, *extra], env={"TDB_TOKEN": "", **env})
    assert result.exit_code == 2
    assert message in result.stderr
    assert server.state.stored == {}


def test_submit_refuses_a_non_http_url(db: Database) -> None:
    args = ["submit", "--url", "ftp://tdb", "--token-env", "TDB_TOKEN", "--database-url", db.url]
    result = _run(args, env=ENV)
    assert result.exit_code == 2 and "http" in result.stderr
