"""``veracity experiments create|list|analyse|simulate`` on a real database."""

from __future__ import annotations

import json

from typer.testing import CliRunner, Result

from veracity.cli import app
from veracity.store.db import Database


def _run(db: Database, *args: str) -> Result:
    return CliRunner().invoke(app, ["experiments", *args, "--database-url", db.url])


def _json(result: Result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_create_list_simulate_analyse(db: Database) -> None:
    created = _run(
        db,
        "create",
        "label-v2",
        "--name",
        "Label wording v2",
        "--intervention",
        "label_wording",
        "--variant",
        "control,new_wording",
        "--weight",
        "1",
        "--weight",
        "1",
        "--starts-at",
        "2026-01-01T00:00:00",
        "--ends-at",
        "2026-01-03T00:00:00",
        "--pre-period-days",
        "2",
    )
    assert created.exit_code == 0, created.output
    assert _json(created)["created"] is True
    listed = _json(_run(db, "list"))
    assert [e["key"] for e in listed["experiments"]] == ["label-v2"]
    sim = _run(db, "simulate", "label-v2", "--intervention", "label_wording", "--units", "300")
    assert sim.exit_code == 0, sim.output
    out = _json(sim)
    assert out["truth"]["views"] < 0
    analysed = _run(db, "analyse", "label-v2")
    assert analysed.exit_code == 0, analysed.output
    report = _json(analysed)
    assert report["comparisons"].keys() == {"new_wording"}
    assert report == {"experiment": "label-v2", **out["readout"]}


def test_simulate_creates_a_just_ended_experiment(db: Database) -> None:
    result = _run(db, "simulate", "aa-1", "--effect-scale", "0", "--units", "250", "--days", "1")
    assert result.exit_code == 0, result.output
    out = _json(result)
    assert out["truth"]["reshares_per_view"] == 0.0
    assert out["readout"]["srm"]["mismatch"] is False


def test_bad_input_is_a_cli_error(db: Database) -> None:
    cases = [
        ("create", "x", "--name", "n", "--intervention", "mind_control"),
        ("create", "bad key", "--name", "n", "--intervention", "policy"),
        ("create", "x", "--name", "n", "--intervention", "policy", "--coverage", "2"),
        ("analyse", "missing"),
        ("simulate", "x", "--intervention", "nope"),
        ("simulate", "x", "--units", "0"),
        ("simulate", "x", "--days", "-1"),
    ]
    for args in cases:
        result = _run(db, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "error" in result.output or "Invalid" in result.output, (args, result.output)
