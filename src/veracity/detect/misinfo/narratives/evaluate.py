"""Replay a narrative scenario through the job in simulated time and score it on ground truth.

For each planted narrative: when the job first opened its case versus when it reached 10 % of
its final volume (lead time > 0 is early). A case whose narrative is mostly organic-cluster or
background posts is a false alarm.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from veracity.detect.misinfo.narratives.config import NarrativeConfig
from veracity.detect.misinfo.narratives.job import NarrativeJob
from veracity.sim import truth as T
from veracity.sim.narratives import NarrativeWorld
from veracity.store.db import Database, as_utc
from veracity.store.tables import CaseRow, ContentRow, EventRow, NarrativeRow

_BATCH = 5000


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def load_world(db: Database, world: NarrativeWorld) -> None:
    """Insert a scenario's content and events straight into the store (no detectors run)."""
    now = datetime.now(UTC)
    content = [
        {
            "id": c["id"],
            "account_id": c["account_id"],
            "kind": c["kind"],
            "text": c.get("text", ""),
            "language": c.get("language"),
            "region": None,
            "created_at": _parse(c["created_at"]),
            "data": c,
            "ingested_at": now,
        }
        for c in world.content
    ]
    events = [
        {
            "id": e["id"],
            "type": e["type"],
            "account_id": e.get("account_id"),
            "content_id": e.get("content_id"),
            "target_account_id": None,
            "occurred_at": _parse(e["occurred_at"]),
            "data": {},
            "ingested_at": now,
        }
        for e in world.events
    ]
    with db.transaction() as session:
        for table, rows in ((ContentRow, content), (EventRow, events)):
            for i in range(0, len(rows), _BATCH):
                session.execute(insert(table), rows[i : i + _BATCH])


@dataclass
class Evaluation:
    planted: int
    detected: int
    detected_early: int
    lead_hours: list[float]
    misses: list[str]
    false_alarms: int
    organic_alarms: list[str]
    runs: int
    run_s_median: float

    def as_json(self) -> dict[str, Any]:
        leads = sorted(self.lead_hours)
        return {
            "planted": self.planted,
            "detected": self.detected,
            "detected_early": self.detected_early,
            "fraction_early": round(self.detected_early / self.planted, 3) if self.planted else 0,
            "median_lead_hours": round(statistics.median(leads), 2) if leads else None,
            "lead_hours": [round(x, 2) for x in leads],
            "misses": self.misses,
            "false_alarms": self.false_alarms,
            "organic_cluster_alarms": self.organic_alarms,
            "runs": self.runs,
            "run_s_median": round(self.run_s_median, 4),
        }


def evaluate(
    db: Database,
    world: NarrativeWorld,
    config: NarrativeConfig | None = None,
    step_hours: float = 1.0,
    warmup_hours: float = 6.0,
) -> Evaluation:
    """Load ``world`` into an empty ``db``, run the job every ``step_hours`` and score it."""
    load_world(db, world)
    job = NarrativeJob(db, config)
    durations = []
    t = world.start.timestamp() + warmup_hours * 3600
    while t <= world.end.timestamp():
        began = time.perf_counter()
        job.run(datetime.fromtimestamp(t, UTC))
        durations.append(time.perf_counter() - began)
        t += step_hours * 3600
    owner: dict[str, str] = {}
    for record in world.truth:
        for cid in record["details"]["content_ids"]:
            owner[cid] = record["subject_id"]
    planted = {r["subject_id"]: r for r in world.truth if T.EMERGING_NARRATIVE in r["labels"]}
    flagged: dict[str, datetime] = {}
    false_alarms = 0
    organic_alarms: list[str] = []
    with db.transaction() as session:
        rows = session.execute(
            select(NarrativeRow, CaseRow.created_at).join(
                CaseRow, CaseRow.subject_id == NarrativeRow.id
            )
        ).all()
        for narrative, created in rows:
            votes = Counter(owner.get(a, "background") for a in narrative.data.get("anchors", []))
            who = votes.most_common(1)[0][0] if votes else "background"
            when = as_utc(created)
            assert when is not None
            if who in planted:
                flagged[who] = min(flagged.get(who, when), when)
            else:
                false_alarms += 1
                if who != "background":
                    organic_alarms.append(who)
    leads = []
    early = 0
    for sid, record in planted.items():
        if sid not in flagged:
            continue
        lead = (_parse(record["details"]["t10_at"]) - flagged[sid]).total_seconds() / 3600
        leads.append(lead)
        early += lead > 0
    return Evaluation(
        planted=len(planted),
        detected=len(flagged),
        detected_early=early,
        lead_hours=leads,
        misses=sorted(set(planted) - set(flagged)),
        false_alarms=false_alarms,
        organic_alarms=sorted(organic_alarms),
        runs=len(durations),
        run_s_median=statistics.median(durations) if durations else 0.0,
    )
