"""PDQ lookups at scale: Veracity's multi-index-hashing index vs python-threatexchange's PDQIndex.

Both indexes get the same N random 256-bit hashes; queries are half planted near neighbours
(a banked hash with 0-31 bits flipped, which must be found) and half random. Each index runs in
its own process so its memory is measured alone (peak RSS minus the RSS before building).
Reports lookups per second, one query per call (the online path) and batched, as the median of
``--repeats`` runs, plus build time, memory and recall of the planted neighbours.

    .venv/bin/python benchmarks/bench_pdq.py --n 1000000
    .venv/bin/python benchmarks/bench_pdq.py --n 10000000 --te-queries 200
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _data(n: int, queries: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    half = queries // 2
    targets = rng.integers(0, n, half)
    bits = np.unpackbits(codes[targets], axis=1)
    for row, flips in enumerate(rng.integers(0, 32, half)):
        bits[row, rng.choice(256, int(flips), replace=False)] ^= 1
    q = np.concatenate(
        [np.packbits(bits, axis=1), rng.integers(0, 256, (queries - half, 32), dtype=np.uint8)]
    )
    return codes, q, targets


def run_ours(args: argparse.Namespace) -> dict[str, Any]:
    from veracity.detect.misinfo.media.pdq_index import PdqIndex

    codes, queries, targets = _data(args.n, args.queries, args.seed)
    warm: PdqIndex[None] = PdqIndex()  # compile (or load cached) kernels outside the timing
    warm.add_codes(codes[:10])
    warm.rebuild()
    warm.search_codes(queries[:2])
    base = _rss_mb()
    t0 = time.perf_counter()
    index: PdqIndex[None] = PdqIndex()
    index.add_codes(codes)
    index.rebuild()
    build_s = time.perf_counter() - t0
    del codes
    memory_mb = _peak_mb() - base
    single, batch = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        for i in range(len(queries)):
            index.search_codes(queries[i : i + 1])
        single.append(len(queries) / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        lims, ids, _ = index.search_codes(queries)
        batch.append(len(queries) / (time.perf_counter() - t0))
    found = sum(
        int(targets[q] in set(ids[lims[q] : lims[q + 1]].tolist())) for q in range(len(targets))
    )
    counts = np.diff(lims).tolist()
    return {
        "impl": "veracity PdqIndex (MIH, numba)",
        "layout": index.layout,
        "build_s": round(build_s, 1),
        "memory_mb": round(memory_mb),
        "lookups_per_s_single": round(statistics.median(single)),
        "lookups_per_s_batch": round(statistics.median(batch)),
        "recall_planted": found / len(targets),
        "match_counts": counts,
    }


def run_te(args: argparse.Namespace) -> dict[str, Any]:
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    codes, queries, targets = _data(args.n, args.queries, args.seed)
    take = min(args.te_queries, len(queries))
    half = len(targets)
    # Planted and random queries alike, first te_queries/2 of each half.
    pick = list(range(take // 2)) + list(range(half, half + take - take // 2))
    hexes = [c.tobytes().hex() for c in codes]
    del codes
    base = _rss_mb()
    t0 = time.perf_counter()
    index = PDQIndex(zip(hexes, range(len(hexes)), strict=True))
    build_s = time.perf_counter() - t0
    memory_mb = _peak_mb() - base
    q_hex = [queries[i].tobytes().hex() for i in pick]
    rates, results = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        results = [index.query(h) for h in q_hex]
        rates.append(len(q_hex) / (time.perf_counter() - t0))
    found = sum(
        int(int(targets[q]) in {m.metadata for m in results[k]})
        for k, q in enumerate(pick)
        if q < half
    )
    return {
        "impl": "python-threatexchange PDQIndex (faiss IndexBinaryMultiHash)",
        "build_s": round(build_s, 1),
        "memory_mb": round(memory_mb),
        "lookups_per_s_single": round(statistics.median(rates)),
        "recall_planted": found / max(1, sum(q < half for q in pick)),
        "queries": pick,
        "match_counts": [len(r) for r in results],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--te-queries", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--impl", choices=["both", "ours", "te"], default="both")
    args = ap.parse_args()
    if args.impl == "ours":
        print(json.dumps(run_ours(args)))
        return
    if args.impl == "te":
        print(json.dumps(run_te(args)))
        return
    out: dict[str, Any] = {"n": args.n, "queries": args.queries}
    for impl in ("ours", "te"):
        cmd = [sys.executable, __file__, "--impl", impl] + [
            f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items() if k != "impl"
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            out[impl] = {"error": done.stderr[-2000:]}
            continue
        out[impl] = json.loads(done.stdout.strip().splitlines()[-1])
    ours, te = out["ours"], out["te"]
    if "error" not in ours and "error" not in te:
        agree = all(
            ours["match_counts"][q] == c
            for q, c in zip(te["queries"], te["match_counts"], strict=True)
        )
        out["same_matches"] = agree
        out["speedup_single"] = round(ours["lookups_per_s_single"] / te["lookups_per_s_single"], 1)
        out["memory_ratio"] = round(ours["memory_mb"] / max(1, te["memory_mb"]), 2)
    for part in (ours, te):
        part.pop("match_counts", None)
        part.pop("queries", None)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
