"""Turn the event log and content into the Parquet files both engines read.

Everything engine-specific ends here: the job's SQL reads ``events.parquet`` (one row per
event, time as epoch seconds), ``traces.parquet`` (co-action items of posted content) and
``posts.parquet`` (who posted what, for reach). Sources are a folder of JSONL files in the
ingest schema (what the simulator writes) or the store itself, exported to JSONL first so that
both take the same path.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from veracity.detect.coordination.config import CoordinationConfig
from veracity.detect.coordination.traces import content_traces
from veracity.store.db import Database, as_utc
from veracity.store.tables import ContentRow, EventRow

EVENTS, TRACES, POSTS = "events.parquet", "traces.parquet", "posts.parquet"


@dataclass(frozen=True)
class Prepared:
    folder: Path
    events: int
    trace_rows: int
    posts: int


def epoch(value: str | datetime | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return int(value.timestamp())


TRACE_COLUMNS = "{'account_id': 'VARCHAR', 'content_id': 'VARCHAR', 'trace': 'VARCHAR', "
TRACE_COLUMNS += "'item': 'VARCHAR', 'ts': 'BIGINT'}"
POST_COLUMNS = "{'content_id': 'VARCHAR', 'account_id': 'VARCHAR', 'ts': 'BIGINT'}"


def _csv_to_parquet(con: Any, src: Path, target: Path, columns: str) -> None:
    con.execute(
        f"COPY (SELECT * FROM read_csv('{src}', header=true, columns={columns}, "
        f"quote='\"', escape='\"')) TO '{target}' (FORMAT parquet)"
    )
    src.unlink()


def _duckdb() -> Any:
    import duckdb

    return duckdb.connect()


def _content_records(path: Path) -> Iterator[tuple[str, str, int, str, list[dict[str, Any]]]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            c = json.loads(line)
            ts = epoch(c.get("created_at"))
            if ts is None:
                continue
            parts = [c.get("text") or "", c.get("on_screen_text") or ""]
            yield (
                c["id"],
                c["account_id"],
                ts,
                "\n".join(p for p in parts if p),
                c.get("media") or [],
            )


def prepare_jsonl(
    events_path: Path, content_path: Path, out: Path, config: CoordinationConfig
) -> Prepared:
    """Parquet inputs from ``events.jsonl`` and ``content.jsonl`` (ingest schema)."""
    out.mkdir(parents=True, exist_ok=True)
    con = _duckdb()
    try:
        con.execute(
            f"""COPY (
                SELECT type, account_id, content_id, target_account_id,
                       CAST(epoch(CAST(occurred_at AS TIMESTAMPTZ)) AS BIGINT) AS ts
                FROM read_json('{events_path}', format='newline_delimited',
                     columns={{type: 'VARCHAR', account_id: 'VARCHAR', content_id: 'VARCHAR',
                               target_account_id: 'VARCHAR', occurred_at: 'VARCHAR'}})
            ) TO '{out / EVENTS}' (FORMAT parquet)"""
        )
        records = list(_content_records(content_path))
        rows = content_traces(
            records,
            min_tags=config.min_tag_count,
            min_text_words=config.min_text_words,
            text_threshold=config.text_threshold,
        )
        traces_csv = out / "traces.csv"
        with traces_csv.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["account_id", "content_id", "trace", "item", "ts"])
            w.writerows((r.account_id, r.content_id, r.trace, r.item, r.ts) for r in rows)
        posts_csv = out / "posts.csv"
        with posts_csv.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["content_id", "account_id", "ts"])
            w.writerows((cid, aid, ts) for cid, aid, ts, _, _ in records)
        _csv_to_parquet(con, traces_csv, out / TRACES, TRACE_COLUMNS)
        _csv_to_parquet(con, posts_csv, out / POSTS, POST_COLUMNS)
        n_events = con.execute(f"SELECT COUNT(*) FROM '{out / EVENTS}'").fetchone()[0]
    finally:
        con.close()
    return Prepared(out, int(n_events), len(rows), len(records))


def export_store(db: Database, out: Path) -> tuple[Path, Path]:
    """Write the store's events and content as JSONL in the ingest schema."""
    out.mkdir(parents=True, exist_ok=True)
    events_path, content_path = out / "events.jsonl", out / "content.jsonl"
    with db.transaction() as session, events_path.open("w", encoding="utf-8") as fh:
        stmt = select(
            EventRow.type,
            EventRow.account_id,
            EventRow.content_id,
            EventRow.target_account_id,
            EventRow.occurred_at,
        ).execution_options(yield_per=10_000)
        for kind, account, content, target, at in session.execute(stmt):
            when = as_utc(at)
            assert when is not None
            rec = {
                "type": kind,
                "account_id": account,
                "content_id": content,
                "target_account_id": target,
                "occurred_at": when.isoformat(),
            }
            fh.write(json.dumps(rec) + "\n")
    with db.transaction() as session, content_path.open("w", encoding="utf-8") as fh:
        rows = select(ContentRow.data, ContentRow.created_at, ContentRow.ingested_at)
        for data, created, ingested in session.execute(rows.execution_options(yield_per=5_000)):
            rec = dict(data)
            when = as_utc(created) or as_utc(ingested)
            assert when is not None
            rec["created_at"] = when.isoformat()
            fh.write(json.dumps(rec) + "\n")
    return events_path, content_path
