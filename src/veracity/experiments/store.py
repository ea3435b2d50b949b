"""Experiments and exposures in the database. Assignment is recomputed from the salt, so the
exposure log is the only per-unit state; logging an exposure twice keeps the first."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from veracity.experiments.assign import assign
from veracity.experiments.model import ExperimentIn, ExposureIn
from veracity.store.tables import ExperimentExposureRow, ExperimentRow
from veracity.store.upsert import insert_ignore


class ExperimentConflict(ValueError):
    """The key is taken by a different definition."""


class ExperimentMissing(LookupError):
    pass


def definition_of(row: ExperimentRow) -> ExperimentIn:
    return ExperimentIn.model_validate(row.definition)


def create_experiment(
    session: Session, item: ExperimentIn, created_by: str, now: datetime
) -> tuple[ExperimentRow, bool]:
    """Store a definition; the same definition re-sent is not an error (returns created=False)."""
    salt = item.salt or secrets.token_hex(8)
    stored = item.model_copy(update={"salt": salt, "weights": item.resolved_weights()})
    existing = session.get(ExperimentRow, item.key)
    if existing is not None:
        sent = item.model_copy(
            update={"salt": item.salt or existing.salt, "weights": item.resolved_weights()}
        )
        if sent.model_dump(mode="json") == existing.definition:
            return existing, False
        raise ExperimentConflict(f"experiment {item.key} exists with a different definition")
    row = ExperimentRow(
        key=item.key,
        name=item.name,
        intervention=item.intervention.value,
        unit=item.unit.value,
        salt=salt,
        status="running",
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        definition=stored.model_dump(mode="json"),
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, True


def get_experiment(session: Session, key: str) -> ExperimentRow:
    row = session.get(ExperimentRow, key)
    if row is None:
        raise ExperimentMissing(f"experiment {key} not found")
    return row


def list_experiments(session: Session, limit: int = 100) -> list[ExperimentRow]:
    stmt = select(ExperimentRow).order_by(ExperimentRow.created_at.desc()).limit(limit)
    return list(session.scalars(stmt))


def variant_for(row: ExperimentRow, unit_id: str) -> str | None:
    d = definition_of(row)
    return assign(row.salt, unit_id, d.variants, d.resolved_weights(), d.coverage)


def log_exposures(
    session: Session, row: ExperimentRow, items: Iterable[ExposureIn], now: datetime
) -> dict[str, int]:
    """Record first exposures of assigned units; holdout units are counted, not stored."""
    rows: dict[str, dict[str, Any]] = {}
    holdout = 0
    for item in items:
        variant = variant_for(row, item.unit_id)
        if variant is None:
            holdout += 1
            continue
        rows.setdefault(
            item.unit_id,
            {
                "experiment_key": row.key,
                "unit_id": item.unit_id,
                "variant": variant,
                "exposed_at": item.exposed_at or now,
            },
        )
    new = insert_ignore(
        session,
        ExperimentExposureRow,
        list(rows.values()),
        key="unit_id",
        conflict_columns=["experiment_key", "unit_id"],
    )
    return {"logged": len(new), "already_logged": len(rows) - len(new), "holdout": holdout}


def exposure_counts(session: Session, key: str) -> dict[str, int]:
    stmt = (
        select(ExperimentExposureRow.variant, func.count())
        .where(ExperimentExposureRow.experiment_key == key)
        .group_by(ExperimentExposureRow.variant)
    )
    return {variant: int(n) for variant, n in session.execute(stmt)}


def exposures(session: Session, key: str) -> list[tuple[str, str, datetime]]:
    """(unit, variant, first exposure) in exposure order: the arrival order sequential tests
    replay."""
    stmt = (
        select(
            ExperimentExposureRow.unit_id,
            ExperimentExposureRow.variant,
            ExperimentExposureRow.exposed_at,
        )
        .where(ExperimentExposureRow.experiment_key == key)
        .order_by(ExperimentExposureRow.exposed_at, ExperimentExposureRow.unit_id)
    )
    return [(u, v, t) for u, v, t in session.execute(stmt)]


def experiment_json(row: ExperimentRow, counts: dict[str, int] | None = None) -> dict[str, Any]:
    out = {
        "key": row.key,
        "status": row.status,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "definition": {k: v for k, v in row.definition.items() if k != "salt"},
    }
    if counts is not None:
        out["exposures"] = counts
    return out
