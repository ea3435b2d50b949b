"""notify_outcome: the outcome reaches every notice of the case and the outbox, once per
outcome; the signed webhook carries the notice id and no contact data."""

from __future__ import annotations

import json
import random

import pytest
from reports_support import EMAIL, NAME, Env, notice
from sqlalchemy import select

from veracity.config import Settings
from veracity.enforce.delivery import OutboxWorker, WebhookDelivery
from veracity.enforce.receiver import LocalReceiver
from veracity.reports.notify import REPORT_OUTCOME_TOPIC, notify_outcome
from veracity.store.tables import OutboxRow, ReportRow

SECRET = "report-webhook-secret"


def _messages(env: Env) -> list[OutboxRow]:
    with env.db.transaction() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def _three_notices_on_one_case(env: Env) -> str:
    case_ids = {
        env.notice(notice(f"n{i}", reporter_account_id=f"acc-{i}")).json()["case_id"]
        for i in range(3)
    }
    assert len(case_ids) == 1
    env.notice(notice("elsewhere", content_id="c2", url=None))
    return case_ids.pop()


def test_outcome_reaches_every_linked_notice_and_the_outbox(env: Env) -> None:
    case_id = _three_notices_on_one_case(env)
    with env.db.transaction() as session:
        notified = notify_outcome(session, case_id, "action_taken", decision_id="dec-1")
    assert notified == ["n0", "n1", "n2"]

    messages = _messages(env)
    assert [m.topic for m in messages] == [REPORT_OUTCOME_TOPIC] * 3
    assert {m.payload["report_id"] for m in messages} == {"n0", "n1", "n2"}
    first = messages[0].payload
    assert first["outcome"] == "action_taken" and first["case_id"] == case_id
    assert first["decision_id"] == "dec-1" and first["complaint_until"] > first["decided_at"][:10]
    assert messages[0].idempotency_key == "report.outcome:n0:1"

    for i in range(3):
        status = env.client.get(f"/v1/reports/n{i}", headers=env.service).json()
        assert status["status"] == "decided" and status["outcome"] == "action_taken"
        assert [o["outcome"] for o in status["outcomes"]] == ["action_taken"]
    untouched = env.client.get("/v1/reports/elsewhere", headers=env.service).json()
    assert untouched["status"] == "received" and untouched["outcome"] is None

    # The same outcome again (a retried caller) adds nothing.
    with env.db.transaction() as session:
        assert notify_outcome(session, case_id, "action_taken") == []
    assert len(_messages(env)) == 3
    # An appeal that reverses the decision is news: a second message per notice.
    with env.db.transaction() as session:
        assert notify_outcome(session, case_id, "reversed") == ["n0", "n1", "n2"]
    keys = [m.idempotency_key for m in _messages(env)]
    assert keys[3:] == [f"report.outcome:n{i}:2" for i in range(3)]
    with env.db.transaction() as session:
        row = session.get(ReportRow, "n1")
        assert row is not None and row.outcome == "reversed"
        assert [o["outcome"] for o in row.data["outcomes"]] == ["action_taken", "reversed"]


def test_a_case_without_notices_and_bad_outcomes(env: Env) -> None:
    with env.db.transaction() as session:
        assert notify_outcome(session, "case-without-notices", "no_action") == []
        with pytest.raises(ValueError, match="outcome must be"):
            notify_outcome(session, "case-x", "Action Taken!")
    assert _messages(env) == []


def test_signed_webhook_carries_no_contact_data(env: Env) -> None:
    case_id = _three_notices_on_one_case(env)
    with env.db.transaction() as session:
        notify_outcome(session, case_id, "no_action", automated=False)
    settings = Settings(webhook_secret=SECRET, outbox_batch_size=50, outbox_lease_s=30.0)
    with LocalReceiver(SECRET) as receiver:
        delivery = WebhookDelivery(receiver.url, [SECRET], timeout=5.0)
        try:
            worker = OutboxWorker(env.db, delivery, settings, rng=random.Random(1))
            assert worker.run_once() == 3
        finally:
            delivery.close()
    assert receiver.log.rejected == 0  # every signature verified
    bodies = list(receiver.log.deliveries.values())
    assert len(bodies) == 3
    for body in bodies:
        assert set(body) == {
            "event",
            "idempotency_key",
            "report_id",
            "case_id",
            "outcome",
            "decided_at",
            "complaint_until",
            "automated_decision",
        }
        text = json.dumps(body)
        assert NAME not in text and EMAIL not in text and "acc-" not in text
    # The pull API lists the same messages for platforms that poll.
    pulled = env.client.get("/v1/actions?after=0", headers=env.service).json()["items"]
    assert [m["topic"] for m in pulled] == [REPORT_OUTCOME_TOPIC] * 3
