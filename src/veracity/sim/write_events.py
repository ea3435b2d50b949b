"""events.jsonl, streamed one slice of simulated time at a time.

Each slice merges three sources: the scheduled creation events (posts, comments), the planted
coordinated events (campaign shares, lockstep likes and follows) and the organic engagement
drawn for that slice. Slices last an hour, or less when that keeps them near
``EVENTS_PER_SLICE`` events, and only one slice is ever held, so memory does not grow with the
number of events; organic targets are picked by binary search over cumulative popularity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from veracity.sim.codes import (
    CHANNELS,
    EVENT_NAMES,
    KINDS,
    NO_ID,
    ORGANIC_CHANNEL_P,
    ORGANIC_SURFACE_P,
    SURFACES,
    Ev,
    diurnal_at,
)
from veracity.sim.content_plan import ContentPlan, weighted_choice
from veracity.sim.jsonl import Clock, JsonlWriter
from veracity.sim.population import Population

HOUR = 3600
DAY = 86400
EVENTS_PER_SLICE = 10_000
_ORGANIC_TYPES = np.array([Ev.VIEW, Ev.LIKE, Ev.SHARE, Ev.FOLLOW, Ev.UNFOLLOW], dtype=np.int64)
_ORGANIC_P = np.array([0.72, 0.18, 0.03, 0.06, 0.01])
_COLUMNS = ("time", "type", "actor", "content", "target", "code")
Columns = dict[str, np.ndarray]


def _scheduled(plan: ContentPlan) -> Columns:
    """Creation events for every post and comment, plus a comment event per comment."""
    n, m = plan.posts, plan.comments
    comment_content = n + np.arange(m)
    cols: Columns = {
        "time": np.concatenate([plan.post_time, plan.comment_time, plan.comment_time]),
        "type": np.concatenate([np.full(n + m, Ev.CONTENT_CREATED), np.full(m, Ev.COMMENT)]).astype(
            np.int64
        ),
        "actor": np.concatenate([plan.post_author, plan.comment_author, plan.comment_author]),
        "content": np.concatenate([np.arange(n), comment_content, plan.comment_parent]),
        "target": np.full(n + 2 * m, NO_ID),
        "code": np.concatenate([plan.post_kind, np.full(m, len(KINDS)), np.arange(m)]),
    }
    order = np.lexsort((cols["type"], cols["time"]))
    return {k: v[order].astype(np.int64) for k, v in cols.items()}


class EventStream:
    """Generates and writes the event log in time order."""

    def __init__(
        self,
        rng: np.random.Generator,
        plan: ContentPlan,
        pop: Population,
        total: int,
        period_s: int,
    ) -> None:
        self.rng = rng
        self.plan = plan
        self.pop = pop
        self.period_s = period_s
        self.scheduled = _scheduled(plan)
        self.planted = {k: plan.planted[k].astype(np.int64) for k in _COLUMNS}
        fixed = len(self.scheduled["time"]) + len(self.planted["time"])
        self.organic_total = max(0, total - fixed)
        self.slice_s = int(min(HOUR, max(1, period_s * EVENTS_PER_SLICE // max(total, 1))))
        starts = np.arange(0, period_s, self.slice_s)
        lengths = np.minimum(starts + self.slice_s, period_s) - starts
        weights = diurnal_at(starts) * lengths
        self.per_slice = rng.multinomial(self.organic_total, weights / weights.sum())
        self.activity_cum = np.cumsum(pop.activity)
        self.audience_cum = np.cumsum(pop.followers + 1.0)
        self.counts: Counter[str] = Counter()

    def _organic(self, start: int, end: int, n: int) -> Columns:
        rng = self.rng
        t = np.sort(rng.integers(start, end, n))
        kind = rng.choice(_ORGANIC_TYPES, n, p=_ORGANIC_P)
        actor = weighted_choice(rng, self.activity_cum, n)
        limit = np.searchsorted(self.plan.post_time, t, side="left")
        content = weighted_choice(rng, self.plan.post_pop_cum, n, limit)
        on_content = kind <= Ev.SHARE
        kind[on_content & (limit == 0)] = Ev.FOLLOW
        on_content = kind <= Ev.SHARE
        target = weighted_choice(rng, self.audience_cum, n)
        target = np.where(target == actor, (target + 1) % self.pop.size, target)
        surface = rng.choice(len(SURFACES), n, p=ORGANIC_SURFACE_P)
        channel = rng.choice(len(CHANNELS), n, p=ORGANIC_CHANNEL_P)
        return {
            "time": t,
            "type": kind,
            "actor": actor,
            "content": np.where(on_content, content, NO_ID),
            "target": np.where(on_content, NO_ID, target),
            "code": np.where(kind == Ev.SHARE, channel, surface),
        }

    def write(self, out: JsonlWriter, clock: Clock, progress: Callable[[str], None]) -> None:
        sched_t, plant_t = self.scheduled["time"], self.planted["time"]
        seq = 0
        for k, n in enumerate(self.per_slice):
            start, end = k * self.slice_s, min((k + 1) * self.slice_s, self.period_s)
            parts: list[Columns] = []
            for source, times in ((self.scheduled, sched_t), (self.planted, plant_t)):
                lo, hi = np.searchsorted(times, [start, end])
                parts.append({k: v[lo:hi] for k, v in source.items()})
            parts.append(self._organic(start, end, int(n)))
            cols = {k: np.concatenate([p[k] for p in parts]) for k in _COLUMNS}
            order = np.argsort(cols["time"], kind="stable")
            cols = {k: v[order] for k, v in cols.items()}
            lines = self._format(seq, cols, clock)
            out.write_lines(lines)
            seq += len(lines)
            if end % DAY < self.slice_s or end == self.period_s:
                progress(f"events: {end / DAY:.1f} days simulated, {seq} events")

    def _format(self, seq: int, cols: Columns, clock: Clock) -> list[str]:
        n_posts = self.plan.posts
        stamps = clock.iso_many(cols["time"])
        watch = np.round(self.rng.lognormal(2.0, 1.0, len(stamps)), 1).tolist()
        lines: list[str] = []
        counts = self.counts
        rows = zip(
            cols["type"].tolist(),
            cols["actor"].tolist(),
            cols["content"].tolist(),
            cols["target"].tolist(),
            cols["code"].tolist(),
            stamps,
            watch,
            strict=True,
        )
        for k, (kind, actor, content, target, code, stamp, watch_s) in enumerate(rows):
            name = EVENT_NAMES[kind]
            counts[name] += 1
            head = f'{{"id":"ev-{seq + k:09d}","type":"{name}","account_id":"acc-{actor:06d}"'
            if content >= n_posts:
                head += f',"content_id":"cmt-{content - n_posts:06d}"'
            elif content >= 0:
                head += f',"content_id":"post-{content:06d}"'
            if target >= 0:
                head += f',"target_account_id":"acc-{target:06d}"'
            if kind == Ev.VIEW:
                meta = f'{{"surface":"{SURFACES[code]}","watch_s":{watch_s}}}'
            elif kind == Ev.SHARE:
                meta = f'{{"channel":"{CHANNELS[code]}"}}'
            elif kind == Ev.CONTENT_CREATED:
                meta = f'{{"kind":"{KINDS[code] if code < len(KINDS) else "comment"}"}}'
            elif kind == Ev.COMMENT:
                meta = f'{{"comment_id":"cmt-{code:06d}"}}'
            else:
                meta = f'{{"surface":"{SURFACES[code]}"}}'
            lines.append(f'{head},"occurred_at":"{stamp}","metadata":{meta}}}')
        return lines
