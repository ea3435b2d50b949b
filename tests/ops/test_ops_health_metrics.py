"""Liveness, readiness, Prometheus metrics and request ids."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from veracity.config import Settings
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "ops-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client(db: Database, **settings: object) -> TestClient:
    config = Settings(database_url=db.url, **settings)  # type: ignore[arg-type]
    return TestClient(create_app(config, db=db, api_tokens=[TOKEN]))


def test_liveness_and_readiness_are_public(db: Database) -> None:
    client = _client(db)
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_readiness_fails_on_an_unmigrated_database(tmp_path: Path, db: Database) -> None:
    client = _client(db)
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)
    client.app.state.db = empty  # type: ignore[attr-defined]
    try:
        answer = client.get("/readyz")
    finally:
        empty.dispose()
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "ok", "migrations": "behind"}


def test_readiness_fails_without_leaking_the_database_url(db: Database) -> None:
    client = _client(db)
    client.app.state.db = Database(  # type: ignore[attr-defined]
        "sqlite:////nonexistent-dir-for-veracity/secret-name.db", migrate=False
    )
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "unreachable", "migrations": "unknown"}
    assert "secret-name" not in answer.text and "nonexistent" not in answer.text


def test_metrics_need_a_role_and_count_routes_and_decisions(db: Database) -> None:
    client = _client(db)
    assert client.get("/metrics").status_code == 401
    item = {"id": "c1", "account_id": "a1", "kind": "post", "text": "hello world"}
    assert client.post("/v1/content", json=item, headers=AUTH).status_code == 200
    client.get("/v1/decisions/does-not-exist", headers=AUTH)
    body = client.get("/metrics", headers=AUTH).text
    assert (
        'veracity_http_requests_total{method="POST",route="/v1/content",status="200"} 1.0' in body
    )
    # route templates, not raw paths, so label values stay bounded
    assert "does-not-exist" not in body
    assert 'veracity_http_request_duration_seconds_bucket{le="0.1",method="POST"' in body
    assert 'veracity_decisions_total{action="none"} 1.0' in body


def test_metrics_path_and_public_switch(db: Database) -> None:
    client = _client(db, metrics_path="/internal/prom", metrics_public=True)
    assert client.get("/metrics").status_code == 404
    scraped = client.get("/internal/prom")
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    assert "veracity_http_requests_total" in scraped.text


def test_request_id_is_echoed_or_made(db: Database) -> None:
    client = _client(db)
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert len(made.headers["x-request-id"]) == 32 and "\n" not in made.headers["x-request-id"]
