"""The notes API and pages: who may write and rate, what is refused, what staff can read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from notes_support import ingest_accounts
from sqlalchemy import insert

from veracity.access.roles import Role
from veracity.access.tokens import create_token
from veracity.access.users import create_user
from veracity.config import Settings
from veracity.domain.entities import ContentIn, MediaRef
from veracity.store.db import Database, utcnow
from veracity.store.tables import DecisionRow
from veracity.web.app import create_app

ADMIN = {"Authorization": "Bearer notes-admin"}


@pytest.fixture
def env(db: Database) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    settings = Settings(database_url=db.url)
    app = create_app(settings, db=db, api_tokens=["notes-admin"])
    auth: dict[str, dict[str, str]] = {}
    with db.transaction() as session:
        for role in (Role.SERVICE, Role.REVIEWER, Role.ANALYST):
            create_user(session, role.value, [role])
            secret = create_token(session, role.value, [role]).secret
            auth[role.value] = {"Authorization": f"Bearer {secret}"}
    ingest = app.state.runtime.ingest
    ingest_accounts(ingest, ["alice", "bob", "carol", "offender", "poster"])
    ingest_accounts(ingest, ["newbie"], age_days=10)
    ingest.content(
        [
            ContentIn(
                id="v1",
                account_id="poster",
                kind="video",
                text="the flood video",
                media=[MediaRef(url="https://cdn.example/v1.mp4", duration_s=30)],
            ),
            ContentIn(id="p1", account_id="poster", kind="post", text="a post"),
        ]
    )
    with db.transaction() as session:  # a suspension last week: a recent violation
        session.execute(
            insert(DecisionRow).values(
                id="dec-offender",
                subject_type="account",
                subject_id="offender",
                trigger="review",
                record={"actions": [{"type": "suspend", "params": {}}]},
                action_count=1,
                automated_decision=False,
                created_at=utcnow() - timedelta(days=7),
            )
        )
    with TestClient(app) as client:
        yield client, auth


def note(**over: Any) -> dict[str, Any]:
    body = {
        "id": "n1",
        "content_id": "v1",
        "author_id": "alice",
        "text": "This video was filmed in 2019, not this week.",
        "sources": ["https://news.example/flood-2019"],
        "video_range": {"start_s": 2, "end_s": 14.5},
    }
    body.update(over)
    return body


def test_service_relays_notes_idempotently(env: tuple[TestClient, dict]) -> None:
    client, auth = env
    svc = auth["service"]
    first = client.post("/v1/notes", json=note(), headers=svc)
    assert first.status_code == 201, first.text
    stored = first.json()["note"]
    assert stored["status"] == "needs_more_ratings" and stored["video_range"]["end_s"] == 14.5
    again = client.post("/v1/notes", json=note(), headers=svc)
    assert again.status_code == 200 and again.json()["created"] is False
    clash = client.post("/v1/notes", json=note(text="Something else entirely."), headers=svc)
    assert clash.status_code == 409 and "already used" in clash.json()["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (note(author_id="newbie"), "10 days old"),
        (note(author_id="offender"), "violation"),
        (note(author_id="stranger"), "unknown"),
        (note(content_id="nope"), "content nope is unknown"),
        (note(content_id="p1"), "only videos have one"),
        (note(video_range={"start_s": 5, "end_s": 31}), "the video is 30 s"),
        (note(video_range={"start_s": 5, "end_s": 4}), "end_s must be after start_s"),
        (note(sources=[]), "needs at least one source"),
        (note(sources=["javascript:alert(1)"]), "not an http(s) URL"),
        (note(text="   "), "must not be blank"),
        (note(text="x" * 1001), "at most 1000"),
        (note(colour="red"), "Extra inputs are not permitted"),
        (note(classification="lies"), "classification"),
    ],
)
def test_bad_notes_are_refused_with_a_reason(
    env: tuple[TestClient, dict],
    body: dict[str, Any],
    message: str,
) -> None:
    client, auth = env
    response = client.post("/v1/notes", json=body, headers=auth["service"])
    assert response.status_code == 422, response.text
    assert message in response.text


def test_ratings_are_checked_and_replace_earlier_ones(env: tuple[TestClient, dict]) -> None:
    client, auth = env
    svc = auth["service"]
    assert client.post("/v1/notes", json=note(), headers=svc).status_code == 201
    url = "/v1/notes/n1/ratings"
    rating = {"rater_id": "bob", "helpfulness": "helpful", "tags": ["good_sources", "clear"]}
    first = client.post(url, json=rating, headers=svc)
    assert first.status_code == 200, first.text
    body = first.json()
    # no full scoring run yet: nothing to rescore against
    assert body["changed"] is True and body["rescored"] is False
    assert body["note"]["status"] == "needs_more_ratings"
    assert client.post(url, json=rating, headers=svc).json()["changed"] is False
    changed = {"rater_id": "bob", "helpfulness": "not_helpful", "tags": ["incorrect"]}
    assert client.post(url, json=changed, headers=svc).json()["changed"] is True
    refused = [
        ({"rater_id": "alice", "helpfulness": "helpful"}, 422, "own notes"),
        ({"rater_id": "newbie", "helpfulness": "helpful"}, 422, "10 days old"),
        ({"rater_id": "carol", "helpfulness": "helpful", "tags": ["incorrect"]}, 422, "do not go"),
        ({"rater_id": "carol", "helpfulness": "great"}, 422, "helpfulness"),
        ({"rater_id": "carol"}, 422, "helpfulness"),
    ]
    for bad, code, message in refused:
        response = client.post(url, json=bad, headers=svc)
        assert response.status_code == code and message in response.text, (bad, response.text)
    missing = client.post("/v1/notes/n9/ratings", json=rating, headers=svc)
    assert missing.status_code == 404
    detail = client.get("/v1/notes/n1", headers=auth["reviewer"]).json()
    assert detail["ratings"]["by_helpfulness"] == {"not_helpful": 1}
    assert detail["ratings"]["top_tags"] == [["incorrect", 1]]
    assert "bob" not in str(detail["ratings"])  # raters stay anonymous in the summary


def test_staff_read_and_only_the_service_writes(env: tuple[TestClient, dict]) -> None:
    client, auth = env
    assert client.post("/v1/notes", json=note(), headers=auth["service"]).status_code == 201
    assert client.post("/v1/notes", json=note(), headers=auth["reviewer"]).status_code == 403
    assert client.post("/v1/notes", json=note()).status_code == 401
    listed = client.get("/v1/notes?content_id=v1", headers=auth["analyst"])
    assert listed.status_code == 200 and [n["id"] for n in listed.json()["items"]] == ["n1"]
    waiting = client.get("/v1/notes?status=needs_more_ratings", headers=auth["reviewer"])
    assert [n["id"] for n in waiting.json()["items"]] == ["n1"]
    assert client.get("/v1/notes?status=helpful", headers=auth["reviewer"]).json()["items"] == []
    assert client.get("/v1/notes?status=bogus", headers=auth["reviewer"]).status_code == 422
    assert client.get("/v1/notes?limit=0", headers=auth["reviewer"]).status_code == 422
    assert client.get("/v1/notes/n2", headers=auth["reviewer"]).status_code == 404
    assert client.get("/v1/notes/bad id", headers=auth["reviewer"]).status_code == 422
    author = client.get("/v1/note-contributors/alice", headers=auth["reviewer"]).json()
    assert author == {"account_id": "alice", "notes_written": 1, "ratings_made": 0, "scored": False}
    assert client.get("/v1/note-contributors/zed", headers=auth["reviewer"]).status_code == 404


def test_pages_list_and_show_notes(env: tuple[TestClient, dict]) -> None:
    client, auth = env
    assert client.post("/v1/notes", json=note(), headers=auth["service"]).status_code == 201
    page = client.get("/ui/notes", headers=ADMIN)
    assert page.status_code == 200 and 'data-note="n1"' in page.text
    one = client.get("/ui/notes/n1", headers=ADMIN)
    assert one.status_code == 200
    assert "filmed in 2019" in one.text and "https://news.example/flood-2019" in one.text
    assert client.get("/ui/notes/n9", headers=ADMIN).status_code == 404
    assert client.get("/ui/notes", follow_redirects=False).status_code == 303
