"""The online decision path: content -> online detectors -> signals -> policies -> decision.

Pure computation; ``veracity.ingest.service`` persists what it returns in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from veracity.detect.base import DetectionContext, DetectorResult, RecentPostsLoader
from veracity.detect.registry import DetectorRegistry
from veracity.domain.decisions import Decision
from veracity.domain.entities import AccountIn, ContentIn
from veracity.domain.signals import SubjectType
from veracity.policy.engine import PolicyEngine


@dataclass(frozen=True)
class Evaluated:
    item: ContentIn
    results: dict[str, DetectorResult]
    decision: Decision


class DecisionPipeline:
    def __init__(self, registry: DetectorRegistry, engine: PolicyEngine) -> None:
        self.registry = registry
        self.engine = engine
        self._online = registry.online()
        self._signals_used = {f"signals.{d.name}": d.source for d in self._online}

    def detect(
        self, items: Sequence[ContentIn], context: DetectionContext | None = None
    ) -> list[dict[str, DetectorResult]]:
        """Run every online detector over the batch (each may vectorise over it)."""
        per_item: list[dict[str, DetectorResult]] = [{} for _ in items]
        for detector in self._online:
            found = (
                detector.detect_many(items)
                if context is None
                else detector.detect_in_context(items, context)
            )
            for slot, result in zip(per_item, found, strict=True):
                slot[detector.name] = result
        return per_item

    def run(
        self,
        items: Sequence[ContentIn],
        accounts: Mapping[str, AccountIn],
        now: datetime,
        trigger: str = "ingest",
        account_facts: Mapping[str, Mapping[str, Any]] | None = None,
        trigger_id: str | None = None,
        recent_posts: RecentPostsLoader | None = None,
    ) -> list[Evaluated]:
        """Decide on each item. ``account_facts`` adds per-account facts (enforcement history);
        ``trigger_id`` names what caused a re-decision (default: the item's own ingestion);
        ``recent_posts`` loads the authors' recent posts for behaviour detectors."""
        out: list[Evaluated] = []
        history = account_facts or {}
        context = DetectionContext(now=now, accounts=accounts, recent_posts=recent_posts)
        for item, results in zip(items, self.detect(items, context), strict=True):
            facts = self.engine.build_facts(
                item,
                accounts.get(item.account_id),
                results,
                now,
                extra=history.get(item.account_id),
            )
            decision = self.engine.decide(
                subject_type=SubjectType.CONTENT,
                subject_id=item.id,
                facts=facts,
                trigger=trigger,
                trigger_id=trigger_id or f"content:{item.id}",
                now=now,
                signals_used=self._signals_used,
            )
            out.append(Evaluated(item=item, results=results, decision=decision))
        return out
