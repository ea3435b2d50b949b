"""Lockstep detection finds a planted like-farm and leaves organic look-alikes alone."""

from __future__ import annotations

import json
import random
from pathlib import Path

from veracity.detect.coordination.campaigns import FAKE_ENGAGEMENT
from veracity.detect.coordination.config import CoordinationConfig
from veracity.detect.coordination.job import run_job
from veracity.detect.coordination.prepare import prepare_jsonl

T0 = 1_750_000_000


def _iso(ts: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def _like(account: str, content: str, ts: int) -> dict[str, object]:
    return {"type": "like", "account_id": account, "content_id": content, "occurred_at": _iso(ts)}


def _write_platform(folder: Path) -> tuple[set[str], list[str]]:
    rng = random.Random(5)
    events: list[dict[str, object]] = []
    farm = [f"farm-{i}" for i in range(8)]
    targets = [f"small-{k}" for k in range(5)]
    for k, post in enumerate(targets):  # the farm: every member, every target, within 2 minutes
        start = T0 + 3600 * (k + 1)
        events += [_like(a, post, start + rng.randrange(120)) for a in farm]
        events += [_like(f"org-{rng.randrange(500)}", post, start + rng.randrange(86400))]
    # Look-alike 1: fans of a creator like each of four posts within 20 minutes of posting.
    fans = [f"fan-{i}" for i in range(60)]
    for k in range(4):
        posted = T0 + 7200 * k
        events += [
            _like(f, f"creator-{k}", posted + rng.randrange(1200))
            for f in fans
            if rng.random() < 0.7
        ]
    # Look-alike 2: a crowd reacting to one breaking-news post within a minute.
    events += [_like(f"crowd-{i}", "breaking", T0 + 50_000 + rng.randrange(60)) for i in range(150)]
    # Background: random likes over a week.
    events += [
        _like(
            f"org-{rng.randrange(500)}", f"post-{rng.randrange(2000)}", T0 + rng.randrange(604800)
        )
        for _ in range(5000)
    ]
    with (folder / "events.jsonl").open("w") as fh:
        fh.writelines(json.dumps(e) + "\n" for e in events)
    (folder / "content.jsonl").write_text("")
    return set(farm), targets


def test_planted_group_found_look_alikes_not(tmp_path: Path) -> None:
    farm, targets = _write_platform(tmp_path)
    config = CoordinationConfig()
    prepared = prepare_jsonl(
        tmp_path / "events.jsonl", tmp_path / "content.jsonl", tmp_path / "in", config
    )
    result = run_job(prepared.folder, "duckdb", config)
    groups = [c for c in result.campaigns if c.kind == FAKE_ENGAGEMENT]
    assert [set(c.members) for c in groups] == [farm]
    discounts = {d.subject_id: d for d in groups[0].discounts}
    assert set(discounts) == set(targets)
    for d in discounts.values():
        assert d.action == "like" and d.discounted == len(farm)
        assert d.raw is not None and d.raw >= d.discounted
        assert d.window_end - d.window_start <= config.engagement_window_s
