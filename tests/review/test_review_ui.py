"""The reviewer's pages over HTTP with a signed-in browser session: CSRF on every form, htmx
claim returning just the panel, decisions shown with their statement, roles per page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from review_support import World, review_world, spam_posts

from access_support import login
from veracity.domain.entities import ContentIn, ContentKind, MediaRef
from veracity.store.db import Database


@pytest.fixture
def world(db: Database) -> Iterator[World]:
    with review_world(db) as w:
        yield w


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _browser(world: World, username: str) -> TestClient:
    client = TestClient(world.app)
    assert login(client, username) == 303
    return client


def test_claim_decide_and_see_the_statement(world: World) -> None:
    (case_id,) = spam_posts(world.runtime, 1)
    world.runtime.ingest.content(
        [
            ContentIn(
                id="p-media",
                account_id="p-acct-0",
                kind=ContentKind.IMAGE,
                text="<script>window.__x=1</script> look bit.ly/zz",
                media=[MediaRef(url="https://cdn.example/a.jpg", mime_type="image/jpeg")],
            )
        ]
    )
    browser = _browser(world, "reviewer")
    queues = browser.get("/ui/review")
    assert queues.status_code == 200 and case_id[:24] in queues.text
    page = browser.get(f"/ui/review/cases/{case_id}")
    assert page.status_code == 200 and "Not claimed" in page.text and 'id="claim"' in page.text
    csrf = _csrf(page.text)

    forged = browser.post(f"/ui/review/cases/{case_id}/claim", data={"csrf": "forged"})
    assert forged.status_code == 403 and "form token" in forged.text
    fragment = browser.post(
        f"/ui/review/cases/{case_id}/claim", data={"csrf": csrf}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="panel"') and "<html" not in fragment.text
    assert "Claimed by you" in fragment.text

    refused = browser.post(
        f"/ui/review/cases/{case_id}/decision",
        data={"csrf": csrf, "outcome": "remove"},
        follow_redirects=False,
    )
    assert refused.status_code == 422 and "policy tag" in refused.text
    done = browser.post(
        f"/ui/review/cases/{case_id}/decision",
        data={"csrf": csrf, "outcome": "remove", "policy_tags": ["spam"], "note": "shortener"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("done=decided")
    shown = browser.get(done.headers["location"]).text
    assert 'id="statement"' in shown and "remove()" in shown
    assert "AUTOMATED_DECISION_NOT_AUTOMATED" in shown

    media_case = next(
        r["id"]
        for r in world.client.get(
            "/v1/review/cases?queue=spam-review", headers=world.auth("reviewer")
        ).json()["cases"]
        if r["subject_id"] == "p-media"
    )
    media_page = browser.get(f"/ui/review/cases/{media_case}").text
    assert 'class="media veiled"' in media_page and 'src="https://cdn.example/a.jpg"' in media_page
    assert "<script>window.__x" not in media_page  # user text is escaped
    assert "&lt;script&gt;" in media_page


def test_pages_check_roles_and_escalation_leaves_the_queue(world: World) -> None:
    (case_id,) = spam_posts(world.runtime, 1)
    checker = _browser(world, "fact_checker")
    page = checker.get(f"/ui/review/cases/{case_id}")
    assert page.status_code == 200 and 'id="claim"' not in page.text  # not its queue
    assert "reviewer, senior_reviewer" in page.text
    assert checker.get("/ui/review/quality").status_code == 403
    analyst = _browser(world, "analyst")
    assert analyst.get("/ui/review").status_code == 403
    quality = analyst.get("/ui/review/quality?by=trigger")
    assert quality.status_code == 200 and 'id="overturn"' in quality.text
    assert analyst.get("/ui/review/quality?by=nonsense").status_code == 422

    reviewer = _browser(world, "reviewer")
    csrf = _csrf(reviewer.get("/ui/review").text)
    claimed = reviewer.post("/ui/review/next", data={"csrf": csrf}, follow_redirects=False)
    assert claimed.status_code == 303 and claimed.headers["location"].endswith(case_id)
    moved = reviewer.post(
        f"/ui/review/cases/{case_id}/escalate",
        data={"csrf": csrf, "to": "senior"},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and "escalated=" in moved.headers["location"]
    nothing = reviewer.post("/ui/review/next", data={"csrf": csrf}, follow_redirects=False)
    assert nothing.headers["location"].endswith("empty=true")
    bad = reviewer.post(
        f"/ui/review/cases/{case_id}/escalate",
        data={"csrf": csrf, "to": "the moon"},
    )
    assert bad.status_code == 422
    assert reviewer.get("/ui/review/cases/nope").status_code == 404
