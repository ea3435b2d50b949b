"""The consumer loop: a consumer group, bounded in-flight batches, commits after processing.

The main thread owns the Kafka consumer (poll, pause, resume, commit); one worker thread runs
the batches through the detectors. At most ``max_in_flight`` batches wait or run at once: when
that many are pending, the assigned partitions are paused and the loop keeps polling (so the
group does not evict it) without fetching more, so a slow detector bounds memory instead of
growing it. A batch's offsets are committed only after its transaction committed and its
outputs were delivered, in batch order: a crash re-delivers, and re-delivery is idempotent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, TopicPartition

from veracity.stream.processor import BatchProcessor, BatchStats

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsumerSettings:
    bootstrap: str
    topic: str
    group: str
    batch_size: int = 100
    max_in_flight: int = 2
    poll_timeout_s: float = 0.5
    session_timeout_ms: int = 6000
    stop_when_idle_s: float | None = None

    def kafka_config(self) -> dict[str, Any]:
        return {
            "bootstrap.servers": self.bootstrap,
            "group.id": self.group,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": self.session_timeout_ms,
            "heartbeat.interval.ms": max(100, self.session_timeout_ms // 6),
            # Bound what librdkafka prefetches, so memory is batches + this, not the backlog.
            "queued.max.messages.kbytes": 8192,
            "queued.min.messages": max(self.batch_size, 1000),
        }


def _offsets(batch: Sequence[Message]) -> list[TopicPartition]:
    """The next offset to read on each partition the batch touched."""
    last: dict[tuple[str, int], int] = {}
    for msg in batch:
        key = (msg.topic() or "", msg.partition() or 0)
        last[key] = max(last.get(key, -1), msg.offset() or 0)
    return [TopicPartition(t, p, o + 1) for (t, p), o in last.items()]


class StreamConsumer:
    def __init__(
        self,
        settings: ConsumerSettings,
        processor: BatchProcessor,
        consumer: Consumer | None = None,
    ) -> None:
        self.settings = settings
        self.processor = processor
        self.consumer = consumer or Consumer(settings.kafka_config())
        self.stats = BatchStats()
        self.committed_batches = 0
        self.paused_times = 0
        self._stop = threading.Event()
        # Idle time counts from the first assignment: joining a group can wait out the session
        # timeout of a member that died.
        self._idle_since: float | None = None
        self._pending: deque[tuple[list[Message], Future[BatchStats]]] = deque()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="veracity-stream")

    def stop(self) -> None:
        """Ask the loop to finish its pending batches, commit them and return."""
        self._stop.set()

    def run(self) -> BatchStats:
        """Consume until stopped (or idle for ``stop_when_idle_s``); returns the totals."""
        s = self.settings
        self.consumer.subscribe([s.topic], on_assign=self._on_assign, on_revoke=self._on_revoke)
        paused = False
        try:
            while not self._stop.is_set():
                self._complete(block=False)
                if len(self._pending) >= s.max_in_flight:
                    # Paused again each turn: a rebalance may have assigned new partitions.
                    self.consumer.pause(self.consumer.assignment())
                    if not paused:
                        paused = True
                        self.paused_times += 1
                    self._complete(block=True, timeout=s.poll_timeout_s)
                    # Keep polling (heartbeats, rebalances, max.poll.interval.ms); pausing
                    # purged the fetch queue, so this returns nothing to hold in memory.
                    stray = self._consume(timeout_s=0.0)
                    if stray:
                        self._submit(stray)
                    continue
                if paused:
                    self.consumer.resume(self.consumer.assignment())
                    paused = False
                batch = self._consume(timeout_s=s.poll_timeout_s)
                if batch:
                    self._submit(batch)
                elif (
                    s.stop_when_idle_s is not None
                    and not self._pending
                    and self._idle_since is not None
                    and time.monotonic() - self._idle_since >= s.stop_when_idle_s
                ):
                    break
            while self._pending:
                self._complete(block=True)
        finally:
            self._executor.shutdown(wait=True)
            self.consumer.close()
        return self.stats

    def _submit(self, batch: list[Message]) -> None:
        self._idle_since = time.monotonic()
        self._pending.append((batch, self._executor.submit(self.processor.process, batch)))

    def _consume(self, timeout_s: float) -> list[Message]:
        batch: list[Message] = []
        for msg in self.consumer.consume(self.settings.batch_size, timeout_s):
            err = msg.error()
            if err is None:
                batch.append(msg)
            elif err.code() != KafkaError._PARTITION_EOF:
                if err.fatal():
                    raise KafkaException(err)
                log.warning("kafka: %s", err)
        return batch

    def _complete(self, *, block: bool, timeout: float | None = None) -> None:
        """Commit finished batches in order; a failed batch stops the loop uncommitted."""
        while self._pending:
            batch, future = self._pending[0]
            if not future.done():
                if not block:
                    return
                try:
                    future.exception(timeout=timeout)
                except TimeoutError:
                    return
            self._pending.popleft()
            self.stats.add(future.result())  # re-raises: the batch is redelivered on restart
            try:
                self.consumer.commit(offsets=_offsets(batch), asynchronous=False)
                self.committed_batches += 1
            except KafkaException as exc:  # e.g. partitions moved: the new owner re-reads
                log.warning("offset commit failed, batch will be redelivered: %s", exc)
            if timeout is not None:
                timeout = 0

    def _on_assign(self, _consumer: Consumer, _partitions: list[TopicPartition]) -> None:
        self._idle_since = time.monotonic()

    def _on_revoke(self, _consumer: Consumer, _partitions: list[TopicPartition]) -> None:
        """Finish and commit what is in flight before the partitions move (fewer redeliveries)."""
        while self._pending:
            self._complete(block=True)
