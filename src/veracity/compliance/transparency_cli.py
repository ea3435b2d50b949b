"""``veracity dsa export`` and ``veracity dsa submit``: statements of reasons to the DSA
Transparency Database, as a JSON-lines file or over its API."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from veracity.cli_common import emit, fail, info

dsa_app = typer.Typer(
    help="DSA Transparency Database: export and submit statements of reasons.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]
SinceOption = Annotated[
    str | None,
    typer.Option(help="Statements issued at or after this ISO-8601 date or time (UTC if bare)."),
]
UntilOption = Annotated[
    str | None, typer.Option(help="Statements issued before this ISO-8601 date or time.")
]
_SHOWN = 50  # invalid statements listed in the JSON report (all are listed on stderr)


def parse_time(value: str | None, option: str) -> datetime | None:
    """An ISO-8601 date or date-time; a bare date is midnight, a naive time is UTC."""
    if value is None:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            d = date.fromisoformat(text)
        except ValueError:
            fail(f"{option}: not an ISO-8601 date or time: {value!r}")
        parsed = datetime(d.year, d.month, d.day)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _window(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    start, end = parse_time(since, "--since"), parse_time(until, "--until")
    if start is not None and end is not None and end <= start:
        fail("--until must be after --since")
    return start, end


def _database(database_url: str | None) -> Any:
    from veracity.config import get_settings
    from veracity.store.db import Database

    return Database(database_url or get_settings().database_url)


@dsa_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="JSON-lines file to write.")],
    since: SinceOption = None,
    until: UntilOption = None,
    skip_invalid: Annotated[
        bool, typer.Option(help="Exit 0 even when some statements fail validation.")
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Write the statements that pass the database's rules as JSON lines (API bodies).

    Statements that fail are listed with their reasons and left out; exit 1 if there are any,
    unless --skip-invalid.
    """
    from veracity.compliance.transparency_export import export_jsonl

    start, end = _window(since, until)
    if out.exists() and out.is_dir():
        fail(f"--out {out} is a directory")
    if not out.parent.is_dir():
        fail(f"--out: no such directory {out.parent}")
    db = _database(database_url)
    try:
        with db.transaction() as session:
            written, invalid = export_jsonl(session, out, since=start, until=end)
    except OSError as exc:
        fail(f"cannot write {out}: {exc}")
    finally:
        db.dispose()
    for e in invalid:
        reasons = "; ".join(f"{v.field}: {v.reason}" for v in e.violations)
        info(f"invalid statement {e.statement.puid}: {reasons}")
    emit(
        {
            "out": str(out),
            "exported": written,
            "invalid": len(invalid),
            "invalid_statements": [
                {"puid": e.statement.puid, "violations": [v.as_dict() for v in e.violations]}
                for e in invalid[:_SHOWN]
            ],
        }
    )
    if invalid and not skip_invalid:
        raise typer.Exit(1)


@dsa_app.command("submit")
def submit_command(
    url: Annotated[
        str,
        typer.Option(help="The database's root URL, e.g. https://transparency.dsa.ec.europa.eu"),
    ],
    token_env: Annotated[
        str, typer.Option("--token-env", help="Name of the environment variable with the token.")
    ],
    batch_size: Annotated[int, typer.Option(help="Statements per call, 1 to 100.")] = 100,
    since: SinceOption = None,
    until: UntilOption = None,
    timeout_s: Annotated[float, typer.Option(help="Seconds to wait for one answer.")] = 30.0,
    max_attempts: Annotated[int, typer.Option(help="Tries per batch on 5xx/timeouts.")] = 6,
    retry_rejected: Annotated[
        bool, typer.Option(help="Send again statements the database refused before.")
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Submit the statements not accepted yet; print one JSON object with the counts.

    Exit 1 when some were refused, invalid or still pending; 2 on a usage or credential error.
    """
    from veracity.compliance import transparency_schema as S
    from veracity.compliance.transparency_client import SubmissionError, TransparencyClient
    from veracity.compliance.transparency_submit import SubmitReport, submit_statements
    from veracity.enforce.backoff import RetryPolicy

    if not 1 <= batch_size <= S.MAX_BATCH:
        fail(f"--batch-size must be 1 to {S.MAX_BATCH}, got {batch_size}")
    if not 0 < timeout_s <= 600:
        fail("--timeout-s must be in (0, 600]")
    if not 1 <= max_attempts <= 20:
        fail("--max-attempts must be 1 to 20")
    token = os.environ.get(token_env, "").strip()
    if not token:
        fail(f"environment variable {token_env} is not set or empty")
    start, end = _window(since, until)
    try:
        client = TransparencyClient(
            url,
            token,
            timeout_s=timeout_s,
            retry=RetryPolicy(base_s=1.0, max_s=60.0, max_attempts=max_attempts),
        )
    except ValueError as exc:
        fail(str(exc))
    report = SubmitReport()
    db = _database(database_url)
    try:
        with client:
            submit_statements(
                db,
                client,
                batch_size=batch_size,
                since=start,
                until=end,
                retry_rejected=retry_rejected,
                report=report,
            )
    except SubmissionError as exc:
        emit({**report.as_dict(), "error": str(exc)})
        fail(str(exc))
    finally:
        db.dispose()
    emit(report.as_dict())
    if report.rejected or report.pending or report.invalid:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``dsa`` command group to the main CLI."""
    app.add_typer(dsa_app, name="dsa")
