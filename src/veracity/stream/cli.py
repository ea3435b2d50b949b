"""``veracity stream consume``: ingest a Kafka topic and publish decisions to another."""

from __future__ import annotations

import re
import signal
from typing import Annotated, Any

import typer

from veracity.cli_common import emit, fail, info

HOST_PORT = re.compile(r"^[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")
TOPIC = re.compile(r"^[A-Za-z0-9._\-]{1,249}$")

stream_app = typer.Typer(help="Kafka stream ingestion.", no_args_is_help=True)


def _check(bootstrap: str, topics: dict[str, str | None], group: str) -> None:
    for server in bootstrap.split(","):
        if not HOST_PORT.match(server.strip()):
            fail(f"--bootstrap: expected HOST:PORT[,HOST:PORT...], got {server!r}")
    for option, name in topics.items():
        if name is not None and (not TOPIC.match(name) or name in {".", ".."}):
            fail(f"{option}: invalid topic name {name!r} (letters, digits, '.', '_', '-')")
    if not group.strip() or len(group) > 255:
        fail("--group: must be 1-255 characters")


@stream_app.command("consume")
def consume(
    bootstrap: Annotated[str, typer.Option(help="Kafka brokers, HOST:PORT[,HOST:PORT].")],
    topic: Annotated[str, typer.Option(help="Topic to ingest.")],
    group: Annotated[str, typer.Option(help="Consumer group id; run more consumers to scale.")],
    output_topic: Annotated[
        str | None, typer.Option(help="Publish each content decision here (key = content id).")
    ] = None,
    dead_letter_topic: Annotated[
        str | None, typer.Option(help="Malformed messages go here; default <topic>.dlq.")
    ] = None,
    kind: Annotated[
        str, typer.Option(help="Record kind when a message has no 'kind' header.")
    ] = "content",
    batch_size: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    max_in_flight: Annotated[
        int, typer.Option(min=1, max=64, help="Batches queued before partitions pause.")
    ] = 2,
    stop_when_idle: Annotated[
        float | None, typer.Option(min=0.1, help="Exit after this many seconds with no message.")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL; default VERACITY_DATABASE_URL."),
    ] = None,
) -> None:
    """Consume until SIGTERM/SIGINT (or idle). Offsets are committed after each batch is stored
    and its outputs delivered: at-least-once delivery; a re-delivery decides nothing twice."""
    from veracity.ingest.bulk import KINDS

    dlq = dead_letter_topic or f"{topic}.dlq"
    _check(
        bootstrap,
        {"--topic": topic, "--output-topic": output_topic, "--dead-letter-topic": dlq},
        group,
    )
    if kind not in KINDS:
        fail(f"--kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    if dlq == topic or output_topic == topic:
        fail("--output-topic and --dead-letter-topic must differ from --topic")

    from confluent_kafka import Producer

    from veracity.config import get_settings
    from veracity.runtime import build_runtime
    from veracity.store.db import Database
    from veracity.stream.consumer import ConsumerSettings, StreamConsumer
    from veracity.stream.processor import BatchProcessor

    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    db = Database(settings.database_url)
    runtime = build_runtime(db, settings)
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    processor = BatchProcessor(
        runtime.ingest,
        producer,
        dead_letter_topic=dlq,
        output_topic=output_topic,
        default_kind=kind,
    )
    loop = StreamConsumer(
        ConsumerSettings(
            bootstrap=bootstrap,
            topic=topic,
            group=group,
            batch_size=batch_size,
            max_in_flight=max_in_flight,
            stop_when_idle_s=stop_when_idle,
        ),
        processor,
    )

    def _stop(_signum: int, _frame: Any) -> None:
        info("stopping: finishing in-flight batches")
        loop.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    info(f"consuming {topic} as group {group}")
    stats = loop.run()
    emit({**stats.to_dict(), "committed_batches": loop.committed_batches})


def register(app: typer.Typer) -> None:
    app.add_typer(stream_app, name="stream")
