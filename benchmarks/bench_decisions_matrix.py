"""Run `veracity bench decisions` on SQLite and PostgreSQL, in process and over HTTP, several
times each, and print the medians as one JSON object and a Markdown table (for RESULTS.md).

    .venv/bin/python benchmarks/bench_decisions_matrix.py --repeat 3 \
        --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from veracity.bench.decisions import run_decisions_benchmark

METRICS = ("decisions_per_s", "p50_ms", "p99_ms", "per_decision_p50_ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL; omitted: SQLite only")
    args = parser.parse_args()

    targets: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        targets.append(("postgresql", args.postgres))
    rows = []
    for name, url in targets:
        for http in (False, True):
            runs = [
                run_decisions_benchmark(
                    database_url=url,
                    posts=args.posts,
                    batch_size=args.batch_size,
                    rules=50,
                    http=http,
                    log=lambda m: print(m, file=sys.stderr),
                )
                for _ in range(args.repeat)
            ]
            medians = {m: round(statistics.median(r[m] for r in runs), 2) for m in METRICS}
            rows.append({"database": name, "path": runs[0]["path"], "runs": len(runs), **medians})
    print(json.dumps({"posts": args.posts, "batch_size": args.batch_size, "results": rows}))
    print(
        "| database | path | decisions/s | p50 ms | p99 ms | per decision p50 ms |", file=sys.stderr
    )
    print("|---|---|---|---|---|---|", file=sys.stderr)
    for r in rows:
        print(
            f"| {r['database']} | {r['path']} | {r['decisions_per_s']} | {r['p50_ms']} | "
            f"{r['p99_ms']} | {r['per_decision_p50_ms']} |",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
