"""Kill -9 of the server during a bulk import, restart, re-send everything: nothing is
duplicated, nothing is missing, and every actioned decision's webhook reaches the receiver
exactly once per idempotency key (the receiver dedupes repeats of a key, as a correct platform
receiver must; at-least-once delivery may repeat a key after a crash)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from veracity.bench.server_process import ServerProcess
from veracity.config import Settings
from veracity.detect.banks import BankEntry, add_entries
from veracity.enforce.receiver import LocalReceiver
from veracity.store.db import Database
from veracity.store.tables import ContentRow, DecisionRow, EventRow, OutboxRow

TOKEN = "crash-test-token"
SECRET = "crash-test-secret"
CLAIMS = [
    "the moon landing was filmed in a studio in nevada by the government",
    "drinking hot water every hour kills the virus in your throat",
    "five g towers spread the illness across the city at night",
]


def _posts(n: int) -> list[dict[str, Any]]:
    posts = []
    for i in range(n):
        text = (
            f"{CLAIMS[i % 3].upper()}!!"
            if i % 4 == 0
            else f"my day number {i} at the park with friends and a dog"
        )
        posts.append(
            {"id": f"post-{i:05d}", "account_id": f"acc-{i % 50}", "kind": "post", "text": text}
        )
    return posts


def _server(database_url: str, webhook_url: str, tmp: Path) -> ServerProcess:
    return ServerProcess(
        {
            "VERACITY_DATABASE_URL": database_url,
            "VERACITY_WEBHOOK_URL": webhook_url,
            "VERACITY_WEBHOOK_SECRET": SECRET,
            "VERACITY_API_TOKEN": TOKEN,
            "VERACITY_OUTBOX_POLL_INTERVAL_S": "0.05",
            "VERACITY_OUTBOX_BACKOFF_BASE_S": "0.05",
            "VERACITY_OUTBOX_BACKOFF_MAX_S": "0.5",
        },
        log_path=tmp / "server.log",
    )


@pytest.fixture
def receiver() -> Iterator[LocalReceiver]:
    r = LocalReceiver(SECRET).start()
    yield r
    r.stop()


def _send_all(
    url: str,
    batches: list[list[dict[str, Any]]],
    stop_after: int | None = None,
    sent: list[int] | None = None,
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(timeout=30) as client:
        for i, batch in enumerate(batches):
            try:
                r = client.post(f"{url}/v1/content/batch", json={"items": batch}, headers=headers)
            except httpx.HTTPError:
                return  # the server died under us
            assert r.status_code == 200, r.text
            if sent is not None:
                sent.append(i)


def _count(db: Database, table: Any, *where: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table).where(*where)) or 0)


@pytest.mark.slow
def test_kill9_during_bulk_import_loses_and_duplicates_nothing(
    database_url: str, receiver: LocalReceiver, tmp_path: Path
) -> None:
    db = Database(database_url)
    with db.transaction() as session:
        add_entries(session, "text", [BankEntry(f"c{i}", t, "false") for i, t in enumerate(CLAIMS)])
    posts = _posts(2000)
    batches = [posts[i : i + 50] for i in range(0, len(posts), 50)]

    server = _server(database_url, receiver.url, tmp_path)
    server.start()
    try:
        sent: list[int] = []
        importer = threading.Thread(target=_send_all, args=(server.url, batches, None, sent))
        importer.start()
        while len(sent) < 10:  # kill mid-import, with batches in flight
            time.sleep(0.01)
        server.kill9()
        importer.join(timeout=30)
        assert 10 <= len(sent) < len(batches), "the kill must land mid-import"
        killed_after = _count(db, ContentRow)
        assert 0 < killed_after < len(posts)

        server.start()
        _send_all(server.url, batches)  # the client cannot know what landed: re-send all

        actioned = _count(db, DecisionRow, DecisionRow.action_count > 0)
        assert actioned == len(posts) // 4  # every 4th post repeats a false claim
        assert receiver.wait_for(actioned, timeout=120), (
            f"{len(receiver.log.deliveries)} of {actioned} webhooks delivered"
        )
    finally:
        server.stop()

    assert _count(db, ContentRow) == len(posts)
    assert _count(db, DecisionRow) == len(posts)
    assert _count(db, EventRow, EventRow.type == "content_created") == len(posts)
    assert _count(db, OutboxRow) == actioned
    with db.transaction() as session:
        keys = set(session.scalars(select(OutboxRow.idempotency_key)))
    assert set(receiver.log.deliveries) == keys
    # Requests cut off mid-body by the kill fail signature checks at the receiver and are
    # rejected, as they must be; at most the worker's in-flight requests can be cut off.
    assert receiver.log.rejected <= Settings().outbox_concurrency
    db.dispose()
