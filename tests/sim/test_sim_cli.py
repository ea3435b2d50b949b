"""The command-line wrapper and the errors bad options produce."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from veracity.sim import PRESETS, resolve_scale, simulate
from veracity.sim.cli import app, simulate_command


def test_command_prints_one_json_line_and_logs_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate_command(tmp_path, seed=2, scale="tiny", events=1_500)
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary["files"]["events.jsonl"] == 1_500
    assert summary["scale"] == "tiny" and summary["seed"] == 2
    assert "[simulate]" in err


def test_typer_app_rejects_an_unknown_scale(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--out", str(tmp_path), "--scale", "huge"])
    assert result.exit_code == 2
    assert "unknown scale 'huge'" in result.stderr
    assert result.stdout == ""


def test_typer_app_writes_the_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--out", str(tmp_path), "--scale", "tiny", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"]["accounts.jsonl"] == PRESETS["tiny"].accounts


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bot_fraction": 1.5}, "bot_fraction must be within [0, 1]"),
        ({"accounts": 10}, "planted groups need"),
        ({"events": 0}, "events must be at least 1"),
        ({"claims": 10_000}, "claims asked for"),
        ({"languages": {"xx": 1.0}}, "no vocabulary for language 'xx'"),
    ],
)
def test_bad_scales_fail_with_a_clear_message(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        simulate(tmp_path, scale=dataclasses.replace(PRESETS["tiny"], **change))


def test_events_override_must_be_positive() -> None:
    with pytest.raises(ValueError, match="events must be at least 1"):
        resolve_scale("tiny", events=0)
    assert resolve_scale("small", events=1234).events == 1234


def test_output_path_must_be_a_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="is not a directory"):
        simulate(blocker, scale="tiny")
