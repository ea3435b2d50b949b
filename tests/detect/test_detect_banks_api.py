from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from veracity.detect.api import router
from veracity.store.db import Database

AUTH = {"Authorization": "Bearer t"}


@pytest.fixture
def app(db: Database) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.db = db
    app.state.api_tokens = ["t"]
    app.state.changed = []
    app.state.on_banks_changed = app.state.changed.append
    return app


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def test_requires_token(client: TestClient) -> None:
    for method, url in [
        ("GET", "/v1/banks"),
        ("GET", "/v1/banks/text/entries"),
        ("POST", "/v1/banks/text/entries"),
        ("DELETE", "/v1/banks/text/entries/x"),
    ]:
        response = client.request(method, url)
        assert response.status_code == 401, (method, url)
        response = client.request(method, url, headers={"Authorization": "Bearer wrong"})
        assert response.status_code == 401


def test_add_list_get_disable(client: TestClient, app: FastAPI) -> None:
    body = {
        "entries": [
            {"entry_id": "s1", "value": "Spam.example.com", "label": "spam", "data": {"by": "me"}},
            {"entry_id": "s2", "value": "https://www.bad.net/x"},
        ]
    }
    response = client.post("/v1/banks/domains:spam/entries", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json() == {"bank": "domains:spam", "received": 2, "added": 2}
    again = client.post("/v1/banks/domains:spam/entries", json=body, headers=AUTH)
    assert again.json()["added"] == 0
    assert app.state.changed == ["domains:spam"]

    client.post(
        "/v1/banks/text/entries",
        json={"entries": [{"entry_id": "t1", "value": "A known false claim"}]},
        headers=AUTH,
    )
    banks = client.get("/v1/banks", headers=AUTH).json()
    assert banks == {
        "banks": [
            {"bank": "domains:spam", "entries": 2, "disabled": 0},
            {"bank": "text", "entries": 1, "disabled": 0},
        ]
    }

    page = client.get("/v1/banks/domains:spam/entries", headers=AUTH).json()
    assert page["total"] == 2 and page["limit"] == 100 and page["offset"] == 0
    first = page["entries"][0]
    assert first["entry_id"] == "s1" and first["value"] == "Spam.example.com"
    assert first["label"] == "spam" and first["data"] == {"by": "me"} and first["enabled"]
    assert first["added_at"]

    deleted = client.delete("/v1/banks/domains:spam/entries/s1", headers=AUTH)
    assert deleted.status_code == 200
    assert deleted.json() == {"bank": "domains:spam", "entry_id": "s1", "enabled": False}
    page = client.get("/v1/banks/domains:spam/entries", headers=AUTH).json()
    assert [e["entry_id"] for e in page["entries"]] == ["s2"]
    page = client.get(
        "/v1/banks/domains:spam/entries?include_disabled=true&limit=1&offset=0", headers=AUTH
    ).json()
    assert page["total"] == 2 and len(page["entries"]) == 1
    banks = client.get("/v1/banks", headers=AUTH).json()["banks"]
    assert banks[0] == {"bank": "domains:spam", "entries": 1, "disabled": 1}

    missing = client.delete("/v1/banks/domains:spam/entries/nope", headers=AUTH)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("bank", "body"),
    [
        ("domains:spam", {"entries": [{"entry_id": "x", "value": "not a host"}]}),
        ("phrases:spam", {"entries": [{"entry_id": "x", "value": "🔥🔥"}]}),
        ("text", {"entries": [{"entry_id": "x", "value": "!!!"}]}),
        ("text", {"entries": [{"entry_id": "x", "value": "ok", "extra": 1}]}),
        ("text", {"entries": [{"entry_id": "bad id!", "value": "ok"}]}),
        ("text", {"entries": [{"entry_id": "x", "value": ""}]}),
        ("text", {"entries": [{"entry_id": "x", "value": "ok", "label": "l" * 129}]}),
        ("text", {"entries": [{"entry_id": "x", "value": "v" * 20_001}]}),
        ("text", {"entries": []}),
        ("text", {"entries": [{"entry_id": f"x{i}", "value": "ok"} for i in range(1001)]}),
        ("text", {"entries": [{"entry_id": "x", "value": "ok"}], "more": True}),
        ("unknown", {"entries": [{"entry_id": "x", "value": "ok"}]}),
        ("domains:UPPER", {"entries": [{"entry_id": "x", "value": "a.com"}]}),
    ],
)
def test_validation(client: TestClient, bank: str, body: dict[str, object]) -> None:
    response = client.post(f"/v1/banks/{bank}/entries", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    assert client.get("/v1/banks", headers=AUTH).json() == {"banks": []}


def test_invalid_bank_and_paging_parameters(client: TestClient) -> None:
    assert client.get("/v1/banks/other/entries", headers=AUTH).status_code == 422
    assert client.get("/v1/banks/text/entries?limit=0", headers=AUTH).status_code == 422
    assert client.get("/v1/banks/text/entries?limit=5000", headers=AUTH).status_code == 422
    assert client.get("/v1/banks/text/entries?offset=-1", headers=AUTH).status_code == 422
    assert client.delete("/v1/banks/bad/entries/x", headers=AUTH).status_code == 422
    empty = client.get("/v1/banks/phrases:new/entries", headers=AUTH).json()
    assert empty == {"bank": "phrases:new", "total": 0, "limit": 100, "offset": 0, "entries": []}
