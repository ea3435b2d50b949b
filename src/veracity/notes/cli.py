"""``veracity jobs notes-score``: the full rescore of every community note (a batch job)."""

from __future__ import annotations

from typing import Annotated

import typer

from veracity.cli_common import emit, fail, info


def register(jobs_app: typer.Typer) -> None:
    @jobs_app.command("notes-score")
    def notes_score(
        database_url: Annotated[
            str | None,
            typer.Option("--database-url", help="SQLAlchemy URL; default VERACITY_DATABASE_URL."),
        ] = None,
        display: Annotated[
            bool,
            typer.Option(
                "--display/--no-display",
                help="Decide the content of notes whose status changed again, so labels follow.",
            ),
        ] = True,
    ) -> None:
        """Score every note from every rating (bridging model, lockstep groups discounted),
        store statuses, history and contributor scores; prints the run report."""
        from veracity.config import get_settings
        from veracity.notes.runs import run_full
        from veracity.notes.scorer import ScoringUnstable
        from veracity.store.db import Database

        settings = get_settings()
        if database_url:
            settings = settings.model_copy(update={"database_url": database_url})
        db = Database(settings.database_url)
        runtime = None
        if display:
            from veracity.runtime import build_runtime

            runtime = build_runtime(db, settings)
        try:
            outcome = run_full(db, runtime=runtime)
        except ScoringUnstable as exc:
            fail(str(exc))
        finally:
            db.dispose()
        statuses = outcome.report["scorer"]["statuses"]
        info(
            f"run {outcome.run_id}: {len(outcome.changes)} status changes; "
            + ", ".join(f"{k} {v}" for k, v in statuses.items())
        )
        emit(outcome.report)
