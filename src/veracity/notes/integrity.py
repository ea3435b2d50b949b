"""Integrity of the crowd: rater groups that vote in lockstep, found and discounted.

A rating is treated like an engagement with an item, the item being (note, verdict): raters
who repeatedly give the same verdict on the same notes within a few minutes of each other are
a lockstep pair. Pairs are found here with numpy (ratings sorted by item and time, compared
with their next neighbours, so a popular note costs its simultaneous raters, not the square of
all of them); the grouping and the CopyCatch-style refinement are the coordination job's
(``veracity.detect.coordination.lockstep``), with the same popularity-discounted pair weight.

Discounting follows the published scorer's post-selection-similarity filter: on each note only
the first rating by a member of a group is kept (the group counts as one rater there), and none
is kept on a note a member wrote. Members are also "correlated raters": a note only becomes
helpful when its intercept without them reaches 0.37 (``NoCorrelatedIntercept``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from veracity.detect.coordination.config import CoordinationConfig
from veracity.detect.coordination.graph import PairEdge
from veracity.detect.coordination.lockstep import MemberItem, candidate_groups, refine

# Ratings play the part of the coordination job's "like" trace (one of its engagement traces).
TRACE = "like"
MAX_SHIFT = 256


@dataclass(frozen=True)
class IntegrityConfig:
    window_s: int = 300
    min_targets: int = 3
    # Lower than the coordination job's 1.2: a large group raises the rater count of its own
    # targets, which lowers each target's popularity-discounted weight.
    min_weight: float = 0.75
    member_fraction: float = 0.5
    min_members: int = 5
    max_item_raters: int = 2000

    def coordination(self) -> CoordinationConfig:
        config = CoordinationConfig(
            engagement_window_s=self.window_s,
            lockstep_min_targets=self.min_targets,
            lockstep_min_weight=self.min_weight,
            lockstep_member_fraction=self.member_fraction,
            min_members=self.min_members,
            max_item_accounts=self.max_item_raters,
        )
        config.validate()
        return config


@dataclass
class RaterGroup:
    members: list[int]  # participant indices
    targets: list[tuple[int, float]]  # (note index, verdict)
    first_ts: int
    last_ts: int


@dataclass
class IntegrityResult:
    groups: list[RaterGroup]
    keep: NDArray[np.bool_]  # per rating: counted after the discount
    correlated: NDArray[np.bool_]  # per participant: member of a group
    pairs: int = 0
    report: dict[str, Any] = field(default_factory=dict)


def _pair_edges(
    note: NDArray[np.int32],
    rater: NDArray[np.int32],
    value: NDArray[np.float64],
    at: NDArray[np.int64],
    cfg: IntegrityConfig,
) -> tuple[list[PairEdge], int]:
    """Rater pairs with at least ``min_targets`` co-verdicts and enough weight."""
    item = note.astype(np.int64) * 3 + np.rint(value * 2).astype(np.int64)
    order = np.lexsort((at, item))
    item, rater_s, at_s = item[order], rater[order].astype(np.int64), at[order]
    _, start, counts = np.unique(item, return_index=True, return_counts=True)
    n_item = np.repeat(counts, counts)
    usable = (n_item >= 2) & (n_item <= cfg.max_item_raters)
    weight_of = 1.0 / np.log1p(n_item.astype(np.float64))
    src_l, dst_l, w_l, dt_l, t_l, item_l = [], [], [], [], [], []
    for shift in range(1, MAX_SHIFT + 1):
        if shift >= len(item):
            break
        a, b = slice(0, len(item) - shift), slice(shift, None)
        dt = at_s[b] - at_s[a]
        hit = (item[a] == item[b]) & (dt <= cfg.window_s) & usable[a] & (rater_s[a] != rater_s[b])
        if not hit.any():
            break
        idx = np.flatnonzero(hit)
        ra, rb = rater_s[a][idx], rater_s[b][idx]
        src_l.append(np.minimum(ra, rb))
        dst_l.append(np.maximum(ra, rb))
        w_l.append(weight_of[idx])
        dt_l.append(dt[idx])
        t_l.append(at_s[a][idx])
        item_l.append(item[a][idx])
    if not src_l:
        return [], 0
    src, dst = np.concatenate(src_l), np.concatenate(dst_l)
    w, dt, t0 = np.concatenate(w_l), np.concatenate(dt_l), np.concatenate(t_l)
    it = np.concatenate(item_l)
    n_users = int(max(src.max(), dst.max())) + 1
    pair = src * n_users + dst
    # one entry per (pair, item) (a pair meets twice on an item only by re-rating), by pair
    order = np.lexsort((dt, it, pair))
    pair, it, w, dt, t0 = pair[order], it[order], w[order], dt[order], t0[order]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = (pair[1:] != pair[:-1]) | (it[1:] != it[:-1])
    pair, w, dt, t0 = pair[first], w[first], dt[first], t0[first]
    keys, start, items = np.unique(pair, return_index=True, return_counts=True)
    weight = np.add.reduceat(w, start)
    min_dt = np.minimum.reduceat(dt, start)
    first_ts = np.minimum.reduceat(t0, start)
    last_ts = np.maximum.reduceat(t0, start)
    strong = (items >= cfg.min_targets) & (np.round(weight, 6) >= cfg.min_weight)
    edges = [
        PairEdge(
            trace=TRACE,
            src=_name(int(keys[k] // n_users)),
            dst=_name(int(keys[k] % n_users)),
            items=int(items[k]),
            weight=round(float(weight[k]), 6),
            min_dt=int(min_dt[k]),
            first_ts=int(first_ts[k]),
            last_ts=int(last_ts[k]),
        )
        for k in np.flatnonzero(strong)
    ]
    return edges, len(keys)


def _name(index: int) -> str:
    return f"{index:012d}"


def find_rater_groups(
    note: NDArray[np.int32],
    rater: NDArray[np.int32],
    value: NDArray[np.float64],
    at: NDArray[np.int64],
    cfg: IntegrityConfig | None = None,
) -> tuple[list[RaterGroup], int]:
    """Lockstep rater groups (refined), and how many rater pairs co-rated at all."""
    cfg = cfg or IntegrityConfig()
    coordination = cfg.coordination()
    edges, pairs = _pair_edges(note, rater, value, at, cfg)
    groups: list[RaterGroup] = []
    for gid, members in enumerate(candidate_groups(edges, coordination)):
        ids = np.array([int(m) for m in members], dtype=np.int64)
        mine = np.isin(rater, ids)
        rows = [
            MemberItem(gid, _name(int(r)), TRACE, f"{int(n)}:{float(v)}", 1, int(t), int(t))
            for n, r, v, t in zip(note[mine], rater[mine], value[mine], at[mine], strict=True)
        ]
        group = refine(members, rows, coordination)
        if group is None:
            continue
        targets = []
        for tgt in group.targets:
            n_s, v_s = tgt.item.split(":")
            targets.append((int(n_s), float(v_s)))
        groups.append(
            RaterGroup(
                members=sorted(int(m) for m in group.members),
                targets=targets,
                first_ts=min(t.start for t in group.targets),
                last_ts=max(t.end for t in group.targets),
            )
        )
    return groups, pairs


def discount(
    note: NDArray[np.int32],
    rater: NDArray[np.int32],
    at: NDArray[np.int64],
    note_author: NDArray[np.int32],
    groups: list[RaterGroup],
    n_participants: int,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """(ratings kept, participants flagged): one rating per group per note, none on a note a
    member wrote."""
    keep = np.ones(len(note), dtype=bool)
    correlated = np.zeros(n_participants, dtype=bool)
    group_of = np.full(n_participants, -1, dtype=np.int64)
    for gid, group in enumerate(groups):
        group_of[group.members] = gid
        correlated[group.members] = True
    g = group_of[rater]
    member = np.flatnonzero(g >= 0)
    if len(member) == 0:
        return keep, correlated
    order = member[np.lexsort((at[member], note[member], g[member]))]
    key = g[order] * (int(note.max()) + 1) + note[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    keep[order[~first]] = False
    author_group = np.where(note_author >= 0, group_of[np.maximum(note_author, 0)], -1)
    own = author_group[note[member]] == g[member]
    keep[member[own]] = False
    return keep, correlated


def check_integrity(
    note: NDArray[np.int32],
    rater: NDArray[np.int32],
    value: NDArray[np.float64],
    at: NDArray[np.int64],
    note_author: NDArray[np.int32],
    n_participants: int,
    cfg: IntegrityConfig | None = None,
) -> IntegrityResult:
    """Find lockstep groups and the discount to apply before scoring."""
    groups, pairs = find_rater_groups(note, rater, value, at, cfg)
    keep, correlated = discount(note, rater, at, note_author, groups, n_participants)
    report = {
        "groups": len(groups),
        "members": int(correlated.sum()),
        "ratings_discounted": int((~keep).sum()),
        "co_rating_pairs": pairs,
    }
    return IntegrityResult(groups, keep, correlated, pairs, report)
