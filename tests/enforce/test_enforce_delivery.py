"""Webhook delivery over real HTTP to a local receiver: retries, dead letters, at-least-once."""

from __future__ import annotations

import dataclasses
import json
import random
import socket
import threading
from datetime import timedelta

import httpx
import pytest
from enforce_support import SECRET, T0, MakeDecision

from veracity.config import Settings
from veracity.enforce.delivery import (
    DeliveryResult,
    OutboxWorker,
    WebhookDelivery,
    classify,
    encode_body,
)
from veracity.enforce.outbox import (
    OutboxMessage,
    OutboxStatus,
    claim_batch,
    enqueue_many,
    get_message,
    list_after,
    list_dead,
    requeue_dead,
    stats,
)
from veracity.enforce.receiver import LocalReceiver
from veracity.store.db import Database

LATER = timedelta(hours=1)  # beyond any backoff in fast_settings: the next step is always due


def _enqueue(db: Database, make_decision: MakeDecision, n: int) -> None:
    with db.transaction() as s:
        enqueue_many(s, [make_decision(f"d-{i}") for i in range(n)], T0)


def _messages(db: Database) -> list[OutboxMessage]:
    with db.transaction() as s:
        return list_after(s, 0, 1000)


def test_retries_until_receiver_recovers(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver, worker: OutboxWorker
) -> None:
    _enqueue(db, make_decision, 5)
    receiver.fail_next(7)  # every message fails once, two of them twice
    now, delivered = T0, 0
    for _ in range(5):
        delivered += worker.run_once(now=now)
        now += LATER
    assert delivered == 5
    assert set(receiver.log.deliveries) == {f"d-{i}" for i in range(5)}
    assert receiver.log.duplicates == 0 and receiver.log.rejected == 0
    msgs = _messages(db)
    assert all(m.status is OutboxStatus.DELIVERED for m in msgs)
    assert sum(m.attempts for m in msgs) == 5 + 7
    assert {k: n for k, n in receiver.log.attempts.items()} == {
        m.idempotency_key: m.attempts for m in msgs
    }
    assert all(m.last_error and "HTTP 503" in m.last_error for m in msgs)


def test_body_is_signed_and_matches_payload(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver, worker: OutboxWorker
) -> None:
    _enqueue(db, make_decision, 1)
    assert worker.run_once() == 1
    (msg,) = _messages(db)
    assert receiver.log.deliveries["d-0"] == msg.payload
    assert msg.delivered_at is not None


def test_permanent_4xx_goes_to_dead_letters(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver, worker: OutboxWorker
) -> None:
    _enqueue(db, make_decision, 2)
    receiver.always(422)
    assert worker.run_once(now=T0) == 0
    with db.transaction() as s:
        dead = list_dead(s)
    assert [(m.attempts, m.status) for m in dead] == [(1, OutboxStatus.DEAD)] * 2
    assert all(m.last_error and m.last_error.startswith("HTTP 422") for m in dead)
    # Fixed on the platform side: an operator requeues and delivery completes.
    receiver.always(None)
    with db.transaction() as s:
        requeue_dead(s, None, now=T0)
    assert worker.run_once(now=T0) == 2


@pytest.mark.parametrize("code", [408, 429, 500, 503])
def test_retryable_statuses_stay_pending(
    db: Database,
    make_decision: MakeDecision,
    receiver: LocalReceiver,
    worker: OutboxWorker,
    code: int,
) -> None:
    _enqueue(db, make_decision, 1)
    receiver.fail_next(1, status=code)
    assert worker.run_once(now=T0) == 0
    (msg,) = _messages(db)
    assert (
        msg.status is OutboxStatus.PENDING
        and msg.last_error == f"HTTP {code} from receiver: " + '{"error": "receiver told to fail"}'
    )
    assert worker.run_once(now=T0 + LATER) == 1


