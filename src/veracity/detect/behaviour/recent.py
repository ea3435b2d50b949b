"""The authors' recent posts, read from the store once per batch for behaviour detectors.

Bounded by construction: posts ingested in the last ``window`` (default 24 hours), at most
``per_account`` (default 20) per author, newest first, in one query for the whole batch (a
window function ranks each author's posts). The session is the ingest transaction's own, so the
batch's just-inserted items are visible too: ten copies of a comment in one batch are repetition
like ten across batches. Detectors leave out the item they are judging by its id.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from veracity.detect.base import RecentPost
from veracity.store.db import as_utc
from veracity.store.tables import ContentRow

DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_PER_ACCOUNT = 20
MAX_TEXT_CHARS = 2000  # repetition is judged on the start of a text; bounds the comparison cost


class RecentPosts:
    """A loader for ``DetectionContext.recent_posts``; repeated calls for the same authors hit
    a cache, so several detectors share one query."""

    def __init__(
        self,
        session: Session,
        now: datetime,
        *,
        window: timedelta = DEFAULT_WINDOW,
        per_account: int = DEFAULT_PER_ACCOUNT,
    ) -> None:
        self.session = session
        self.now = now
        self.window = window
        self.per_account = per_account
        self._cache: dict[str, list[RecentPost]] = {}

    def __call__(self, account_ids: Collection[str]) -> Mapping[str, Sequence[RecentPost]]:
        missing = sorted(set(account_ids) - self._cache.keys())
        if missing:
            for account_id in missing:
                self._cache[account_id] = []
            for post_account, post in self._query(missing):
                self._cache[post_account].append(post)
        return {a: self._cache[a] for a in account_ids}

    def _query(self, account_ids: Sequence[str]) -> list[tuple[str, RecentPost]]:
        rank = (
            func.row_number()
            .over(partition_by=ContentRow.account_id, order_by=ContentRow.ingested_at.desc())
            .label("rank")
        )
        ranked = (
            select(
                ContentRow.id,
                ContentRow.account_id,
                func.substr(ContentRow.text, 1, MAX_TEXT_CHARS).label("text"),
                ContentRow.created_at,
                ContentRow.ingested_at,
                rank,
            )
            .where(
                ContentRow.account_id.in_(account_ids),
                ContentRow.ingested_at >= self.now - self.window,
            )
            .subquery()
        )
        rows = self.session.execute(
            select(ranked).where(ranked.c.rank <= self.per_account).order_by(ranked.c.rank)
        )
        out = []
        for row in rows:
            at = as_utc(row.created_at) or as_utc(row.ingested_at)
            assert at is not None
            out.append((row.account_id, RecentPost(row.id, row.text or "", at)))
        return out
