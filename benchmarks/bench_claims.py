"""Claim matching speed: posts/s against the CLEF base and p99 latency at a synthetic scale.

    .venv/bin/python benchmarks/bench_claims.py [--model MODEL] [--synthetic 1000000]
        [--streams clef,tweepfake,constraint]

Prints one JSON object. Throughput is end to end (clean, embed, BM25 + dense retrieval,
features, fusion), measured warm (claim profiles cached) in one process; latency is one
post per call.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from veracity.config import get_settings
from veracity.detect.misinfo.matching import (
    CascadeMatcher,
    ClaimMatcher,
    ClaimRecord,
    MatcherConfig,
    build_matcher,
    load_any_model,
)
from veracity.detect.misinfo.matching.clef import read_queries, read_vclaims

ENGLISH = MatcherConfig(multilingual=False)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stream(data: Path, name: str) -> list[str]:
    """Posts to match: CLEF tweets (each repeats a claim in the base), TweepFake tweets (general
    Twitter traffic, almost none repeats a fact-checked claim) or Constraint COVID-19 tweets
    (on the base's topics: the hard case for a cascade)."""
    if name == "clef":
        src = data / "claims" / "clef2022-t2a-en" / "raw"
        return list(read_queries([src / "CT2022-Task2A-EN-Train-Dev_Queries.tsv"]).values())
    if name == "tweepfake":
        with (data / "aitext" / "tweepfake" / "validation.csv").open(encoding="utf-8") as fh:
            return [row["text"] for row in csv.DictReader(fh, delimiter=";")][:1500]
    if name == "constraint":
        path = data / "misinfo" / "constraint-covid-fakenews" / "Constraint_Val.csv"
        with path.open(encoding="utf-8") as fh:
            return [row["tweet"] for row in csv.DictReader(fh)][:1500]
    raise SystemExit(f"unknown stream {name!r}")


def clef_throughput(
    data: Path, model: str | None, repeats: int, streams: list[str]
) -> dict[str, object]:
    src = data / "claims" / "clef2022-t2a-en"
    t0 = time.perf_counter()
    matcher = build_matcher(
        read_vclaims(src / "vclaims.jsonl"), load_any_model(model) if model else None, ENGLISH
    )
    out: dict[str, object] = {
        "claims": len(matcher),
        "build_s": round(time.perf_counter() - t0, 1),
    }
    for stream in streams:
        posts = _stream(data, stream)
        prefix = "" if stream == "clef" else f"{stream}_"
        t0 = time.perf_counter()
        matcher.search(posts)
        cold = len(posts) / (time.perf_counter() - t0)
        one = []
        escalated_before = getattr(matcher, "escalated", 0)
        for _ in range(repeats):
            t0 = time.perf_counter()
            matcher.search(posts)
            one.append(len(posts) / (time.perf_counter() - t0))
        latencies = []
        for post in posts[:300]:
            t0 = time.perf_counter()
            matcher.search([post])
            latencies.append((time.perf_counter() - t0) * 1000)
        out[prefix + "posts"] = len(posts)
        out[prefix + "posts_per_s_cold_1proc"] = round(cold, 1)
        out[prefix + "posts_per_s_1proc_median"] = round(statistics.median(one), 1)
        out[prefix + "latency_ms_p50"] = round(float(np.percentile(latencies, 50)), 2)
        out[prefix + "latency_ms_p99"] = round(float(np.percentile(latencies, 99)), 2)
        if isinstance(matcher, CascadeMatcher):
            share = (matcher.escalated - escalated_before) / (len(posts) * repeats)
            out[prefix + "escalated"] = round(share, 4)
    out["max_rss_mb"] = round(_rss_mb(), 0)
    return out


def synthetic_latency(n: int, n_queries: int = 500) -> dict[str, object]:
    """A base of ``n`` claims made of random words from a 50k vocabulary (Zipf-distributed)."""
    rng = np.random.default_rng(0)
    vocab = np.array([f"w{i}" for i in range(50_000)])
    ranks = np.arange(1, len(vocab) + 1)
    weights = 1.0 / ranks
    weights /= weights.sum()
    t0 = time.perf_counter()
    matcher = ClaimMatcher(config=ENGLISH)
    batch = 50_000
    texts: list[str] = []
    for start in range(0, n, batch):
        m = min(batch, n - start)
        words = rng.choice(vocab, size=(m, 14), p=weights)
        chunk = [" ".join(row) for row in words]
        texts.extend(chunk[:1] if len(texts) < n_queries else [])
        matcher.add(ClaimRecord(f"s{start + i}", t) for i, t in enumerate(chunk))
        texts.extend(chunk[: max(0, n_queries - len(texts))])
    build_s = time.perf_counter() - t0
    queries = [" ".join(t.split()[:10]) + " is it true" for t in texts[:n_queries]]
    matcher.search(queries[:20])
    latencies = []
    found = 0
    for q in queries:
        t0 = time.perf_counter()
        hits = matcher.search([q], k=5)[0]
        latencies.append((time.perf_counter() - t0) * 1000)
        found += bool(hits)
    return {
        "synthetic_claims": len(matcher),
        "synthetic_build_s": round(build_s, 1),
        "synthetic_dense_index": "hnsw" if matcher._dense.approximate else "flat",
        "synthetic_latency_ms_p50": round(float(np.percentile(latencies, 50)), 2),
        "synthetic_latency_ms_p99": round(float(np.percentile(latencies, 99)), 2),
        "synthetic_max_rss_mb": round(_rss_mb(), 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="trained model or cascade (default: the fixed fusion)")
    parser.add_argument(
        "--streams", default="clef", help="comma-separated: clef, tweepfake, constraint"
    )
    parser.add_argument("--synthetic", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-clef", action="store_true")
    args = parser.parse_args()
    out: dict[str, object] = {"cpus": os.cpu_count()}
    data = Path(os.environ.get("VERACITY_DATA_DIR", get_settings().data_dir))
    if not args.skip_clef and (data / "claims" / "clef2022-t2a-en").is_dir():
        out.update(clef_throughput(data, args.model, args.repeats, args.streams.split(",")))
    if args.synthetic:
        out.update(synthetic_latency(args.synthetic))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
