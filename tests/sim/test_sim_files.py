"""Every file the simulator writes: schema, references, ordering, determinism."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from veracity.domain.entities import AccountIn, ContentIn
from veracity.domain.events import EventIn, ReportIn
from veracity.sim import FILES, PRESETS, simulate
from veracity.sim.claims import RATINGS
from veracity.sim.jsonl import Clock


def _lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    simulate(out, seed=11, scale="tiny")
    return out


def test_same_seed_gives_identical_bytes(tiny: Path, tmp_path: Path) -> None:
    simulate(tmp_path, seed=11, scale="tiny")
    for name in (*FILES, "manifest.json"):
        assert (tmp_path / name).read_bytes() == (tiny / name).read_bytes(), name


def test_another_seed_gives_other_data(tiny: Path, tmp_path: Path) -> None:
    simulate(tmp_path, seed=12, scale="tiny")
    assert (tmp_path / "events.jsonl").read_bytes() != (tiny / "events.jsonl").read_bytes()
    assert (tmp_path / "content.jsonl").read_bytes() != (tiny / "content.jsonl").read_bytes()


def test_every_line_validates_against_the_ingestion_models(tiny: Path) -> None:
    accounts = [AccountIn.model_validate(r) for r in _lines(tiny / "accounts.jsonl")]
    content = [ContentIn.model_validate(r) for r in _lines(tiny / "content.jsonl")]
    events = [EventIn.model_validate(r) for r in _lines(tiny / "events.jsonl")]
    reports = [ReportIn.model_validate(r) for r in _lines(tiny / "reports.jsonl")]
    assert len(accounts) == PRESETS["tiny"].accounts
    assert len(content) == PRESETS["tiny"].posts + PRESETS["tiny"].comments
    assert len(events) == PRESETS["tiny"].events
    assert reports
    assert {a.language for a in accounts} >= {"en", "es", "de", "fr", "pt"}


def test_references_resolve_and_time_runs_forward(tiny: Path) -> None:
    scale = PRESETS["tiny"]
    end = scale.period_end
    start = end.timestamp() - scale.period_s
    accounts = {r["id"]: r for r in _lines(tiny / "accounts.jsonl")}
    created = {
        r["id"]: datetime.fromisoformat(r["created_at"]) for r in _lines(tiny / "content.jsonl")
    }
    for r in _lines(tiny / "content.jsonl"):
        assert r["account_id"] in accounts
        if r.get("parent_id"):
            assert created[r["parent_id"]] < created[r["id"]]
        assert datetime.fromisoformat(accounts[r["account_id"]]["created_at"]) < created[r["id"]]
    previous = None
    ids = []
    for e in _lines(tiny / "events.jsonl"):
        at = datetime.fromisoformat(e["occurred_at"])
        assert start <= at.timestamp() < end.timestamp()
        assert previous is None or previous <= at, "events are written in time order"
        previous = at
        ids.append(e["id"])
        assert e["account_id"] in accounts
        if "content_id" in e:
            assert created[e["content_id"]] <= at
            if e["type"] != "content_created":
                assert created[e["content_id"]] < at or e["type"] == "comment"
        if "target_account_id" in e:
            assert e["target_account_id"] in accounts
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for r in _lines(tiny / "reports.jsonl"):
        at = datetime.fromisoformat(r["occurred_at"])
        assert at.timestamp() < end.timestamp()
        if r.get("content_id"):
            assert created[r["content_id"]] < at


def test_reference_lists_have_the_documented_shape(tiny: Path) -> None:
    claims = _lines(tiny / "claims.jsonl")
    assert len(claims) == PRESETS["tiny"].claims
    for c in claims:
        assert set(c) == {"id", "text", "rating", "language", "publisher", "url", "date"}
        assert c["rating"] in RATINGS
        datetime.strptime(c["date"], "%Y-%m-%d")
    assert len({c["text"] for c in claims}) == len(claims)
    domains = _lines(tiny / "domains.jsonl")
    assert {d["list"] for d in domains} == {"misinfo", "spam", "malware", "shortener"}
    assert all(set(d) == {"domain", "list"} for d in domains)
    phrases = _lines(tiny / "phrases.jsonl")
    assert all(set(p) == {"phrase", "category"} and p["phrase"] for p in phrases)
    for t in _lines(tiny / "truth.jsonl"):
        assert set(t) == {"subject_type", "subject_id", "labels", "details"}
        assert t["subject_type"] in {"account", "content", "campaign"}
        assert t["labels"]


def test_manifest_and_summary_agree_with_the_files(tiny: Path, tmp_path: Path) -> None:
    summary = simulate(tmp_path, seed=11, scale="tiny")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["scale"]["name"] == "tiny"
    assert manifest["generator"] == "veracity-sim/1"
    for name in FILES:
        lines = (tmp_path / name).read_text(encoding="utf-8").count("\n")
        assert summary.files[name] == lines == manifest["files"][name], name
    assert sum(summary.events_by_type.values()) == summary.files["events.jsonl"]
    assert manifest["period_end"] == "2025-06-01T00:00:00Z"


def test_tiny_is_fast(tmp_path: Path) -> None:
    summary = simulate(tmp_path, seed=3, scale="tiny")
    assert summary.elapsed_s < 1.0


def test_period_is_configurable(tmp_path: Path) -> None:
    end = datetime(2024, 3, 1, tzinfo=UTC)
    scale = dataclasses.replace(PRESETS["tiny"], period_days=2, period_end=end)
    simulate(tmp_path, scale=scale)
    stamps = [datetime.fromisoformat(e["occurred_at"]) for e in _lines(tmp_path / "events.jsonl")]
    assert min(stamps).timestamp() >= end.timestamp() - 2 * 86400
    assert max(stamps) < end


def test_identical_bytes_across_processes_and_hash_seeds(tiny: Path, tmp_path: Path) -> None:
    code = "import sys; from pathlib import Path; from veracity.sim import simulate; "
    code += "simulate(Path(sys.argv[1]), seed=11, scale='tiny')"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, timeout=60)
    for name in (*FILES, "manifest.json"):
        assert (tmp_path / name).read_bytes() == (tiny / name).read_bytes(), name


def test_clock_formats_single_and_vector_stamps_alike() -> None:
    clock = Clock(datetime(2025, 5, 25, tzinfo=UTC))
    seconds = np.array([-400 * 86400, 0, 3661, 7 * 86400 - 1])
    assert [clock.iso(int(t)) for t in seconds] == clock.iso_many(seconds)
    assert clock.iso(3661) == "2025-05-25T01:01:01Z"
