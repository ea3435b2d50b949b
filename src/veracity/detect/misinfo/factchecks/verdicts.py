"""A fact-checker's verdict flows back: into the store, into the matcher, onto past posts.

Future posts match through the ``claim_match`` detector as soon as its index is updated. Past
posts are found by building a small temporary matcher over just the changed fact-checks and
running the stored posts of a recent window through it (cost: one matcher query per stored post
in the window, batched; at 300 posts/s that is about a minute per 20,000 posts). Each post that
matches at the "suggested" threshold or above is decided again by the full online pipeline with
trigger ``fact_check``. A new decision (with its signals, review case and an outbox message) is
stored only when its effective actions differ from the post's latest decision, including when
they become empty, so that a retraction tells the platform to take the label down.

Decision ids are derived from the fact-check ids and versions that triggered them, so running
the same re-labelling twice stores nothing new.

Window and cost limits come from Settings when it has them (``factcheck_relabel_window_days``,
``factcheck_relabel_max_posts``), else the defaults below.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.detect.misinfo.factchecks.detector import ClaimMatchDetector
from veracity.detect.misinfo.factchecks.model import FactCheck, FactCheckIn
from veracity.detect.misinfo.factchecks.store import (
    UpsertOutcome,
    get_fact_checks,
    retract_fact_check,
    upsert_fact_checks,
)
from veracity.domain.actions import Action
from veracity.domain.decisions import Decision
from veracity.domain.entities import ContentIn
from veracity.domain.signals import SubjectType
from veracity.enforce.outbox import DECISION_TOPIC, OutboxStatus, build_payload
from veracity.ingest.service import store_outcomes
from veracity.pipeline import DecisionPipeline, Evaluated
from veracity.store.db import Database, utcnow
from veracity.store.enforcement import history_facts
from veracity.store.queries import accounts_by_id
from veracity.store.tables import ContentRow, DecisionRow, OutboxRow
from veracity.store.upsert import insert_ignore

if TYPE_CHECKING:
    from veracity.config import Settings
    from veracity.runtime import Runtime

TRIGGER = "fact_check"
DEFAULT_WINDOW_DAYS = 30.0
DEFAULT_MAX_POSTS = 100_000
SCAN_BATCH = 256
DETECTOR_NAME = ClaimMatchDetector.name


class ClaimDetectorMissingError(LookupError):
    pass


@dataclass(frozen=True)
class RelabelWindow:
    """Which stored posts a verdict is applied to: ingested in the last ``days``, newest first,
    at most ``max_posts`` of them."""

    days: float = DEFAULT_WINDOW_DAYS
    max_posts: int = DEFAULT_MAX_POSTS

    def __post_init__(self) -> None:
        if self.days <= 0 or self.max_posts < 1:
            raise ValueError(
                f"relabel window needs days > 0 and max_posts >= 1, got {self.days}, "
                f"{self.max_posts}"
            )

    @classmethod
    def from_settings(cls, settings: Settings | None) -> RelabelWindow:
        days = getattr(settings, "factcheck_relabel_window_days", None)
        posts = getattr(settings, "factcheck_relabel_max_posts", None)
        return cls(
            days=DEFAULT_WINDOW_DAYS if days is None else float(days),
            max_posts=DEFAULT_MAX_POSTS if posts is None else int(posts),
        )


@dataclass
class RelabelReport:
    """What a verdict changed: the fact-checks, the posts looked at and those re-decided."""

    fact_checks: list[UpsertOutcome] = field(default_factory=list)
    scanned: int = 0
    matched: int = 0
    decisions: list[str] = field(default_factory=list)
    messages: int = 0
    window_start: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "fact_checks": [o.to_json() for o in self.fact_checks],
            "scanned": self.scanned,
            "matched": self.matched,
            "redecided": len(self.decisions),
            "decisions": list(self.decisions),
            "messages": self.messages,
            "window_start": self.window_start.isoformat() if self.window_start else None,
        }


def claim_detector(runtime: Runtime) -> ClaimMatchDetector:
    """The runtime's claim_match detector; LookupError when it is not registered."""
    try:
        detector = runtime.registry.get(DETECTOR_NAME)
    except KeyError:
        raise ClaimDetectorMissingError(
            f"the runtime has no {DETECTOR_NAME!r} detector; register build_claim_detector"
        ) from None
    if not isinstance(detector, ClaimMatchDetector):
        raise ClaimDetectorMissingError(f"{DETECTOR_NAME!r} is not a ClaimMatchDetector")
    return detector


def record_verdict(
    db: Database,
    runtime: Runtime,
    items: Sequence[FactCheckIn],
    *,
    now: datetime | None = None,
    window: RelabelWindow | None = None,
) -> RelabelReport:
    """Store verdicts, update the matcher and re-label every stored post they concern."""
    now = now or utcnow()
    detector = claim_detector(runtime)
    with db.transaction() as session:
        outcomes = upsert_fact_checks(session, items, now)
    changed = list({o.id: o.fact_check for o in outcomes if o.changed}.values())
    detector.apply(changed)
    report = relabel(db, runtime, changed, now=now, window=window)
    report.fact_checks = outcomes
    return report


