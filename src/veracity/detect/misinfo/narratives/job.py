"""The narratives job: cluster the window, update each narrative's curve, test for bursts, and
open one fact-check case per trending unverified narrative.

Incremental and idempotent: a run at time ``now`` recomputes every bucket inside the sliding
window from the store and keeps the buckets before it as stored, so running it twice at the
same time changes nothing, and a narrative's case id is derived from the narrative, inserted
only if absent. Narrative keys are stable across runs: each live narrative's anchor posts (its
first post and best representatives) join the next run's clustering, so the cluster that
contains them inherits the key even after the first post has left the window.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.detect.misinfo.narratives.burst import BurstScore, burst_score
from veracity.detect.misinfo.narratives.cluster import PostRecord, cluster_posts
from veracity.detect.misinfo.narratives.config import NarrativeConfig
from veracity.detect.misinfo.narratives.load import WindowData, load_window
from veracity.detect.textnorm import clip
from veracity.store.db import Database, as_utc
from veracity.store.tables import CaseRow, NarrativeRow
from veracity.store.upsert import insert_ignore

WATCHING, TRENDING, CLOSED = "watching", "trending", "closed"
CASE_SUBJECT = "narrative"
MIN_CLUSTER_POSTS = 3  # smaller clusters are not stored: pairs of look-alike posts are everywhere


@dataclass
class JobReport:
    """What one run saw and did."""

    now: datetime
    window_start: datetime
    posts: int = 0
    clusters: int = 0
    narratives: int = 0
    created: int = 0
    trending: list[str] = field(default_factory=list)
    fact_checked: list[str] = field(default_factory=list)
    cases_opened: list[str] = field(default_factory=list)
    closed: int = 0
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "now": _iso(self.now),
            "window_start": _iso(self.window_start),
            "posts": self.posts,
            "clusters": self.clusters,
            "narratives": self.narratives,
            "created": self.created,
            "trending": self.trending,
            "fact_checked": self.fact_checked,
            "cases_opened": self.cases_opened,
            "closed": self.closed,
            "problems": self.problems,
        }


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def narrative_id(key: str) -> str:
    return "narr-" + hashlib.blake2b(key.encode("utf-8"), digest_size=10).hexdigest()


def case_id(narrative: str) -> str:
    return f"case-{narrative}"


def case_priority(reach: int, growth: float) -> float:
    """0-100: louder (reach) and faster-growing (recent posts over expected) comes first."""
    value = 15.0 * math.log10(1 + max(reach, 0)) + 10.0 * math.log2(1 + max(growth, 0.0))
    return round(min(100.0, value), 2)


@dataclass
class _Cluster:
    key: str
    members: list[int]  # indices into the window's posts, in-window only
    existing: NarrativeRow | None


def _choose_keys(
    data: WindowData, groups: list[list[int]], live: dict[str, NarrativeRow]
) -> list[_Cluster]:
    by_key: dict[str, _Cluster] = {}
    for group in groups:
        members = [i for i in group if data.in_window[i]]
        if not members:
            continue
        owners = {k for i in group for k in data.posts[i].anchor_of if k in live}
        existing = (
            min((live[k] for k in owners), key=lambda n: (as_utc(n.first_seen_at), n.key))
            if owners
            else None
        )
        if existing is not None:
            key = existing.key
        else:
            claims = Counter(data.posts[i].claim for i in members if data.posts[i].claim)
            if claims:
                key = "claim:" + str(min(claims, key=lambda c: (-claims[c], str(c))))
            else:
                first = min(members, key=lambda i: (data.posts[i].time, data.posts[i].id))
                key = "post:" + data.posts[first].id
        cluster = by_key.get(key)
        if cluster is None:
            by_key[key] = _Cluster(key, members, existing)
        else:
            cluster.members.extend(members)
    return list(by_key.values())


def _curve_from(row: NarrativeRow | None) -> dict[int, list[int]]:
    """Stored curve as bucket -> [posts, reach, platform posts, platform reach]."""
    if row is None:
        return {}
    out: dict[int, list[int]] = {}
    for point in row.data.get("curve", []):
        out[int(point["bucket"])] = [
            int(point["posts"]),
            int(point["reach"]),
            int(point["platform_posts"]),
            int(point["platform_reach"]),
        ]
    return out


def _post_json(post: PostRecord, reach: int) -> dict[str, Any]:
    return {
        "id": post.id,
        "account_id": post.account_id,
        "created_at": _iso(datetime.fromtimestamp(post.time, UTC)),
        "text": clip(post.text, 280),
        "reach": reach,
    }


class NarrativeJob:
    """One configured job; ``run`` is a single pass at a given time."""

    def __init__(self, db: Database, config: NarrativeConfig | None = None) -> None:
        self.db = db
        self.config = (config or NarrativeConfig()).validate()

    def run(self, now: datetime | None = None) -> JobReport:
        now = (now or datetime.now(UTC)).astimezone(UTC)
        cfg = self.config
        bs = cfg.bucket_s
        first_bucket = int((now - cfg.window).timestamp()) // bs
        start = datetime.fromtimestamp(first_bucket * bs, UTC)
        report = JobReport(now, start)
        with self.db.transaction() as session:
            live = {
                n.key: n
                for n in session.scalars(select(NarrativeRow).where(NarrativeRow.status != CLOSED))
            }
            anchors: dict[str, list[str]] = {}
            for n in live.values():
                for post_id in n.data.get("anchors", []):
                    anchors.setdefault(post_id, []).append(n.key)
            data = load_window(session, start, now, anchors.keys(), cfg)
            report.problems = data.problems
            for post in data.posts:
                post.anchor_of = anchors.get(post.id, [])
            report.posts = sum(data.in_window)
            groups = cluster_posts(data.posts, cfg)
            report.clusters = len(groups)
            platform_posts = Counter(
                p.time // bs for p, inside in zip(data.posts, data.in_window, strict=True) if inside
            )
            touched: set[str] = set()
            clusters = _choose_keys(data, groups, live)
            missing = [c.key for c in clusters if c.existing is None]
            stored = self._by_keys(session, missing)
            for cluster in clusters:
                existing = cluster.existing or stored.get(cluster.key)
                if existing is None and len(cluster.members) < MIN_CLUSTER_POSTS:
                    continue
                row = self._update(
                    session, cluster, existing, data, platform_posts, first_bucket, now, report
                )
                touched.add(row.key)
            report.narratives = len(touched)
            report.closed = self._close_stale(live.values(), touched, now)
        return report

    @staticmethod
    def _by_keys(session: Session, keys: Sequence[str]) -> dict[str, NarrativeRow]:
        out: dict[str, NarrativeRow] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            for row in session.scalars(select(NarrativeRow).where(NarrativeRow.key.in_(chunk))):
                out[row.key] = row
        return out

    def _update(
        self,
        session: Session,
        cluster: _Cluster,
        row: NarrativeRow | None,
        data: WindowData,
        platform_posts: Counter[int],
        first_bucket: int,
        now: datetime,
        report: JobReport,
    ) -> NarrativeRow:
        cfg = self.config
        bs = cfg.bucket_s
        now_bucket = int(now.timestamp()) // bs
        posts = [data.posts[i] for i in cluster.members]
        post_reach = {p.id: sum(data.reach.get(p.id, {}).values()) for p in posts}
        fresh_posts: Counter[int] = Counter(p.time // bs for p in posts)
        fresh_reach: Counter[int] = Counter()
        for p in posts:
            for b, n in data.reach.get(p.id, {}).items():
                fresh_reach[b] += n
        curve = _curve_from(row)
        for b in range(first_bucket, now_bucket + 1):
            old = curve.get(b, [0, 0, 0, 0])
            curve[b] = [
                fresh_posts.get(b, 0),
                max(old[1], fresh_reach.get(b, 0)),
                platform_posts.get(b, 0),
                data.platform_reach.get(b, 0),
            ]
        first_post_bucket = min(b for b, v in curve.items() if v[0] > 0)
        buckets = [b for b in sorted(curve) if b >= first_post_bucket]
        series = np.array([curve[b] for b in buckets], dtype=np.float64)
        score = burst_score(series[:, 0], series[:, 1], series[:, 2], series[:, 3], cfg)

        if row is None:
            row = NarrativeRow(
                id=narrative_id(cluster.key),
                key=cluster.key,
                status=WATCHING,
                first_seen_at=datetime.fromtimestamp(min(p.time for p in posts), UTC),
                last_seen_at=now,
                post_count=0,
                reach=0,
                burst_score=0.0,
                data={},
                updated_at=now,
            )
            session.add(row)
            report.created += 1
        earliest = min(posts, key=lambda p: (p.time, p.id))
        first_seen = as_utc(row.first_seen_at) or now
        old_data = dict(row.data or {})
        first_post = old_data.get("first_post")
        if first_post is None or earliest.time < first_seen.timestamp():
            first_post = _post_json(earliest, post_reach[earliest.id])
        first_seen = min(first_seen, datetime.fromtimestamp(earliest.time, UTC))
        ranked = sorted(posts, key=lambda p: (-post_reach[p.id], p.time, p.id))
        reps = [_post_json(p, post_reach[p.id]) for p in ranked[: cfg.representatives]]
        anchors = [first_post["id"]] + [r["id"] for r in reps if r["id"] != first_post["id"]]
        claims = Counter(p.claim for p in posts if p.claim)
        ratings = Counter((p.claim, p.rating) for p in posts if p.claim and p.rating)
        accounts = len({p.account_id for p in posts})
        total_posts = int(series[:, 0].sum())
        total_reach = int(series[:, 1].sum())
        growth = score.posts.observed / max(score.posts.expected, cfg.min_expected)

        row.status = WATCHING if row.status == CLOSED else row.status
        row.first_seen_at = first_seen
        row.last_seen_at = datetime.fromtimestamp(max(p.time for p in posts), UTC)
        row.post_count = total_posts
        row.reach = total_reach
        row.burst_score = round(score.score, 4)
        row.updated_at = now
        new_data: dict[str, Any] = {
            "first_post": first_post,
            "representatives": reps,
            "anchors": anchors[: cfg.anchors],
            "accounts_in_window": accounts,
            "posts_in_window": len(posts),
            "claim": min(claims, key=lambda c: (-claims[c], c)) if claims else None,
            "burst": score.as_json() | {"growth": round(growth, 3), "at": _iso(now)},
            "curve": [
                {
                    "bucket": b,
                    "start": _iso(datetime.fromtimestamp(b * cfg.bucket_s, UTC)),
                    "posts": v[0],
                    "reach": v[1],
                    "platform_posts": v[2],
                    "platform_reach": v[3],
                }
                for b, v in sorted(curve.items())
                if b >= first_post_bucket
            ],
        }
        if ratings:
            (claim, rating), _ = min(ratings.items(), key=lambda kv: (-kv[1], kv[0]))
            new_data["fact_check"] = {"claim_id": claim, "rating": rating}
        for kept in ("case", "trended"):
            if kept in old_data:
                new_data[kept] = old_data[kept]
        if row.status == WATCHING and self._bursting(score, total_posts, accounts, growth):
            self._trend(session, row, new_data, score, total_reach, growth, now, report)
        row.data = new_data
        return row

    def _bursting(self, score: BurstScore, total_posts: int, accounts: int, growth: float) -> bool:
        cfg = self.config
        return (
            score.score >= 1.0
            and growth >= cfg.min_growth
            and total_posts >= cfg.min_posts
            and score.posts.observed >= cfg.min_recent_posts
            and accounts >= cfg.min_accounts
        )

    def _trend(
        self,
        session: Session,
        row: NarrativeRow,
        data: dict[str, Any],
        score: BurstScore,
        reach: int,
        growth: float,
        now: datetime,
        report: JobReport,
    ) -> None:
        row.status = TRENDING
        row.burst_at = now
        data["trended"] = {"at": _iso(now), **score.as_json()}
        if "fact_check" in data:
            # A rated claim is not unverified: the fact-check pipeline labels it already.
            report.fact_checked.append(row.id)
            return
        report.trending.append(row.id)
        if row.case_id is not None:
            return
        cid = case_id(row.id)
        new = insert_ignore(
            session,
            CaseRow,
            [
                {
                    "id": cid,
                    "queue": self.config.case_queue,
                    "subject_type": CASE_SUBJECT,
                    "subject_id": row.id,
                    "decision_id": None,
                    "status": "open",
                    "priority": case_priority(reach, growth),
                    "created_at": now,
                }
            ],
            "id",
        )
        row.case_id = cid
        data["case"] = {"id": cid, "opened_at": _iso(now), "kind": "trending_unverified_narrative"}
        if cid in new:
            report.cases_opened.append(cid)

    def _close_stale(self, live: Iterable[NarrativeRow], touched: set[str], now: datetime) -> int:
        horizon = now - timedelta(hours=self.config.close_after_hours)
        closed = 0
        for row in live:
            last = as_utc(row.last_seen_at)
            if row.key not in touched and last is not None and last < horizon:
                row.status = CLOSED
                row.updated_at = now
                closed += 1
        return closed


def run_narratives(
    db: Database, now: datetime | None = None, config: NarrativeConfig | None = None
) -> JobReport:
    """One pass of the job at ``now`` (default: the current time)."""
    return NarrativeJob(db, config).run(now)


def run_narratives_between(
    db: Database,
    since: datetime,
    until: datetime,
    config: NarrativeConfig | None = None,
) -> list[JobReport]:
    """Catch up: one pass at every bucket boundary after ``since`` up to ``until``, then one at
    ``until``; what a scheduler running every bucket would have done."""
    job = NarrativeJob(db, config)
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("since and until must be timezone-aware")
    if since > until:
        raise ValueError(f"since ({_iso(since)}) is after until ({_iso(until)})")
    bs = job.config.bucket_s
    t = (int(since.timestamp()) // bs + 1) * bs
    reports = []
    while t < until.timestamp():
        reports.append(job.run(datetime.fromtimestamp(t, UTC)))
        t += bs
    reports.append(job.run(until))
    return reports
