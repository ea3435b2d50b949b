"""``veracity review``: check a routing file, refresh case priorities as deadlines approach
(run it on a schedule, like the other jobs), and print quality and overturn figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veracity.cli_common import emit, fail
from veracity.config import get_settings
from veracity.review.config import ReviewConfigError, configured, load_config
from veracity.review.overturn import Cohort, overturn_rates
from veracity.review.quality_report import quality_report
from veracity.review.queues import reprioritise
from veracity.store.db import Database, utcnow

review_app = typer.Typer(help="Human review: routing, priorities, quality.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]


def _db(url: str | None) -> Database:
    return Database(url or get_settings().database_url)


@review_app.command("check-config")
def check_config(
    path: Annotated[
        Path | None, typer.Argument(help="Routing file; default VERACITY_REVIEW_CONFIG or bundled.")
    ] = None,
) -> None:
    """Load a routing file and list its queues, or exit 2 naming what is wrong."""
    try:
        config = load_config(path) if path else configured()
    except ReviewConfigError as exc:
        fail(str(exc))
    emit(
        {
            "queues": {name: q.model_dump() for name, q in config.queues.items()},
            "rules": len(config.rules),
            "policy_tags": sorted(config.policy_tags),
            "appeal_window_days": config.appeal_window_days,
        }
    )


@review_app.command("reprioritise")
def reprioritise_cmd(database_url: DbOption = None) -> None:
    """Recompute every open case's priority (its deadline term grows with time)."""
    try:
        config = configured()
    except ReviewConfigError as exc:
        fail(str(exc))
    db = _db(database_url)
    try:
        with db.transaction() as session:
            changed = reprioritise(session, config, utcnow())
    finally:
        db.dispose()
    emit({"changed": changed})


@review_app.command("quality")
def quality_cmd(
    by: Annotated[Cohort, typer.Option("--by", help="Overturn-rate cohort.")] = Cohort.AUTOMATION,
    database_url: DbOption = None,
) -> None:
    """Agreement, kappas and golden accuracy per reviewer and queue; overturn rates."""
    db = _db(database_url)
    try:
        with db.transaction() as session:
            emit({"quality": quality_report(session), "overturn": overturn_rates(session, by)})
    finally:
        db.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
