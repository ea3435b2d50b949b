"""Structured logs with request ids; PII and secrets redacted; credentials never logged."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from veracity.config import Settings
from veracity.ops.logs import configure_logging
from veracity.ops.redact import redact_text, redact_value
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "very-secret-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging("json", "INFO", stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_redaction_of_emails_phones_and_credentials() -> None:
    text = (
        "mail alice.smith+x@example.co.uk or call +44 20 7946 0958 / (555) 123-4567; "
        "Authorization: Bearer abcdefgh12345678 password=hunter2 token='t0k3n'"
    )
    out = redact_text(text)
    for secret in ("alice.smith", "7946", "123-4567", "abcdefgh12345678", "hunter2", "t0k3n"):
        assert secret not in out
    assert "[email]" in out and "[phone]" in out
    # ordinary numbers, dates and ids stay readable
    assert redact_text("decision 42 at 2026-01-02 took 12.5 ms") == (
        "decision 42 at 2026-01-02 took 12.5 ms"
    )
    assert redact_value({"reporter": {"name": "Alice", "email": "a@b.io"}, "n": 3}) == {
        "reporter": {"name": "[redacted]", "email": "[redacted]"},
        "n": 3,
    }


def test_json_lines_carry_the_request_id_and_are_redacted(
    db: Database, json_log: io.StringIO
) -> None:
    client = TestClient(create_app(Settings(database_url=db.url), db=db, api_tokens=[TOKEN]))
    answer = client.get("/healthz", headers={"X-Request-ID": "req-1"})
    assert answer.status_code == 200
    logging.getLogger("veracity.test").warning(
        "notifier bob@example.org asked", extra={"email": "bob@example.org", "count": 2}
    )
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    access = [r for r in lines if r["logger"] == "veracity.access"]
    assert access and access[-1]["request_id"] == "req-1"
    assert access[-1]["route"] == "/healthz" and access[-1]["status"] == 200
    mine = [r for r in lines if r["logger"] == "veracity.test"][-1]
    assert mine["msg"] == "notifier [email] asked" and mine["email"] == "[redacted]"
    assert mine["count"] == 2 and mine["level"] == "warning"
    assert "bob@example.org" not in json_log.getvalue()


def test_credentials_and_notifier_contacts_are_never_logged(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = TestClient(create_app(Settings(database_url=db.url), db=db, api_tokens=[TOKEN]))
    notice = {
        "id": "n-1",
        "category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "explanation": "this post breaks the rules, see attached",
        "content_id": "c1",
        "reporter": {"name": "Carol Example", "email": "carol@example.net"},
        "good_faith": True,
    }
    client.post("/v1/reports", json=notice, headers=AUTH)
    client.get("/v1/decisions", headers={"Authorization": "Bearer wrong-token-value-xyz"})
    client.get("/v1/decisions", headers=AUTH)
    assert caplog.records, "the access log should have recorded the requests"
    logged = caplog.text
    for secret in (TOKEN, "wrong-token-value-xyz", "carol@example.net", "Carol Example"):
        assert secret not in logged
