"""A Kafka-protocol broker that runs here: librdkafka's built-in mock cluster.

The cluster lives inside the fixture's producer; any client (also a subprocess) reaches it
through the bootstrap address that producer reports.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from stream_support import MockKafka

confluent_kafka = pytest.importorskip("confluent_kafka")


@pytest.fixture
def kafka() -> Iterator[MockKafka]:
    holder = confluent_kafka.Producer({"test.mock.num.brokers": 1, "log_level": 3})
    brokers = holder.list_topics(timeout=10).brokers.values()
    bootstrap = ",".join(f"{b.host}:{b.port}" for b in brokers)
    yield MockKafka(bootstrap, holder)
    holder.flush(5)
