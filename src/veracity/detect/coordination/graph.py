"""From pair edges to groups: per-trace calibrated scores, then Leiden on the account graph.

Each trace type has its own calibrated coefficient (a shared link is stronger evidence than a
shared hashtag sequence) and a pair's traces add up on the log-odds scale. Leiden runs with a
fixed seed on edges in sorted order, so the same edges always give the same communities.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from veracity.detect.coordination.config import CoordinationConfig


@dataclass(frozen=True)
class PairEdge:
    trace: str
    src: str
    dst: str
    items: int
    weight: float
    min_dt: int
    first_ts: int
    last_ts: int


@dataclass
class Pair:
    """Both accounts' evidence across traces."""

    src: str
    dst: str
    traces: dict[str, PairEdge] = field(default_factory=dict)
    score: float = 0.0


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -60 else 0.0


def pair_probability(traces: dict[str, PairEdge], config: CoordinationConfig) -> float:
    """Calibrated probability that the pair acts in concert, from its per-trace weights."""
    cal = config.calibration
    logit = cal.get("intercept", 0.0)
    for trace, edge in traces.items():
        logit += cal.get(trace, 0.0) * edge.weight
    return sigmoid(logit)


def score_pairs(edges: Iterable[PairEdge], config: CoordinationConfig) -> list[Pair]:
    """Pairs with their calibrated score, sorted by (src, dst)."""
    pairs: dict[tuple[str, str], Pair] = {}
    for e in edges:
        pair = pairs.setdefault((e.src, e.dst), Pair(e.src, e.dst))
        pair.traces[e.trace] = e
    for pair in pairs.values():
        pair.score = round(pair_probability(pair.traces, config), 9)
    return [pairs[k] for k in sorted(pairs)]


def leiden_groups(
    pairs: Sequence[Pair], threshold: float, resolution: float, seed: int, min_members: int
) -> list[list[str]]:
    """Communities (sorted member lists, largest first) of the graph of pairs above threshold."""
    import igraph as ig

    kept = [p for p in pairs if p.score >= threshold]
    if not kept:
        return []
    names = sorted({p.src for p in kept} | {p.dst for p in kept})
    index = {n: i for i, n in enumerate(names)}
    graph = ig.Graph(n=len(names), edges=[(index[p.src], index[p.dst]) for p in kept])
    graph.es["weight"] = [p.score for p in kept]
    state = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
        random.setstate(state)
    groups = [sorted(names[v] for v in part) for part in parts]
    groups = [g for g in groups if len(g) >= min_members]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def connected_groups(pairs: Iterable[Pair], min_members: int) -> list[list[str]]:
    """Connected components (sorted member lists, largest first) of the given pairs."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        a, b = find(p.src), find(p.dst)
        if a != b:
            parent[max(a, b)] = min(a, b)
    comps: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        comps[find(x)].append(x)
    groups = [sorted(g) for g in comps.values() if len(g) >= min_members]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def group_score(members: Sequence[str], pairs_by_key: dict[tuple[str, str], Pair]) -> float:
    """Mean calibrated score over all member pairs (absent pairs count 0): cohesion."""
    k = len(members)
    if k < 2:
        return 0.0
    total = 0.0
    for i in range(k):
        for j in range(i + 1, k):
            pair = pairs_by_key.get((members[i], members[j]))
            total += pair.score if pair else 0.0
    return round(total / (k * (k - 1) / 2), 6)
