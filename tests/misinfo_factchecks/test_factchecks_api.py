"""The fact-check routes: batch submit (idempotent), list and filter, get, retract, auth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from factcheck_fakes import POLICY_DIR, fake_backend
from fastapi.testclient import TestClient

from veracity.config import Settings
from veracity.detect.defaults import build_registry
from veracity.detect.misinfo.factchecks.api import router
from veracity.detect.misinfo.factchecks.detector import build_claim_detector
from veracity.domain.entities import ContentIn, ContentKind
from veracity.policy.loader import load_policy_dir
from veracity.runtime import Runtime
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ITEMS = [
    {
        "id": "fc-1",
        "claim_text": "drinking bleach cures the flu",
        "rating": "Falso",
        "url": "https://check.example/1",
        "publisher": "Checks",
        "language": "es",
    },
    {"id": "fc-2", "claim_text": "the sky is blue", "rating": "True"},
]


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    settings = Settings(database_url=db.url)
    registry = build_registry(db, settings)
    registry.register(build_claim_detector(db, settings, backend=fake_backend()), replace=True)
    runtime = Runtime(db, settings, load_policy_dir(POLICY_DIR, registry), registry)
    runtime.ingest.content(
        [
            ContentIn(
                id="p1", account_id="a", kind=ContentKind.POST, text="Drinking bleach cures the flu"
            )
        ]
    )
    app = create_app(settings, db=db, runtime=runtime, api_tokens=[TOKEN])
    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


def test_token_required(client: TestClient) -> None:
    assert client.get("/v1/fact-checks").status_code == 401
    assert client.post("/v1/fact-checks", json={"items": ITEMS}).status_code == 401
    assert client.post("/v1/fact-checks/fc-1/retract").status_code == 401


def test_submit_is_idempotent_and_relabels(client: TestClient) -> None:
    first = client.post("/v1/fact-checks", json={"items": ITEMS}, headers=AUTH)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [(r["id"], r["status"], r["rating"]) for r in body["fact_checks"]] == [
        ("fc-1", "created", "false"),
        ("fc-2", "created", "true"),
    ]
    assert body["redecided"] == 1
    again = client.post("/v1/fact-checks", json={"items": ITEMS}, headers=AUTH).json()
    assert [r["status"] for r in again["fact_checks"]] == ["unchanged", "unchanged"]
    assert again["redecided"] == 0


def test_bad_input_is_named(client: TestClient) -> None:
    bad = client.post(
        "/v1/fact-checks", json={"items": [{"claim_text": "no id or url"}]}, headers=AUTH
    )
    assert bad.status_code == 422 and "id or a url" in bad.text
    client.post("/v1/fact-checks", json={"items": [{**ITEMS[0], "version": 2}]}, headers=AUTH)
    conflict = client.post(
        "/v1/fact-checks",
        json={"items": [{**ITEMS[0], "version": 2, "rating": "True"}]},
        headers=AUTH,
    )
    assert conflict.status_code == 409 and "version 2" in conflict.text
    assert client.get("/v1/fact-checks?rating=bogus", headers=AUTH).status_code == 422


def test_list_get_and_retract(client: TestClient) -> None:
    client.post("/v1/fact-checks", json={"items": ITEMS}, headers=AUTH)
    false_ones = client.get("/v1/fact-checks?rating=false", headers=AUTH).json()
    assert [fc["id"] for fc in false_ones["items"]] == ["fc-1"]
    one = client.get("/v1/fact-checks/fc-1", headers=AUTH).json()
    assert one["original_rating"] == "Falso" and one["language"] == "es"
    assert client.get("/v1/fact-checks/nope", headers=AUTH).status_code == 404
    retracted = client.post(
        "/v1/fact-checks/fc-1/retract", json={"reason": "error"}, headers=AUTH
    ).json()
    assert retracted["fact_checks"][0]["fact_check_status"] == "retracted"
    assert retracted["redecided"] == 1
    active = client.get("/v1/fact-checks?status=active", headers=AUTH).json()
    assert [fc["id"] for fc in active["items"]] == ["fc-2"]
    page = client.get("/v1/fact-checks?limit=1", headers=AUTH).json()
    assert page["next"] == "fc-1"
    assert client.post("/v1/fact-checks/nope/retract", headers=AUTH).status_code == 404
