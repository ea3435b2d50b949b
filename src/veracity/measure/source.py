"""The KPI engine's input: a folder of Parquet files that DuckDB (or Spark) reads.

``export_store`` writes them from the relational store (SQLite or PostgreSQL, through
SQLAlchemy, streaming) in the same way the coordination job exports its input
(detect/coordination/prepare.py): CSV first, then DuckDB ``COPY ... (FORMAT parquet)``. Times are
epoch seconds (UTC). Benchmarks and big installations write these files directly.

Files and columns:
- views.parquet: content_id, t
- content.parquet: id, created
- reports.parquet: content_id, t
- actions.parquet: decision_id, content_id, t, policy, removal, automated
  (decisions on content with a visibility action, one row per decision)
- appeals.parquet: decision_id, decision_t, status, outcome
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from veracity.detect.coordination.prepare import epoch
from veracity.measure.definitions import REMOVAL_ACTION, VISIBILITY_ACTIONS
from veracity.store.db import Database
from veracity.store.tables import AppealRow, ContentRow, DecisionRow, EventRow, ReportRow

SCHEMA: dict[str, dict[str, str]] = {
    "views": {"content_id": "VARCHAR", "t": "BIGINT"},
    "content": {"id": "VARCHAR", "created": "BIGINT"},
    "reports": {"content_id": "VARCHAR", "t": "BIGINT"},
    "actions": {
        "decision_id": "VARCHAR",
        "content_id": "VARCHAR",
        "t": "BIGINT",
        "policy": "VARCHAR",
        "removal": "BOOLEAN",
        "automated": "BOOLEAN",
    },
    "appeals": {
        "decision_id": "VARCHAR",
        "decision_t": "BIGINT",
        "status": "VARCHAR",
        "outcome": "VARCHAR",
    },
}
BATCH = 20_000


def write_table(folder: Path, name: str, rows: Iterable[Sequence[Any]]) -> Path:
    """Write rows (in SCHEMA[name] column order) as ``folder/name.parquet``."""
    import duckdb

    columns = SCHEMA[name]
    target = folder / f"{name}.parquet"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        written = 0
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            for row in rows:
                out.writerow(row)
                written += 1
        spec = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
        source = (
            f"read_csv('{path}', header=false, columns={{{spec}}}, quote='\"', escape='\"')"
            if written
            else "(SELECT "
            + ", ".join(f"NULL::{t} AS {c}" for c, t in columns.items())
            + " WHERE FALSE)"
        )
        con = duckdb.connect()
        try:
            con.execute(f"COPY (SELECT * FROM {source}) TO '{target}' (FORMAT parquet)")
        finally:
            con.close()
    return target


def action_of(record: dict[str, Any]) -> tuple[str, bool] | None:
    """(policy, removal) for a decision record with a visibility action, else None. The policy
    is the live rule that asked for the strongest visibility action."""
    kinds = [str(a.get("type")) for a in record.get("actions") or ()]
    visible = [k for k in kinds if k in VISIBILITY_ACTIONS]
    if not visible:
        return None
    removal = REMOVAL_ACTION in visible
    policy = "other"
    for match in record.get("matched") or ():
        if match.get("mode") not in (None, "live"):
            continue
        types = {str(a.get("type")) for a in match.get("actions") or ()}
        if (removal and REMOVAL_ACTION in types) or (not removal and types & set(visible)):
            policy = str(match.get("policy_id") or "other")
            break
    return policy, removal


def _t(value: datetime | None) -> int | None:
    return epoch(value) if value is not None else None


def export_store(db: Database, folder: Path) -> Path:
    """Write the five input tables from the store into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    with db.transaction() as session:
        views = session.execute(
            select(EventRow.content_id, EventRow.occurred_at)
            .where(EventRow.type == "view", EventRow.content_id.is_not(None))
            .execution_options(yield_per=BATCH)
        )
        write_table(folder, "views", ((c, _t(at)) for c, at in views))
        content = session.execute(
            select(ContentRow.id, ContentRow.created_at, ContentRow.ingested_at).execution_options(
                yield_per=BATCH
            )
        )
        write_table(folder, "content", ((i, _t(c or g)) for i, c, g in content))
        reports = session.execute(
            select(ReportRow.content_id, ReportRow.occurred_at)
            .where(ReportRow.content_id.is_not(None))
            .execution_options(yield_per=BATCH)
        )
        write_table(folder, "reports", ((c, _t(at)) for c, at in reports))
        decisions = session.execute(
            select(
                DecisionRow.id, DecisionRow.subject_id, DecisionRow.created_at, DecisionRow.record
            )
            .where(DecisionRow.subject_type == "content")
            .execution_options(yield_per=BATCH)
        )
        rows = []
        for did, subject, at, record in decisions:
            found = action_of(record or {})
            if found is not None:
                automated = bool((record or {}).get("automated_detection", True))
                rows.append((did, subject, _t(at), found[0], found[1], automated))
        write_table(folder, "actions", rows)
        appeals = session.execute(
            select(
                AppealRow.decision_id,
                AppealRow.decision_created_at,
                AppealRow.status,
                AppealRow.outcome,
            )
        )
        write_table(folder, "appeals", ((d, _t(at), s, o) for d, at, s, o in appeals))
    return folder
