"""Several workers on one outbox: leases keep them off each other's messages, and a worker
killed with SIGKILL mid-batch loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta

import pytest
from enforce_support import SECRET, T0, MakeDecision

from veracity.config import Settings
from veracity.enforce.delivery import OutboxWorker, WebhookDelivery
from veracity.enforce.outbox import OutboxStatus, claim_batch, enqueue_many, list_after, stats
from veracity.enforce.receiver import LocalReceiver
from veracity.store.db import Database


def test_two_workers_never_send_a_message_twice(
    db: Database,
    make_decision: MakeDecision,
    receiver: LocalReceiver,
    fast_settings: Settings,
) -> None:
    total = 200
    with db.transaction() as s:
        enqueue_many(s, [make_decision(f"d-{i}") for i in range(total)], T0)
    settings = fast_settings.model_copy(update={"outbox_batch_size": 10})
    errors: list[BaseException] = []

    def drain() -> None:
        # Its own engine and pool, as a separate worker process would have.
        own_db = Database(db.url, migrate=False)
        try:
            with WebhookDelivery(receiver.url, SECRET) as delivery:
                worker = OutboxWorker(own_db, delivery, settings)
                while worker.run_batch().claimed:
                    pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            own_db.dispose()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert len(receiver.log.deliveries) == total
    assert receiver.log.duplicates == 0
    assert set(receiver.log.attempts.values()) == {1}
    with db.transaction() as s:
        assert stats(s).delivered == total


def test_concurrent_claims_take_disjoint_rows(db: Database, make_decision: MakeDecision) -> None:
    """Two open claim transactions at once: PostgreSQL's SKIP LOCKED hands them different rows
    (SQLite has a single writer, so there the second claim simply waits its turn)."""
    if db.dialect != "postgresql":
        pytest.skip("overlapping write transactions need PostgreSQL")
    with db.transaction() as s:
        enqueue_many(s, [make_decision(f"d-{i}") for i in range(6)], T0)
    with db.transaction() as first, db.transaction() as second:
        a = claim_batch(first, T0, 4, 30)
        b = claim_batch(second, T0, 4, 30)
    assert [m.idempotency_key for m in a] == ["d-0", "d-1", "d-2", "d-3"]
    assert [m.idempotency_key for m in b] == ["d-4", "d-5"]


CHILD = textwrap.dedent(
    """
    import sys, threading
    from veracity.config import Settings
    from veracity.enforce.delivery import OutboxWorker, WebhookDelivery
    from veracity.store.db import Database

    url, hook, secret = sys.argv[1:4]
    settings = Settings(outbox_batch_size=50, outbox_lease_s=30, outbox_poll_interval_s=0.01)
    db = Database(url, migrate=False)
    worker = OutboxWorker(db, WebhookDelivery(hook, secret), settings, concurrency=2)
    print("ready", flush=True)
    worker.run_forever(threading.Event())
    """
)


@pytest.mark.slow
def test_sigkilled_worker_loses_nothing(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver, fast_settings: Settings
) -> None:
    total = 12
    now = datetime.now(UTC)
    with db.transaction() as s:
        enqueue_many(s, [make_decision(f"d-{i}") for i in range(total)], now)
    receiver.delay_next(total, 0.1)  # slow enough to kill the worker mid-batch
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db.url, receiver.url, SECRET],
        stdout=subprocess.PIPE,
        env={**os.environ, "VERACITY_WEBHOOK_SECRET": SECRET},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        assert receiver.wait_for(3, timeout=20)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    sent_before_kill = len(receiver.log.deliveries)
    assert 3 <= sent_before_kill < total
    # The dead worker still holds its lease; once it lapses a fresh worker finishes the job.
    with WebhookDelivery(receiver.url, SECRET) as delivery:
        survivor = OutboxWorker(db, delivery, fast_settings)
        assert survivor.run_once(now=datetime.now(UTC)) == 0
        later = datetime.now(UTC) + timedelta(seconds=31)
        survivor.run_once(now=later)
    assert set(receiver.log.deliveries) == {f"d-{i}" for i in range(total)}
    with db.transaction() as s:
        msgs = list_after(s, 0, 100)
    assert all(m.status is OutboxStatus.DELIVERED for m in msgs)
    # Only messages in flight when the worker died (two at a time) can arrive twice, and the
    # receiver applies them once.
    assert receiver.log.duplicates <= 2
