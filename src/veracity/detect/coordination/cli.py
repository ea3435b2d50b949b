"""``veracity jobs coordination``: prepare the inputs, run the SQL on an engine, store campaigns."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from veracity.detect.coordination.config import CoordinationConfig
from veracity.detect.coordination.engines import ENGINES
from veracity.detect.coordination.prepare import epoch, export_store, prepare_jsonl


def _ts(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return epoch(value.strip())
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO-8601 time: {value!r}") from exc


def coordination_command(
    database_url: str,
    *,
    engine: str = "duckdb",
    since: str | None = None,
    until: str | None = None,
    data: Path | None = None,
    work_dir: Path | None = None,
) -> dict[str, Any]:
    """Run the job once and store its campaigns; returns the JSON report."""
    from veracity.detect.coordination.job import run_job
    from veracity.detect.coordination.store import save_campaigns
    from veracity.store.db import Database

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    config = CoordinationConfig()
    start, end = _ts(since), _ts(until)
    db = Database(database_url)
    began = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="veracity-coord-", dir=work_dir) as tmp:
            folder = Path(tmp)
            if data is None:
                events_path, content_path = export_store(db, folder / "export")
            else:
                events_path, content_path = data / "events.jsonl", data / "content.jsonl"
                for p in (events_path, content_path):
                    if not p.is_file():
                        raise ValueError(f"{p}: no such file")
            prepared = prepare_jsonl(events_path, content_path, folder / "inputs", config)
            result = run_job(prepared.folder, engine, config, start, end)
        with db.transaction() as session:
            created = save_campaigns(session, result.campaigns, engine)
    finally:
        db.dispose()
    report: dict[str, Any] = {
        **result.summary(),
        "events": prepared.events,
        "created": created,
        "elapsed_s": round(time.perf_counter() - began, 3),
    }
    if data is not None and (data / "truth.jsonl").is_file():
        from veracity.detect.coordination.evaluate import evaluate

        report["evaluation"] = evaluate(result.campaigns, data / "truth.jsonl")
    return report


def register(jobs_app: typer.Typer) -> None:
    @jobs_app.command("coordination")
    def jobs_coordination(
        engine: Annotated[str, typer.Option(help="duckdb (default) or spark.")] = "duckdb",
        since: Annotated[str | None, typer.Option(help="ISO time: first event used.")] = None,
        until: Annotated[str | None, typer.Option(help="ISO time: events before it.")] = None,
        data: Annotated[
            Path | None,
            typer.Option(help="Folder with events.jsonl/content.jsonl instead of the store."),
        ] = None,
        work_dir: Annotated[
            Path | None, typer.Option(help="Where the temporary Parquet files go.")
        ] = None,
        database_url: Annotated[
            str | None,
            typer.Option("--database-url", help="SQLAlchemy URL; default from settings."),
        ] = None,
    ) -> None:
        """Find coordinated campaigns and lockstep (fake) engagement; store them."""
        from veracity.config import get_settings

        url = database_url or get_settings().database_url
        try:
            report = coordination_command(
                url, engine=engine, since=since, until=until, data=data, work_dir=work_dir
            )
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from exc
        sys.stdout.write(json.dumps(report) + "\n")
