"""The online-path benchmark: text posts through ingest, online detectors, live rules, stored
decisions and outbox messages, exactly as the batch API runs them (minus HTTP framing).

Data comes from the simulator (its claim base, domain and phrase lists fill the banks; its text
posts are the load). Each batch is one call of the ingest service, i.e. one transaction; a
decision's latency is the latency of the batch that carried it, which is what a client waits.
"""

from __future__ import annotations

import json
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import func, select

from veracity.bench.server_process import ServerProcess
from veracity.config import get_settings
from veracity.detect.misinfo.factchecks.importers import import_fact_checks
from veracity.domain.entities import AccountIn, ContentIn
from veracity.ingest.bank_files import import_bank_dir
from veracity.policy.bench_rules import generate_rules
from veracity.policy.model import Policy
from veracity.runtime import Runtime, build_runtime
from veracity.sim import simulate
from veracity.store.db import Database
from veracity.store.scratch import scratch_database_url
from veracity.store.tables import DecisionRow, OutboxRow


def _read(path: Path, model: type[Any], limit: int | None = None) -> list[Any]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            out.append(model.model_validate(json.loads(line)))
            if limit is not None and len(out) >= limit:
                break
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_decisions_benchmark(
    *,
    database_url: str | None,
    posts: int,
    batch_size: int,
    rules: int,
    seed: int = 7,
    http: bool = False,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as tmp:
        sim_dir = Path(tmp) / "sim"
        scale = "small" if posts <= 4000 else "medium"
        log(f"simulating a {scale} platform for the load")
        simulate(sim_dir, seed=seed, scale=scale)
        accounts = _read(sim_dir / "accounts.jsonl", AccountIn)
        items = [
            c
            for c in _read(sim_dir / "content.jsonl", ContentIn)
            if c.text and c.kind.value in ("post", "video", "comment")
        ]
        if len(items) < posts:
            raise ValueError(f"the simulator gave {len(items)} text items; asked for {posts}")
        items = items[:posts]
        with scratch_database_url(database_url) as url:
            db = Database(url)
            try:
                return _measure(
                    db, settings, sim_dir, accounts, items, batch_size, rules, http, log
                )
            finally:
                db.dispose()


def _measure(
    db: Database,
    settings: Any,
    sim_dir: Path,
    accounts: list[AccountIn],
    items: list[ContentIn],
    batch_size: int,
    rules: int,
    http: bool,
    log: Callable[[str], None],
) -> dict[str, Any]:
    banks = {r.kind: r.accepted for r in import_bank_dir(db, sim_dir)}
    # The same claims go to the fact-check store, so claim_match works against them too.
    banks["fact_checks"] = import_fact_checks(db, sim_dir / "claims.jsonl", "jsonl").accepted
    policy = generate_rules(rules)
    runtime = build_runtime(db, settings, policies=[policy])
    live_rules = sum(1 for r in policy.rules if r.mode.value == "live")
    for start in range(0, len(accounts), 1000):
        runtime.ingest.accounts(accounts[start : start + 1000])
    batches = [items[i : i + batch_size] for i in range(0, len(items), batch_size)]
    # One warm-up batch outside the measurement: connection pool, statement caches.
    warm = [c.model_copy(update={"id": f"warm-{c.id}"}) for c in items[:batch_size]]
    runtime.ingest.content(warm)
    where = "over HTTP" if http else "in process"
    log(f"measuring {len(items)} posts in {len(batches)} batches of {batch_size} {where}")
    if http:
        latencies, actioned, wall = _run_over_http(db, policy, batches)
    else:
        latencies, actioned, wall = _run_in_process(runtime, batches)
    with db.transaction() as session:
        stored = session.scalar(select(func.count()).select_from(DecisionRow)) or 0
        outbox = session.scalar(select(func.count()).select_from(OutboxRow)) or 0
    per_decision = [lat / len(b) for lat, b in zip(latencies, batches, strict=True)]
    return {
        "database": db.dialect,
        "path": "HTTP batch API, one server process" if http else "ingest service in process",
        "posts": len(items),
        "batch_size": batch_size,
        "live_rules": live_rules,
        "detectors": [d.source for d in runtime.registry.online()],
        "bank_entries": banks,
        "decisions_per_s": round(len(items) / wall, 1),
        "p50_ms": round(_percentile(latencies, 0.50), 2),
        "p99_ms": round(_percentile(latencies, 0.99), 2),
        "latency_is": "per batch request; every decision in a batch waits for its batch",
        "per_decision_p50_ms": round(statistics.median(per_decision), 3),
        "actioned_decisions": actioned,
        "decisions_stored": int(stored) - len(warm),
        "outbox_messages": int(outbox),
        "wall_s": round(wall, 2),
    }


Batches = list[list[ContentIn]]


def _run_in_process(runtime: Runtime, batches: Batches) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    actioned = 0
    started = time.perf_counter()
    for batch in batches:
        t = time.perf_counter()
        result = runtime.ingest.content(batch)
        latencies.append((time.perf_counter() - t) * 1000.0)
        actioned += sum(1 for r in result.results if r.actions)
    return latencies, actioned, time.perf_counter() - started


def _run_over_http(
    db: Database, policy: Policy, batches: Batches
) -> tuple[list[float], int, float]:
    """Post the batches to a ``veracity serve`` child process, one request at a time."""
    token = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="veracity-bench-policy-") as policy_dir:
        (Path(policy_dir) / f"{policy.id}.yaml").write_text(
            yaml.safe_dump(policy.model_dump(mode="json"), sort_keys=False), encoding="utf-8"
        )
        server = ServerProcess(
            {
                "VERACITY_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
                "VERACITY_POLICY_DIR": policy_dir,
                "VERACITY_API_TOKEN": token,
            }
        )
        server.start()
        latencies: list[float] = []
        actioned = 0
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                bodies = [
                    json.dumps({"items": [c.model_dump(mode="json") for c in b]}).encode()
                    for b in batches
                ]
                started = time.perf_counter()
                for body in bodies:
                    t = time.perf_counter()
                    response = client.post(
                        "/v1/content/batch",
                        content=body,
                        headers={"content-type": "application/json"},
                    )
                    latencies.append((time.perf_counter() - t) * 1000.0)
                    response.raise_for_status()
                    actioned += sum(1 for r in response.json()["results"] if r["actions"])
                wall = time.perf_counter() - started
        finally:
            server.stop()
    return latencies, actioned, wall
