"""BM25 top-k at scale: exact MaxScore (``BM25Index.top``) against a full scan (``scores``).

A base of N claims of 14 words drawn from a 50k-word Zipf vocabulary (the synthetic base of
``bench_claims.py``); "planted" queries are the first 10 words of a claim plus "is it true",
"random" queries are 12 fresh Zipf words. Prints one JSON object: latency p50/p99 of ``top``
(k=5), median postings read, and the full scan's p50.

    .venv/bin/python benchmarks/bench_bm25.py --n 1000000
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from veracity.detect.misinfo.matching.lexical import BM25Index
from veracity.detect.misinfo.matching.text import tokens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=500)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    vocab = np.array([f"w{i}" for i in range(50_000)])
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    index = BM25Index()
    planted: list[list[str]] = []
    t0 = time.perf_counter()
    for start in range(0, args.n, 50_000):
        words = rng.choice(vocab, size=(min(50_000, args.n - start), 14), p=weights)
        for i, row in enumerate(words):
            index.add(start + i, tokens(" ".join(row)))
        for row in words[: max(0, args.queries - len(planted))]:
            planted.append(tokens(" ".join(row[:10]) + " is it true"))
    index.freeze()
    out: dict[str, object] = {"claims": args.n, "build_s": round(time.perf_counter() - t0, 1)}
    random_queries = [
        tokens(" ".join(rng.choice(vocab, size=12, p=weights))) for _ in range(args.queries)
    ]
    for name, queries in (("planted", planted), ("random", random_queries)):
        index.top(queries[0], 5)
        latencies, reads = [], []
        for q in queries:
            t0 = time.perf_counter()
            index.top(q, 5)
            latencies.append((time.perf_counter() - t0) * 1000)
            reads.append(index.last_postings_read)
        full = []
        for q in queries[:50]:
            t0 = time.perf_counter()
            index.scores(q)
            full.append((time.perf_counter() - t0) * 1000)
        out[name] = {
            "top5_ms_p50": round(float(np.percentile(latencies, 50)), 2),
            "top5_ms_p99": round(float(np.percentile(latencies, 99)), 2),
            "postings_read_p50": int(np.median(reads)),
            "full_scan_ms_p50": round(float(np.median(full)), 2),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
