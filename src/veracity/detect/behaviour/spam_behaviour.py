"""The ``spam_behaviour`` online detector: what an account's recent posts say about this one.

* Repetition: how many of the author's recent posts (``recent``: last 24 hours, at most 20) are
  near-identical to this text (``repetition``: character-shingle Jaccard >= 0.8).
* Link burst: links in this post and the author's posts of the last hour; ``link_burst`` when
  they reach ``burst_links`` (default 5).

Needs the store: without a ``DetectionContext`` with a recent-posts loader (a detector run
outside ingestion), ``history_known`` is false and only this post's own links are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from veracity.detect.base import (
    DetectionContext,
    DetectorResult,
    OnlineDetector,
    OutputSpec,
    OutputType,
    RecentPost,
)
from veracity.detect.behaviour.repetition import (
    DEFAULT_THRESHOLD,
    jaccard,
    reference_jaccard,
    shingles,
)
from veracity.detect.hosts import find_links
from veracity.domain.entities import ContentIn

DEFAULT_LINK_WINDOW = timedelta(hours=1)
DEFAULT_BURST_LINKS = 5
MAX_CHARS = 2000
# Shingles and link counts of stored posts, reused across batches: an active author's recent
# posts come back in batch after batch, and posts never change under their id. Cleared whole
# when full (simple and safe under concurrent requests).
POST_CACHE_LIMIT = 50_000


class SpamBehaviourDetector(OnlineDetector):
    name = "spam_behaviour"
    version = "1.0.0"
    description = "Repetition of the same text across an account's recent posts; link bursts."
    inputs = ("text", "account_id")
    outputs = (
        OutputSpec("history_known", OutputType.BOOL, "the author's recent posts were read"),
        OutputSpec("recent_posts", OutputType.INT, "the author's other posts in the last 24 h"),
        OutputSpec("near_duplicates", OutputType.INT, "recent posts near-identical to this text"),
        OutputSpec("links_in_window", OutputType.INT, "links in this and last hour's posts"),
        OutputSpec("link_burst", OutputType.BOOL, "links_in_window reached the burst level"),
    )

    def __init__(
        self,
        bare_tlds: frozenset[str] = frozenset(),
        *,
        threshold: float = DEFAULT_THRESHOLD,
        link_window: timedelta = DEFAULT_LINK_WINDOW,
        burst_links: int = DEFAULT_BURST_LINKS,
    ) -> None:
        if burst_links < 1 or not 0.0 < threshold <= 1.0:
            raise ValueError("burst_links must be positive and threshold in (0, 1]")
        self.bare_tlds = bare_tlds
        self.threshold = threshold
        self.link_window = link_window
        self.burst_links = burst_links
        self._shingle_cache: dict[str, Any] = {}
        self._link_cache: dict[str, int] = {}

    def _links(self, text: str) -> int:
        return len(find_links(text[:MAX_CHARS], self.bare_tlds))

    def _result(
        self, known: bool, recent: int, duplicates: int, links: int, evidence: dict[str, Any]
    ) -> DetectorResult:
        outputs = {
            "history_known": known,
            "recent_posts": recent,
            "near_duplicates": duplicates,
            "links_in_window": links,
            "link_burst": links >= self.burst_links,
        }
        return DetectorResult(outputs, evidence)

    def detect(self, item: ContentIn) -> DetectorResult:
        return self._result(False, 0, 0, self._links(item.text), {"reason": "no post history"})

    def reference(self, item: ContentIn) -> DetectorResult:
        return self.detect(item)

    def _others(self, item: ContentIn, posts: Sequence[RecentPost]) -> list[RecentPost]:
        return [p for p in posts if p.id != item.id]

    def _in_window(self, posts: Sequence[RecentPost], now: datetime) -> list[RecentPost]:
        return [p for p in posts if p.at >= now - self.link_window]

    def detect_in_context(
        self, items: Sequence[ContentIn], context: DetectionContext
    ) -> list[DetectorResult]:
        if context.recent_posts is None:
            return self.detect_many(items)
        recent = context.recent_posts({item.account_id for item in items})
        shingle_cache, link_cache = self._shingle_cache, self._link_cache
        if len(shingle_cache) > POST_CACHE_LIMIT or len(link_cache) > POST_CACHE_LIMIT:
            shingle_cache.clear()
            link_cache.clear()

        def post_shingles(post: RecentPost) -> Any:
            found = shingle_cache.get(post.id)
            if found is None:
                found = shingle_cache[post.id] = shingles(post.text[:MAX_CHARS])
            return found

        def post_links(post: RecentPost) -> int:
            found = link_cache.get(post.id)
            if found is None:
                found = link_cache[post.id] = self._links(post.text)
            return found

        out = []
        for item in items:
            others = self._others(item, recent.get(item.account_id, ()))
            mine = shingles(item.text[:MAX_CHARS])
            duplicates = [
                p.id
                for p in others
                if len(mine) and jaccard(mine, post_shingles(p)) >= self.threshold
            ]
            window = self._in_window(others, context.now)
            links = self._links(item.text) + sum(post_links(p) for p in window)
            evidence = {"duplicate_ids": duplicates[:10], "posts_in_link_window": len(window)}
            out.append(self._result(True, len(others), len(duplicates), links, evidence))
        return out

    def reference_in_context(self, item: ContentIn, context: DetectionContext) -> DetectorResult:
        """The same, one post at a time, with Jaccard over shingle strings."""
        if context.recent_posts is None:
            return self.reference(item)
        others = self._others(item, context.recent_posts([item.account_id])[item.account_id])
        text = item.text[:MAX_CHARS]
        duplicates = [
            p.id for p in others if reference_jaccard(text, p.text[:MAX_CHARS]) >= self.threshold
        ]
        window = self._in_window(others, context.now)
        links = self._links(item.text) + sum(self._links(p.text) for p in window)
        evidence = {"duplicate_ids": duplicates[:10], "posts_in_link_window": len(window)}
        return self._result(True, len(others), len(duplicates), links, evidence)
