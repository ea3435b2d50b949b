"""The coordination job: SQL on the chosen engine, then the shared Python that makes campaigns.

Three engine round trips: the pair edges of every trace; then, for the candidate groups, what
each member did and the reach of their posts; then raw like counts of the lockstep targets.
Everything else is deterministic Python over those rows, which is why DuckDB and Spark give the
same campaigns when their SQL returns the same rows.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veracity.detect.coordination import sql
from veracity.detect.coordination.campaigns import (
    Campaign,
    coordinated_campaign,
    engagement_campaign,
)
from veracity.detect.coordination.config import CONTENT_TRACES, CoordinationConfig
from veracity.detect.coordination.engines import Engine, open_engine
from veracity.detect.coordination.graph import (
    PairEdge,
    group_score,
    leiden_groups,
    score_pairs,
)
from veracity.detect.coordination.lockstep import MemberItem, candidate_groups, refine


@dataclass
class JobResult:
    engine: str
    campaigns: list[Campaign]
    edges: int = 0
    pairs: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        kinds: dict[str, int] = defaultdict(int)
        for c in self.campaigns:
            kinds[c.kind] += 1
        return {
            "engine": self.engine,
            "edges": self.edges,
            "pairs": self.pairs,
            "campaigns": dict(sorted(kinds.items())),
            "accounts": len({m for c in self.campaigns for m in c.members}),
            "discounts": sum(len(c.discounts) for c in self.campaigns),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


def run_on_engine(
    engine: Engine,
    config: CoordinationConfig,
    since: int | None = None,
    until: int | None = None,
) -> JobResult:
    """Campaigns from the Parquet inputs the engine has open."""
    config.validate()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    edges = [PairEdge(*row) for row in engine.rows(sql.pair_edges_sql(config, since, until))]
    timings["pair_edges"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    pairs = score_pairs((e for e in edges if e.trace in CONTENT_TRACES), config)
    by_key = {(p.src, p.dst): p for p in pairs}
    content_groups = leiden_groups(
        pairs,
        config.edge_threshold,
        config.leiden_resolution,
        config.leiden_seed,
        config.min_members,
    )
    scored = [(g, group_score(g, by_key)) for g in content_groups]
    content_groups = [g for g, s in scored if s >= config.min_campaign_score]
    group_scores = [s for _, s in scored if s >= config.min_campaign_score]
    lock_groups = candidate_groups(edges, config)
    timings["graph"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    all_groups = content_groups + lock_groups
    engine.register(
        "members",
        ["account_id", "group_id"],
        [(a, gid) for gid, g in enumerate(all_groups) for a in g],
    )
    rows_by_group: dict[int, list[MemberItem]] = defaultdict(list)
    for row in engine.rows(sql.member_items_sql(config, since, until)):
        item = MemberItem(*row)
        rows_by_group[item.group_id].append(item)
    reach = {int(g): int(n) for g, n in engine.rows(sql.reach_sql(since, until))}
    timings["evidence"] = time.perf_counter() - t2

    campaigns: list[Campaign] = []
    for gid, (members, score) in enumerate(zip(content_groups, group_scores, strict=True)):
        campaigns.append(
            coordinated_campaign(
                members, by_key, score, rows_by_group[gid], reach.get(gid, 0), CONTENT_TRACES
            )
        )
    offset = len(content_groups)
    refined = []
    for k, members in enumerate(lock_groups):
        group = refine(members, rows_by_group[offset + k], config)
        if group is not None:
            refined.append((group, reach.get(offset + k, 0)))
    t3 = time.perf_counter()
    liked = sorted({t.item for g, _ in refined for t in g.targets if t.trace == "like"})
    raw: dict[str, int] = {}
    if liked:
        engine.register("liked", ["content_id"], [(c,) for c in liked])
        for content_id, n in engine.rows(sql.raw_likes_sql(since, until)):
            raw[str(content_id)] = int(n)
    for group, group_reach in refined:
        campaigns.append(engagement_campaign(group, raw, group_reach))
    timings["discounts"] = time.perf_counter() - t3
    campaigns.sort(key=lambda c: (c.kind, c.id))
    return JobResult(engine.name, campaigns, len(edges), len(pairs), timings)


def run_job(
    folder: Path,
    engine_name: str = "duckdb",
    config: CoordinationConfig | None = None,
    since: int | None = None,
    until: int | None = None,
    **engine_options: Any,
) -> JobResult:
    """Open the engine on a folder made by ``prepare``, run, close."""
    engine = open_engine(engine_name, folder, **engine_options)
    try:
        return run_on_engine(engine, config or CoordinationConfig(), since, until)
    finally:
        engine.close()
