"""Kafka ingestion against librdkafka's mock cluster: every event decided once, across a
consumer killed mid-stream, redelivery, malformed messages and a slow detector."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from confluent_kafka import Message
from sqlalchemy import func, select
from stream_support import MockKafka, content, produce, produce_content, read_all
from typer.testing import CliRunner

from veracity.cli import app
from veracity.config import Settings
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.store.tables import ContentRow, DecisionRow
from veracity.stream.consumer import ConsumerSettings, StreamConsumer
from veracity.stream.processor import REASON_HEADER, BatchProcessor, BatchStats

CHILD = """
import sys
from veracity.cli import app
sys.argv = ["veracity", *sys.argv[1:]]
app()
"""


def _decisions(db: Database) -> tuple[int, int, int]:
    """(content rows, ingest decisions, distinct content ids decided)."""
    with db.transaction() as session:
        rows = session.scalar(select(func.count()).select_from(ContentRow)) or 0
        where = (DecisionRow.subject_type == "content", DecisionRow.trigger == "ingest")
        decisions = session.scalar(select(func.count()).select_from(DecisionRow).where(*where))
        distinct = session.scalar(
            select(func.count(func.distinct(DecisionRow.subject_id))).where(*where)
        )
    return int(rows), int(decisions or 0), int(distinct or 0)


def _processor(db: Database, kafka: MockKafka, topic: str) -> BatchProcessor:
    from confluent_kafka import Producer

    runtime = build_runtime(db, Settings(database_url=db.url))
    return BatchProcessor(
        runtime.ingest,
        Producer({"bootstrap.servers": kafka.bootstrap, "log_level": 3}),
        dead_letter_topic=f"{topic}.dlq",
        output_topic=f"{topic}.decisions",
    )


def _settings(kafka: MockKafka, topic: str, **kw: object) -> ConsumerSettings:
    return ConsumerSettings(
        bootstrap=kafka.bootstrap,
        topic=topic,
        group="g1",
        stop_when_idle_s=2.0,
        **kw,  # type: ignore[arg-type]
    )


def _one_decision_per_key(kafka: MockKafka, topic: str, n: int) -> dict[str, set[str]]:
    by_key: dict[str, set[str]] = defaultdict(set)
    for msg in read_all(kafka.bootstrap, topic, n):
        by_key[msg.key().decode()].add(json.loads(msg.value())["id"])
    return by_key


def test_consumer_killed_mid_stream_every_event_decided_once(
    db: Database, kafka: MockKafka, tmp_path: Path
) -> None:
    n, topic = 400, "posts"
    for name in (topic, f"{topic}.decisions", f"{topic}.dlq"):
        kafka.create_topic(name)
    produce_content(kafka.bootstrap, topic, range(0, n // 2))
    args = [
        sys.executable,
        "-c",
        CHILD,
        "stream",
        "consume",
        "--bootstrap",
        kafka.bootstrap,
        "--topic",
        topic,
        "--group",
        "g1",
        "--output-topic",
        f"{topic}.decisions",
        "--batch-size",
        "20",
        "--database-url",
        db.url,
    ]
    env = {**os.environ, "VERACITY_DATABASE_URL": db.url}
    log = tmp_path / "first.log"  # a file, not a pipe: a full pipe would stall the child
    with log.open("wb") as out:
        first = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 40
        while _decisions(db)[1] < 40 and time.monotonic() < deadline:
            assert first.poll() is None, log.read_text(errors="replace")
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)  # mid-stream: half the stream is not even produced
    finally:
        first.wait(10)
    decided_at_kill = _decisions(db)[1]
    assert 40 <= decided_at_kill <= n // 2
    produce_content(kafka.bootstrap, topic, range(n // 2, n))

    second = subprocess.run(
        [*args, "--stop-when-idle", "3"], env=env, capture_output=True, timeout=60, check=False
    )
    assert second.returncode == 0, second.stderr.decode()
    report = json.loads(second.stdout.decode().strip().splitlines()[-1])
    assert report["accepted"] == n - decided_at_kill  # what the killed one stored is a duplicate
    assert report["accepted"] + report["duplicates"] == report["messages"]
    assert _decisions(db) == (n, n, n)  # every event decided exactly once

    by_key = _one_decision_per_key(kafka, f"{topic}.decisions", n)
    assert set(by_key) == {f"c{i}" for i in range(n)}
    assert all(len(ids) == 1 for ids in by_key.values())  # re-published, never re-decided


def test_redelivered_batch_is_a_duplicate_and_republished(db: Database, kafka: MockKafka) -> None:
    topic = "redeliver"
    for name in (topic, f"{topic}.decisions", f"{topic}.dlq"):
        kafka.create_topic(name)
    produce_content(kafka.bootstrap, topic, range(10))
    processor = _processor(db, kafka, topic)

    # A consumer that stores a batch and dies before committing its offsets.
    from confluent_kafka import Consumer

    crashed = Consumer(_settings(kafka, topic).kafka_config())
    crashed.subscribe([topic])
    got: list[Message] = []
    deadline = time.monotonic() + 20
    while len(got) < 10 and time.monotonic() < deadline:
        got.extend(m for m in crashed.consume(10, 0.5) if m.error() is None)
    assert processor.process(got).accepted == 10
    crashed.close()  # no commit

    stats = StreamConsumer(_settings(kafka, topic, batch_size=5), processor).run()
    assert (stats.messages, stats.accepted, stats.duplicates) == (10, 0, 10)
    assert _decisions(db) == (10, 10, 10)
    by_key = _one_decision_per_key(kafka, f"{topic}.decisions", 20)
    assert sum(1 for _ in by_key) == 10 and all(len(v) == 1 for v in by_key.values())


def test_malformed_messages_go_to_dead_letter_topic_without_blocking(
    db: Database, kafka: MockKafka
) -> None:
    topic = "mixed"
    for name in (topic, f"{topic}.decisions", f"{topic}.dlq"):
        kafka.create_topic(name)
    good = [json.dumps(content(i)).encode() for i in range(3)]
    bad = [
        b"{not json",
        b"\xff\xfe invalid utf-8",
        json.dumps({"id": "x", "kind": "post"}).encode(),  # no account_id
        b"[" * 100 + b"]" * 100,
        b"",
    ]
    produce(
        kafka.bootstrap, topic, [bad[0], good[0], bad[1], bad[2], good[1], bad[3], bad[4], good[2]]
    )
    produce(
        kafka.bootstrap, topic, [json.dumps(content(9)).encode()], headers=[[("kind", b"nonsense")]]
    )

    stats = StreamConsumer(_settings(kafka, topic), _processor(db, kafka, topic)).run()
    assert (stats.accepted, stats.dead_lettered) == (3, 6)
    assert _decisions(db) == (3, 3, 3)
    dead = read_all(kafka.bootstrap, f"{topic}.dlq", 6)
    reasons = [dict(m.headers())[REASON_HEADER].decode() for m in dead]
    assert len(reasons) == 6
    assert any("malformed JSON" in r for r in reasons)
    assert any("invalid UTF-8" in r for r in reasons)
    assert any("account_id" in r for r in reasons)
    assert any("deeper" in r for r in reasons)
    assert any("empty" in r for r in reasons)
    assert any("unknown kind" in r for r in reasons)
    assert b"{not json" in {m.value() for m in dead}  # the original bytes, for replay


class SlowProcessor(BatchProcessor):
    """A slow detector: each batch takes a while; records how many batches were queued."""

    loop: StreamConsumer | None = None
    most_pending = 0

    def process(self, messages: Sequence[Message]) -> BatchStats:
        assert self.loop is not None
        self.most_pending = max(self.most_pending, len(self.loop._pending))
        time.sleep(0.15)
        return super().process(messages)


def test_slow_detector_pauses_partitions_instead_of_buffering(
    db: Database, kafka: MockKafka
) -> None:
    topic = "slow"
    for name in (topic, f"{topic}.decisions", f"{topic}.dlq"):
        kafka.create_topic(name)
    produce_content(kafka.bootstrap, topic, range(200))
    base = _processor(db, kafka, topic)
    slow = SlowProcessor(
        base.service,
        base.producer,
        dead_letter_topic=base.dead_letter_topic,
        output_topic=base.output_topic,
    )
    loop = StreamConsumer(_settings(kafka, topic, batch_size=10, max_in_flight=2), slow)
    slow.loop = loop
    stats = loop.run()
    assert stats.accepted == 200 and _decisions(db) == (200, 200, 200)
    assert loop.paused_times >= 1  # the queue filled and fetching stopped
    assert slow.most_pending <= 2  # never more than max_in_flight batches held


def test_cli_rejects_bad_options() -> None:
    runner = CliRunner()
    cases = [
        ["--bootstrap", "no-port", "--topic", "t", "--group", "g"],
        ["--bootstrap", "h:1", "--topic", "bad topic!", "--group", "g"],
        ["--bootstrap", "h:1", "--topic", "t", "--group", "g", "--output-topic", "t"],
        ["--bootstrap", "h:1", "--topic", "t", "--group", "g", "--kind", "videos"],
        ["--bootstrap", "h:1", "--topic", "t", "--group", "g", "--batch-size", "0"],
    ]
    for args in cases:
        result = runner.invoke(app, ["stream", "consume", *args])
        assert result.exit_code == 2, (args, result.output)
