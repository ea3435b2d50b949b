"""The KPI engine against a store whose KPIs are worked out by hand (measure_support.build),
on the real database (SQLite, or PostgreSQL with VERACITY_TEST_DATABASE_URL) and DuckDB."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from measure_support import T0, build
from typer.testing import CliRunner

from veracity.cli import app
from veracity.measure.definitions import KPI_NAMES
from veracity.measure.kpi import Window, compute
from veracity.measure.source import export_store
from veracity.store.db import Database

runner = CliRunner()


def _kpi(db: Database, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["kpi", "--json", "--database-url", db.url, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_kpi_prints_one_object_keyed_by_kpi_name_with_hand_computed_values(db: Database) -> None:
    build(db)
    out = _kpi(db)
    for name in KPI_NAMES:
        assert name in out, name
    assert out["actioned_items"] == 4
    assert (out["proactive_rate"]["hits"], out["proactive_rate"]["items"]) == (3, 4)
    assert (out["removed_before_views"]["hits"], out["removed_before_views"]["items"]) == (1, 3)
    assert (out["removed_within_24h"]["hits"], out["removed_within_24h"]["items"]) == (2, 3)
    low, high = out["proactive_rate"]["ci95"]
    assert low < 0.75 < high
    assert out["time_to_action_anchor"] == "content_posted"
    assert out["time_to_action_p50_h"] == pytest.approx(7.5)
    assert out["time_to_action_p90_h"] == pytest.approx(24.0)
    vba = out["views_before_action"]
    assert (vba["total"], vba["mean"], vba["median"]) == (16, 4.0, 2.0)
    assert vba["p90"] == pytest.approx(9.3)
    assert vba["share_zero"]["hits"] == 1 and vba["share_under_10"]["hits"] == 3
    avr = out["actioned_view_rate"]
    assert avr["views"] == 25
    assert avr["by_policy"]["spam"] == {"views": 1, "per_10000": 400.0}
    assert avr["by_policy"]["misinfo"]["views"] == 19
    overturn = out["appeal_overturn_rate"]
    assert (overturn["hits"], overturn["items"]) == (1, 2)
    assert overturn["cohorts"]["2026-W45"]["rate"] == 0.5
    assert out["prevalence"] == {}  # nothing labelled yet
    assert out["reviewer_kappa"] is None  # no double reviews
    assert out["ai_label_coverage"]["items"] == 0


def test_time_to_action_from_the_first_report(db: Database) -> None:
    build(db)
    out = _kpi(db, "--anchor", "first_report")
    # Only c2 was reported before it was actioned: 30 h - 2 h.
    assert out["time_to_action_anchor"] == "first_report"
    assert out["time_to_action_items"] == 1
    assert out["time_to_action_p50_h"] == pytest.approx(28.0)


def test_window_selects_actioned_items_by_their_first_action(db: Database, tmp_path: Path) -> None:
    build(db)
    folder = export_store(db, tmp_path / "in")
    early = compute(folder, Window.of(T0, T0.replace(hour=19)))  # actions within 11 h: c1, c3, c5
    assert early["actioned_items"] == 3
    assert early["removed_within_24h"]["items"] == 2
    late = _kpi(db, "--since", "2026-11-03")
    assert late["actioned_items"] == 1  # c2 at +30 h


def test_export_csv_and_parquet(db: Database, tmp_path: Path) -> None:
    build(db)
    as_csv, as_parquet = tmp_path / "k.csv", tmp_path / "k.parquet"
    _kpi(db, "--export", str(as_csv))
    _kpi(db, "--export", str(as_parquet))
    with as_csv.open(encoding="utf-8") as fh:
        rows = {r["kpi"]: r["value"] for r in csv.DictReader(fh)}
    assert rows["proactive_rate.rate"] == "0.75"
    assert rows["time_to_action_anchor"] == "content_posted"
    got = (
        duckdb.connect()
        .execute(
            "SELECT value FROM read_parquet(?) WHERE kpi = 'actioned_items'", [str(as_parquet)]
        )
        .fetchone()
    )
    assert got == ("4",)


def test_prepared_parquet_input_gives_the_same_numbers(db: Database, tmp_path: Path) -> None:
    build(db)
    folder = export_store(db, tmp_path / "prepared")
    direct, prepared = _kpi(db), _kpi(db, "--input", str(folder), "--threads", "2")
    assert prepared == direct


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "not an ISO-8601"),
        (["--since", "2026-11-05", "--until", "2026-11-01"], "after --since"),
        (["--anchor", "'; DROP TABLE views; --"], "--anchor"),
        (["--export", "out.xlsx"], ".csv or .parquet"),
        (["--input", "/nonexistent/folder"], "not a folder"),
        (["--threads", "0"], "greater than or equal to 1"),
    ],
)
def test_malformed_options_are_cli_errors(db: Database, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["kpi", "--database-url", db.url, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_empty_store_reports_zero_counts_and_no_rates(db: Database) -> None:
    out = _kpi(db)
    assert out["actioned_items"] == 0
    assert out["proactive_rate"]["rate"] is None and out["proactive_rate"]["ci95"] is None
    assert out["time_to_action_p50_h"] is None
    assert out["appeal_overturn_rate"]["items"] == 0
