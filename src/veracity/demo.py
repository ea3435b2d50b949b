"""``veracity demo``: simulate a small platform, ingest it, decide, and serve the result.

Everything runs in one process on a fresh SQLite file: the simulator's claims, domain and phrase
lists fill the banks, the platform's data goes through the same ingest service as the API, a
local webhook receiver stands in for the host platform, and the outbox worker delivers to it.
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veracity.access.demo_users import DemoUsers, create_demo_users
from veracity.access.passwords import ScryptParams
from veracity.config import Settings
from veracity.detect.misinfo.factchecks.importers import import_fact_checks
from veracity.enforce.delivery import OutboxWorker, WebhookDelivery
from veracity.enforce.receiver import LocalReceiver
from veracity.ingest.bank_files import import_bank_dir
from veracity.ingest.bulk import KINDS, import_jsonl
from veracity.runtime import Runtime, build_runtime
from veracity.sim import simulate
from veracity.store.db import Database


@dataclass
class DemoSetup:
    settings: Settings
    db: Database
    runtime: Runtime
    summary: dict[str, Any] = field(default_factory=dict)
    users: DemoUsers | None = None


def prepare_demo(
    workdir: Path,
    settings: Settings,
    *,
    seed: int = 7,
    scale: str = "small",
    log: Callable[[str], None] = print,
) -> DemoSetup:
    """Build a fresh demo database under ``workdir``; returns it with timings and counts."""
    started = time.perf_counter()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    sim_dir = workdir / "sim"
    log(f"simulating a {scale} platform (seed {seed}) into {sim_dir}")
    sim_summary = simulate(sim_dir, seed=seed, scale=scale)
    settings = settings.model_copy(update={"database_url": f"sqlite:///{workdir / 'demo.db'}"})
    db = Database(settings.database_url)
    banks = import_bank_dir(db, sim_dir)
    log("banks: " + ", ".join(f"{r.kind} {r.accepted}" for r in banks))
    fact_checks = import_fact_checks(db, sim_dir / "claims.jsonl", "jsonl")
    log(f"fact-checks: {fact_checks.accepted}")
    users = create_demo_users(db, ScryptParams(n=settings.password_scrypt_n))
    runtime = build_runtime(db, settings)
    counts: dict[str, Any] = {}
    for kind in KINDS:
        path = sim_dir / f"{kind}.jsonl"
        if not path.is_file():
            continue
        t = time.perf_counter()
        report = import_jsonl(path, runtime.ingest, kind=kind)
        counts[kind] = {
            "accepted": report.accepted,
            "errors": report.error_count,
            "seconds": round(time.perf_counter() - t, 2),
        }
        log(f"ingested {report.accepted} {kind} in {counts[kind]['seconds']} s")
    summary = {
        "workdir": str(workdir),
        "database_url": settings.database_url,
        "simulated": sim_summary.files,
        "banks": {r.kind: r.accepted for r in banks},
        "fact_checks": fact_checks.accepted,
        # A throw-away local database: its demo password is part of what the demo shows.
        "demo_users": {"usernames": users.usernames, "password": users.password},
        "ingested": counts,
        "setup_seconds": round(time.perf_counter() - started, 2),
    }
    return DemoSetup(settings=settings, db=db, runtime=runtime, summary=summary, users=users)


def serve_demo(setup: DemoSetup, host: str, port: int, log: Callable[[str], None] = print) -> None:
    """Serve the API and UI, with a local receiver standing in for the platform's webhooks."""
    import uvicorn

    from veracity.web.app import create_app

    secret = secrets.token_hex(16)
    receiver = LocalReceiver(secret).start()
    settings = setup.settings.model_copy(
        update={"webhook_url": receiver.url, "webhook_secret": secret}
    )
    stop = threading.Event()
    worker = OutboxWorker(setup.db, WebhookDelivery.from_settings(settings), settings)
    thread = threading.Thread(target=worker.run_forever, args=(stop,), daemon=True)
    thread.start()
    app = create_app(settings, db=setup.db, runtime=setup.runtime)
    token = app.state.api_tokens[0]
    log(f"webhooks are delivered to a local receiver at {receiver.url}")
    log(f"API token: {token}")
    print(f"Open http://{host}:{port}/ui/login?token={token}", flush=True)
    if setup.users is not None:
        print(
            f"or sign in at http://{host}:{port}/ui/login as one of "
            f"{', '.join(setup.users.usernames)} (one role each) with the demo password "
            f"{setup.users.password}",
            flush=True,
        )
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        stop.set()
        thread.join(timeout=5)
        receiver.stop()
