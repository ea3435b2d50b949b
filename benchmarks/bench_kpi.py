"""KPI engine speed: ``veracity kpi``'s DuckDB SQL over 10 million events on 2 cores (goal:
under 60 s, issue 8).

    .venv/bin/python benchmarks/bench_kpi.py [--events 10000000] [--threads 2] [--out DIR]

The input is generated with DuckDB directly in measure.source's Parquet layout (not through
the API): views over a month on 500k content items with a heavy-tailed popularity, 2 % of the
items actioned (40 % by removal), user reports on a fifth of those and on some others, and
appeals on a tenth of the actions. "Events" counts every input row (views, reports, actions,
appeals, content). The process is pinned to ``--threads`` CPUs where the OS allows it. Prints
one JSON object: the sizes, generation time and the KPI computation time (compute(), daily()
and funnel(), each a separate pass as the dashboards run them).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import duckdb

from veracity.measure.kpi import Window, compute, daily, funnel

T0 = 1_793_520_000  # 2026-11-02 UTC
MONTH = 30 * 86400


def generate(folder: Path, events: int, threads: int) -> dict[str, int]:
    """Write views/content/actions/reports/appeals.parquet totalling about ``events`` rows."""
    items = max(1000, events // 20)
    views = events - items - items // 50 - items // 100 - items // 500
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""COPY (SELECT 'c' || i AS id, {T0} + (random() * {MONTH})::BIGINT AS created
                  FROM range({items}) t(i)) TO '{folder}/content.parquet' (FORMAT parquet)"""
    )
    # Popularity ~ Zipf-like: content index = floor(items * u^3).
    con.execute(
        f"""COPY (SELECT 'c' || (floor({items} * pow(random(), 3)))::BIGINT AS content_id,
                         {T0} + (random() * {MONTH})::BIGINT AS t
                  FROM range({views})) TO '{folder}/views.parquet' (FORMAT parquet)"""
    )
    con.execute(f"CREATE TABLE c AS SELECT * FROM read_parquet('{folder}/content.parquet')")
    con.execute(
        f"""COPY (SELECT 'd' || id AS decision_id, id AS content_id,
                         created + (random() * 72 * 3600)::BIGINT AS t,
                         CASE WHEN random() < 0.5 THEN 'spam' ELSE 'misinfo' END AS policy,
                         random() < 0.4 AS removal, random() < 0.9 AS automated
                  FROM c WHERE hash(id) % 50 = 0) TO '{folder}/actions.parquet' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT id AS content_id, created + (random() * 48 * 3600)::BIGINT AS t
                  FROM c WHERE hash(id) % 100 = 1 OR hash(id) % 250 = 0)
            TO '{folder}/reports.parquet' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT decision_id, t AS decision_t, 'decided' AS status,
                         CASE WHEN random() < 0.2 THEN 'reversed' ELSE 'upheld' END AS outcome
                  FROM read_parquet('{folder}/actions.parquet') WHERE hash(decision_id) % 10 = 0)
            TO '{folder}/appeals.parquet' (FORMAT parquet)"""
    )
    sizes = {
        name: int(con.execute(f"SELECT count(*) FROM '{folder}/{name}.parquet'").fetchall()[0][0])
        for name in ("views", "content", "actions", "reports", "appeals")
    }
    con.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="keep the generated Parquet here")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[: args.threads]
        os.sched_setaffinity(0, cpus)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        sizes = generate(folder, args.events, args.threads)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        kpis = compute(folder, Window(), threads=args.threads)
        kpi_s = time.perf_counter() - started
        started = time.perf_counter()
        days = daily(folder, Window(), threads=args.threads)
        stages = funnel(folder, Window(), threads=args.threads)
        dash_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "events": sum(sizes.values()),
                "sizes": sizes,
                "threads": args.threads,
                "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                "generate_s": round(generated, 2),
                "kpi_s": round(kpi_s, 2),
                "daily_and_funnel_s": round(dash_s, 2),
                "total_kpi_s": round(kpi_s + dash_s, 2),
                "goal_s": 60,
                "actioned_items": kpis["actioned_items"],
                "proactive_rate": kpis["proactive_rate"]["rate"],
                "time_to_action_p50_h": kpis["time_to_action_p50_h"],
                "days": len(days),
                "funnel": stages,
            }
        )
    )


if __name__ == "__main__":
    main()
