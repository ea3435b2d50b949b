from __future__ import annotations

import json
from pathlib import Path

import typer
from media_helpers import image_bytes
from typer.testing import CliRunner

from veracity.detect.misinfo.media.cli import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test root."""

    register(app)
    return app


def test_cli_add_disable_export_import(tmp_path: Path, database_url: str) -> None:
    from veracity.store.db import Database

    Database(database_url).dispose()  # migrate
    app, runner = _app(), CliRunner()
    db = ["--database-url", database_url]
    img = tmp_path / "a.png"
    img.write_bytes(image_bytes(9))
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"junk")
    r = runner.invoke(app, ["media-banks", "add", "viral", str(img), str(junk), *db])
    assert r.exit_code == 1  # something was refused
    out = json.loads(r.stdout)
    assert out["added"] == 1 and out["refused"][0]["path"] == str(junk)
    r = runner.invoke(app, ["media-banks", "export", "viral", "-o", str(tmp_path / "x.csv"), *db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["media-banks", "import", "copy", str(tmp_path / "x.csv"), *db])
    assert json.loads(r.stdout)["added"] == 1
    entry = (tmp_path / "x.csv").read_text().splitlines()[1].split(",")[5]
    r = runner.invoke(app, ["media-banks", "disable", "copy", entry, "nope", *db])
    assert r.exit_code == 1 and json.loads(r.stdout)["disabled"] == [entry]
    r = runner.invoke(app, ["media-banks", "list", *db])
    banks = {b["bank"]: b for b in json.loads(r.stdout)["banks"]}
    assert banks["pdq:copy"] == {"bank": "pdq:copy", "entries": 0, "disabled": 1}
    r = runner.invoke(app, ["media-banks", "add", "Bad Name", str(img), *db])
    assert r.exit_code == 2 and "unknown bank" in r.output
