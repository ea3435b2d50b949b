"""The commands, end to end through Typer: convert, train on JSONL, eval."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from aitext_helpers import corpus
from typer.testing import CliRunner

from veracity.detect.aigc.text.cli import register
from veracity.detect.aigc.text.convert import write_jsonl


def _app() -> typer.Typer:
    app = typer.Typer()
    groups = {name: typer.Typer() for name in ("train", "eval", "convert")}
    for name, group in groups.items():
        app.add_typer(group, name=name)
    register(groups["train"], groups["eval"], groups["convert"])
    return app


def _json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_train_then_eval_on_jsonl(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # train needs wordfreq for its frequency table; keep the test independent of it
    monkeypatch.setattr("veracity.detect.aigc.text.training.frequency_table", lambda: {"the": 7.0})
    train_file, test_file = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    write_jsonl(corpus(80, seed=1), train_file)
    write_jsonl(corpus(30, seed=2), test_file)
    model = tmp_path / "m.npz"
    runner = CliRunner()
    trained = runner.invoke(
        _app(), ["train", "aitext", "--data", str(train_file), "--out", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    assert _json(trained.stdout)["training_records"] == 160
    result = runner.invoke(
        _app(), ["eval", "aitext", "--data", str(test_file), "--model", str(model)]
    )
    assert result.exit_code == 0, result.output
    report = _json(result.stdout)
    assert set(report) >= {"auroc", "accuracy", "f1", "tpr_at_1pct_fpr"}
    assert report["auroc"] > 0.9


def test_eval_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": 7}\n')
    result = CliRunner().invoke(
        _app(), ["eval", "aitext", "--data", str(bad), "--model", str(tmp_path / "m.npz")]
    )
    assert result.exit_code == 2
    assert "bad.jsonl:1: 'label' must be 0 or 1" in result.output


def test_convert_command(tmp_path: Path) -> None:
    source = tmp_path / "x_gen.raw_data.json"
    source.write_text(json.dumps({"original": ["h1", "h2"], "sampled": ["m1", "m2"]}))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        _app(), ["convert", "aitext", "--from", "fastdetectgpt", str(source), str(out)]
    )
    assert result.exit_code == 0, result.output
    assert _json(result.stdout)["written"] == 4
    assert len(out.read_text().splitlines()) == 4
    wrong = CliRunner().invoke(
        _app(), ["convert", "aitext", "--from", "xml", str(source), str(out)]
    )
    assert wrong.exit_code == 2 and "unknown format 'xml'" in wrong.output
