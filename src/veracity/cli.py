"""The ``veracity`` command line. Commands that report print one JSON object on stdout;
progress and logs go to stderr so scripts can read the result."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from veracity.config import Settings, get_settings

app = typer.Typer(help="Veracity: Integrity & Authenticity platform.", no_args_is_help=True)
policy_app = typer.Typer(help="Test and backtest policy files.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(bench_app, name="bench")
train_app = typer.Typer(help="Train models on data you supply.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate models; prints one JSON object.", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")
factchecks_app = typer.Typer(help="The fact-check store.", no_args_is_help=True)
app.add_typer(factchecks_app, name="factchecks")


convert_app = typer.Typer(help="Convert datasets to Veracity's formats.", no_args_is_help=True)
app.add_typer(convert_app, name="convert")


def _register_plugins() -> None:
    from veracity.detect.aigc.text.cli import register as register_aitext
    from veracity.detect.behaviour.cli import register as register_behaviour
    from veracity.detect.misinfo.media.cli import register as register_media_banks

    register_media_banks(app)
    register_aitext(train_app, eval_app, convert_app)
    register_behaviour(train_app, eval_app, convert_app)
    from veracity.detect.coordination.cli import register as register_coordination

    register_coordination(jobs_app)
    from veracity.notes.cli import register as register_notes

    register_notes(jobs_app)
    from veracity.ops.cli import register as register_retention

    register_retention(jobs_app)
    from veracity.compliance.transparency_cli import register as register_dsa

    register_dsa(app)
    from veracity.access.cli import register as register_access
    from veracity.audit.cli import register as register_audit

    register_access(app)
    register_audit(app)
    from veracity.review.cli import register as register_review

    register_review(app)
    from veracity.reports.cli import register as register_flaggers

    register_flaggers(app)
    from veracity.measure.cli import register as register_measure

    register_measure(app)
    from veracity.experiments.cli import register as register_experiments

    register_experiments(app)
    from veracity.stream.cli import register as register_stream

    register_stream(app)


jobs_app = typer.Typer(help="Batch jobs over the stored event log.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")

DbOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default from VERACITY_DATABASE_URL."),
]


def _settings(database_url: str | None = None, **overrides: Any) -> Settings:
    settings = get_settings()
    updates = {k: v for k, v in overrides.items() if v is not None}
    if database_url:
        updates["database_url"] = database_url
    return settings.model_copy(update=updates) if updates else settings


def emit(obj: Any) -> None:
    """The one JSON object a reporting command prints on stdout."""
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def migrate(database_url: DbOption = None) -> None:
    """Create or upgrade the database schema."""
    from veracity.store.db import Database

    settings = _settings(database_url)
    Database(settings.database_url).dispose()
    info(f"schema up to date at {settings.database_url}")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: DbOption = None,
    worker: Annotated[bool, typer.Option(help="Also deliver webhooks in this process.")] = True,
    token: Annotated[str | None, typer.Option(help="API token (else VERACITY_API_TOKEN).")] = None,
) -> None:
    """Serve the HTTP API and web UI."""
    import uvicorn

    from veracity.ops.logs import configure_logging
    from veracity.web.app import create_app

    settings = _settings(database_url, api_token=token)
    configure_logging(settings.log_format, settings.log_level)
    app_ = create_app(settings)
    stop = _start_worker(app_.state.db, settings) if worker and settings.webhook_url else None
    if not settings.api_token:
        info(f"API token for this run: {app_.state.api_tokens[0]}")
    info(f"Veracity on http://{host}:{port}/ (UI: /ui/decisions, API docs: /docs)")
    try:
        uvicorn.run(app_, host=host, port=port, log_level="warning")
    finally:
        if stop is not None:
            stop()


def _start_worker(db: Any, settings: Settings) -> Any:
    """Run the outbox worker in a background thread; returns a function that stops it."""
    import threading

    from veracity.enforce.delivery import OutboxWorker, WebhookDelivery

    worker_ = OutboxWorker(db, WebhookDelivery.from_settings(settings), settings)
    stop_event = threading.Event()
    thread = threading.Thread(target=worker_.run_forever, args=(stop_event,), daemon=True)
    thread.start()

    def stop() -> None:
        stop_event.set()
        thread.join(timeout=10)

    return stop


@app.command()
def worker(
    database_url: DbOption = None,
    webhook_url: Annotated[str | None, typer.Option(help="Receiver URL.")] = None,
) -> None:
    """Deliver outbox messages to the webhook receiver until interrupted."""
    import threading

    from veracity.enforce.delivery import OutboxWorker, WebhookDelivery
    from veracity.store.db import Database

    settings = _settings(database_url, webhook_url=webhook_url)
    if not settings.webhook_url:
        raise typer.BadParameter("set --webhook-url or VERACITY_WEBHOOK_URL")
    db = Database(settings.database_url)
    delivery = WebhookDelivery.from_settings(settings)
    info(f"delivering to {settings.webhook_url}")
    with contextlib.suppress(KeyboardInterrupt):
        OutboxWorker(db, delivery, settings).run_forever(threading.Event())


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="JSONL files (accounts, content, ...).")],
    kind: Annotated[
        str | None, typer.Option(help="accounts|content|events|reports; default: file name.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=1000)] = 500,
    database_url: DbOption = None,
) -> None:
    """Import JSONL files. Bad lines are reported with their numbers; the rest goes in."""
    from veracity.ingest.bulk import UnknownKindError, import_jsonl, kind_for
    from veracity.runtime import build_runtime
    from veracity.store.db import Database

    settings = _settings(database_url)
    for path in files:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file")
        try:
            kind_for(path, kind)
        except UnknownKindError as exc:
            raise typer.BadParameter(str(exc)) from exc
    db = Database(settings.database_url)
    runtime = build_runtime(db, settings)
    reports = []
    for path in files:
        report = import_jsonl(path, runtime.ingest, kind=kind, batch_size=batch_size)
        for err in report.errors:
            info(f"{path}:{err.line}: {err.error}")
        reports.append(report.to_dict())
    failed = sum(r["error_count"] for r in reports)
    emit({"files": reports, "error_lines": failed})
    if failed:
        raise typer.Exit(code=1)


@app.command()
def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    workdir: Annotated[Path, typer.Option(help="Folder for the demo database and data.")] = Path(
        "var/demo"
    ),
    seed: int = 7,
    scale: Annotated[str, typer.Option(help="Simulator scale preset.")] = "small",
    serve_: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after setting up.")
    ] = True,
) -> None:
    """Simulate a small platform, ingest it, decide, and serve the API and UI on localhost."""
    from veracity.demo import prepare_demo, serve_demo

    setup = prepare_demo(workdir, _settings(), seed=seed, scale=scale, log=info)
    info(f"set up in {setup.summary['setup_seconds']} s")
    if serve_:
        serve_demo(setup, host, port, log=info)
    else:
        emit(setup.summary)


@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write JSONL files into.")],
    seed: int = 7,
    scale: Annotated[str, typer.Option(help="tiny|small|medium|large")] = "small",
    events: Annotated[int | None, typer.Option(help="Override the number of events.")] = None,
) -> None:
    """Write a synthetic platform (accounts, content, events, reports, banks, ground truth)."""
    from veracity.sim.cli import simulate_command

    try:
        simulate_command(out, seed, scale, events)
    except ValueError as exc:
        info(f"error: {exc}")
        raise typer.Exit(code=2) from exc


@app.command("import-banks")
def import_banks(
    directory: Annotated[Path, typer.Argument(help="Folder with claims/domains/phrases.jsonl.")],
    database_url: DbOption = None,
) -> None:
    """Fill matching banks from claims.jsonl, domains.jsonl and phrases.jsonl."""
    from veracity.ingest.bank_files import import_bank_dir
    from veracity.store.db import Database

    if not directory.is_dir():
        raise typer.BadParameter(f"{directory}: no such folder")
    db = Database(_settings(database_url).database_url)
    reports = import_bank_dir(db, directory)
    for report in reports:
        for err in report.errors:
            info(f"{report.file}:{err.line}: {err.error}")
    emit({"files": [r.to_dict() for r in reports]})


@policy_app.command("test")
def policy_test(
    policy_dir: Annotated[Path | None, typer.Argument(help="Default: the configured dir.")] = None,
) -> None:
    """Run the fixture cases kept beside each policy file."""
    from veracity.detect.defaults import build_registry
    from veracity.policy.errors import PolicyLoadError
    from veracity.policy.fixtures import run_policy_tests

    settings = _settings()
    directory = policy_dir or settings.policy_dir
    try:
        report = run_policy_tests(directory, build_registry(None, settings))
    except PolicyLoadError as exc:
        info(f"error: {exc}")
        raise typer.Exit(code=2) from exc
    info(report.format_text())
    emit(report.to_dict())
    if not report.ok:
        raise typer.Exit(code=1)


@policy_app.command("variables")
def policy_variables() -> None:
    """List every variable a rule may read, with its type and meaning."""
    from veracity.detect.defaults import build_registry
    from veracity.policy.variables import VariableSchema

    schema = VariableSchema(build_registry(None, _settings()))
    emit(
        {
            name: {"type": v.type.value, "default": v.default, "description": v.description}
            for name, v in schema.variables.items()
        }
    )


@policy_app.command("backtest")
def policy_backtest(
    old: Annotated[Path, typer.Argument(help="Policy folder in force now.")],
    new: Annotated[Path, typer.Argument(help="Candidate policy folder.")],
    database_url: DbOption = None,
    limit: Annotated[int | None, typer.Option(help="Replay at most this many items.")] = None,
) -> None:
    """Replay stored history under OLD and NEW policies and report the decisions that change."""
    from veracity.detect.defaults import build_registry
    from veracity.policy.backtest import backtest
    from veracity.policy.errors import PolicyLoadError
    from veracity.store.db import Database

    settings = _settings(database_url)
    db = Database(settings.database_url)
    try:
        report = backtest(db, old, new, build_registry(db, settings), limit=limit)
    except PolicyLoadError as exc:
        info(f"error: {exc}")
        raise typer.Exit(code=2) from exc
    emit(report.to_dict())


@bench_app.command("decisions")
def bench_decisions(
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: a temporary SQLite file.")
    ] = None,
    posts: Annotated[int, typer.Option(min=100)] = 5000,
    batch_size: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    rules: Annotated[int, typer.Option(min=1)] = 50,
    seed: int = 7,
    http: Annotated[
        bool, typer.Option("--http", help="Through a `veracity serve` process, not in process.")
    ] = False,
) -> None:
    """Measure the online path: ingest, online detectors, live rules, decision, outbox."""
    from veracity.bench.decisions import run_decisions_benchmark

    result = run_decisions_benchmark(
        database_url=database_url,
        posts=posts,
        batch_size=batch_size,
        rules=rules,
        seed=seed,
        http=http,
        log=info,
    )
    if json_:
        emit(result)
    else:
        for key, value in result.items():
            typer.echo(f"{key}: {value}")


@factchecks_app.command("import")
def factchecks_import(
    file: Annotated[Path, typer.Argument(help="ClaimReview JSON/JSON-LD, CSV or JSONL file.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="claimreview|csv|jsonl; default: by extension.")
    ] = None,
    relabel: Annotated[
        bool, typer.Option("--relabel", help="Re-decide stored posts matching what changed.")
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Import fact-checks; bad records are reported with their position, the rest goes in."""
    from veracity.detect.misinfo.factchecks.importers import ImportFileError, import_fact_checks
    from veracity.store.db import Database

    settings = _settings(database_url)
    if not file.is_file():
        raise typer.BadParameter(f"{file}: no such file")
    db = Database(settings.database_url)
    try:
        report = import_fact_checks(db, file, fmt)
    except ImportFileError as exc:
        info(f"error: {exc}")
        raise typer.Exit(code=2) from exc
    for err in report.errors:
        info(f"{file}:{err.line}: {err.error}")
    result = report.to_dict()
    if relabel and report.changed_ids:
        from veracity.detect.misinfo.factchecks.verdicts import relabel_changed
        from veracity.runtime import build_runtime

        relabelled = relabel_changed(db, build_runtime(db, settings), report.changed_ids)
        result["relabel"] = relabelled.to_json()
    emit(result)
    if report.error_count:
        raise typer.Exit(code=1)


