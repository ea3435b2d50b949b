"""Provenance check of a 1080p JPEG (C2PA, metadata, watermark decode): median milliseconds.

Usage: ``python benchmarks/bench_provenance.py --runs 30``. Prints one JSON object; the goal is
a median under 100 ms. Measures a plain 1080p JPEG and the same image signed with C2PA.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "aigc_provenance"))

from provenance_testkit import make_signing_chain, sign_image, textured_image, write_jpeg

from veracity.detect.aigc.analysis import analyse_media


def median_ms(path: Path, runs: int) -> tuple[float, float, dict[str, object]]:
    """Median wall and CPU milliseconds (CPU time shows the cost on a busy shared machine)."""
    summary = analyse_media(path).summary()  # warm-up (loads the C2PA context)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        analyse_media(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = write_jpeg(Path(tmp) / "plain.jpg", textured_image(1080, 1920), quality=90)
        signed = sign_image(plain, Path(tmp) / "signed.jpg", make_signing_chain())
        plain_ms, plain_cpu, _ = median_ms(plain, args.runs)
        signed_ms, signed_cpu, summary = median_ms(signed, args.runs)
    print(
        json.dumps(
            {
                "image": "1920x1080 JPEG q90",
                "runs": args.runs,
                "median_ms_plain": round(plain_ms, 1),
                "median_ms_c2pa_signed": round(signed_ms, 1),
                "median_cpu_ms_plain": round(plain_cpu, 1),
                "median_cpu_ms_c2pa_signed": round(signed_cpu, 1),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "signed_result": {k: summary[k] for k in ("c2pa_state", "ai_generated", "source")},
                "goal_ms": 100,
            }
        )
    )


if __name__ == "__main__":
    main()
