"""``veracity jobs narratives``: plain functions for the lead's CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from veracity.detect.misinfo.narratives.config import NarrativeConfig
from veracity.detect.misinfo.narratives.job import run_narratives, run_narratives_between
from veracity.store.db import Database


def parse_time(value: str) -> datetime:
    """ISO-8601; a time without zone is UTC. Raises ValueError naming the bad value."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not an ISO-8601 time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def narratives_command(
    database_url: str,
    *,
    since: str | None = None,
    until: str | None = None,
    window_hours: float | None = None,
) -> list[dict[str, object]]:
    """Run the job once at ``until`` (default now), or at every bucket from ``since``; print one
    JSON line per pass and return them."""
    config = NarrativeConfig()
    if window_hours is not None:
        config = replace(config, window_hours=window_hours)
    config.validate()
    end = parse_time(until) if until else datetime.now(UTC)
    db = Database(database_url)
    try:
        if since:
            reports = run_narratives_between(db, parse_time(since), end, config)
        else:
            reports = [run_narratives(db, end, config)]
    finally:
        db.dispose()
    out = [r.as_json() for r in reports]
    for line in out:
        print(json.dumps(line), flush=True)
    return out