CLEF_DIR = Path("claims") / "clef2022-t2a-en"
FileList = Annotated[list[Path] | None, typer.Option(help="Repeat for several files.")]


def _clef(settings: Settings, name: str) -> Path:
    return settings.data_dir / CLEF_DIR / name


@train_app.command("claims")
def train_claims_command(
    vclaims: Annotated[Path | None, typer.Option(help="Fact-checked claims, JSONL.")] = None,
    queries: FileList = None,
    qrels: FileList = None,
    holdout_qrels: FileList = None,
    out: Annotated[Path, typer.Option(help="Where to write the model.")] = Path(
        "models/claims.json"
    ),
    embedder: Annotated[str, typer.Option(help="Dense retriever: wordllama or minilm.")] = (
        "wordllama"
    ),
    second_embedder: Annotated[
        str | None, typer.Option(help="Optional second embedder: a retriever and 3 features.")
    ] = None,
    ranker: Annotated[str, typer.Option(help="logistic or lambdarank (needs lightgbm).")] = (
        "logistic"
    ),
    shortlist: Annotated[int, typer.Option(min=1, help="Candidates per retriever.")] = 5,
    cascade: Annotated[
        bool,
        typer.Option(
            help="Two stages (WordLlama for every post, MiniLM + WordLlama for the posts it is "
            "unsure of; needs the claims-minilm extra); the band is chosen on the holdout. "
            "Ignores --embedder, --second-embedder, --ranker and --shortlist."
        ),
    ] = False,
    background: Annotated[
        list[Path] | None,
        typer.Option(
            help="Ordinary posts that repeat no claim (CSV/TSV with a text column, JSONL with "
            '"text", or one per line), used as negatives. Repeatable. Default: TweepFake train '
            "tweets under the data dir when present."
        ),
    ] = None,
    no_background: Annotated[bool, typer.Option(help="Train on CLEF queries only.")] = False,
    background_limit: Annotated[int, typer.Option(min=0, help="Most background posts.")] = 3000,
    student: Annotated[
        bool,
        typer.Option(
            help="Distil the embedder into a fast post encoder (claims keep the embedder's "
            "vectors): MiniLM's accuracy at WordLlama-like speed. Written beside --out."
        ),
    ] = False,
    distil_texts: Annotated[
        list[Path] | None,
        typer.Option(
            help="Extra unlabelled posts for --student (same formats as --background; "
            "e.g. in-domain tweets). Repeatable."
        ),
    ] = None,
) -> None:
    """Fit the claim-matching fusion model (default: CLEF 2022 2A train, calibrated on dev)."""
    from veracity.detect.misinfo.matching.training import train_cascade, train_claims

    settings = _settings()
    raw = "raw/CT2022-Task2A-EN-"
    vclaims = vclaims or _clef(settings, "vclaims.jsonl")
    queries = queries or [_clef(settings, raw + "Train-Dev_Queries.tsv")]
    qrels = qrels or [_clef(settings, raw + "Train_QRELs.tsv")]
    if holdout_qrels is None:
        holdout_qrels = [_clef(settings, raw + "Dev_QRELs.tsv")]
    if background is None:
        tweets = settings.data_dir / "aitext" / "tweepfake" / "train.csv"
        background = [tweets] if tweets.is_file() else []
    if no_background:
        background = []
    if distil_texts and not student:
        raise typer.BadParameter("--distil-texts only feeds --student")
    for path in [vclaims, *queries, *qrels, *holdout_qrels, *background, *(distil_texts or [])]:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file (set VERACITY_DATA_DIR?)")
    out.parent.mkdir(parents=True, exist_ok=True)
    extra: dict[str, Any] = {"background": background, "background_limit": background_limit}
    if cascade:
        if not holdout_qrels:
            raise typer.BadParameter("--cascade needs --holdout-qrels to choose its band")
        emit(train_cascade(vclaims, queries, qrels, holdout_qrels, out, **extra))
        return
    emit(
        train_claims(
            vclaims,
            queries,
            qrels,
            out,
            holdout_qrels=holdout_qrels,
            embedder=embedder,
            second_embedder=second_embedder,
            ranker=ranker,
            shortlist=shortlist,
            student=student,
            distil_texts=distil_texts or [],
            **extra,
        )
    )


