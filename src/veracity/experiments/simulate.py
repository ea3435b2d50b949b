"""Run an experiment end to end on the simulator: simulated users are assigned by the real
salted hash, their exposures go through the real exposure log, their views and reshares
(driven by veracity.sim.interventions) go into the event log, and the readout is the same
``collect`` + ``analyse`` an analyst runs. The true effect comes back beside the estimate."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from veracity.experiments.analyse import analyse
from veracity.experiments.collect import collect
from veracity.experiments.model import ExperimentIn, ExposureIn
from veracity.experiments.store import definition_of, get_experiment, log_exposures, variant_for
from veracity.sim.interventions import ResponseModel, respond
from veracity.store.db import Database, utcnow
from veracity.store.tables import EventRow
from veracity.store.upsert import insert_ignore

MAX_UNITS = 200_000
BATCH = 5_000


def _event_rows(
    rng: np.random.Generator,
    key: str,
    units: list[str],
    counts: dict[str, np.ndarray],
    start: datetime,
    seconds: float,
    tag: str,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for kind, per_unit in counts.items():
        for unit, n in zip(units, per_unit, strict=True):
            offsets = rng.uniform(0, seconds, int(n))
            for j, off in enumerate(offsets):
                rows.append(
                    {
                        "id": f"simx:{key}:{tag}:{kind}:{unit}:{j}",
                        "type": kind,
                        "account_id": unit,
                        "content_id": None,
                        "target_account_id": None,
                        "occurred_at": start + timedelta(seconds=float(off)),
                        "data": {"simulated": key},
                        "ingested_at": start,
                    }
                )
    return rows


def simulate_experiment(
    db: Database, key: str, units: int, model: ResponseModel, seed: int = 7
) -> dict[str, Any]:
    """Simulate ``units`` accounts through a stored experiment and return its readout and the
    truth. The experiment must have ended (``ends_at`` in the past) so its window is whole."""
    if not 1 <= units <= MAX_UNITS:
        raise ValueError(f"units must be between 1 and {MAX_UNITS}")
    now = utcnow()
    with db.transaction() as session:
        row = get_experiment(session, key)
        d: ExperimentIn = definition_of(row)
        if d.unit.value != "account":
            raise ValueError("the simulator models account-level experiments")
        ids = [f"simx-{key}-{i:06d}"[:128] for i in range(units)]
        variants = [variant_for(row, u) for u in ids]
    start = d.starts_at
    end = d.ends_at or now
    if d.ends_at is None or end > now:
        raise ValueError("the experiment has not ended; simulate one whose ends_at is past")
    days = (end - start).total_seconds()
    pre_s = d.pre_period_days * 86400.0
    model = replace(model, days=days / 86400.0, pre_days=float(d.pre_period_days))
    rng = np.random.default_rng(seed)
    in_exp = [i for i, v in enumerate(variants) if v is not None]
    exp_ids = [ids[i] for i in in_exp]
    treated = np.array([variants[i] != d.variants[0] for i in in_exp], dtype=bool)
    outcomes = respond(rng, treated, model)
    exposed = [
        ExposureIn(unit_id=u, exposed_at=start + timedelta(seconds=float(rng.uniform(0, 3600))))
        for u in exp_ids
    ]
    during = {"view": outcomes.views, "share": outcomes.reshares}
    before = {"view": outcomes.pre["views"], "share": outcomes.pre["reshares"]}
    rows = _event_rows(rng, key, exp_ids, during, start, days, "t")
    if pre_s > 0:
        pre_start = start - timedelta(seconds=pre_s)
        rows += _event_rows(rng, key, exp_ids, before, pre_start, pre_s, "p")
    with db.transaction() as session:
        logged = log_exposures(session, row, exposed, now)
        for i in range(0, len(rows), BATCH):
            insert_ignore(session, EventRow, rows[i : i + BATCH], "id")
    with db.transaction() as session:
        data = collect(session, key, d, now)
    return {
        "experiment": key,
        "units": units,
        "exposures": {**logged, "holdout": units - len(exp_ids)},
        "events_written": len(rows),
        "truth": model.true_effects(),
        "readout": analyse(data, d),
    }
