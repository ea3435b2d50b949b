"""``veracity jobs retention``: apply the data-retention policy once (run it from cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from veracity.cli_common import emit, fail


def register(jobs_app: typer.Typer) -> None:
    @jobs_app.command("retention")
    def retention(
        database_url: Annotated[
            str | None,
            typer.Option("--database-url", help="SQLAlchemy URL; default VERACITY_DATABASE_URL."),
        ] = None,
        contacts_days: Annotated[
            float | None,
            typer.Option(help="Erase notifier contact data older than this (days)."),
        ] = None,
        content_text_days: Annotated[
            float | None,
            typer.Option(help="Blank text of non-actioned content older than this (days)."),
        ] = None,
    ) -> None:
        """Delete what the retention policy says must go (VERACITY_RETENTION_* or the options);
        idempotent; prints what it removed."""
        from veracity.config import get_settings
        from veracity.ops.retention import RetentionPolicy, run_retention
        from veracity.store.db import Database

        for name, days in (
            ("contacts-days", contacts_days),
            ("content-text-days", content_text_days),
        ):
            if days is not None and days <= 0:
                fail(f"--{name} must be positive, got {days}")
        settings = get_settings()
        policy = RetentionPolicy(
            report_contacts_days=contacts_days or settings.retention_report_contacts_days,
            content_text_days=content_text_days or settings.retention_content_text_days,
        )
        if policy.report_contacts_days is None and policy.content_text_days is None:
            fail(
                "no retention period set: use --contacts-days/--content-text-days or "
                "VERACITY_RETENTION_REPORT_CONTACTS_DAYS/VERACITY_RETENTION_CONTENT_TEXT_DAYS"
            )
        db = Database(database_url or settings.database_url)
        try:
            emit(run_retention(db, policy).as_dict())
        finally:
            db.dispose()
