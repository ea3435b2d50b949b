"""Coordination job: accuracy on simulator ground truth, speed, and QUT's toolkit side by side.

    .venv/bin/python benchmarks/bench_coordination.py accuracy [--seed 7]
    .venv/bin/python benchmarks/bench_coordination.py speed --events 1000000 [--scale medium]
    .venv/bin/python benchmarks/bench_coordination.py qut --events 1000000 [--scale medium]

``accuracy`` runs the default scenario (small, seed 7) and harder ones (smaller groups, looser
timing) and prints precision/recall of coordinated campaigns and lockstep groups. ``speed``
times preparation and the job (DuckDB, 2 threads) on a simulated event log. ``qut`` builds
the same co-link / co-retweet input for QUT's coordination-network-toolkit (PyPI) and for this
job's SQL, compares the edge sets and the times. Each prints one JSON object per line.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from veracity.detect.coordination import sql
from veracity.detect.coordination.config import CoordinationConfig
from veracity.detect.coordination.engines import DuckDBEngine
from veracity.detect.coordination.evaluate import evaluate
from veracity.detect.coordination.job import run_on_engine
from veracity.detect.coordination.prepare import epoch, prepare_jsonl
from veracity.detect.coordination.traces import urls
from veracity.sim.scale import PRESETS, SimScale
from veracity.sim.simulate import simulate

SCENARIOS: dict[str, dict[str, Any]] = {
    "default": {},
    "small_groups": {"campaign_size": 5, "lockstep_size": 5, "lockstep_targets": 4},
    "loose_timing": {"campaign_window_s": 12 * 3600, "lockstep_window_s": 1800},
    "small_and_loose": {
        "campaign_size": 5,
        "lockstep_size": 5,
        "lockstep_targets": 4,
        "campaign_window_s": 12 * 3600,
        "lockstep_window_s": 1800,
    },
}


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


def _sim_and_prepare(root: Path, scale: SimScale | str, seed: int, events: int | None) -> Any:
    data = root / "data"
    began = time.perf_counter()
    simulate(data, seed=seed, scale=scale, events=events)
    sim_s = time.perf_counter() - began
    began = time.perf_counter()
    prepared = prepare_jsonl(
        data / "events.jsonl", data / "content.jsonl", root / "in", CoordinationConfig()
    )
    return data, prepared, sim_s, time.perf_counter() - began


def accuracy(seed: int) -> None:
    for name, changes in SCENARIOS.items():
        scale = dataclasses.replace(PRESETS["small"], name=f"small-{name}", **changes)
        with tempfile.TemporaryDirectory() as tmp:
            data, prepared, _, _ = _sim_and_prepare(Path(tmp), scale, seed, None)
            engine = DuckDBEngine(prepared.folder)
            try:
                result = run_on_engine(engine, CoordinationConfig())
            finally:
                engine.close()
            scores = evaluate(result.campaigns, data / "truth.jsonl")
        _emit({"scenario": name, "seed": seed, "changes": changes, **scores})


def speed(scale: str, events: int, seed: int, threads: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _, prepared, sim_s, prep_s = _sim_and_prepare(Path(tmp), scale, seed, events)
        engine = DuckDBEngine(prepared.folder, threads=threads)
        began = time.perf_counter()
        try:
            result = run_on_engine(engine, CoordinationConfig())
        finally:
            engine.close()
        job_s = time.perf_counter() - began
    _emit(
        {
            "benchmark": "speed",
            "scale": scale,
            "events": prepared.events,
            "trace_rows": prepared.trace_rows,
            "threads": threads,
            "simulate_s": round(sim_s, 2),
            "prepare_s": round(prep_s, 2),
            "job_s": round(job_s, 2),
            "total_s": round(prep_s + job_s, 2),
            **result.summary(),
        }
    )


def _qut_messages(data: Path, out: Path) -> int:
    """Posts with their links and shares as reposts, in the toolkit's CSV layout."""
    rows = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                    "timestamp", "urls"])  # fmt: skip
        with (data / "content.jsonl").open(encoding="utf-8") as src:
            for line in src:
                c = json.loads(line)
                links = " ".join(dict.fromkeys(urls(c.get("text") or "")))
                if links:
                    ts = epoch(c["created_at"])
                    w.writerow([c["id"], c["account_id"], "", "", "", "", ts, links])
                    rows += 1
        with (data / "events.jsonl").open(encoding="utf-8") as src:
            for line in src:
                e = json.loads(line)
                if e["type"] == "share":
                    ts = epoch(e["occurred_at"])
                    w.writerow([e["id"], e["account_id"], "", e["content_id"], "", "", ts, ""])
                    rows += 1
    return rows


def _qut_edges(db_path: Path, table: str) -> set[tuple[str, str]]:
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute(f"select user_1, user_2 from {table} where user_1 != user_2")
        return {(min(a, b), max(a, b)) for a, b in rows}
    finally:
        con.close()


def qut(scale: str, events: int, seed: int, threads: int) -> None:
    from coordination_network_toolkit.compute_networks import (
        compute_co_link_network,
        compute_co_retweet_parallel,
    )
    from coordination_network_toolkit.preprocess import preprocess_csv_files

    config = CoordinationConfig(max_item_accounts=10**9)  # the toolkit has no popularity cap
    window = config.content_window_s
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data, prepared, _, _ = _sim_and_prepare(root, scale, seed, events)
        messages = root / "messages.csv"
        n_messages = _qut_messages(data, messages)
        db_path = root / "qut.db"
        began = time.perf_counter()
        preprocess_csv_files(str(db_path), [str(messages)])
        qut_prep_s = time.perf_counter() - began
        began = time.perf_counter()
        compute_co_link_network(str(db_path), window, n_threads=threads)
        compute_co_retweet_parallel(str(db_path), window, n_threads=threads)
        qut_s = time.perf_counter() - began
        qut_edges = {
            "url": _qut_edges(db_path, "co_link_network"),
            "share": _qut_edges(db_path, "co_retweet_network"),
        }
        engine = DuckDBEngine(prepared.folder, threads=threads)
        began = time.perf_counter()
        try:
            rows = engine.rows(sql.pair_edges_sql(config, None, None))
        finally:
            engine.close()
        ours_s = time.perf_counter() - began
    ours: dict[str, set[tuple[str, str]]] = {"url": set(), "share": set()}
    for trace, src, dst, *_ in rows:
        if trace in ours:
            ours[trace].add((src, dst))
    _emit(
        {
            "benchmark": "qut",
            "scale": scale,
            "events": prepared.events,
            "messages": n_messages,
            "window_s": window,
            "threads": threads,
            "edges": {
                t: {
                    "qut": len(qut_edges[t]),
                    "ours": len(ours[t]),
                    "same": qut_edges[t] == ours[t],
                    "only_qut": len(qut_edges[t] - ours[t]),
                    "only_ours": len(ours[t] - qut_edges[t]),
                }
                for t in ours
            },
            "qut_preprocess_s": round(qut_prep_s, 2),
            "qut_networks_s": round(qut_s, 2),
            "ours_all_traces_sql_s": round(ours_s, 2),
            "speed_ratio": round(qut_s / ours_s, 1) if ours_s else None,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("accuracy", "speed", "qut"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.what == "accuracy":
        accuracy(args.seed)
    elif args.what == "speed":
        speed(args.scale, args.events, args.seed, args.threads)
    else:
        qut(args.scale, args.events, args.seed, args.threads)


if __name__ == "__main__":
    main()
