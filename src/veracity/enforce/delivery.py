"""Webhook delivery and the worker that drains the outbox.

Delivery is at-least-once: the worker marks a message only after the receiver answered, so a
worker killed between the two delivers it again later with the same idempotency key.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx

from veracity.config import Settings
from veracity.enforce.backoff import RetryPolicy
from veracity.enforce.outbox import (
    OutboxMessage,
    claim_batch,
    mark_delivered,
    mark_failed,
    release,
)
from veracity.enforce.signing import webhook_headers
from veracity.store.db import Database

log = logging.getLogger(__name__)

RETRYABLE_4XX = frozenset({408, 429})
# Give a message back unsent when this share of its lease is used: another worker may take
# it once the lease lapses, and sending it ourselves then would deliver it twice.
LEASE_SAFETY = 0.8


@dataclass(frozen=True)
class DeliveryResult:
    """Outcome of one attempt. ``permanent`` failures go straight to the dead letters."""

    ok: bool
    permanent: bool = False
    error: str | None = None
    status_code: int | None = None
    retry_after_s: float = 0.0


class Delivery(Protocol):
    """Anything that can hand one message to a platform (webhook today, a topic later)."""

    def deliver(self, message: OutboxMessage) -> DeliveryResult: ...


def encode_body(message: OutboxMessage) -> bytes:
    """Canonical JSON, so the same message always produces the same bytes and signature."""
    return json.dumps(message.payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _retry_after(value: str | None) -> float:
    if not value:
        return 0.0
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def classify(response: httpx.Response) -> DeliveryResult:
    """2xx delivered; 408/429/5xx retried; any other status is a permanent failure."""
    code = response.status_code
    if 200 <= code < 300:
        return DeliveryResult(ok=True, status_code=code)
    snippet = response.text[:300].strip()
    error = f"HTTP {code} from receiver" + (f": {snippet}" if snippet else "")
    if code >= 500 or code in RETRYABLE_4XX:
        wait = _retry_after(response.headers.get("retry-after"))
        return DeliveryResult(ok=False, error=error, status_code=code, retry_after_s=wait)
    if 300 <= code < 400:
        target = response.headers.get("location", "?")
        error = f"HTTP {code} redirect to {target}: webhook URL must not redirect"
    return DeliveryResult(ok=False, permanent=True, error=error, status_code=code)


class WebhookDelivery:
    """POSTs signed messages to one URL over a kept-alive connection."""

    def __init__(
        self,
        url: str,
        secrets: str | Sequence[str],
        timeout: float = 5.0,
        *,
        client: httpx.Client | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http(s), got {url!r}")
        self.url = url
        self.secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        if not self.secrets or any(not s for s in self.secrets):
            raise ValueError("at least one non-empty webhook secret is required")
        # Keep a connection per concurrent delivery alive instead of reconnecting each time.
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        self._client = client or httpx.Client(
            timeout=timeout, follow_redirects=False, limits=limits
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookDelivery:
        if not settings.webhook_url:
            raise ValueError("VERACITY_WEBHOOK_URL is not set: there is nowhere to deliver to")
        return cls(settings.webhook_url, [settings.webhook_secret], settings.webhook_timeout_s)

    def deliver(self, message: OutboxMessage) -> DeliveryResult:
        body = encode_body(message)
        headers = webhook_headers(self.secrets, body, message.idempotency_key, topic=message.topic)
        try:
            response = self._client.post(self.url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            return DeliveryResult(ok=False, error=f"timeout: {type(exc).__name__}: {exc}")
        except httpx.TransportError as exc:
            return DeliveryResult(ok=False, error=f"connection error: {type(exc).__name__}: {exc}")
        return classify(response)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> WebhookDelivery:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class BatchOutcome:
    claimed: int
    delivered: int
    failed: int
    skipped: int


class OutboxWorker:
    """Claims due messages, delivers them, records the outcome; safe to run in many processes.

    ``concurrency`` deliveries run at once (threads sharing the HTTP connection pool): with a
    remote receiver the round trip, not the database, bounds throughput. Outcomes are written
    by the calling thread alone, grouped as they complete, so the database sees one writer per
    worker. Messages of one batch may arrive out of order, as retries already allow; receivers
    order by ``created_at``.
    """

    def __init__(
        self,
        db: Database,
        delivery: Delivery,
        settings: Settings,
        *,
        concurrency: int | None = None,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if concurrency is None:
            concurrency = settings.outbox_concurrency
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.db = db
        self.delivery = delivery
        self.settings = settings
        self.policy = RetryPolicy.from_settings(settings)
        self.concurrency = concurrency
        self.rng = rng
        self._monotonic = monotonic
        self._executor: ThreadPoolExecutor | None = None

    def run_once(self, now: datetime | None = None) -> int:
        """One claim-deliver-mark pass; returns how many messages were delivered.

        ``now`` fixes the clock for claiming and for the retry schedule (tests step time with
        it); by default the wall clock is read at each step.
        """
        return self.run_batch(now).delivered

    def run_batch(self, now: datetime | None = None) -> BatchOutcome:
        """Like :meth:`run_once`, with the whole outcome (the poll loop needs ``claimed``)."""
        started = self._monotonic()
        with self.db.transaction() as session:
            messages = claim_batch(
                session,
                now or datetime.now(UTC),
                self.settings.outbox_batch_size,
                self.settings.outbox_lease_s,
            )
        tally = {"delivered": 0, "failed": 0, "unsent": 0}
        if self.concurrency == 1 or len(messages) <= 1:
            for message in messages:
                self._record([(message, self._send(message, started))], now, tally)
        else:
            pool = self._pool()
            futures = {pool.submit(self._send, m, started): m for m in messages}
            waiting = set(futures)
            while waiting:
                done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                self._record([(futures[f], f.result()) for f in done], now, tally)
        return BatchOutcome(
            claimed=len(messages),
            delivered=tally["delivered"],
            failed=tally["failed"],
            skipped=tally["unsent"],
        )

    def _send(self, message: OutboxMessage, started: float) -> DeliveryResult | None:
        """Deliver one message, or return None to give it back unsent."""
        if self._monotonic() - started > self.settings.outbox_lease_s * LEASE_SAFETY:
            # Near the end of the lease another worker may take the message; sending it
            # ourselves then could deliver it twice.
            return None
        return self._attempt(message)

    def _record(
        self,
        outcomes: list[tuple[OutboxMessage, DeliveryResult | None]],
        now: datetime | None,
        tally: dict[str, int],
    ) -> None:
        # Only now is an outcome stored: a crash before this commit means a resend, not a loss.
        mark_at = now or datetime.now(UTC)
        with self.db.transaction() as session:
            for message, result in outcomes:
                if result is None:
                    release(session, message)
                    tally["unsent"] += 1
                elif result.ok:
                    mark_delivered(session, message, mark_at)
                    tally["delivered"] += 1
                else:
                    mark_failed(
                        session,
                        message,
                        result.error or "unknown delivery error",
                        mark_at,
                        self.policy,
                        permanent=result.permanent,
                        min_delay_s=result.retry_after_s,
                        rng=self.rng,
                    )
                    tally["failed"] += 1

    def _attempt(self, message: OutboxMessage) -> DeliveryResult:
        try:
            return self.delivery.deliver(message)
        except Exception as exc:  # a transport bug must not strand the message: retry it
            log.exception("delivery of outbox message %s raised", message.id)
            return DeliveryResult(ok=False, error=f"delivery raised {type(exc).__name__}: {exc}")

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="outbox")
        return self._executor

    def close(self) -> None:
        """Stop the delivery threads (the delivery itself belongs to the caller)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def run_forever(self, stop_event: threading.Event) -> None:
        """Poll until ``stop_event`` is set; a full batch is followed at once by the next."""
        interval = self.settings.outbox_poll_interval_s
        try:
            while not stop_event.is_set():
                try:
                    outcome = self.run_batch()
                except Exception:  # database unreachable, etc.: keep the worker alive, retry
                    log.exception("outbox worker pass failed; retrying after %.1fs", interval)
                    stop_event.wait(max(interval, 1.0))
                    continue
                if outcome.claimed < self.settings.outbox_batch_size:
                    stop_event.wait(interval)
        finally:
            self.close()
