"""Fixtures for enforcement tests: decisions built from domain models, a live local receiver."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from enforce_support import SECRET, T0, MakeDecision

from veracity.config import Settings
from veracity.domain.actions import Action, ActionType
from veracity.domain.decisions import Decision, RuleMatch, RuleMode
from veracity.domain.signals import SubjectType
from veracity.enforce.delivery import OutboxWorker, WebhookDelivery
from veracity.enforce.receiver import LocalReceiver
from veracity.store.db import Database


@pytest.fixture
def make_decision() -> MakeDecision:
    def make(decision_id: str, *, actions: bool = True, subject_id: str = "c1") -> Decision:
        acts = [
            Action(type=ActionType.LABEL, params={"label": "unverified"}),
            Action(type=ActionType.REDUCE),
        ]
        match = RuleMatch(
            policy_id="misinfo",
            policy_version="3",
            rule_id="known-false-claim",
            mode=RuleMode.LIVE,
            priority=10,
            actions=acts,
            dsa_category="negative_effects_on_civic_discourse",
        )
        shadow = match.model_copy(update={"rule_id": "experimental", "mode": RuleMode.SHADOW})
        return Decision(
            id=decision_id,
            subject_type=SubjectType.CONTENT,
            subject_id=subject_id,
            trigger="ingest",
            policy_versions={"misinfo": "3"},
            matched=[match, shadow] if actions else [shadow],
            actions=acts if actions else [],
            created_at=T0,
        )

    return make


@pytest.fixture
def fast_settings() -> Settings:
    """Small batches and a short poll so real-time tests stay fast."""
    return Settings(
        webhook_secret=SECRET,
        webhook_timeout_s=2.0,
        outbox_max_attempts=4,
        outbox_backoff_base_s=1.0,
        outbox_backoff_max_s=8.0,
        outbox_poll_interval_s=0.02,
        outbox_batch_size=50,
        outbox_lease_s=30.0,
    )


@pytest.fixture
def receiver() -> Iterator[LocalReceiver]:
    with LocalReceiver(SECRET) as r:
        yield r


@pytest.fixture
def worker(
    db: Database, receiver: LocalReceiver, fast_settings: Settings
) -> Iterator[OutboxWorker]:
    delivery = WebhookDelivery(receiver.url, [SECRET], timeout=fast_settings.webhook_timeout_s)
    yield OutboxWorker(db, delivery, fast_settings, rng=random.Random(7))
    delivery.close()
