"""Throughput and peak memory of the simulator, so the figures quoted in docs can be rerun.

``python -m veracity.sim.measure --scale medium`` prints one JSON object on standard output.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

from veracity.sim.jsonl import dumps
from veracity.sim.simulate import simulate


def measure(scale: str, events: int | None = None, seed: int = 7) -> dict[str, Any]:
    """Generate into a temporary directory and report speed and this process's peak RSS."""
    with tempfile.TemporaryDirectory(prefix="veracity-sim-") as tmp:
        summary = simulate(Path(tmp), seed=seed, scale=scale, events=events)
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "scale": scale,
        "events": summary.files["events.jsonl"],
        "elapsed_s": round(summary.elapsed_s, 2),
        "events_per_s": round(summary.events_per_s),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "bytes_written": size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        result = measure(args.scale, args.events, args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
