"""The outbox table: idempotent enqueue, leases, backoff, dead letters, requeue, stats."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from enforce_support import T0, MakeDecision
from sqlalchemy import func, select

from veracity.enforce.backoff import RetryPolicy
from veracity.enforce.outbox import (
    OutboxStatus,
    claim_batch,
    enqueue_decision,
    enqueue_many,
    get_message,
    list_dead,
    mark_delivered,
    mark_failed,
    release,
    requeue_dead,
    stats,
)
from veracity.store.db import Database
from veracity.store.tables import OutboxRow

POLICY = RetryPolicy(base_s=1.0, max_s=8.0, max_attempts=3)


def _count(db: Database) -> int:
    with db.transaction() as s:
        return int(s.execute(select(func.count()).select_from(OutboxRow)).scalar_one())


def test_enqueue_writes_payload_once(db: Database, make_decision: MakeDecision) -> None:
    d = make_decision("d-1")
    with db.transaction() as s:
        assert enqueue_decision(s, d, T0) == 1
    with db.transaction() as s:
        assert enqueue_decision(s, d, T0 + timedelta(hours=1)) == 0
    assert _count(db) == 1
    with db.transaction() as s:
        (msg,) = claim_batch(s, T0, 10, 30)
    assert msg.idempotency_key == "d-1" and msg.topic == "decision"
    p = msg.payload
    assert p["idempotency_key"] == p["decision_id"] == "d-1"
    assert (p["subject_type"], p["subject_id"]) == ("content", "c1")
    assert [a["type"] for a in p["actions"]] == ["label", "reduce"]
    assert p["actions"][0]["params"] == {"label": "unverified"}
    # Shadow matches have no effect on the platform, so they are not sent.
    assert [r["rule_id"] for r in p["matched_rules"]] == ["known-false-claim"]
    assert p["explanation"] == d.explain() and "automatically" in p["explanation"]
    assert p["automated_decision"] is True
    assert p["created_at"] == "2025-01-01T12:00:00+00:00"


def test_decision_without_actions_is_not_queued(db: Database, make_decision: MakeDecision) -> None:
    with db.transaction() as s:
        assert enqueue_decision(s, make_decision("d-0", actions=False), T0) == 0
    assert _count(db) == 0


def test_enqueue_many_is_idempotent_across_chunks(
    db: Database, make_decision: MakeDecision
) -> None:
    first = [make_decision(f"d-{i}") for i in range(300)]
    with db.transaction() as s:
        assert enqueue_many(s, first, T0) == 300
    # 1200 decisions (more than two INSERT chunks): 300 already queued, 100 repeated in the
    # batch itself, 100 without actions.
    batch = [make_decision(f"d-{i}") for i in range(1000)]
    batch += [make_decision(f"d-{i}") for i in range(900, 1000)]
    batch += [make_decision(f"n-{i}", actions=False) for i in range(100)]
    with db.transaction() as s:
        assert enqueue_many(s, batch, T0) == 700
    assert _count(db) == 1000


def test_enqueue_rolls_back_with_the_decision(db: Database, make_decision: MakeDecision) -> None:
    with pytest.raises(RuntimeError), db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
        raise RuntimeError("decision write failed")
    assert _count(db) == 0


def test_naive_datetime_is_refused(db: Database, make_decision: MakeDecision) -> None:
    with db.transaction() as s, pytest.raises(ValueError, match="timezone-aware"):
        enqueue_decision(s, make_decision("d-1"), T0.replace(tzinfo=None))


def test_claim_leases_and_counts_attempts(db: Database, make_decision: MakeDecision) -> None:
    with db.transaction() as s:
        enqueue_many(s, [make_decision(f"d-{i}") for i in range(5)], T0)
    with db.transaction() as s:
        first = claim_batch(s, T0, 3, lease_s=30)
    assert [m.idempotency_key for m in first] == ["d-0", "d-1", "d-2"]
    assert all(m.attempts == 1 and m.leased_until == T0 + timedelta(seconds=30) for m in first)
    with db.transaction() as s:
        second = claim_batch(s, T0 + timedelta(seconds=10), 10, lease_s=30)
    assert [m.idempotency_key for m in second] == ["d-3", "d-4"]
    with db.transaction() as s:
        assert claim_batch(s, T0 + timedelta(seconds=29), 10, lease_s=30) == []
    # The first worker died: its lease lapses and the messages are claimed again.
    with db.transaction() as s:
        again = claim_batch(s, T0 + timedelta(seconds=30), 10, lease_s=30)
    assert [m.idempotency_key for m in again] == ["d-0", "d-1", "d-2"]
    assert all(m.attempts == 2 for m in again)


def test_claim_refuses_bad_arguments(db: Database) -> None:
    with db.transaction() as s:
        with pytest.raises(ValueError, match="limit"):
            claim_batch(s, T0, 0, 30)
        with pytest.raises(ValueError, match="lease"):
            claim_batch(s, T0, 1, 0)


def test_failure_schedules_retry_then_dead_letter(
    db: Database, make_decision: MakeDecision
) -> None:
    with db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
    now = T0
    for attempt in (1, 2):
        with db.transaction() as s:
            (msg,) = claim_batch(s, now, 10, 30)
            assert msg.attempts == attempt
            status = mark_failed(s, msg, "HTTP 503", now, POLICY, rng=random.Random(attempt))
        assert status is OutboxStatus.PENDING
        with db.transaction() as s:
            stored = get_message(s, msg.id)
            assert stored is not None
            wait = (stored.next_attempt_at - now).total_seconds()
            assert 0 <= wait <= POLICY.ceiling(attempt)
            assert stored.leased_until is None and stored.last_error == "HTTP 503"
            # Not due before its backoff has passed (unless the jitter drew zero).
            if wait > 0:
                assert claim_batch(s, now, 10, 30) == []
        now = stored.next_attempt_at
    with db.transaction() as s:
        (msg,) = claim_batch(s, now, 10, 30)
        assert mark_failed(s, msg, "HTTP 503 again", now, POLICY) is OutboxStatus.DEAD
    with db.transaction() as s:
        (dead,) = list_dead(s)
        assert dead.attempts == 3 and dead.last_error == "HTTP 503 again"
        assert claim_batch(s, now + timedelta(days=1), 10, 30) == []


def test_retry_after_sets_a_floor_capped_by_max(db: Database, make_decision: MakeDecision) -> None:
    with db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
    with db.transaction() as s:
        (msg,) = claim_batch(s, T0, 1, 30)
        mark_failed(s, msg, "HTTP 429", T0, POLICY, min_delay_s=3600)
    with db.transaction() as s:
        stored = get_message(s, msg.id)
    assert stored is not None
    assert stored.next_attempt_at == T0 + timedelta(seconds=POLICY.max_s)


def test_permanent_failure_goes_straight_to_dead_letters(
    db: Database, make_decision: MakeDecision
) -> None:
    with db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
    with db.transaction() as s:
        (msg,) = claim_batch(s, T0, 1, 30)
        assert mark_failed(s, msg, "HTTP 410", T0, POLICY, permanent=True) is OutboxStatus.DEAD
    with db.transaction() as s:
        assert [m.attempts for m in list_dead(s)] == [1]


def test_stale_worker_cannot_overwrite_newer_outcome(
    db: Database, make_decision: MakeDecision
) -> None:
    with db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
    with db.transaction() as s:
        (slow,) = claim_batch(s, T0, 1, lease_s=5)
    later = T0 + timedelta(seconds=6)
    with db.transaction() as s:
        (fast,) = claim_batch(s, later, 1, lease_s=5)
        assert mark_delivered(s, fast, later)
    with db.transaction() as s:
        assert mark_failed(s, slow, "timeout", later, POLICY) is None
        assert release(s, slow) is False
        stored = get_message(s, slow.id)
    assert stored is not None and stored.status is OutboxStatus.DELIVERED
    assert stored.last_error is None


def test_release_gives_message_back_without_counting(
    db: Database, make_decision: MakeDecision
) -> None:
    with db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
    with db.transaction() as s:
        (msg,) = claim_batch(s, T0, 1, 30)
        assert release(s, msg)
    with db.transaction() as s:
        (again,) = claim_batch(s, T0, 1, 30)
    assert again.attempts == 1


def test_late_success_overrides_dead_letter(db: Database, make_decision: MakeDecision) -> None:
    with db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
    with db.transaction() as s:
        (msg,) = claim_batch(s, T0, 1, 30)
        mark_failed(s, msg, "HTTP 400", T0, POLICY, permanent=True)
        assert mark_delivered(s, msg, T0)
        assert not mark_delivered(s, msg, T0)
        assert stats(s, T0).delivered == 1


def test_requeue_dead_and_stats(db: Database, make_decision: MakeDecision) -> None:
    with db.transaction() as s:
        enqueue_many(s, [make_decision(f"d-{i}") for i in range(4)], T0)
    with db.transaction() as s:
        msgs = claim_batch(s, T0, 10, 30)
        mark_delivered(s, msgs[0], T0)
        mark_failed(s, msgs[1], "HTTP 404", T0, POLICY, permanent=True)
        mark_failed(s, msgs[2], "HTTP 400", T0, POLICY, permanent=True)
        mark_failed(s, msgs[3], "HTTP 503", T0, POLICY)
    with db.transaction() as s:
        st = stats(s, T0)
    assert (st.pending, st.retrying, st.leased, st.delivered, st.dead) == (1, 1, 0, 1, 2)
    assert st.oldest_pending_at == T0
    assert st.as_dict()["oldest_pending_at"] == T0.isoformat()
    with db.transaction() as s:
        assert requeue_dead(s, [msgs[1].id, msgs[0].id, 999], now=T0) == [msgs[1].id]
        assert requeue_dead(s, []) == []
        requeued = get_message(s, msgs[1].id)
        assert requeued is not None
        assert (requeued.status, requeued.attempts) == (OutboxStatus.PENDING, 0)
        assert requeued.last_error == "HTTP 404"  # history kept
        assert requeue_dead(s, None, now=T0) == [msgs[2].id]
        assert stats(s, T0).dead == 0


def test_fence_survives_requeue_that_resets_attempts(
    db: Database, make_decision: MakeDecision
) -> None:
    with db.transaction() as s:
        enqueue_decision(s, make_decision("d-1"), T0)
    with db.transaction() as s:
        (stale,) = claim_batch(s, T0, 1, lease_s=5)
        mark_failed(s, stale, "HTTP 400", T0, POLICY, permanent=True)
        requeue_dead(s, None, now=T0)
    later = T0 + timedelta(seconds=1)
    with db.transaction() as s:
        (fresh,) = claim_batch(s, later, 1, lease_s=5)
    assert fresh.attempts == stale.attempts == 1  # only the lease deadline tells them apart
    with db.transaction() as s:
        assert mark_failed(s, stale, "late answer", later, POLICY) is None
        assert mark_failed(s, fresh, "HTTP 503", later, POLICY) is OutboxStatus.PENDING
