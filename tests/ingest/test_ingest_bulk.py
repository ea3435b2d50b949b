"""Bulk JSONL import from the CLI: bad lines are reported by number, the rest goes in, and a
re-run duplicates nothing."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from veracity.cli import app
from veracity.store.db import Database
from veracity.store.tables import ContentRow, DecisionRow, EventRow

runner = CliRunner()


def _post(i: int) -> str:
    return json.dumps({"id": f"p{i}", "account_id": "a1", "kind": "post", "text": f"hello {i}"})


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _count(db: Database, table: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_bad_lines_are_reported_and_the_rest_is_imported(tmp_path: Path, db: Database) -> None:
    lines = [
        _post(1).encode(),
        b'{"id": "p2", "account_id": "a1", "kind": "post", "text": "unterminated',
        _post(3).encode(),
        json.dumps({"id": "p4", "account_id": "a1", "kind": "post", "colour": "red"}).encode(),
        b"",
        b'{"id": "p6", "text": "caf\xe9"}',
        b"[1, 2, 3]",
        json.dumps({"id": "p8", "account_id": "a1", "kind": "hologram"}).encode(),
        _post(9).encode(),
    ]
    path = _write(tmp_path / "content.jsonl", lines)
    result = runner.invoke(app, ["ingest", str(path), "--database-url", db.url])
    assert result.exit_code == 1  # some lines were refused
    report = json.loads(result.stdout.strip().splitlines()[-1])["files"][0]
    assert report["kind"] == "content"
    assert (report["lines"], report["accepted"], report["error_count"]) == (9, 3, 5)
    by_line = {e["line"]: e["error"] for e in report["errors"]}
    assert sorted(by_line) == [2, 4, 6, 7, 8]
    assert "malformed JSON" in by_line[2]
    assert "colour" in by_line[4] and "Extra inputs" in by_line[4]
    assert "invalid UTF-8" in by_line[6]
    assert "expected a JSON object" in by_line[7]
    assert by_line[8].startswith("kind:")
    assert f"{path}:4: colour" in result.stderr
    assert _count(db, ContentRow) == 3
    assert _count(db, DecisionRow) == 3

    again = runner.invoke(app, ["ingest", str(path), "--database-url", db.url])
    second = json.loads(again.stdout.strip().splitlines()[-1])["files"][0]
    assert (second["accepted"], second["duplicates"]) == (0, 3)
    assert _count(db, ContentRow) == 3


def test_oversized_line_is_skipped_in_bounded_memory(tmp_path: Path, db: Database) -> None:
    huge = b'{"id": "big", "text": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    path = _write(tmp_path / "content.jsonl", [_post(1).encode(), huge, _post(3).encode()])
    result = runner.invoke(app, ["ingest", str(path), "--database-url", db.url])
    report = json.loads(result.stdout.strip().splitlines()[-1])["files"][0]
    assert report["accepted"] == 2
    assert report["errors"][0]["line"] == 2
    assert "limit is 1048576" in report["errors"][0]["error"]


def test_events_file_and_kind_errors(tmp_path: Path, db: Database) -> None:
    events = _write(
        tmp_path / "events.jsonl",
        [
            json.dumps(
                {
                    "id": "e1",
                    "type": "view",
                    "content_id": "p1",
                    "occurred_at": "2026-11-01T00:00:00Z",
                }
            ).encode(),
            json.dumps(
                {"id": "e2", "type": "teleport", "occurred_at": "2026-11-01T00:00:00Z"}
            ).encode(),
        ],
    )
    result = runner.invoke(app, ["ingest", str(events), "--database-url", db.url])
    report = json.loads(result.stdout.strip().splitlines()[-1])["files"][0]
    assert (report["accepted"], report["error_count"]) == (1, 1)
    assert report["errors"][0]["error"].startswith("type:")
    assert _count(db, EventRow) == 1

    unknown = _write(tmp_path / "stuff.jsonl", [b"{}"])
    result = runner.invoke(app, ["ingest", str(unknown), "--database-url", db.url])
    assert result.exit_code == 2
    assert "--kind" in result.output
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nope.jsonl"), "--database-url", db.url])
    assert missing.exit_code == 2
