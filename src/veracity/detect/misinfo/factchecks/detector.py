"""``claim_match``: the online detector that says which rated claim a post repeats.

It wraps the claim matcher (``veracity.detect.misinfo.matching``) and the fact-check store: the
matcher finds claims, the store says how they were rated. Only active fact-checks are indexed, so
a retraction stops labelling as soon as it is applied. The index is updated incrementally
(``apply``, ``sync``) rather than rebuilt, because verdicts arrive one at a time and rebuilding
a million-claim index per verdict would take minutes.

Thresholds come from Settings (``claim_match_suggested``, ``claim_match_confirmed``, shared
with the matcher)
when it has them, else the defaults below.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from veracity.config import Settings
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.misinfo.factchecks.model import FactCheck
from veracity.detect.misinfo.factchecks.store import changed_since
from veracity.domain.entities import ContentIn
from veracity.store.db import Database

DEFAULT_SUGGESTED = 0.5
DEFAULT_CONFIRMED = 0.9  # the matcher's own default (MatchThresholds)
DEFAULT_K = 5
EVIDENCE_HITS = 5
SYNC_OVERLAP = timedelta(seconds=60)
MAX_RECORD_CHARS = 20_000  # the matcher's limit on claim text and title together


class Hit(Protocol):
    @property
    def claim_id(self) -> str: ...
    @property
    def probability(self) -> float: ...


class Matcher(Protocol):
    """What the detector needs of ``ClaimMatcher``."""

    def add(self, claims: Sequence[Any]) -> Any: ...
    def remove(self, ids: Sequence[str]) -> Any: ...
    def search(self, texts: Sequence[str], k: int = ...) -> Sequence[Sequence[Hit]]: ...


@dataclass(frozen=True)
class MatcherBackend:
    """How to make claim records and matchers (the real matcher, or a test fake)."""

    record: Callable[..., Any]  # ClaimRecord(id, text, title="", language=None)
    build: Callable[[Sequence[Any]], Matcher]  # ClaimMatcher.build

    def records(self, fact_checks: Iterable[FactCheck]) -> list[Any]:
        return [
            self.record(
                fc.id,
                fc.claim_text,
                title=fc.title[: max(0, MAX_RECORD_CHARS - len(fc.claim_text))],
                language=fc.language,
            )
            for fc in fact_checks
        ]


def default_backend(multilingual: bool = False, model_path: Path | None = None) -> MatcherBackend:
    """The real matcher. The cross-lingual e5 path is off unless asked for: it embeds at about
    75 posts/s on 2 cores, forty times slower than the default path (benchmarks/RESULTS.md).

    ``model_path`` is a fusion model or a cascade from ``veracity train claims`` (none ships:
    the CheckThat! data is research-only); without it the hand-set fusion scores.
    """
    from veracity.detect.misinfo.matching import ClaimRecord, MatcherConfig
    from veracity.detect.misinfo.matching.cascade import build_matcher, load_any_model

    model = None
    if model_path is not None:
        if not Path(model_path).is_file():
            raise ValueError(f"claim-matching model {model_path}: no such file")
        model = load_any_model(model_path)
    config = MatcherConfig(multilingual=multilingual)
    return MatcherBackend(
        record=ClaimRecord, build=functools.partial(build_matcher, model=model, config=config)
    )


def backend_for(settings: Settings | None) -> MatcherBackend:
    return default_backend(
        bool(getattr(settings, "claim_match_multilingual", False)),
        getattr(settings, "claim_match_model_path", None),
    )


@dataclass(frozen=True)
class Thresholds:
    suggested: float = DEFAULT_SUGGESTED
    confirmed: float = DEFAULT_CONFIRMED

    def __post_init__(self) -> None:
        if not 0.0 <= self.suggested <= self.confirmed <= 1.0:
            raise ValueError(
                "claim thresholds need 0 <= suggested <= confirmed <= 1, got "
                f"suggested={self.suggested}, confirmed={self.confirmed}"
            )

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Thresholds:
        suggested = getattr(settings, "claim_match_suggested", None)
        confirmed = getattr(settings, "claim_match_confirmed", None)
        return cls(
            suggested=DEFAULT_SUGGESTED if suggested is None else float(suggested),
            confirmed=DEFAULT_CONFIRMED if confirmed is None else float(confirmed),
        )


@dataclass(frozen=True)
class _Label:
    """What a policy needs to know about one indexed fact-check."""

    rating: str
    url: str
    publisher: str
    harmful: bool
    version: int


def _label(fc: FactCheck) -> _Label:
    return _Label(fc.rating.value, fc.url or "", fc.publisher or "", fc.harmful, fc.version)


class ClaimMatchDetector(OnlineDetector):
    name = "claim_match"
    version = "1.0.0"
    inputs = ("text", "on_screen_text", "transcript")
    outputs = (
        OutputSpec("probability", OutputType.DOUBLE, "Match probability of the best claim."),
        OutputSpec("suggested", OutputType.BOOL, "probability >= the suggested threshold."),
        OutputSpec("confirmed", OutputType.BOOL, "probability >= the confirmed threshold."),
        OutputSpec("claim_id", OutputType.STRING, "Fact-check id of the best matching claim."),
        OutputSpec("rating", OutputType.STRING, "Its normalised rating (false, altered, ...)."),
        OutputSpec("url", OutputType.STRING, "Link to the fact-check article."),
        OutputSpec("publisher", OutputType.STRING, "Who published the fact-check."),
        OutputSpec("harmful", OutputType.BOOL, "The fact-check is flagged harmful."),
        OutputSpec("candidates", OutputType.INT, "Active fact-checks at or above 'suggested'."),
    )
    description = "Finds fact-checked claims a post repeats (caption, on-screen text, transcript)."

    def __init__(
        self,
        backend: MatcherBackend,
        fact_checks: Iterable[FactCheck] = (),
        thresholds: Thresholds | None = None,
        k: int = DEFAULT_K,
    ) -> None:
        self.backend = backend
        self.thresholds = thresholds or Thresholds()
        self.k = k
        self._lock = threading.RLock()
        self._labels: dict[str, _Label] = {}
        self._synced_at: datetime | None = None
        self._matcher: Matcher | None = None
        self.apply(fact_checks)

    # -- keeping the index current ------------------------------------------------------------

    def _note_sync(self, fc: FactCheck) -> None:
        if fc.updated_at and (self._synced_at is None or fc.updated_at > self._synced_at):
            self._synced_at = fc.updated_at

    @property
    def indexed(self) -> int:
        return len(self._labels)

    def apply(self, fact_checks: Iterable[FactCheck]) -> None:
        """Bring the index in line with these (new, updated or retracted) fact-checks."""
        changes = list(fact_checks)
        with self._lock:
            stale = [fc.id for fc in changes if fc.id in self._labels]
            if stale and self._matcher is not None:
                self._matcher.remove(stale)
                for fc_id in stale:
                    del self._labels[fc_id]
            fresh = [fc for fc in changes if fc.active]
            if fresh:
                records = self.backend.records(fresh)
                if self._matcher is None:  # built on the first claims: a matcher needs some
                    self._matcher = self.backend.build(records)
                else:
                    self._matcher.add(records)
                self._labels.update({fc.id: _label(fc) for fc in fresh})
            for fc in changes:
                self._note_sync(fc)

    def sync(self, db: Database) -> int:
        """Apply every change made in the store since the last sync (other processes' too).

        Changes are re-read from a little before the last one seen, because another
        transaction may commit a change stamped earlier than one already read; applying a
        change twice is harmless.
        """
        since = None if self._synced_at is None else self._synced_at - SYNC_OVERLAP
        with db.transaction() as session:
            changes = list(changed_since(session, since))
        self.apply(changes)
        return len(changes)

    # -- detection ----------------------------------------------------------------------------

    def _result(self, hits: Sequence[Hit]) -> DetectorResult:
        active = sorted(
            (h for h in hits if h.claim_id in self._labels),
            key=lambda h: (-h.probability, h.claim_id),
        )
        if not active:
            return self.empty_result()
        best = active[0]
        label = self._labels[best.claim_id]
        probability = float(best.probability)
        outputs = {
            "probability": probability,
            "suggested": probability >= self.thresholds.suggested,
            "confirmed": probability >= self.thresholds.confirmed,
            "claim_id": best.claim_id,
            "rating": label.rating,
            "url": label.url,
            "publisher": label.publisher,
            "harmful": label.harmful,
            "candidates": sum(1 for h in active if h.probability >= self.thresholds.suggested),
        }
        evidence = {
            "hits": [
                {"claim_id": h.claim_id, "probability": round(float(h.probability), 6)}
                for h in active[:EVIDENCE_HITS]
            ],
            "fact_check_version": label.version,
        }
        return DetectorResult(outputs, evidence)

    def detect_many(self, items: Sequence[ContentIn]) -> list[DetectorResult]:
        """One matcher call for the whole batch (the matcher vectorises over queries)."""
        texts = [item.all_text() for item in items]
        asked = [i for i, text in enumerate(texts) if text.strip()]
        results = [self.empty_result() for _ in items]
        if not asked:
            return results
        with self._lock:
            if not self._labels or self._matcher is None:
                return results
            hits = self._matcher.search([texts[i] for i in asked], k=self.k)
            for index, found in zip(asked, hits, strict=True):
                results[index] = self._result(found)
        return results

    def detect(self, item: ContentIn) -> DetectorResult:
        return self.detect_many([item])[0]

    def reference(self, item: ContentIn) -> DetectorResult:
        """Asks the matcher for every claim it holds, then keeps the best active one by hand."""
        text = item.all_text()
        if not text.strip():
            return self.empty_result()
        with self._lock:
            if not self._labels or self._matcher is None:
                return self.empty_result()
            hits = list(self._matcher.search([text], k=max(self.k, len(self._labels)))[0])
            top = sorted(hits, key=lambda h: (-h.probability, h.claim_id))
            kept = [h for h in top if h.claim_id in self._labels][: self.k]
            return self._result(kept)


def build_claim_detector(
    db: Database,
    settings: Settings | None = None,
    backend: MatcherBackend | None = None,
) -> ClaimMatchDetector:
    """The detector over every active fact-check in the store (register it in defaults)."""
    with db.transaction() as session:
        fact_checks = list(changed_since(session, None))
    return ClaimMatchDetector(
        backend or backend_for(settings), fact_checks, Thresholds.from_settings(settings)
    )
