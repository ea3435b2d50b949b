"""Store what the platform sends, exactly once, and decide on new content in the same transaction.

Each batch is one transaction: content rows, their signals, decisions, review cases and outbox
messages commit together or not at all, so a crash can lose no decision and a re-send (keyed by
the client's ids) can duplicate nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

from veracity.compliance.decision_statements import automated_statements
from veracity.compliance.statements import save_statements
from veracity.detect.behaviour.recent import RecentPosts
from veracity.domain.actions import ActionType
from veracity.domain.entities import AccountIn, ContentIn
from veracity.domain.events import EventIn, EventType, ReportIn
from veracity.domain.limits import MAX_ID_CHARS
from veracity.domain.signals import SubjectType
from veracity.enforce.outbox import enqueue_many
from veracity.ingest.results import BatchResult, ItemResult
from veracity.pipeline import DecisionPipeline, Evaluated
from veracity.review.config import configured_or_bundled
from veracity.review.intake import ToReview, case_rows
from veracity.store.db import Database, utcnow
from veracity.store.enforcement import history_facts, record_enforcement
from veracity.store.queries import accounts_by_id
from veracity.store.tables import (
    AccountRow,
    CaseRow,
    ContentRow,
    DecisionRow,
    EventRow,
    ReportRow,
    SignalRow,
)
from veracity.store.upsert import insert_ignore

T = TypeVar("T", AccountIn, ContentIn, EventIn, ReportIn)


def _first_of_each_id(items: Sequence[T]) -> list[T]:
    """Keep the first item of each id in a batch; later copies are duplicates."""
    seen: set[str] = set()
    unique: list[T] = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            unique.append(item)
    return unique


def _report(order: Sequence[str], accepted: dict[str, ItemResult]) -> BatchResult:
    """Results in request order; only the first copy of an accepted id counts as accepted."""
    results: list[ItemResult] = []
    pending_accept = dict(accepted)
    for item_id in order:
        hit = pending_accept.pop(item_id, None)
        results.append(hit or ItemResult(id=item_id, status="duplicate"))
    n_acc = sum(1 for r in results if r.status == "accepted")
    return BatchResult(accepted=n_acc, duplicates=len(results) - n_acc, results=results)


def _report_new(items: Sequence[T], new_ids: set[str]) -> BatchResult:
    """The report for records that carry no decision: accepted if new, else duplicate."""
    return _report([i.id for i in items], {i: ItemResult(id=i, status="accepted") for i in new_ids})


class IngestService:
    def __init__(
        self,
        db: Database,
        pipeline: DecisionPipeline,
        before_content: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.pipeline = pipeline
        self._before_content = before_content

    # -- accounts ---------------------------------------------------------------------------

    def accounts(self, items: Sequence[AccountIn], now: datetime | None = None) -> BatchResult:
        now = now or utcnow()
        unique = _first_of_each_id(items)
        rows = [
            {
                "id": a.id,
                "handle": a.handle,
                "created_at": a.created_at,
                "region": a.region,
                "data": a.model_dump(mode="json"),
                "ingested_at": now,
            }
            for a in unique
        ]
        with self.db.transaction() as session:
            new = insert_ignore(session, AccountRow, rows, "id")
        return _report_new(items, new)

    # -- content: the online decision path --------------------------------------------------

    def content(self, items: Sequence[ContentIn], now: datetime | None = None) -> BatchResult:
        now = now or utcnow()
        if self._before_content is not None:
            self._before_content()
        pipeline = self.pipeline
        unique = _first_of_each_id(items)
        with self.db.transaction() as session:
            new_ids = insert_ignore(session, ContentRow, _content_rows(unique, now), "id")
            fresh = [c for c in unique if c.id in new_ids]
            insert_ignore(
                session,
                EventRow,
                [_content_created_event(c, now) for c in fresh],
                "id",
            )
            authors = {c.account_id for c in fresh}
            evaluated = pipeline.run(
                fresh,
                accounts_by_id(session, authors),
                now,
                account_facts=history_facts(session, authors),
                recent_posts=RecentPosts(session, now),
            )
            store_outcomes(session, evaluated, now)
        accepted = {
            e.item.id: ItemResult(
                id=e.item.id,
                status="accepted",
                decision_id=e.decision.id,
                actions=[a.key() for a in e.decision.actions],
            )
            for e in evaluated
        }
        return _report([c.id for c in items], accepted)

    # -- events and reports -----------------------------------------------------------------

    def events(self, items: Sequence[EventIn], now: datetime | None = None) -> BatchResult:
        now = now or utcnow()
        unique = _first_of_each_id(items)
        rows = [
            {
                "id": e.id,
                "type": e.type.value,
                "account_id": e.account_id,
                "content_id": e.content_id,
                "target_account_id": e.target_account_id,
                "occurred_at": e.occurred_at,
                "data": e.metadata,
                "ingested_at": now,
            }
            for e in unique
        ]
        with self.db.transaction() as session:
            new = insert_ignore(session, EventRow, rows, "id")
        return _report_new(items, new)

    def reports(self, items: Sequence[ReportIn], now: datetime | None = None) -> BatchResult:
        now = now or utcnow()
        unique = _first_of_each_id(items)
        rows = [
            {
                "id": r.id,
                "reporter_account_id": r.reporter_account_id,
                "content_id": r.content_id,
                "account_id": r.account_id,
                "reason": r.reason.value,
                "trusted_flagger": r.trusted_flagger,
                "occurred_at": r.occurred_at,
                "data": r.model_dump(mode="json"),
                "ingested_at": now,
            }
            for r in unique
        ]
        with self.db.transaction() as session:
            new = insert_ignore(session, ReportRow, rows, "id")
            reported = [r for r in unique if r.id in new]
            insert_ignore(session, EventRow, [_report_event(r, now) for r in reported], "id")
        return _report_new(items, new)


def _content_rows(items: Sequence[ContentIn], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "account_id": c.account_id,
            "kind": c.kind.value,
            "text": c.text,
            "language": c.language,
            "region": c.region,
            "created_at": c.created_at,
            "data": c.model_dump(mode="json"),
            "ingested_at": now,
        }
        for c in items
    ]


def system_event_id(kind: str, item_id: str) -> str:
    """``sys:<kind>:<id>``, the event-log id of a record's own event. An id too long for the
    128-character column is replaced by its SHA-256, so the id stays deterministic (re-sends
    remain duplicates) and PostgreSQL does not refuse the batch."""
    plain = f"sys:{kind}:{item_id}"
    if len(plain) <= MAX_ID_CHARS:
        return plain
    return f"sys:{kind}:#{hashlib.sha256(item_id.encode()).hexdigest()}"


def _content_created_event(item: ContentIn, now: datetime) -> dict[str, Any]:
    """Content creation enters the event log too, so analytics read one log."""
    return {
        "id": system_event_id("content_created", item.id),
        "type": EventType.CONTENT_CREATED.value,
        "account_id": item.account_id,
        "content_id": item.id,
        "target_account_id": None,
        "occurred_at": item.created_at or now,
        "data": {"kind": item.kind.value},
        "ingested_at": now,
    }


def _report_event(report: ReportIn, now: datetime) -> dict[str, Any]:
    return {
        "id": system_event_id("report", report.id),
        "type": EventType.REPORT.value,
        "account_id": report.reporter_account_id,
        "content_id": report.content_id,
        "target_account_id": report.account_id,
        "occurred_at": report.occurred_at,
        "data": {"reason": report.reason.value, "trusted_flagger": report.trusted_flagger},
        "ingested_at": now,
    }


def store_outcomes(session: Session, evaluated: Sequence[Evaluated], now: datetime) -> None:
    """Signals, decisions, review cases, outbox messages and statements of reasons (one per
    restrictive decision) for one batch, in bulk."""
    if not evaluated:
        return
    signal_rows: list[dict[str, Any]] = []
    decision_rows: list[dict[str, Any]] = []
    to_review: list[ToReview] = []
    for e in evaluated:
        for name, result in e.results.items():
            detector = e.decision.signals_used.get(f"signals.{name}", f"{name}@?")
            version = detector.split("@", 1)[1]
            signal_rows.append(
                {
                    "subject_type": SubjectType.CONTENT.value,
                    "subject_id": e.item.id,
                    "detector": name,
                    "detector_version": version,
                    "outputs": result.outputs,
                    "evidence": result.evidence,
                    "created_at": now,
                }
            )
        d = e.decision
        decision_rows.append(
            {
                "id": d.id,
                "subject_type": d.subject_type.value,
                "subject_id": d.subject_id,
                "trigger": d.trigger,
                "record": d.model_dump(mode="json"),
                "action_count": len(d.actions),
                "automated_decision": d.automated_decision,
                "created_at": d.created_at,
            }
        )
        if any(action.type is ActionType.ROUTE for action in d.actions):
            language = e.results.get("language")
            to_review.append(
                ToReview(d, e.item, str(language.outputs.get("code")) if language else None)
            )
    session.execute(insert(SignalRow), signal_rows)
    insert_ignore(session, DecisionRow, decision_rows, "id")
    if to_review:  # routed to people: queue, priority and SLA by the review routing rules
        config = configured_or_bundled()
        insert_ignore(session, CaseRow, case_rows(session, to_review, now, config), "id")
    enqueue_many(session, [e.decision for e in evaluated], now)
    record_enforcement(session, [(e.item.account_id, e.decision) for e in evaluated], now)
    save_statements(session, automated_statements(e.decision for e in evaluated))
