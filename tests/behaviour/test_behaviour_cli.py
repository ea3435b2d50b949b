"""The commands end to end through Typer: train and eval on JSONL, convert."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from behaviour_helpers import accounts, texts
from typer.testing import CliRunner

from veracity.detect.aigc.text.convert import write_jsonl as write_texts
from veracity.detect.behaviour.account_convert import write_jsonl as write_accounts
from veracity.detect.behaviour.cli import register


def _app() -> typer.Typer:
    app = typer.Typer()
    groups = {name: typer.Typer() for name in ("train", "eval", "convert")}
    for name, group in groups.items():
        app.add_typer(group, name=name)
    register(groups["train"], groups["eval"], groups["convert"])
    return app


def _json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_accounts_train_eval_and_cv(tmp_path: Path) -> None:
    train, test = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    write_accounts(accounts(100, seed=1), train)
    write_accounts(accounts(40, seed=2), test)
    model = tmp_path / "m.npz"
    runner = CliRunner()
    done = runner.invoke(_app(), ["train", "accounts", "--data", str(train), "--out", str(model)])
    assert done.exit_code == 0, done.output
    result = runner.invoke(_app(), ["eval", "accounts", "--data", str(test), "--model", str(model)])
    assert result.exit_code == 0, result.output
    report = _json(result.stdout)
    assert {"accuracy", "f1", "auroc"} <= report.keys() and report["n"] == 40
    cv = runner.invoke(_app(), ["eval", "accounts", "--data", str(train), "--cv", "3"])
    assert cv.exit_code == 0, cv.output
    assert _json(cv.stdout)["n"] == 100
    missing = runner.invoke(
        _app(), ["eval", "accounts", "--data", str(test), "--model", str(tmp_path / "no.npz")]
    )
    assert missing.exit_code == 2


def test_spam_train_eval_and_convert(tmp_path: Path) -> None:
    train, test = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    write_texts(texts(60, seed=1), train)
    write_texts(texts(20, seed=2), test)
    model = tmp_path / "s.npz"
    runner = CliRunner()
    done = runner.invoke(_app(), ["train", "spam", "--data", str(train), "--out", str(model)])
    assert done.exit_code == 0, done.output
    result = runner.invoke(_app(), ["eval", "spam", "--data", str(test), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert {"accuracy", "f1", "auroc"} <= _json(result.stdout).keys()
    sms = tmp_path / "SMSSpamCollection"
    sms.write_text("ham\thi\nspam\tWIN now\n", encoding="utf-8")
    converted = runner.invoke(
        _app(), ["convert", "spam", "--format", "sms", str(sms), str(tmp_path / "o.jsonl")]
    )
    assert converted.exit_code == 0 and _json(converted.stdout)["written"] == 2
