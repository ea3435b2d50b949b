"""What the job reads from the store: posts of the window, their claim signals, and reach.

Aggregation happens in SQL (``GROUP BY content, time bucket``), so the database returns one row
per post and bucket rather than one per view; the same queries run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, cast, func, select
from sqlalchemy.orm import Session

from veracity.detect.misinfo.narratives.cluster import PostRecord
from veracity.detect.misinfo.narratives.config import FACT_CHECK_RATINGS, NarrativeConfig
from veracity.store.db import as_utc
from veracity.store.tables import ContentRow, EventRow, SignalRow

REACH_EVENTS = ("view", "share")
_CHUNK = 500


@dataclass
class WindowData:
    """Posts of the window (plus anchors from before it) and per-bucket reach."""

    posts: list[PostRecord]
    in_window: list[bool]
    reach: dict[str, dict[int, int]] = field(default_factory=dict)  # content id -> bucket -> n
    platform_reach: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def epoch_seconds(column: Any, dialect: str) -> ColumnElement[int]:
    """Seconds since the epoch of a UTC timestamp column, in the dialect's own functions."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", column), BigInteger)
    return cast(func.strftime("%s", column), Integer)


def _post_time() -> ColumnElement[datetime]:
    return func.coalesce(ContentRow.created_at, ContentRow.ingested_at)


def _parse_post(row: Any, problems: list[str]) -> PostRecord | None:
    data = row.data if isinstance(row.data, dict) else None
    when = as_utc(row.created_at) or as_utc(row.ingested_at)
    if data is None or when is None:
        problems.append(f"content {row.id}: stored data is not a ContentIn object")
        return None
    parts = [row.text or "", data.get("on_screen_text") or "", data.get("transcript") or ""]
    sha: list[str] = []
    pdq: list[str] = []
    media = data.get("media") or []
    if not isinstance(media, list):
        problems.append(f"content {row.id}: media is not a list")
        media = []
    for ref in media:
        if isinstance(ref, dict):
            if isinstance(ref.get("sha256"), str):
                sha.append(ref["sha256"])
            if isinstance(ref.get("pdq"), str):
                pdq.append(ref["pdq"])
    return PostRecord(
        id=row.id,
        account_id=row.account_id,
        time=int(when.timestamp()),
        text="\n".join(p for p in parts if p),
        sha256=tuple(sha),
        pdq=tuple(pdq),
    )


def _claim_of(outputs: dict[str, Any]) -> tuple[str | None, str | None]:
    """(claim id, fact-check rating) from a claim_match or text_match signal's outputs."""
    claim = outputs.get("claim_id") or outputs.get("entry_id")
    matched = outputs.get("matched", outputs.get("confirmed", bool(claim)))
    if not claim or not matched or not isinstance(claim, str):
        return None, None
    rating = outputs.get("rating") or outputs.get("label")
    rating = rating if isinstance(rating, str) and rating in FACT_CHECK_RATINGS else None
    return claim, rating


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def load_window(
    session: Session,
    start: datetime,
    end: datetime,
    anchor_ids: Collection[str],
    config: NarrativeConfig,
) -> WindowData:
    """Everything clustering and scoring need for posts created in ``[start, end]``."""
    dialect = session.get_bind().dialect.name
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    t = _post_time()
    cols = (
        ContentRow.id,
        ContentRow.account_id,
        ContentRow.text,
        ContentRow.data,
        ContentRow.created_at,
        ContentRow.ingested_at,
    )
    problems: list[str] = []
    rows = session.execute(select(*cols).where(t >= start, t <= end).order_by(t, ContentRow.id))
    posts: list[PostRecord] = []
    for row in rows:
        post = _parse_post(row, problems)
        if post is not None:
            posts.append(post)
    in_window = [True] * len(posts)
    seen = {p.id for p in posts}
    extra = sorted(set(anchor_ids) - seen)
    for chunk in _chunks(extra):
        for row in session.execute(select(*cols).where(ContentRow.id.in_(chunk))):
            post = _parse_post(row, problems)
            if post is not None:
                posts.append(post)
                in_window.append(False)
    _attach_claims(session, posts, start, end, config)
    data = WindowData(posts, in_window, problems=problems)
    _load_reach(session, data, start, end, config.bucket_s, dialect)
    return data


def _attach_claims(
    session: Session,
    posts: list[PostRecord],
    start: datetime,
    end: datetime,
    config: NarrativeConfig,
) -> None:
    by_id = {p.id: p for p in posts}
    t = _post_time()
    window_signals = (
        select(SignalRow.subject_id, SignalRow.outputs)
        .join(ContentRow, ContentRow.id == SignalRow.subject_id)
        .where(
            SignalRow.subject_type == "content",
            SignalRow.detector.in_(config.claim_detectors),
            t >= start,
            t <= end,
        )
        .order_by(SignalRow.id)
    )
    anchors = [p.id for p in posts if p.time < start.timestamp()]
    queries = [window_signals] + [
        select(SignalRow.subject_id, SignalRow.outputs)
        .where(
            SignalRow.subject_type == "content",
            SignalRow.detector.in_(config.claim_detectors),
            SignalRow.subject_id.in_(chunk),
        )
        .order_by(SignalRow.id)
        for chunk in _chunks(anchors)
    ]
    for query in queries:
        for subject_id, outputs in session.execute(query):
            post = by_id.get(subject_id)
            if post is None or not isinstance(outputs, dict):
                continue
            claim, rating = _claim_of(outputs)
            if claim is not None:
                post.claim = claim
                post.rating = rating or post.rating


def _load_reach(
    session: Session,
    data: WindowData,
    start: datetime,
    end: datetime,
    bucket_s: int,
    dialect: str,
) -> None:
    bucket = epoch_seconds(EventRow.occurred_at, dialect) // bucket_s
    in_time = (EventRow.occurred_at >= start, EventRow.occurred_at <= end)
    t = _post_time()
    per_post = (
        select(EventRow.content_id, bucket.label("b"), func.count().label("n"))
        .join(ContentRow, ContentRow.id == EventRow.content_id)
        .where(EventRow.type.in_(REACH_EVENTS), *in_time, t >= start, t <= end)
        .group_by(EventRow.content_id, bucket)
    )
    for content_id, b, n in session.execute(per_post):
        if content_id is None:
            continue
        data.reach.setdefault(content_id, {})[int(b)] = int(n)
    platform = (
        select(bucket.label("b"), func.count().label("n"))
        .where(EventRow.type.in_(REACH_EVENTS), *in_time)
        .group_by(bucket)
    )
    data.platform_reach = {int(b): int(n) for b, n in session.execute(platform)}