def retract_verdict(
    db: Database,
    runtime: Runtime,
    fc_id: str,
    *,
    reason: str | None = None,
    now: datetime | None = None,
    window: RelabelWindow | None = None,
) -> RelabelReport | None:
    """Retract a fact-check and take its labels down; None when there is no such id."""
    now = now or utcnow()
    detector = claim_detector(runtime)
    with db.transaction() as session:
        outcome = retract_fact_check(session, fc_id, now, reason)
    if outcome is None:
        return None
    changed = [outcome.fact_check] if outcome.changed else []
    detector.apply(changed)
    report = relabel(db, runtime, changed, now=now, window=window)
    report.fact_checks = [outcome]
    return report


def relabel_changed(
    db: Database,
    runtime: Runtime,
    ids: Sequence[str],
    *,
    now: datetime | None = None,
    window: RelabelWindow | None = None,
) -> RelabelReport:
    """After an import (CLI or job): apply these fact-checks to the matcher and past posts."""
    detector = claim_detector(runtime)
    with db.transaction() as session:
        found = get_fact_checks(session, list(dict.fromkeys(ids)))
    changed = [found[i] for i in dict.fromkeys(ids) if i in found]
    detector.apply(changed)
    return relabel(db, runtime, changed, now=now, window=window)


def relabel(
    db: Database,
    runtime: Runtime,
    fact_checks: Sequence[FactCheck],
    *,
    now: datetime | None = None,
    window: RelabelWindow | None = None,
) -> RelabelReport:
    """Re-decide the stored posts in the window that match any of these fact-checks.

    The claim_match detector must already reflect them (``record_verdict`` sees to that).
    """
    now = now or utcnow()
    window = window or RelabelWindow.from_settings(runtime.settings)
    since = now - timedelta(days=window.days)
    report = RelabelReport(window_start=since)
    if not fact_checks:
        return report
    detector = claim_detector(runtime)
    pipeline = runtime.pipeline
    probe = detector.backend.build(detector.backend.records(fact_checks))
    trigger_id = TRIGGER + ":" + ",".join(sorted(f"{fc.id}@{fc.version}" for fc in fact_checks))
    k = min(len(fact_checks), detector.k)
    for batch in _stored_posts(db, since, window.max_posts):
        report.scanned += len(batch)
        hits = probe.search([item.all_text() for item in batch], k=k)
        threshold = detector.thresholds.suggested
        matched = [
            item
            for item, found in zip(batch, hits, strict=True)
            if any(h.probability >= threshold for h in found)
        ]
        report.matched += len(matched)
        if matched:
            stored = redecide(db, pipeline, matched, trigger_id, now)
            report.decisions.extend(e.decision.id for e in stored)
            report.messages += len(stored)
    return report


def _stored_posts(db: Database, since: datetime, limit: int) -> Iterator[list[ContentIn]]:
    """Stored content ingested since ``since``, newest first, in batches."""
    stmt = (
        select(ContentRow.data)
        .where(ContentRow.ingested_at >= since)
        .order_by(ContentRow.ingested_at.desc(), ContentRow.id)
        .limit(limit)
    )
    with db.transaction() as session:
        batch: list[ContentIn] = []
        for data in session.scalars(stmt.execution_options(yield_per=SCAN_BATCH)):
            batch.append(ContentIn.model_validate(data))
            if len(batch) >= SCAN_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def _latest_actions(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """Action keys of each subject's latest decision."""
    rows = session.execute(
        select(DecisionRow.subject_id, DecisionRow.record)
        .where(
            DecisionRow.subject_type == SubjectType.CONTENT.value,
            DecisionRow.subject_id.in_(list(ids)),
        )
        .order_by(DecisionRow.seq)
    )
    latest: dict[str, list[str]] = {}
    for subject_id, record in rows:
        latest[subject_id] = [Action.model_validate(a).key() for a in record.get("actions", [])]
    return latest


def redecide(
    db: Database,
    pipeline: DecisionPipeline,
    items: Sequence[ContentIn],
    trigger_id: str,
    now: datetime,
    *,
    trigger: str = TRIGGER,
) -> list[Evaluated]:
    """Decide again; store and announce only decisions whose actions changed. Other
    re-decisions of stored content (community notes) use it with their own ``trigger``."""
    with db.transaction() as session:
        accounts = accounts_by_id(session, {item.account_id for item in items})
        previous = _latest_actions(session, [item.id for item in items])
        history = history_facts(session, {item.account_id for item in items})
        evaluated = pipeline.run(
            items, accounts, now, trigger=trigger, account_facts=history, trigger_id=trigger_id
        )
        changed = [
            e
            for e in evaluated
            if [a.key() for a in e.decision.actions] != previous.get(e.item.id, [])
        ]
        store_outcomes(session, changed, now)
        _enqueue_cleared(session, [e.decision for e in changed if not e.decision.actions], now)
    return changed


def _enqueue_cleared(session: Session, decisions: Sequence[Decision], now: datetime) -> None:
    """Outbox messages for decisions that take every action away (the outbox skips empty
    decisions by default, but here "no action any more" is the news)."""
    rows = [
        {
            "idempotency_key": d.id,
            "decision_id": d.id,
            "topic": DECISION_TOPIC,
            "payload": build_payload(d),
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "leased_until": None,
            "last_error": None,
            "created_at": now,
            "delivered_at": None,
        }
        for d in decisions
    ]
    insert_ignore(session, OutboxRow, rows, "idempotency_key")
