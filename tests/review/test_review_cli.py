"""``veracity review``: check a routing file, refresh priorities, print quality figures."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from review_support import CONFIG
from typer.testing import CliRunner

from veracity.cli import app
from veracity.review.intake import CaseKind, Routed, new_case_row
from veracity.store.db import Database, utcnow
from veracity.store.tables import CaseRow
from veracity.store.upsert import insert_ignore


def test_check_config_accepts_the_bundled_file_and_names_a_bad_one(tmp_path: Path) -> None:
    ok = CliRunner().invoke(app, ["review", "check-config"])
    assert ok.exit_code == 0 and "appeals" in json.loads(ok.stdout)["queues"]
    bad = tmp_path / "routing.yaml"
    bad.write_text("queues: {}\nrules: []\npolicy_tags: {}\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["review", "check-config", str(bad)])
    assert refused.exit_code == 2 and "queues" in refused.output


def test_reprioritise_and_quality(db: Database) -> None:
    opened = utcnow() - timedelta(hours=40)
    row = new_case_row(
        CONFIG,
        case_id="old",
        kind=CaseKind.REVIEW,
        routed=Routed("spam-review", "spam", 0.3, 0),
        subject_type="content",
        subject_id="c1",
        decision_id=None,
        now=opened,
    )
    with db.transaction() as s:
        insert_ignore(s, CaseRow, [row], "id")
    run = CliRunner().invoke(app, ["review", "reprioritise", "--database-url", db.url])
    assert run.exit_code == 0 and json.loads(run.stdout) == {"changed": 1}
    with db.transaction() as s:
        assert s.get(CaseRow, "old").priority > row["priority"]  # type: ignore[union-attr]
    quality = CliRunner().invoke(
        app, ["review", "quality", "--by", "trigger", "--database-url", db.url]
    )
    assert quality.exit_code == 0
    assert json.loads(quality.stdout)["quality"]["overall"]["decisions"] == 0
    wrong = CliRunner().invoke(app, ["review", "quality", "--by", "mood", "--database-url", db.url])
    assert wrong.exit_code == 2
