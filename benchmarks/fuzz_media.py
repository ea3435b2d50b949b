"""Fuzz the media analysis with mutated files; print one JSON object.

Takes seed files (a signed AI JPEG, a watermarked PNG, a short ffv1 video, and the C2PA public
test JPEGs when the shared data is present), mutates them (bit flips, truncation, splices of two
files, header corruption), and analyses each mutant in a forked child with a memory cap and a
timeout (``veracity.detect.aigc.isolated``). Reports crashes, hangs, outcome counts, and the peak
child memory. Usage: ``python benchmarks/fuzz_media.py --count 300 --seed 1``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "aigc_provenance"))

from provenance_testkit import make_signing_chain, sign_image, textured_image, write_jpeg

from veracity.config import Settings
from veracity.detect.aigc.isolated import analyse_isolated


def seeds(workdir: Path, data_dir: Path) -> list[Path]:
    files = [sign_image(write_jpeg(workdir / "src.jpg", textured_image()), workdir / "ai.jpg",
                        make_signing_chain())]  # fmt: skip
    cv2.imwrite(str(workdir / "plain.png"), textured_image(300, 300, seed=1))
    files.append(workdir / "plain.png")
    if shutil.which("ffmpeg"):
        for i in range(2):
            cv2.imwrite(str(workdir / f"f{i}.png"), textured_image(288, 352, seed=i))
        clip = workdir / "clip.mp4"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-framerate", "2", "-i", str(workdir / "f%d.png"),
             "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)],
            check=True, timeout=60,
        )  # fmt: skip
        files.append(clip)
    public = data_dir / "provenance" / "c2pa-public-testfiles" / "image" / "jpeg"
    if public.is_dir():
        files.extend(sorted(p for p in public.glob("adobe-*.jpg"))[:6])
    return files


def mutate(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["bitflip", "truncate", "splice", "header", "zero-run"])
    buf = bytearray(data)
    if kind == "bitflip":
        for _ in range(rng.randint(1, 32)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        buf = buf[: rng.randrange(1, len(buf))]
    elif kind == "splice":
        cut = rng.randrange(len(buf))
        buf = buf[:cut] + other[rng.randrange(len(other)) :]
    elif kind == "header":
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(min(len(buf), 512))
            buf[i] = rng.randrange(256)
    else:
        start = rng.randrange(len(buf))
        end = min(len(buf), start + rng.randint(1, 4096))
        buf[start:end] = b"\xff" * (end - start)
    return kind, bytes(buf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--memory-mib", type=int, default=1024)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        originals = [p.read_bytes() for p in seeds(workdir, Settings().data_dir)]
        statuses: Counter[str] = Counter()
        outcomes: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        seconds, peaks, failures = [], [], []
        for n in range(args.count):
            data = rng.choice(originals)
            kind, mutant = mutate(rng, data, rng.choice(originals))
            kinds[kind] += 1
            path = workdir / f"mutant-{n:04d}"
            path.write_bytes(mutant)
            outcome = analyse_isolated(
                path, timeout_s=args.timeout, memory_bytes=args.memory_mib * 1024**2
            )
            statuses[outcome.status] += 1
            seconds.append(outcome.seconds)
            if outcome.status == "ok":
                peaks.append(outcome.peak_rss_kib)
                outcomes["analysed" if outcome.summary["analysed"] else "refused"] += 1
            else:
                failures.append({"file": n, "mutation": kind, "status": outcome.status,
                                 "detail": outcome.detail})  # fmt: skip
            path.unlink()
    print(
        json.dumps(
            {
                "files": args.count,
                "seed_files": len(originals),
                "mutations": dict(kinds),
                "crashes": statuses["crash"],
                "hangs": statuses["timeout"],
                "completed": statuses["ok"],
                "analysed": outcomes["analysed"],
                "refused_with_reason": outcomes["refused"],
                "median_s": round(statistics.median(seconds), 4),
                "max_s": round(max(seconds), 3),
                "peak_child_rss_mib": round(max(peaks, default=0) / 1024, 1),
                "memory_limit_mib": args.memory_mib,
                "timeout_s": args.timeout,
                "failures": failures[:20],
            }
        )
    )


if __name__ == "__main__":
    main()
