"""AI-text scoring speed: short posts per second through the ``ai_text`` detector.

    .venv/bin/python benchmarks/bench_aitext.py [--model var/models/aitext.npz] [--repeats 5]

Posts are TweepFake validation tweets (read from the shared data). Without ``--model`` (or if
the file is absent) a model is first trained on TweepFake train, which is not timed. Throughput
is ``detect_many`` over batches of 1,000 posts (features, score, calibration and evidence),
in one process; latency is one post per ``detect`` call. Prints one JSON object with medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from veracity.config import get_settings
from veracity.detect.aigc.text.convert import read_tweepfake
from veracity.detect.aigc.text.detector import AiTextDetector
from veracity.detect.aigc.text.model import AiTextModel
from veracity.detect.aigc.text.training import TWEEPFAKE_DIR, train
from veracity.domain.entities import ContentIn, ContentKind

BATCH = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    folder = Path(get_settings().data_dir) / TWEEPFAKE_DIR
    if args.model is not None and args.model.exists():
        model = AiTextModel.load(args.model)
        model_source = str(args.model)
    else:
        model = train(read_tweepfake(folder / "train.csv"), description="bench: TweepFake train")
        model_source = "trained now on tweepfake/train.csv"
    tweets = [r.text for r in read_tweepfake(folder / "validation.csv")]
    items = [
        ContentIn(id=f"c{i}", account_id="a", kind=ContentKind.POST, text=t)
        for i, t in enumerate((tweets * (BATCH // len(tweets) + 1))[:BATCH])
    ]
    detector = AiTextDetector(model)
    detector.detect_many(items[:50])  # warm caches
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        results = detector.detect_many(items)
        rates.append(len(items) / (time.perf_counter() - start))
    latencies = []
    for item in items[:300]:
        start = time.perf_counter()
        detector.detect(item)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    print(
        json.dumps(
            {
                "posts": len(items),
                "scored": sum(1 for r in results if r.outputs["scored"]),
                "median_posts_per_s": round(statistics.median(rates)),
                "runs_posts_per_s": [round(r) for r in rates],
                "single_post_median_ms": round(statistics.median(latencies), 3),
                "single_post_p99_ms": round(latencies[int(0.99 * len(latencies)) - 1], 3),
                "model": model_source,
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
