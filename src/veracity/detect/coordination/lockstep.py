"""Fake engagement: CopyCatch/SynchroTrap-style lockstep groups among likes and follows.

A pair of accounts is suspicious when it acted on several of the same targets, each time
within the engagement window, and those targets were not everyone's favourites (the pair's
popularity-discounted weight). Connected suspicious pairs form a candidate group, which is then
refined as CopyCatch does: a target belongs to the group when enough members hit it close to
the members' median time, and a member stays when it hit enough of the group's targets.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from veracity.detect.coordination.config import ENGAGEMENT_TRACES, CoordinationConfig
from veracity.detect.coordination.graph import Pair, PairEdge, connected_groups


@dataclass(frozen=True)
class MemberItem:
    """What one member of a candidate group did to one item (from ``member_items_sql``)."""

    group_id: int
    account_id: str
    trace: str
    item: str
    actions: int
    first_ts: int
    last_ts: int


@dataclass(frozen=True)
class Target:
    trace: str
    item: str
    members: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class LockstepGroup:
    members: tuple[str, ...]
    targets: tuple[Target, ...]


def suspicious_pairs(edges: Iterable[PairEdge], config: CoordinationConfig) -> list[Pair]:
    """Pairs whose like/follow co-actions reach the target count and weight thresholds."""
    merged: dict[tuple[str, str], Pair] = {}
    for e in edges:
        if e.trace in ENGAGEMENT_TRACES:
            merged.setdefault((e.src, e.dst), Pair(e.src, e.dst)).traces[e.trace] = e
    out = []
    for key in sorted(merged):
        pair = merged[key]
        items = sum(e.items for e in pair.traces.values())
        weight = sum(e.weight for e in pair.traces.values())
        if items >= config.lockstep_min_targets and weight >= config.lockstep_min_weight:
            pair.score = round(weight, 6)
            out.append(pair)
    return out


def candidate_groups(edges: Iterable[PairEdge], config: CoordinationConfig) -> list[list[str]]:
    return connected_groups(suspicious_pairs(edges, config), config.min_members)


def refine(
    members: Sequence[str], rows: Sequence[MemberItem], config: CoordinationConfig
) -> LockstepGroup | None:
    """The group's lockstep core: targets hit together, members who hit enough of them."""
    window = config.engagement_window_s
    frac = config.lockstep_member_fraction
    by_item: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for r in rows:
        if r.trace in ENGAGEMENT_TRACES:
            by_item[(r.trace, r.item)][r.account_id] = r.first_ts
    current = set(members)
    targets: list[Target] = []
    for _ in range(3):  # alternate target and member selection until stable (few rounds)
        need = max(2, math.ceil(frac * len(current)))
        targets = []
        for (trace, item), times in sorted(by_item.items()):
            present = sorted(t for a, t in times.items() if a in current)
            if len(present) < need:
                continue
            center = present[len(present) // 2]
            hit = sorted(a for a, t in times.items() if a in current and abs(t - center) <= window)
            if len(hit) >= need:
                ts = [times[a] for a in hit]
                targets.append(Target(trace, item, tuple(hit), min(ts), max(ts)))
        hits: dict[str, int] = defaultdict(int)
        for t in targets:
            for a in t.members:
                hits[a] += 1
        least = max(config.lockstep_min_targets, math.ceil(frac * len(targets)))
        kept = {a for a in current if hits[a] >= least}
        if kept == current:
            break
        current = kept
    if len(current) < config.min_members or len(targets) < config.lockstep_min_targets:
        return None
    final = tuple(
        Target(t.trace, t.item, tuple(a for a in t.members if a in current), t.start, t.end)
        for t in targets
    )
    return LockstepGroup(tuple(sorted(current)), final)