def test_dead_letter_after_max_attempts_then_requeue(
    db: Database,
    make_decision: MakeDecision,
    receiver: LocalReceiver,
    worker: OutboxWorker,
    fast_settings: Settings,
) -> None:
    _enqueue(db, make_decision, 1)
    receiver.always(503)
    now = T0
    for _ in range(fast_settings.outbox_max_attempts + 2):
        worker.run_once(now=now)
        now += LATER
    (msg,) = _messages(db)
    assert msg.status is OutboxStatus.DEAD
    assert msg.attempts == fast_settings.outbox_max_attempts
    assert receiver.log.attempts["d-0"] == fast_settings.outbox_max_attempts
    receiver.always(None)
    with db.transaction() as s:
        assert requeue_dead(s, [msg.id], now=now) == [msg.id]
    assert worker.run_once(now=now) == 1
    assert list(receiver.log.deliveries) == ["d-0"]


def test_timeout_is_retried_and_receiver_dedupes(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver, fast_settings: Settings
) -> None:
    _enqueue(db, make_decision, 1)
    receiver.delay_next(1, 0.6)
    with WebhookDelivery(receiver.url, SECRET, timeout=0.2) as delivery:
        worker = OutboxWorker(db, delivery, fast_settings)
        assert worker.run_once(now=T0) == 0
        (msg,) = _messages(db)
        assert msg.last_error is not None and msg.last_error.startswith("timeout")
        assert worker.run_once(now=T0 + LATER) == 1
    # The slow first request may still have landed after the client gave up: at-least-once,
    # and the receiver applied the decision once.
    assert receiver.wait_for(1)
    assert list(receiver.log.deliveries) == ["d-0"]


def test_connection_refused_is_retried(
    db: Database, make_decision: MakeDecision, fast_settings: Settings
) -> None:
    with socket.socket() as sock:  # find a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _enqueue(db, make_decision, 1)
    with WebhookDelivery(f"http://127.0.0.1:{port}/hook", SECRET, timeout=1) as delivery:
        assert OutboxWorker(db, delivery, fast_settings).run_once(now=T0) == 0
    (msg,) = _messages(db)
    assert msg.status is OutboxStatus.PENDING
    assert msg.last_error is not None and msg.last_error.startswith("connection error")


def test_wrong_secret_is_a_permanent_failure(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver, fast_settings: Settings
) -> None:
    _enqueue(db, make_decision, 1)
    with WebhookDelivery(receiver.url, "not-the-secret") as delivery:
        assert OutboxWorker(db, delivery, fast_settings).run_once(now=T0) == 0
    assert receiver.log.rejected == 1
    (msg,) = _messages(db)
    assert msg.status is OutboxStatus.DEAD and "HTTP 401" in (msg.last_error or "")


def test_rotated_secrets_reach_a_receiver_on_either_key(
    db: Database, make_decision: MakeDecision, fast_settings: Settings
) -> None:
    _enqueue(db, make_decision, 1)
    with (
        LocalReceiver("old") as old_side,
        WebhookDelivery(old_side.url, ["new", "old"]) as delivery,
    ):
        assert OutboxWorker(db, delivery, fast_settings).run_once(now=T0) == 1
        assert old_side.log.rejected == 0


def test_worker_killed_after_sending_redelivers_same_key(
    db: Database,
    make_decision: MakeDecision,
    receiver: LocalReceiver,
    worker: OutboxWorker,
    fast_settings: Settings,
) -> None:
    """A worker that dies between the receiver's 200 and its own commit loses nothing."""
    _enqueue(db, make_decision, 3)
    with db.transaction() as s:
        claimed = claim_batch(s, T0, 10, fast_settings.outbox_lease_s)
    with WebhookDelivery(receiver.url, SECRET) as doomed:
        for msg in claimed[:2]:
            assert doomed.deliver(msg).ok
    # ... killed here: nothing was marked. While the lease holds nobody sends them again.
    assert worker.run_once(now=T0 + timedelta(seconds=1)) == 0
    lapsed = T0 + timedelta(seconds=fast_settings.outbox_lease_s)
    assert worker.run_once(now=lapsed) == 3
    assert set(receiver.log.deliveries) == {"d-0", "d-1", "d-2"}
    assert receiver.log.duplicates == 2  # re-sent with the same key, applied once
    assert all(m.status is OutboxStatus.DELIVERED and m.attempts == 2 for m in _messages(db))


