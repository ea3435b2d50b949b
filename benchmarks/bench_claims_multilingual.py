"""Cost of the cross-lingual path of the claim matcher: simulator posts in five languages
against the simulator's claim base, with and without multilingual-e5. Prints one JSON object.

    .venv/bin/python benchmarks/bench_claims_multilingual.py --posts 400
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from veracity.detect.misinfo.matching import ClaimMatcher, ClaimRecord, MatcherConfig
from veracity.domain.entities import ContentIn
from veracity.sim import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        simulate(out, seed=7, scale="small")
        claims = [json.loads(line) for line in (out / "claims.jsonl").open()]
        with (out / "content.jsonl").open() as handle:
            posts = [ContentIn.model_validate(json.loads(next(handle))) for _ in range(args.posts)]
    texts = [p.all_text() for p in posts]
    records = [ClaimRecord(c["id"], c["text"], language=c["language"]) for c in claims]
    result: dict[str, object] = {"posts": len(texts), "claims": len(records)}
    for multilingual in (False, True):
        matcher = ClaimMatcher.build(records, config=MatcherConfig(multilingual=multilingual))
        matcher.search(texts[:10])
        started = time.perf_counter()
        matcher.search(texts)
        rate = len(texts) / (time.perf_counter() - started)
        result["posts_per_s_multilingual" if multilingual else "posts_per_s_default"] = round(
            rate, 1
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
