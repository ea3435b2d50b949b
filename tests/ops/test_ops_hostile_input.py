"""Hostile input: body size on every endpoint, deep JSON, NUL, invalid UTF-8, oversized strings,
and SQL / script injection strings rendered inert by the pages that show them."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from veracity.config import Settings
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "hostile-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMIT = 4096
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE content; -- \" OR 1=1 --"


@pytest.fixture
def client(db: Database) -> TestClient:
    settings = Settings(database_url=db.url, max_body_bytes=LIMIT, rate_limit_enabled=False)
    return TestClient(create_app(settings, db=db, api_tokens=[TOKEN]))


def _body_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every documented operation that takes a body, plus the sign-in form."""
    routes = [("POST", "/ui/login")]
    for path, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method in operations:
            if method in ("post", "put", "patch", "delete"):
                routes.append((method.upper(), re.sub(r"\{[^}]+\}", "x", path)))
    return routes


def test_every_endpoint_refuses_an_oversized_body_with_413(client: TestClient) -> None:
    routes = _body_routes(client)
    assert len(routes) > 20
    oversized = b'{"text": "' + b"a" * LIMIT + b'"}'
    for method, path in routes:
        answer = client.request(
            method, path, content=oversized, headers={**AUTH, "content-type": "application/json"}
        )
        assert answer.status_code == 413, (method, path, answer.status_code)
        assert answer.json()["detail"][0]["type"] == "body_too_large"


def test_oversized_body_without_content_length_is_413(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"a" * 1000

    answer = client.post(
        "/v1/content", content=chunks(), headers={**AUTH, "content-type": "application/json"}
    )
    assert answer.status_code == 413


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"[" * 2000 + b"]" * 2000, "json_too_deep"),
        (b'{"metadata": ' + b'{"a": ' * 40 + b"1" + b"}" * 41, "json_too_deep"),
        (b'{"id": "c1", "account_id": "a", "kind": "post", "text": "x\\u0000y"}', "nul_character"),
    ],
)
def test_deep_json_and_nul_are_422(client: TestClient, body: bytes, kind: str) -> None:
    answer = client.post(
        "/v1/content", content=body, headers={**AUTH, "content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["type"] == kind


def test_escaped_backslash_before_u0000_is_text_not_nul(client: TestClient) -> None:
    item = {"id": "c1", "account_id": "a1", "kind": "post", "text": "path C:\\u0000 literal"}
    answer = client.post("/v1/content", json=item, headers=AUTH)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "c1", "account_id": "a1", "kind": "post", "text": "\xff\xfe\xfa"}',
        b'{"id": "c1", "account_id": "a1", "kind": "post", "text": "a\x00b"}',
        b'{"id": "c1", "account_id": "a1", "kind": "post", "text": ',
    ],
)
def test_invalid_utf8_raw_nul_and_truncated_json_are_4xx(client: TestClient, body: bytes) -> None:
    answer = client.post(
        "/v1/content", content=body, headers={**AUTH, "content-type": "application/json"}
    )
    assert 400 <= answer.status_code < 500, answer.text


def test_oversized_strings_are_422_with_the_field_named(db: Database) -> None:
    client = TestClient(create_app(Settings(database_url=db.url), db=db, api_tokens=[TOKEN]))
    item = {"id": "c1", "account_id": "a1", "kind": "post", "text": "a" * 20_001}
    answer = client.post("/v1/content", json=item, headers=AUTH)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "text"
    answer = client.post("/v1/content", json={**item, "text": "ok", "id": "x" * 5000}, headers=AUTH)
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "id"


def test_injection_strings_are_stored_verbatim_and_rendered_inert(client: TestClient) -> None:
    text = f"{SCRIPT} {IMG} {SQL}"
    item = {
        "id": "c-inject",
        "account_id": "a1",
        "kind": "post",
        "text": text,
        "transcript": SCRIPT,
        "language": IMG,
        "region": SQL,
    }
    posted = client.post("/v1/content", json=item, headers=AUTH)
    assert posted.status_code == 200, posted.text
    decision_id = posted.json()["results"][0]["decision_id"]
    # SQL strings are data: the table still exists and the text comes back unchanged
    again = client.post("/v1/content", json=item, headers=AUTH)
    assert again.json()["results"][0]["status"] == "duplicate"
    listed = client.get(f"/v1/decisions?subject_id={SQL}", headers=AUTH)
    assert listed.status_code in (200, 422)
    client.cookies.set("veracity_token", TOKEN)
    for page in (f"/ui/decisions/{decision_id}", "/ui/decisions"):
        body = client.get(page).text
        assert "<script>alert" not in body and "<img src=x" not in body, page
    detail = client.get(f"/ui/decisions/{decision_id}").text
    assert html.escape(SCRIPT, quote=True) in detail or "&lt;script&gt;" in detail
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type"),
    [
        ("GET", "/v1/audit?action=a%00b", None, None),
        ("GET", "/v1/decisions/a%00b", None, None),
        (
            "POST",
            "/ui/login",
            b"username=a%00b&password=x&csrf=y",
            "application/x-www-form-urlencoded",
        ),
    ],
)
def test_nul_in_url_and_forms_is_422(
    client: TestClient, method: str, url: str, body: bytes | None, content_type: str | None
) -> None:
    """Found by Schemathesis on PostgreSQL: a NUL in a query filter was a 500 (DataError)."""
    headers = {**AUTH, **({"content-type": content_type} if content_type else {})}
    answer = client.request(method, url, content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["type"] == "nul_character"


def test_longest_ids_are_accepted_and_stay_idempotent(client: TestClient) -> None:
    """Found by Schemathesis on PostgreSQL: a 128-character id overflowed the derived event id."""
    long_id = "c" * 128
    item = {"id": long_id, "account_id": "a1", "kind": "post", "text": "hello"}
    first = client.post("/v1/content", json=item, headers=AUTH)
    assert first.status_code == 200, first.text
    assert first.json()["results"][0]["status"] == "accepted"
    again = client.post("/v1/content", json=item, headers=AUTH)
    assert again.json()["results"][0]["status"] == "duplicate"
    report = {
        "id": "r" * 128,
        "reason": "hate",
        "occurred_at": "2026-01-01T00:00:00Z",
        "content_id": long_id,
    }
    answer = client.post("/v1/reports/batch", json={"items": [report]}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1
