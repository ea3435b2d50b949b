"""``veracity kpi``'s one JSON object: the log KPIs (measure.kpi over DuckDB), prevalence from
the labelled sample, reviewer kappa and AI label coverage (their own modules), keyed by KPI
name, plus CSV/Parquet export of the flat rows."""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from veracity.detect.aigc.coverage import label_coverage
from veracity.measure import prevalence
from veracity.measure.definitions import DEFAULT_TTA_ANCHOR
from veracity.measure.kpi import Window, compute
from veracity.measure.source import export_store
from veracity.review.config import ReviewConfig
from veracity.review.quality_report import quality_report
from veracity.store.db import Database

EXPORT_FORMATS = ("csv", "parquet")


def kpi_report(
    db: Database,
    config: ReviewConfig,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    anchor: str = DEFAULT_TTA_ANCHOR,
    input_folder: Path | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """All KPIs for ``[since, until)``. ``input_folder`` reads prepared Parquet instead of
    exporting the store (big installations, benchmarks)."""
    window = Window.of(since, until)
    if input_folder is not None:
        logs = compute(input_folder, window, anchor=anchor, threads=threads)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            logs = compute(export_store(db, Path(tmp)), window, anchor=anchor, threads=threads)
    with db.transaction() as session:
        kappa = quality_report(session, since, until)["overall"]
        coverage = label_coverage(session, since, until)
        prev = prevalence.report(session, config)
    return {
        "prevalence": prev,
        **logs,
        "reviewer_kappa": kappa["cohen_kappa"],
        "reviewer_agreement": {
            "double_reviewed": kappa["double_reviewed"],
            "agreement": kappa["agreement"],
            "fleiss_kappa": kappa.get("fleiss_kappa"),
        },
        "ai_label_coverage": json.loads(coverage.coverage.model_dump_json()),
    }


def flat_rows(report: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted KPI path, scalar) rows: what CSV/Parquet exports hold."""
    rows: list[tuple[str, Any]] = []
    for key, value in report.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flat_rows(value, name + "."))
        elif isinstance(value, list | tuple):
            rows.append((name, json.dumps(value)))
        else:
            rows.append((name, value))
    return rows


def export(report: dict[str, Any], path: Path, fmt: str) -> Path:
    """Write the flat rows as CSV or Parquet (kpi, value as text)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    rows = [(k, "" if v is None else str(v)) for k, v in flat_rows(report)]
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(("kpi", "value"))
            out.writerows(rows)
        return path
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE kpis (kpi VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO kpis VALUES (?, ?)", rows)
        con.execute("COPY kpis TO ? (FORMAT parquet)", [str(path)])
    finally:
        con.close()
    return path
