"""``veracity experiments create|list|analyse|simulate``. Like ``veracity users``, these act
with direct database access (as an administrator); a definition goes to the audit log as
``cli:<login name>``. Output is one JSON object."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from veracity.audit.actors import CLI_ROLE, cli_actor
from veracity.audit.log import record
from veracity.cli_common import emit, fail
from veracity.config import get_settings
from veracity.experiments.model import ExperimentIn
from veracity.store.db import Database, utcnow

experiments_app = typer.Typer(help="A/B experiments on interventions.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]


def _db(database_url: str | None) -> Database:
    return Database(database_url or get_settings().database_url)


def _split(values: list[str]) -> list[str]:
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def _definition(fields: dict[str, Any]) -> ExperimentIn:
    try:
        return ExperimentIn.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'definition'}: {e['msg']}"
            for e in exc.errors()
        )
        fail(errors)


def _create(db: Database, d: ExperimentIn) -> dict[str, Any]:
    from veracity.experiments.store import ExperimentConflict, create_experiment, experiment_json

    try:
        with db.transaction() as session:
            row, created = create_experiment(session, d, cli_actor(), utcnow())
            if created:
                record(
                    session,
                    actor=cli_actor(),
                    role=CLI_ROLE,
                    action="experiment.create",
                    subject=f"experiment:{d.key}",
                    details={"intervention": d.intervention.value, "variants": d.variants},
                )
            return {"created": created, "experiment": experiment_json(row)}
    except ExperimentConflict as exc:
        fail(str(exc))


@experiments_app.command("create")
def create(
    key: Annotated[str, typer.Argument(help="Experiment key: A-Z a-z 0-9 _ . : @ -")],
    name: Annotated[str, typer.Option("--name", help="A human-readable name.")],
    intervention: Annotated[
        str,
        typer.Option(
            "--intervention", help="label_wording, share_prompt, reduced_distribution or policy."
        ),
    ],
    starts_at: Annotated[
        datetime | None, typer.Option("--starts-at", help="ISO time (UTC); default now.")
    ] = None,
    ends_at: Annotated[datetime | None, typer.Option("--ends-at", help="ISO time (UTC).")] = None,
    unit: Annotated[str, typer.Option("--unit", help="account or content.")] = "account",
    variant: Annotated[
        list[str] | None, typer.Option("--variant", help="Variant names, control first.")
    ] = None,
    weight: Annotated[list[float] | None, typer.Option("--weight", help="One per variant.")] = None,
    coverage: Annotated[float, typer.Option("--coverage", help="Share of units in it.")] = 1.0,
    goal: Annotated[str, typer.Option("--goal", help="Goal metric.")] = "reshares_per_view",
    guardrail: Annotated[list[str] | None, typer.Option("--guardrail")] = None,
    pre_period_days: Annotated[int, typer.Option("--pre-period-days")] = 14,
    alpha: Annotated[float, typer.Option("--alpha")] = 0.05,
    salt: Annotated[str | None, typer.Option("--salt", help="Default: random.")] = None,
    database_url: DbOption = None,
) -> None:
    """Define an experiment; re-running with the same definition changes nothing."""

    def _utc(t: datetime | None) -> datetime | None:
        return t.replace(tzinfo=t.tzinfo or utcnow().tzinfo) if t is not None else None

    d = _definition(
        {
            "key": key,
            "name": name,
            "intervention": intervention,
            "unit": unit,
            "variants": _split(variant) if variant else None,
            "weights": weight or None,
            "coverage": coverage,
            "goal_metric": goal,
            "guardrails": _split(guardrail) if guardrail else None,
            "starts_at": _utc(starts_at) or utcnow(),
            "ends_at": _utc(ends_at),
            "pre_period_days": pre_period_days,
            "alpha": alpha,
            "salt": salt,
        }
    )
    db = _db(database_url)
    try:
        emit(_create(db, d))
    finally:
        db.dispose()


@experiments_app.command("list")
def list_command(database_url: DbOption = None) -> None:
    """Experiments, newest first, with exposure counts."""
    from veracity.experiments.store import experiment_json, exposure_counts, list_experiments

    db = _db(database_url)
    try:
        with db.transaction() as session:
            rows = list_experiments(session, 500)
            out = [experiment_json(r, exposure_counts(session, r.key)) for r in rows]
    finally:
        db.dispose()
    emit({"experiments": out})


@experiments_app.command("analyse")
def analyse_command(key: str, database_url: DbOption = None) -> None:
    """The readout: SRM, the goal metric (fixed-horizon, CUPED, sequential) and guardrails."""
    from veracity.experiments.analyse import analyse
    from veracity.experiments.collect import collect
    from veracity.experiments.store import ExperimentMissing, definition_of, get_experiment

    db = _db(database_url)
    try:
        with db.transaction() as session:
            row = get_experiment(session, key)
            d = definition_of(row)
            data = collect(session, key, d)
        emit({"experiment": key, **analyse(data, d)})
    except (ExperimentMissing, ValueError) as exc:
        fail(str(exc).strip("'\""))
    finally:
        db.dispose()


@experiments_app.command("simulate")
def simulate_command(
    key: Annotated[str, typer.Argument(help="Created if absent, as a just-ended experiment.")],
    intervention: Annotated[str, typer.Option("--intervention")] = "share_prompt",
    units: Annotated[int, typer.Option("--units", help="Simulated accounts.")] = 2000,
    days: Annotated[float, typer.Option("--days", help="Length of a new experiment.")] = 7.0,
    effect_scale: Annotated[
        float,
        typer.Option(
            "--effect-scale", help="Multiplies the intervention's default effect; 0: A/A."
        ),
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    database_url: DbOption = None,
) -> None:
    """Run an experiment end to end on simulated users who respond to the intervention; prints
    the readout beside the true effect."""
    from veracity.experiments.simulate import MAX_UNITS, simulate_experiment
    from veracity.experiments.store import ExperimentMissing, get_experiment
    from veracity.sim.interventions import ResponseModel

    if not 0 < days <= 90:
        fail("--days must be in (0, 90]")
    if not 1 <= units <= MAX_UNITS:
        fail(f"--units must be between 1 and {MAX_UNITS}")
    try:
        model = ResponseModel.for_intervention(intervention, scale=effect_scale)
    except ValueError as exc:
        fail(str(exc))
    db = _db(database_url)
    try:
        with db.transaction() as session:
            try:
                get_experiment(session, key)
                exists = True
            except ExperimentMissing:
                exists = False
        if not exists:
            now = utcnow()
            d = _definition(
                {
                    "key": key,
                    "name": f"simulated {intervention}",
                    "intervention": intervention,
                    "starts_at": now - timedelta(days=days),
                    "ends_at": now,
                    "salt": f"sim-{seed}",
                }
            )
            _create(db, d)
        emit(simulate_experiment(db, key, units, model, seed=seed))
    except ValueError as exc:
        fail(str(exc))
    finally:
        db.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(experiments_app, name="experiments")
