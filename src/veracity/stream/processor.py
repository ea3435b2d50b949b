"""Process one batch of Kafka messages: ingest, dead-letter, publish decisions.

The ingest service stores each kind of record in one transaction and answers a re-sent id
with ``duplicate``, so a batch that is delivered again after a crash decides nothing twice.
Decisions are published after that commit and before the consumer commits its offsets: a
crash in between re-publishes the stored decision (same decision id) on redelivery, so the
output topic is at-least-once too and readers dedupe on the decision id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import Message, Producer
from pydantic import BaseModel
from sqlalchemy import select

from veracity.ingest.bulk import KINDS
from veracity.ingest.service import IngestService
from veracity.store.tables import DecisionRow
from veracity.stream.messages import Parsed, Rejected, parse_message

# Accounts first: content and events refer to them.
KIND_ORDER = ("accounts", "content", "events", "reports")
REASON_HEADER = "veracity-dead-letter-reason"


@dataclass
class BatchStats:
    messages: int = 0
    accepted: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    published: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, other: BatchStats) -> None:
        self.messages += other.messages
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.dead_lettered += other.dead_lettered
        self.published += other.published
        for kind, n in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "dead_lettered": self.dead_lettered,
            "published": self.published,
            "by_kind": dict(self.by_kind),
        }


class DeliveryError(RuntimeError):
    """The producer could not confirm every dead letter or decision; offsets stay uncommitted."""


class BatchProcessor:
    def __init__(
        self,
        service: IngestService,
        producer: Producer,
        *,
        dead_letter_topic: str,
        output_topic: str | None,
        default_kind: str = "content",
        flush_timeout_s: float = 30.0,
    ) -> None:
        if default_kind not in KINDS:
            raise ValueError(f"unknown kind {default_kind!r}; expected one of {', '.join(KINDS)}")
        self.service = service
        self.producer = producer
        self.dead_letter_topic = dead_letter_topic
        self.output_topic = output_topic
        self.default_kind = default_kind
        self.flush_timeout_s = flush_timeout_s
        self._failed: list[str] = []

    def process(self, messages: Sequence[Message]) -> BatchStats:
        """Ingest the batch; raises DeliveryError when Kafka did not take every output."""
        stats = BatchStats(messages=len(messages))
        by_kind: dict[str, list[BaseModel]] = {k: [] for k in KIND_ORDER}
        for msg in messages:
            outcome = parse_message(msg.value(), msg.headers(), self.default_kind)
            if isinstance(outcome, Rejected):
                self._dead_letter(msg, outcome.reason)
                stats.dead_lettered += 1
            else:
                assert isinstance(outcome, Parsed)
                by_kind[outcome.kind].append(outcome.record)
        content_ids: list[str] = []
        for kind in KIND_ORDER:
            records = by_kind[kind]
            if not records:
                continue
            result = getattr(self.service, kind)(records)
            stats.accepted += result.accepted
            stats.duplicates += result.duplicates
            stats.by_kind[kind] = len(records)
            if kind == "content":
                content_ids = [r.id for r in records]  # type: ignore[attr-defined]
        if self.output_topic and content_ids:
            stats.published = self._publish_decisions(content_ids)
        self._flush()
        return stats

    def _publish_decisions(self, content_ids: list[str]) -> int:
        """Publish each content item's ingest decision, new or stored before (key = content id)."""
        assert self.output_topic is not None
        wanted = set(content_ids)
        with self.service.db.transaction() as session:
            rows = session.execute(
                select(DecisionRow.subject_id, DecisionRow.record)
                .where(
                    DecisionRow.subject_type == "content",
                    DecisionRow.trigger == "ingest",
                    DecisionRow.subject_id.in_(wanted),
                )
                .order_by(DecisionRow.seq)
            ).all()
        first: dict[str, dict[str, Any]] = {}
        for subject_id, record in rows:
            first.setdefault(subject_id, record)
        for subject_id, record in first.items():
            self._produce(
                self.output_topic,
                json.dumps(record, default=str).encode(),
                subject_id.encode(),
                None,
            )
        return len(first)

    def _dead_letter(self, msg: Message, reason: str) -> None:
        headers: list[tuple[str, str | bytes | None]] = [
            (REASON_HEADER, reason.encode()),
            ("veracity-source", f"{msg.topic()}/{msg.partition()}/{msg.offset()}".encode()),
        ]
        self._produce(self.dead_letter_topic, msg.value() or b"", msg.key(), headers)

    def _produce(
        self,
        topic: str,
        value: bytes,
        key: bytes | None,
        headers: list[tuple[str, str | bytes | None]] | None,
    ) -> None:
        def delivered(err: Any, _msg: Any) -> None:
            if err is not None:
                self._failed.append(str(err))

        while True:
            try:
                self.producer.produce(
                    topic, value, key, headers=headers or [], on_delivery=delivered
                )
                return
            except BufferError:  # local queue full: wait for deliveries, then retry
                self.producer.poll(0.5)

    def _flush(self) -> None:
        left = self.producer.flush(self.flush_timeout_s)
        failed, self._failed = self._failed, []
        if left or failed:
            raise DeliveryError(
                f"{left} message(s) undelivered, {len(failed)} failed"
                + (f": {failed[0]}" if failed else "")
            )
