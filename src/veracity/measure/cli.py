"""``veracity kpi`` (one JSON object keyed by KPI name) and ``veracity measure`` (prevalence
sampling, interval coverage study, detector quality, the KPI dictionary)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from veracity.cli_common import emit, fail, info
from veracity.compliance.transparency_cli import parse_time
from veracity.config import get_settings
from veracity.measure.definitions import DEFAULT_TTA_ANCHOR, TTA_ANCHORS, dictionary
from veracity.measure.kpi import EngineUnavailable
from veracity.review.config import ReviewConfigError, configured
from veracity.store.db import Database, utcnow

measure_app = typer.Typer(
    help="Measurement: prevalence samples, detector quality.", no_args_is_help=True
)

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]


def _db(url: str | None) -> Database:
    return Database(url or get_settings().database_url)


def kpi(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (the default).")
    ] = True,
    since: Annotated[str | None, typer.Option("--since", help="ISO date/time, inclusive.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="ISO date/time, exclusive.")] = None,
    anchor: Annotated[
        str, typer.Option("--anchor", help=f"Time-to-action start: {', '.join(TTA_ANCHORS)}.")
    ] = DEFAULT_TTA_ANCHOR,
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the KPIs to this .csv or .parquet.")
    ] = None,
    input_folder: Annotated[
        Path | None,
        typer.Option(
            "--input", help="Read prepared Parquet (measure.source) instead of the store."
        ),
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", min=1, max=256)] = None,
    database_url: DbOption = None,
) -> None:
    """KPIs over the event and decision logs: prevalence, proactive rate, removals before views
    and within 24 h, time to action p50/p90, views before action, appeal overturns, reviewer
    kappa, AI label coverage. Definitions: docs/measurement.md."""
    from veracity.measure.report import export as write_export
    from veracity.measure.report import kpi_report

    start, end = parse_time(since, "--since"), parse_time(until, "--until")
    if start is not None and end is not None and end <= start:
        fail("--until must be after --since")
    if anchor not in TTA_ANCHORS:
        fail(f"--anchor: one of {', '.join(TTA_ANCHORS)}")
    fmt = None
    if export is not None:
        fmt = export.suffix.lower().lstrip(".")
        if fmt not in ("csv", "parquet"):
            fail("--export: the file name must end in .csv or .parquet")
    if input_folder is not None and not input_folder.is_dir():
        fail(f"--input: not a folder: {input_folder}")
    try:
        config = configured()
    except ReviewConfigError as exc:
        fail(str(exc))
    db = _db(database_url)
    try:
        report = kpi_report(
            db, config, start, end, anchor=anchor, input_folder=input_folder, threads=threads
        )
    except EngineUnavailable as exc:
        fail(str(exc))
    finally:
        db.dispose()
    if export is not None and fmt is not None:
        write_export(report, export, fmt)
        info(f"wrote {export}")
    emit(report)


@measure_app.command("dictionary")
def kpi_dictionary() -> None:
    """The KPI definitions (numerator, denominator, unit, interval) as JSON."""
    emit({"kpis": dictionary()})


@measure_app.command("sample")
def sample(
    size: Annotated[int, typer.Option("--size", min=1, max=1_000_000, help="Expected views.")],
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    weighted_by: Annotated[
        str | None,
        typer.Option("--weighted-by", help="Detector whose score (+ --floor) weights views."),
    ] = None,
    floor: Annotated[float, typer.Option("--floor", min=1e-6, max=1.0)] = 0.05,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    database_url: DbOption = None,
) -> None:
    """Draw a view sample and open one prevalence-labelling case per sampled item."""
    from sqlalchemy import select

    from veracity.measure.prevalence import draw, enqueue
    from veracity.measure.quality import score_of
    from veracity.store.tables import EventRow, SignalRow

    start, end = parse_time(since, "--since"), parse_time(until, "--until")
    if start is not None and end is not None and end <= start:
        fail("--until must be after --since")
    try:
        config = configured()
    except ReviewConfigError as exc:
        fail(str(exc))
    db = _db(database_url)
    try:
        with db.transaction() as session:
            stmt = select(EventRow.content_id).where(
                EventRow.type == "view", EventRow.content_id.is_not(None)
            )
            if start is not None:
                stmt = stmt.where(EventRow.occurred_at >= start)
            if end is not None:
                stmt = stmt.where(EventRow.occurred_at < end)
            counts = Counter(
                c for (c,) in session.execute(stmt.execution_options(yield_per=20_000))
            )
            if not counts:
                fail("no views in the window")
            weights = None
            if weighted_by is not None:
                weights = {c: floor for c in counts}
                for subject, outputs in session.execute(
                    select(SignalRow.subject_id, SignalRow.outputs)
                    .where(SignalRow.detector == weighted_by, SignalRow.subject_type == "content")
                    .order_by(SignalRow.id)
                ):
                    score = score_of(outputs)
                    if subject in weights and score is not None:
                        weights[subject] = floor + max(0.0, min(1.0, score))
            drawn = draw(dict(counts), size, weights, seed)
            ids = enqueue(session, config, drawn, utcnow())
    finally:
        db.dispose()
    emit(
        {
            "sample_id": drawn.sample_id,
            "design": "uniform" if drawn.uniform else f"weighted by {weighted_by}",
            "population_views": drawn.population_views,
            "sampled_views": drawn.views,
            "cases": len(ids),
            "queue": "prevalence-labelling",
        }
    )


@measure_app.command("prevalence")
def prevalence_cmd(
    sample_id: Annotated[str | None, typer.Option("--sample")] = None,
    database_url: DbOption = None,
) -> None:
    """Prevalence per policy area from the labelled cases (upper bound when none violate)."""
    from veracity.measure.prevalence import report

    try:
        config = configured()
    except ReviewConfigError as exc:
        fail(str(exc))
    db = _db(database_url)
    try:
        with db.transaction() as session:
            emit({"prevalence": report(session, config, sample_id)})
    finally:
        db.dispose()


@measure_app.command("coverage")
def coverage(
    repetitions: Annotated[int, typer.Option("--repetitions", min=10, max=100_000)] = 500,
    sample_views: Annotated[int, typer.Option("--sample-views", min=10, max=1_000_000)] = 2000,
) -> None:
    """Coverage of the prevalence intervals on the platform simulator's views and ground truth,
    and on a rarer-violation numpy population (uniform and weighted designs each)."""
    from veracity.measure.coverage_study import population, run, simulator_population

    out = {}
    for name, pop in (("simulator", simulator_population()), ("rare", population())):
        out[name] = {
            "uniform": run(repetitions, sample_views, weighted=False, pop=pop),
            "weighted": run(repetitions, sample_views, weighted=True, pop=pop),
        }
    emit(out)


@measure_app.command("quality")
def quality(
    target_precision: Annotated[float, typer.Option("--target-precision", min=0.01, max=1.0)] = 0.9,
    current: Annotated[float, typer.Option("--current-threshold", min=0.0, max=1.0)] = 0.5,
    database_url: DbOption = None,
) -> None:
    """Detector precision per threshold, recall from samples, calibration, a suggested
    threshold for the target precision with its expected effect; rule precision."""
    from veracity.measure.quality import quality_report

    db = _db(database_url)
    try:
        with db.transaction() as session:
            emit(
                quality_report(
                    session, target_precision=target_precision, current_threshold=current
                )
            )
    finally:
        db.dispose()


@measure_app.command("drift")
def drift_cmd(
    detector: Annotated[str, typer.Option("--detector", min=1, max=64)],
    baseline_since: Annotated[str | None, typer.Option("--baseline-since")] = None,
    baseline_until: Annotated[str | None, typer.Option("--baseline-until")] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    database_url: DbOption = None,
) -> None:
    """PSI and Kolmogorov-Smirnov of a detector's scores: current window against baseline."""
    from veracity.measure.quality import score_drift

    windows = []
    for low, high, name in (
        (baseline_since, baseline_until, "--baseline"),
        (since, until, ""),
    ):
        start, end = (
            parse_time(low, f"{name or '-'}-since"),
            parse_time(high, f"{name or '-'}-until"),
        )
        if start is not None and end is not None and end <= start:
            fail(f"{name or ''}-until must be after {name or ''}-since")
        windows.append((start, end))
    db = _db(database_url)
    try:
        with db.transaction() as session:
            try:
                emit(score_drift(session, detector, windows[0], windows[1]))
            except ValueError as exc:
                fail(str(exc))
    finally:
        db.dispose()


def register(app: typer.Typer) -> None:
    app.command("kpi")(kpi)
    app.add_typer(measure_app, name="measure")