@eval_app.command("claims")
def eval_claims_command(
    vclaims: Annotated[Path, typer.Option(help="Fact-checked claims, JSONL.")],
    queries: Annotated[Path, typer.Option(help="Queries: id<TAB>text.")],
    qrels: Annotated[Path, typer.Option(help="Qrels: id<TAB>0<TAB>vclaim_id<TAB>1.")],
    model: Annotated[Path | None, typer.Option(help="Trained model; default: shipped.")] = None,
) -> None:
    """MAP@1, MAP@5, recall@5 and queries/s on one CheckThat!-format split."""
    from veracity.detect.misinfo.matching.training import eval_claims

    for path in (vclaims, queries, qrels, model):
        if path is not None and not path.is_file():
            raise typer.BadParameter(f"{path}: no such file")
    emit(eval_claims(vclaims, [queries], [qrels], model=model))


@jobs_app.command("narratives")
def jobs_narratives(
    since: Annotated[
        str | None, typer.Option(help="ISO time: run one pass per hour from here.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="ISO time of the last pass; default now.")
    ] = None,
    window_hours: Annotated[
        float | None, typer.Option(help="Sliding window the job clusters over.")
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Cluster recent posts into narratives, detect bursts, open fact-check cases."""
    from veracity.detect.misinfo.narratives.cli import narratives_command

    try:
        narratives_command(
            _settings(database_url).database_url,
            since=since,
            until=until,
            window_hours=window_hours,
        )
    except ValueError as exc:
        info(f"error: {exc}")
        raise typer.Exit(code=2) from exc


@app.command()
def openapi(
    out: Annotated[Path, typer.Option(help="Where to write the document.")] = Path(
        "docs/openapi.json"
    ),
) -> None:
    """Write the HTTP API's OpenAPI document (kept in the repository and checked by a test)."""
    from veracity.web.openapi_doc import render_openapi

    out.write_text(render_openapi(), encoding="utf-8")
    info(f"wrote {out}")


_register_plugins()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
