"""The ingestion API: idempotency, decisions on new content, and precise errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from ingest_support import AUTH, FALSE_CLAIM
from sqlalchemy import func, select

from veracity.store.db import Database
from veracity.store.tables import ContentRow, DecisionRow, EventRow, OutboxRow, SignalRow


def _count(db: Database, table: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _post(id_: str, text: str = "a lovely day at the beach", **extra: Any) -> dict[str, Any]:
    return {"id": id_, "account_id": "acc-1", "kind": "post", "text": text, **extra}


ROUTES = [
    "/v1/accounts",
    "/v1/accounts/batch",
    "/v1/content",
    "/v1/content/batch",
    "/v1/events",
    "/v1/events/batch",
    "/v1/reports",
    "/v1/reports/batch",
    "/v1/decisions",
]


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_needs_a_token(client: TestClient, route: str) -> None:
    method = client.get if route == "/v1/decisions" else client.post
    assert method(route).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert method(route, headers=bad).status_code == 401


def test_content_is_decided_and_explained(client: TestClient, db: Database) -> None:
    r = client.post("/v1/content", json=_post("p1", FALSE_CLAIM), headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"] == 1
    result = body["results"][0]
    assert result["status"] == "accepted"
    assert "reduce()" in result["actions"]
    assert "label(label=false-information)" in result["actions"]

    d = client.get(f"/v1/decisions/{result['decision_id']}", headers=AUTH).json()
    assert d["decision"]["subject_id"] == "p1"
    rules = {m["rule_id"] for m in d["decision"]["matched"]}
    assert "repeat-false-claim" in rules
    sources = {s["source"].split("@")[0] for s in d["signals"]}
    assert {"text_match", "url_reputation", "phrase_match", "language"} <= sources
    text_match = next(s for s in d["signals"] if s["detector"] == "text_match")
    assert text_match["outputs"]["entry_id"] == "claim-1"
    assert "p1" in d["explanation"]
    # The decision and its outbox message were written in the same transaction.
    assert _count(db, OutboxRow) == 1


def test_resending_the_same_id_changes_nothing(client: TestClient, db: Database) -> None:
    first = client.post("/v1/content", json=_post("p1", FALSE_CLAIM), headers=AUTH).json()
    counts = [_count(db, t) for t in (ContentRow, DecisionRow, SignalRow, OutboxRow, EventRow)]
    changed = _post("p1", "a completely different text")
    again = client.post("/v1/content", json=changed, headers=AUTH).json()
    assert first["accepted"] == 1
    assert again == {
        "accepted": 0,
        "duplicates": 1,
        "results": [{"id": "p1", "status": "duplicate", "decision_id": None, "actions": None}],
    }
    assert counts == [
        _count(db, t) for t in (ContentRow, DecisionRow, SignalRow, OutboxRow, EventRow)
    ]
    with db.transaction() as session:
        assert session.scalar(select(ContentRow.text).where(ContentRow.id == "p1")) == FALSE_CLAIM


def test_batch_reports_each_item_and_dedupes_within_the_batch(
    client: TestClient, db: Database
) -> None:
    items = [_post("b1"), _post("b2"), _post("b1", "second copy"), _post("b3")]
    body = client.post("/v1/content/batch", json={"items": items}, headers=AUTH).json()
    assert [r["status"] for r in body["results"]] == [
        "accepted",
        "accepted",
        "duplicate",
        "accepted",
    ]
    assert (body["accepted"], body["duplicates"]) == (3, 1)
    assert _count(db, ContentRow) == 3
    assert _count(db, DecisionRow) == 3


def test_events_accounts_and_reports_are_idempotent(client: TestClient, db: Database) -> None:
    event = {
        "id": "e1",
        "type": "like",
        "account_id": "a",
        "content_id": "p",
        "occurred_at": "2026-11-01T10:00:00Z",
    }
    report = {
        "id": "r1",
        "content_id": "p",
        "reason": "misinformation",
        "explanation": "this is false",
        "good_faith": True,
        "occurred_at": "2026-11-01T10:00:00Z",
    }
    account = {"id": "acc-9", "handle": "nine", "created_at": "2025-01-01T00:00:00Z"}
    reports = {"items": [report]}  # single notices: POST /v1/reports (tests/reports)
    for route, payload in (("events", event), ("reports/batch", reports), ("accounts", account)):
        assert client.post(f"/v1/{route}", json=payload, headers=AUTH).json()["accepted"] == 1
        assert client.post(f"/v1/{route}", json=payload, headers=AUTH).json()["duplicates"] == 1
    # The report also enters the event log once.
    with db.transaction() as session:
        types = list(session.scalars(select(EventRow.type).order_by(EventRow.seq)))
    assert types == ["like", "report"]


def _errors(response: Any) -> list[dict[str, Any]]:
    detail: list[dict[str, Any]] = response.json()["detail"]
    return detail


def test_unknown_field_is_named(client: TestClient) -> None:
    items = [_post("ok"), {**_post("bad"), "colour": "red"}]
    r = client.post("/v1/content/batch", json={"items": items}, headers=AUTH)
    assert r.status_code == 422
    errors = _errors(r)
    assert errors[0]["field"] == "items[1].colour"
    assert errors[0]["type"] == "extra_forbidden"


def test_nothing_from_a_rejected_batch_is_stored(client: TestClient, db: Database) -> None:
    items = [_post("ok"), {**_post("bad"), "kind": "hologram"}]
    r = client.post("/v1/content/batch", json={"items": items}, headers=AUTH)
    assert r.status_code == 422
    assert _errors(r)[0]["field"] == "items[1].kind"
    assert _count(db, ContentRow) == 0


@pytest.mark.parametrize(
    ("payload", "field", "error_type"),
    [
        ({**_post("p"), "text": "x" * 20_001}, "text", "string_too_long"),
        ({**_post("p"), "id": "has spaces"}, "id", "string_pattern_mismatch"),
        ({**_post("p"), "id": ""}, "id", "string_too_short"),
        ({"account_id": "a", "kind": "post"}, "id", "missing"),
        ({**_post("p"), "created_at": "yesterday"}, "created_at", "datetime_from_date_parsing"),
        (
            {**_post("p"), "media": [{"url": "u", "sha256": "nothex"}]},
            "media[0].sha256",
            "string_pattern_mismatch",
        ),
        ({**_post("p"), "metadata": {"k": "v" * 17_000}}, "metadata", "value_error"),
    ],
)
def test_malformed_fields_are_named(
    client: TestClient, payload: dict[str, Any], field: str, error_type: str
) -> None:
    r = client.post("/v1/content", json=payload, headers=AUTH)
    assert r.status_code == 422
    first = _errors(r)[0]
    assert first["field"] == field
    assert first["type"] == error_type


def test_malformed_json_and_wrong_shapes(client: TestClient) -> None:
    r = client.post(
        "/v1/content",
        content=b'{"id": "p1", "kind": ',
        headers={**AUTH, "content-type": "application/json"},
    )
    assert r.status_code == 422
    assert _errors(r)[0]["type"] == "json_invalid"
    r = client.post("/v1/content/batch", json=[_post("p1")], headers=AUTH)
    assert r.status_code == 422
    r = client.post(
        "/v1/content", content=b"\xff\xfe\x00", headers={**AUTH, "content-type": "application/json"}
    )
    assert r.status_code == 400
    assert "parsing the body" in r.json()["detail"]


def test_oversized_body_and_batch(client: TestClient) -> None:
    huge = b'{"items": [' + b'"' + b"x" * (9 * 1024 * 1024) + b'"]}'
    r = client.post(
        "/v1/content/batch", content=huge, headers={**AUTH, "content-type": "application/json"}
    )
    assert r.status_code == 413
    assert _errors(r)[0]["type"] == "body_too_large"
    items = [_post(f"p{i}") for i in range(1001)]
    r = client.post("/v1/content/batch", json={"items": items}, headers=AUTH)
    assert r.status_code == 422
    assert _errors(r)[0]["field"] == "items"
    assert _errors(r)[0]["type"] == "too_long"


def test_decisions_list_pages_by_cursor(client: TestClient) -> None:
    items = [_post(f"p{i}") for i in range(7)]
    client.post("/v1/content/batch", json={"items": items}, headers=AUTH)
    page1 = client.get("/v1/decisions?limit=4", headers=AUTH).json()
    assert len(page1["items"]) == 4
    page2 = client.get(f"/v1/decisions?limit=4&before={page1['next_before']}", headers=AUTH).json()
    assert len(page2["items"]) == 3
    assert page2["next_before"] is None
    seen = [i["decision"]["subject_id"] for i in page1["items"] + page2["items"]]
    assert sorted(seen) == sorted(f"p{i}" for i in range(7))
    assert client.get("/v1/decisions/nope", headers=AUTH).status_code == 404