def test_delivery_that_raises_is_retried(
    db: Database, make_decision: MakeDecision, fast_settings: Settings
) -> None:
    class Broken:
        def deliver(self, message: OutboxMessage) -> DeliveryResult:
            raise KeyError("bug in a transport")

    _enqueue(db, make_decision, 1)
    assert OutboxWorker(db, Broken(), fast_settings).run_once(now=T0) == 0
    (msg,) = _messages(db)
    assert msg.status is OutboxStatus.PENDING
    assert msg.last_error is not None and "KeyError" in msg.last_error


def test_messages_near_lease_end_are_given_back_unsent(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver, fast_settings: Settings
) -> None:
    ticks = iter([0.0, 1.0, 100.0, 100.0, 100.0])  # the batch runs past its lease after one send
    _enqueue(db, make_decision, 3)
    with WebhookDelivery(receiver.url, SECRET) as delivery:
        worker = OutboxWorker(
            db, delivery, fast_settings, concurrency=1, monotonic=lambda: next(ticks)
        )
        outcome = worker.run_batch(now=T0)
    assert (outcome.claimed, outcome.delivered, outcome.skipped) == (3, 1, 2)
    with db.transaction() as s:
        released = [get_message(s, m.id) for m in list_after(s, 1, 10)]
        assert all(m is not None and m.attempts == 0 and m.leased_until is None for m in released)


def test_run_forever_rides_out_an_outage(
    db: Database, make_decision: MakeDecision, receiver: LocalReceiver
) -> None:
    settings = Settings(
        webhook_secret=SECRET,
        outbox_backoff_base_s=0.02,
        outbox_backoff_max_s=0.1,
        outbox_max_attempts=100,
        outbox_poll_interval_s=0.01,
    )
    _enqueue(db, make_decision, 20)
    # The outage is counted in requests, not seconds: on a loaded machine the worker's first
    # attempt can come after a timed outage has already ended, and nothing would be tested.
    receiver.fail_next(12)
    stop = threading.Event()
    with WebhookDelivery(receiver.url, SECRET) as delivery:
        worker = OutboxWorker(db, delivery, settings, rng=random.Random(3))
        thread = threading.Thread(target=worker.run_forever, args=(stop,))
        thread.start()
        try:
            assert receiver.wait_for(20, timeout=15)
        finally:
            stop.set()
            thread.join(timeout=5)
    assert not thread.is_alive()
    assert receiver.log.failed_on_purpose == 12 and receiver.log.duplicates == 0
    with db.transaction() as s:
        st = stats(s)
    assert (st.delivered, st.pending, st.dead) == (20, 0, 0)


def _response(code: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(code, headers=headers, text="nope" if code >= 300 else "")


@pytest.mark.parametrize(
    ("code", "ok", "permanent"),
    [
        (200, True, False),
        (204, True, False),
        (301, False, True),
        (400, False, True),
        (404, False, True),
        (410, False, True),
        (408, False, False),
        (429, False, False),
        (500, False, False),
        (502, False, False),
    ],
)
def test_classify(code: int, ok: bool, permanent: bool) -> None:
    result = classify(_response(code))
    assert (result.ok, result.permanent, result.status_code) == (ok, permanent, code)


def test_classify_reads_retry_after_and_redirect_target() -> None:
    assert classify(_response(429, {"Retry-After": "12"})).retry_after_s == 12.0
    assert classify(_response(503, {"Retry-After": "soon"})).retry_after_s == 0.0
    moved = classify(_response(308, {"Location": "https://elsewhere/hook"}))
    assert moved.error is not None and "https://elsewhere/hook" in moved.error


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        WebhookDelivery("ftp://x", SECRET)
    with pytest.raises(ValueError, match="secret"):
        WebhookDelivery("http://x", [])
    with pytest.raises(ValueError, match="WEBHOOK_URL"):
        WebhookDelivery.from_settings(Settings(webhook_url=None))
    with pytest.raises(ValueError, match="concurrency"):
        OutboxWorker(None, None, Settings(), concurrency=0)  # type: ignore[arg-type]


def test_encoded_body_is_canonical(db: Database, make_decision: MakeDecision) -> None:
    """The same payload always gives the same bytes, whatever the key order it was built in."""
    _enqueue(db, make_decision, 1)
    (msg,) = _messages(db)
    body = encode_body(msg)
    assert json.loads(body) == msg.payload
    shuffled = dataclasses.replace(msg, payload=dict(reversed(list(msg.payload.items()))))
    assert encode_body(shuffled) == body
