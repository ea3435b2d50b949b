"""Entry point: plan a platform, then stream every file of it to disk.

Same seed and scale give byte-identical files: all randomness comes from generators seeded
from ``seed`` (one per component, so changing one component does not reshuffle the others),
timestamps come from the configured period, never from the clock.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from veracity.sim import truth as T
from veracity.sim.claims import build_claims
from veracity.sim.content_plan import ContentPlan, plan_content
from veracity.sim.jsonl import Clock, JsonlWriter, dumps
from veracity.sim.population import plan_population
from veracity.sim.scale import SimScale, resolve_scale
from veracity.sim.write_accounts import write_accounts
from veracity.sim.write_content import ContentWriter, account_id, post_id
from veracity.sim.write_events import EventStream
from veracity.sim.write_lists import write_claims, write_domains, write_phrases
from veracity.sim.write_reports import write_reports

SIM_VERSION = "veracity-sim/1"
FILES = (
    "accounts.jsonl",
    "content.jsonl",
    "events.jsonl",
    "reports.jsonl",
    "claims.jsonl",
    "domains.jsonl",
    "phrases.jsonl",
    "truth.jsonl",
)


@dataclass
class SimSummary:
    """What was written: lines per file, subjects per planted phenomenon, and how fast."""

    out_dir: Path
    seed: int
    scale: str
    files: dict[str, int]
    phenomena: dict[str, int]
    events_by_type: dict[str, int]
    elapsed_s: float = 0.0

    @property
    def events_per_s(self) -> float:
        return self.files.get("events.jsonl", 0) / self.elapsed_s if self.elapsed_s else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "seed": self.seed,
            "scale": self.scale,
            "files": self.files,
            "phenomena": self.phenomena,
            "events_by_type": self.events_by_type,
            "elapsed_s": round(self.elapsed_s, 3),
            "events_per_s": round(self.events_per_s),
        }


class TruthWriter(JsonlWriter):
    """truth.jsonl, counting subjects per ``subject_type:label``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.labels: Counter[str] = Counter()

    def write(self, obj: Any) -> None:
        super().write(obj)
        for label in obj["labels"]:
            self.labels[f"{obj['subject_type']}:{label}"] += 1


def _group_truth(plan: ContentPlan, clock: Clock, truth: TruthWriter) -> None:
    for c in plan.campaigns:
        truth.write(
            T.truth_record(
                "campaign",
                c.id,
                [T.COORDINATED_CAMPAIGN],
                {
                    "claim_id": c.claim.id,
                    "language": c.language,
                    "members": [account_id(int(a)) for a in c.members],
                    "content_ids": [post_id(p) for p in c.posts],
                    "shared_links": [c.link],
                    "hashtags": c.hashtags,
                    "window_start": clock.iso(c.window_start),
                    "window_end": clock.iso(c.window_end),
                },
            )
        )
    for g in plan.lockstep:
        windows = [
            {
                "action": action,
                "target": post_id(target) if action == "like" else account_id(target),
                "start": clock.iso(start),
                "end": clock.iso(end),
            }
            for action, target, start, end in g.windows
        ]
        truth.write(
            T.truth_record(
                "campaign",
                g.id,
                [T.FAKE_ENGAGEMENT],
                {
                    "members": [account_id(int(a)) for a in g.members],
                    "target_content_ids": [post_id(p) for p in g.target_posts],
                    "target_account_ids": [account_id(a) for a in g.target_accounts],
                    "windows": windows,
                },
            )
        )


def simulate(
    out_dir: Path,
    *,
    seed: int = 7,
    scale: SimScale | str = "small",
    events: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SimSummary:
    """Write a synthetic platform (data, reference lists, ground truth) into ``out_dir``."""
    began = time.perf_counter()
    say = progress or (lambda _msg: None)
    sc = resolve_scale(scale, events=events)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"output path {out_dir} exists and is not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    start = sc.period_end - timedelta(seconds=sc.period_s)
    clock = Clock(start)
    streams = np.random.SeedSequence(seed).spawn(4)
    pop_rng, content_rng, event_rng, report_rng = (np.random.default_rng(s) for s in streams)

    say(f"planning {sc.name}: {sc.accounts} accounts, {sc.posts} posts, {sc.events} events")
    claims = build_claims(random.Random(f"{seed}:claims"), sc.claims, sc.languages, sc.period_end)
    pop = plan_population(pop_rng, sc)
    text_rng = random.Random(f"{seed}:text")
    plan = plan_content(content_rng, text_rng, sc, pop, claims)

    w = {name: JsonlWriter(out_dir / name) for name in FILES if name != "truth.jsonl"}
    truth = TruthWriter(out_dir / "truth.jsonl")
    try:
        write_claims(claims, w["claims.jsonl"])
        write_domains(w["domains.jsonl"])
        write_phrases(list(sc.languages), w["phrases.jsonl"])
        say("writing accounts")
        write_accounts(
            random.Random(f"{seed}:accounts"), pop, plan, clock, w["accounts.jsonl"], truth
        )
        say("writing content")
        ContentWriter(text_rng, plan, pop, claims, clock).write(w["content.jsonl"], truth, say)
        say("writing events")
        stream = EventStream(event_rng, plan, pop, sc.events, sc.period_s)
        stream.write(w["events.jsonl"], clock, say)
        say("writing reports")
        tally = write_reports(report_rng, sc, pop, plan, clock, w["reports.jsonl"])
        _group_truth(plan, clock, truth)
    finally:
        for writer in (*w.values(), truth):
            writer.close()

    files = {name: writer.count for name, writer in w.items()} | {"truth.jsonl": truth.count}
    phenomena = dict(sorted((truth.labels + tally).items()))
    by_type = dict(sorted(stream.counts.items()))
    manifest = {
        "generator": SIM_VERSION,
        "seed": seed,
        "scale": sc.as_dict(),
        "period_start": clock.iso(0),
        "period_end": clock.iso(sc.period_s),
        "files": files,
        "phenomena": phenomena,
        "events_by_type": by_type,
    }
    (out_dir / "manifest.json").write_text(dumps(manifest) + "\n", encoding="utf-8")
    summary = SimSummary(out_dir, seed, sc.name, files, phenomena, by_type)
    summary.elapsed_s = time.perf_counter() - began
    say(f"done in {summary.elapsed_s:.2f} s ({summary.events_per_s:,.0f} events/s)")
    return summary
