"""The pull API and dead-letter endpoints, through a small app with token auth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from enforce_support import T0, MakeDecision
from fastapi import FastAPI
from fastapi.testclient import TestClient

from veracity.enforce.api import router
from veracity.enforce.backoff import RetryPolicy
from veracity.enforce.outbox import claim_batch, enqueue_many, mark_delivered, mark_failed
from veracity.store.db import Database

AUTH = {"Authorization": "Bearer t"}


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.db = db
    app.state.api_tokens = ["t"]
    app.include_router(router)
    with TestClient(app) as c:
        yield c


def _seed(db: Database, make_decision: MakeDecision, n: int) -> None:
    with db.transaction() as s:
        enqueue_many(s, [make_decision(f"d-{i:02d}") for i in range(n)], T0)


def _kill(db: Database, count: int) -> list[int]:
    """Deliver the first message, dead-letter the next ``count``."""
    with db.transaction() as s:
        msgs = claim_batch(s, T0, count + 1, 30)
        mark_delivered(s, msgs[0], T0)
        for m in msgs[1:]:
            mark_failed(s, m, "HTTP 410 gone", T0, RetryPolicy(), permanent=True)
    return [m.id for m in msgs[1:]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/actions"),
        ("GET", "/v1/outbox/dead"),
        ("POST", "/v1/outbox/dead/requeue"),
        ("GET", "/v1/outbox/stats"),
    ],
)
def test_every_endpoint_needs_a_token(client: TestClient, method: str, path: str) -> None:
    assert client.request(method, path, json={}).status_code == 401
    wrong = client.request(method, path, json={}, headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 401


def test_pull_pages_through_all_messages_in_id_order(
    db: Database, make_decision: MakeDecision, client: TestClient
) -> None:
    _seed(db, make_decision, 25)
    _kill(db, 2)  # statuses differ; the pull API returns every message regardless
    seen: list[str] = []
    after = 0
    for expected in (10, 10, 5, 0):
        page = client.get("/v1/actions", params={"after": after, "limit": 10}, headers=AUTH)
        assert page.status_code == 200
        body = page.json()
        assert len(body["items"]) == expected
        ids = [item["id"] for item in body["items"]]
        assert ids == sorted(ids) and all(i > after for i in ids)
        assert body["next_after"] == (ids[-1] if ids else after)
        seen += [item["payload"]["decision_id"] for item in body["items"]]
        after = body["next_after"]
    assert seen == [f"d-{i:02d}" for i in range(25)]
    first = client.get("/v1/actions", params={"limit": 3}, headers=AUTH).json()["items"]
    assert [i["status"] for i in first] == ["delivered", "dead", "dead"]
    assert first[0]["idempotency_key"] == "d-00" and first[0]["payload"]["actions"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"after": -1}, {"limit": "x"}])
def test_pull_rejects_bad_paging(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/v1/actions", params=params, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] in params


def test_dead_letters_list_and_requeue(
    db: Database, make_decision: MakeDecision, client: TestClient
) -> None:
    _seed(db, make_decision, 5)
    dead = _kill(db, 3)
    listed = client.get("/v1/outbox/dead", headers=AUTH).json()
    assert [i["id"] for i in listed["items"]] == dead
    assert listed["items"][0]["last_error"] == "HTTP 410 gone"
    assert listed["items"][0]["attempts"] == 1
    assert listed["next_after"] == dead[-1]

    # Naming a message that is not a dead letter changes nothing.
    refused = client.post("/v1/outbox/dead/requeue", json={"ids": [dead[0], 1]}, headers=AUTH)
    assert refused.status_code == 404 and "[1]" in refused.json()["detail"]
    assert client.get("/v1/outbox/stats", headers=AUTH).json()["dead"] == 3

    one = client.post("/v1/outbox/dead/requeue", json={"ids": [dead[0]]}, headers=AUTH)
    assert one.json() == {"requeued": [dead[0]]}
    rest = client.post("/v1/outbox/dead/requeue", json={}, headers=AUTH)
    assert rest.json() == {"requeued": dead[1:]}
    assert client.get("/v1/outbox/dead", headers=AUTH).json()["items"] == []


def test_requeue_rejects_unknown_fields(client: TestClient) -> None:
    response = client.post("/v1/outbox/dead/requeue", json={"id": [1]}, headers=AUTH)
    assert response.status_code == 422


def test_stats(db: Database, make_decision: MakeDecision, client: TestClient) -> None:
    _seed(db, make_decision, 4)
    _kill(db, 1)
    body = client.get("/v1/outbox/stats", headers=AUTH).json()
    assert {k: body[k] for k in ("pending", "delivered", "dead")} == {
        "pending": 2,
        "delivered": 1,
        "dead": 1,
    }
    assert body["oldest_pending_at"] == T0.isoformat()
