"""Campaign records: members, the shared items and timing that link them, reach and a score.

Built from the same SQL rows whatever the engine, and identified by a hash of kind and
members, so a campaign keeps its id from run to run and engine to engine while its membership
is unchanged.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from veracity.detect.coordination.graph import Pair
from veracity.detect.coordination.lockstep import LockstepGroup, MemberItem

COORDINATED, FAKE_ENGAGEMENT = "coordinated", "fake_engagement"
MAX_SHARED_ITEMS = 50
MAX_MEMBER_LINKS = 5


@dataclass(frozen=True)
class Discount:
    """Engagement a lockstep group added to one subject, to be removed from its counts."""

    subject_type: str  # "content" (likes) or "account" (follows)
    subject_id: str
    action: str
    discounted: int
    raw: int | None
    window_start: int
    window_end: int


@dataclass
class Campaign:
    id: str
    kind: str
    score: float
    members: list[str]
    first_ts: int
    last_ts: int
    reach: int
    evidence: dict[str, Any]
    member_scores: dict[str, float] = field(default_factory=dict)
    discounts: list[Discount] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "score": self.score,
            "members": self.members,
            "first_seen_at": iso(self.first_ts),
            "last_seen_at": iso(self.last_ts),
            "reach": self.reach,
            "evidence": self.evidence,
            "discounts": [d.__dict__ for d in self.discounts],
        }


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def campaign_id(kind: str, members: Sequence[str]) -> str:
    digest = hashlib.blake2b(f"{kind}|{','.join(sorted(members))}".encode(), digest_size=8)
    return "cmp-" + digest.hexdigest()


def _shared_items(rows: Sequence[MemberItem]) -> list[dict[str, Any]]:
    by_item: dict[tuple[str, str], list[MemberItem]] = defaultdict(list)
    for r in rows:
        by_item[(r.trace, r.item)].append(r)
    shared = [(k, rs) for k, rs in by_item.items() if len(rs) >= 2]
    shared.sort(key=lambda kv: (-len(kv[1]), -sum(r.actions for r in kv[1]), kv[0]))
    return [
        {
            "trace": trace,
            "item": item,
            "accounts": len(rs),
            "actions": sum(r.actions for r in rs),
            "first_seen_at": iso(min(r.first_ts for r in rs)),
            "last_seen_at": iso(max(r.last_ts for r in rs)),
        }
        for (trace, item), rs in shared
    ]


def coordinated_campaign(
    members: list[str],
    pairs_by_key: dict[tuple[str, str], Pair],
    score: float,
    rows: Sequence[MemberItem],
    reach: int,
    content_traces: Sequence[str],
) -> Campaign:
    """A campaign from one Leiden community of the co-posting graph."""
    inside = [
        pairs_by_key[(a, b)]
        for i, a in enumerate(members)
        for b in members[i + 1 :]
        if (a, b) in pairs_by_key
    ]
    edges = [e for p in inside for e in p.traces.values()]
    trace_pairs: dict[str, int] = defaultdict(int)
    for e in edges:
        trace_pairs[e.trace] += 1
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    member_scores: dict[str, float] = defaultdict(float)
    for p in sorted(inside, key=lambda p: (-p.score, p.src, p.dst)):
        for a, b in ((p.src, p.dst), (p.dst, p.src)):
            member_scores[a] = max(member_scores[a], p.score)
            if len(links[a]) < MAX_MEMBER_LINKS:
                links[a].append(
                    {
                        "account_id": b,
                        "score": p.score,
                        "traces": {t: e.items for t, e in sorted(p.traces.items())},
                    }
                )
    shared = [s for s in _shared_items(rows) if s["trace"] in content_traces]
    first = min((e.first_ts for e in edges), default=0)
    last = max((e.last_ts for e in edges), default=0)
    evidence = {
        "shared_items": shared[:MAX_SHARED_ITEMS],
        "shared_item_count": len(shared),
        "pairs_by_trace": dict(sorted(trace_pairs.items())),
        "time_alignment": {
            "median_gap_s": statistics.median([e.min_dt for e in edges]) if edges else None,
            "span_s": last - first,
        },
        "member_links": {m: links.get(m, []) for m in members},
    }
    return Campaign(
        id=campaign_id(COORDINATED, members),
        kind=COORDINATED,
        score=score,
        members=members,
        first_ts=first,
        last_ts=last,
        reach=reach,
        evidence=evidence,
        member_scores={m: round(member_scores.get(m, 0.0), 6) for m in members},
    )


def engagement_campaign(group: LockstepGroup, raw_likes: dict[str, int], reach: int) -> Campaign:
    """A campaign for one refined lockstep group, with the counts to discount."""
    members = list(group.members)
    hits: dict[str, int] = defaultdict(int)
    for t in group.targets:
        for a in t.members:
            hits[a] += 1
    n_targets = len(group.targets)
    discounts = [
        Discount(
            subject_type="content" if t.trace == "like" else "account",
            subject_id=t.item,
            action=t.trace,
            discounted=len(t.members),
            raw=raw_likes.get(t.item) if t.trace == "like" else None,
            window_start=t.start,
            window_end=t.end,
        )
        for t in group.targets
    ]
    spans = [t.end - t.start for t in group.targets]
    first = min(t.start for t in group.targets)
    last = max(t.end for t in group.targets)
    evidence = {
        "targets": [
            {
                "trace": t.trace,
                "item": t.item,
                "accounts": len(t.members),
                "first_seen_at": iso(t.start),
                "last_seen_at": iso(t.end),
                "spread_s": t.end - t.start,
            }
            for t in group.targets
        ],
        "time_alignment": {"median_spread_s": statistics.median(spans), "span_s": last - first},
        "member_hits": {a: hits[a] for a in members},
    }
    cover = sum(hits[a] for a in members) / (len(members) * n_targets)
    return Campaign(
        id=campaign_id(FAKE_ENGAGEMENT, members),
        kind=FAKE_ENGAGEMENT,
        score=round(cover, 6),
        members=members,
        first_ts=first,
        last_ts=last,
        reach=reach,
        evidence=evidence,
        member_scores={a: round(hits[a] / n_targets, 6) for a in members},
        discounts=discounts,
    )
