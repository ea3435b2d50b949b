"""Producing and reading topics in the stream tests."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition


@dataclass
class MockKafka:
    bootstrap: str
    holder: object

    def create_topic(self, name: str) -> None:
        """The mock cluster has no CreateTopics; a producer's metadata request auto-creates
        the topic (4 partitions)."""
        metadata = self.holder.list_topics(name, timeout=10)  # type: ignore[attr-defined]
        assert metadata.topics[name].error is None


def content(i: int) -> dict[str, Any]:
    return {"id": f"c{i}", "account_id": f"a{i % 7}", "kind": "post", "text": f"post number {i}"}


def produce(
    bootstrap: str,
    topic: str,
    values: list[bytes],
    keys: list[bytes] | None = None,
    headers: list[list[tuple[str, str | bytes | None]]] | None = None,
) -> None:
    producer = Producer({"bootstrap.servers": bootstrap})
    for i, value in enumerate(values):
        producer.produce(
            topic,
            value,
            keys[i] if keys else None,
            headers=headers[i] if headers else [],
        )
    assert producer.flush(10) == 0


def produce_content(bootstrap: str, topic: str, ids: range) -> None:
    produce(
        bootstrap,
        topic,
        [json.dumps(content(i)).encode() for i in ids],
        [f"c{i}".encode() for i in ids],
    )


def read_all(bootstrap: str, topic: str, expect: int, timeout_s: float = 20.0) -> list[Any]:
    """Every message of ``topic`` from the start, once ``expect`` have arrived (or timeout)."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "reader",
            "enable.auto.commit": False,
        }
    )
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    out: list[Any] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            for msg in consumer.consume(500, 0.5):
                if msg.error() is None:
                    out.append(msg)
            if len(out) >= expect:
                # a little longer, to catch anything beyond the expected count
                for msg in consumer.consume(500, 1.0):
                    if msg.error() is None:
                        out.append(msg)
                break
    finally:
        consumer.close()
    return out
