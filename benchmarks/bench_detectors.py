"""Micro-benchmark of the online detectors' fast paths.

Banks: ~1,000 known texts, ~1,000 listed domains (4 lists), ~500 phrases (5 categories), plus the
bundled lists. Items: ~200-character posts; some carry links (listed or not), hashtags, bank
phrases, or a lightly edited bank text. Prints one JSON object: the median microseconds per item
of each detector's ``detect`` and of all four together.

    python benchmarks/bench_detectors.py [--items 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from veracity.detect.banks import BankEntry
from veracity.detect.defaults import build_detectors
from veracity.domain.entities import ContentIn

_COMMON = (
    "the of and to in is you that it he was for on are as with his they at be this have from "
    "or one had by word but not what all were we when your can said there use an each which she "
    "do how their if will up other about out many then them these so some her would make like "
    "him into time has look two more write go see number no way could people my than first water "
    "been call who oil its now find long down day did get come made may part"
)
_TOPICAL = (
    "election vote government news video share truth health vaccine doctor money free crypto "
    "giveaway police city school family friends today tomorrow breaking report official secret "
    "hidden world country watch before deleted million dollars children food prices weather "
    "ballot fraud cure miracle bitcoin investment profit winner prize click subscribe follow "
    "promo discount offer limited exclusive leaked exposed scandal banned censored"
)
COMMON = tuple(_COMMON.split())
TOPICAL = tuple(_TOPICAL.split())
WORDS = COMMON + TOPICAL


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _banks(rng: random.Random) -> dict[str, list[BankEntry]]:
    texts = [
        BankEntry(f"t{i}", " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(2)), "claim")
        for i in range(1000)
    ]
    lists = ("misinfo", "spam", "malware", "scam")
    domains = {
        f"domains:{name}": [
            BankEntry(
                f"{name}-{i}", f"{rng.choice(WORDS)}{i}-{name}.{rng.choice(['com', 'net', 'info'])}"
            )
            for i in range(250)
        ]
        for name in lists
    }
    phrases = {
        f"phrases:cat{k}": [
            BankEntry(
                f"p{k}-{i}",
                ("#" + rng.choice(TOPICAL) + str(i))
                if i % 5 == 0
                else " ".join(rng.choice(TOPICAL) for _ in range(rng.choice([1, 2, 2, 3]))),
            )
            for i in range(100)
        ]
        for k in range(5)
    }
    return {"text": texts, **domains, **phrases}


def _posts(rng: random.Random, banks: dict[str, list[BankEntry]], n: int) -> list[ContentIn]:
    domains = [e.value for b, es in banks.items() if b.startswith("domains:") for e in es]
    items = []
    for i in range(n):
        r = rng.random()
        if r < 0.1:
            words = rng.choice(banks["text"]).value.split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            text = " ".join(words)
        else:
            text = " ".join(_sentence(rng, rng.randint(6, 12)) for _ in range(3))
        if rng.random() < 0.3:
            host = rng.choice(domains) if rng.random() < 0.5 else f"site{i}.example.org"
            text += f" https://{host}/p/{i}"
        if rng.random() < 0.2:
            text += f" #{rng.choice(WORDS)}"
        items.append(ContentIn(id=f"c{i}", account_id="a", kind="post", text=text[:260]))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    banks = _banks(rng)
    start = time.perf_counter()
    detectors = build_detectors(banks)
    build_s = time.perf_counter() - start
    items = _posts(rng, banks, args.items)
    for detector in detectors:  # warm-up
        for item in items[:50]:
            detector.detect(item)
    timings: dict[str, list[float]] = {d.name: [] for d in detectors}
    totals: list[float] = []
    for item in items:
        total = 0.0
        for detector in detectors:
            t0 = time.perf_counter_ns()
            detector.detect(item)
            elapsed = (time.perf_counter_ns() - t0) / 1000.0
            timings[detector.name].append(elapsed)
            total += elapsed
        totals.append(total)
    report = {name: round(statistics.median(v), 1) for name, v in timings.items()}
    report["all_four"] = round(statistics.median(totals), 1)
    report["p95_all_four"] = round(sorted(totals)[int(0.95 * len(totals))], 1)
    report["mean_chars"] = round(statistics.mean(len(i.text) for i in items), 1)
    report["items"] = len(items)
    report["build_s"] = round(build_s, 3)
    report["unit"] = "microseconds per item (median)"
    print(json.dumps(report))


if __name__ == "__main__":
    main()
