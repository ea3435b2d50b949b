"""One decision on a whole campaign: token required, N account decisions, N statements of
reasons and N outbox messages, idempotent on the key; and the campaign pages render safely."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from campaign_seed import HOSTILE_NAME, LINK, MEMBERS, seed_campaign
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from veracity.config import Settings
from veracity.store.db import Database
from veracity.store.tables import (
    AccountEnforcementRow,
    CampaignDecisionRow,
    DecisionRow,
    OutboxRow,
    StatementRow,
)
from veracity.web.app import create_app
from veracity.web.auth import TOKEN_COOKIE
from veracity.web.csrf import csrf_token

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BODY: dict[str, Any] = {
    "action": "suspend_accounts",
    "ground": "Community Guidelines 4.2: coordinated inauthentic behaviour",
    "note": "Four accounts posted the same link and hashtags within ten minutes.",
    "idempotency_key": "inv-2025-0001",
    "duration_days": 30,
    "territorial_scope": ["de", "FR"],
}


@pytest.fixture
def client(db: Database) -> Iterator[tuple[TestClient, str, Database]]:
    cid = seed_campaign(db)
    app = create_app(Settings(database_url=db.url), db=db, api_tokens=[TOKEN])
    with TestClient(app) as test_client:
        yield test_client, cid, db


def _counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in (
                ("decisions", DecisionRow),
                ("statements", StatementRow),
                ("outbox", OutboxRow),
                ("campaign_decisions", CampaignDecisionRow),
            )
        }


def test_token_required(client: tuple[TestClient, str, Database]) -> None:
    http, cid, db = client
    assert http.post(f"/v1/campaigns/{cid}/decision", json=BODY).status_code == 401
    assert http.get(f"/v1/campaigns/{cid}/statements").status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert http.post(f"/v1/campaigns/{cid}/decision", json=BODY, headers=bad).status_code == 401
    assert _counts(db)["decisions"] == 0


def test_one_decision_acts_on_every_member(client: tuple[TestClient, str, Database]) -> None:
    http, cid, db = client
    resp = http.post(f"/v1/campaigns/{cid}/decision", json=BODY, headers=AUTH)
    assert resp.status_code == 201, resp.text
    out = resp.json()
    assert out["created"] is True and len(out["decision_ids"]) == len(MEMBERS)
    assert _counts(db) == {
        "decisions": len(MEMBERS),
        "statements": len(MEMBERS),
        "outbox": len(MEMBERS),
        "campaign_decisions": 1,
    }
    with db.transaction() as session:
        rows = session.execute(select(DecisionRow.subject_type, DecisionRow.subject_id)).all()
        payloads = list(session.scalars(select(OutboxRow.payload)))
        totals = dict(
            session.execute(
                select(AccountEnforcementRow.account_id, AccountEnforcementRow.violations)
            ).all()
        )
    assert sorted(rows) == [("account", m) for m in MEMBERS]
    assert {p["subject_id"] for p in payloads} == set(MEMBERS)
    assert all(p["actions"][0]["type"] == "suspend" for p in payloads)
    assert all(p["automated_decision"] is False for p in payloads)
    assert totals == {m: 1 for m in MEMBERS}

    decision = http.get(f"/v1/decisions/{out['decision_ids'][0]}", headers=AUTH).json()
    assert "by a reviewer" in decision["explanation"]

    statements = http.get(f"/v1/campaigns/{cid}/statements", headers=AUTH).json()["statements"]
    assert sorted(s["subject_id"] for s in statements) == MEMBERS
    s = statements[0]
    assert s["restriction"]["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert s["restriction"]["territorial_scope"] == ["DE", "FR"]
    assert s["restriction"]["end_date"] is not None
    assert s["automated_detection"] is True
    assert s["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert s["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert s["incompatible_content_ground"] == BODY["ground"]
    assert s["incompatible_content_explanation"] == BODY["note"]
    assert s["facts_evidence"]["campaign_id"] == cid
    assert {"trace": "url", "item": LINK} in s["facts_evidence"]["shared_items"]
    assert "4 accounts" in s["decision_facts"]
    assert not any(m in s["decision_facts"] for m in MEMBERS)  # no other accounts named
    assert set(s["redress"]) == {"internal_complaint", "out_of_court", "judicial"}
    one = http.get(f"/v1/campaigns/{cid}/statements?account_id=m2", headers=AUTH).json()
    assert [x["subject_id"] for x in one["statements"]] == ["m2"]
    assert http.get(f"/v1/campaigns/{cid}", headers=AUTH).json()["status"] == "actioned"


def test_same_key_changes_nothing(client: tuple[TestClient, str, Database]) -> None:
    http, cid, db = client
    first = http.post(f"/v1/campaigns/{cid}/decision", json=BODY, headers=AUTH)
    before = _counts(db)
    again = http.post(f"/v1/campaigns/{cid}/decision", json=BODY, headers=AUTH)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["decision_ids"] == first.json()["decision_ids"]
    assert [s["puid"] for s in again.json()["statements"]] == [
        s["puid"] for s in first.json()["statements"]
    ]
    assert _counts(db) == before
    other = {**BODY, "action": "ban_accounts"}
    assert http.post(f"/v1/campaigns/{cid}/decision", json=other, headers=AUTH).status_code == 409
    assert _counts(db) == before
    fresh = {**BODY, "action": "label_content", "idempotency_key": "inv-2025-0002"}
    assert http.post(f"/v1/campaigns/{cid}/decision", json=fresh, headers=AUTH).status_code == 201
    assert _counts(db)["decisions"] == 2 * len(MEMBERS)


def test_bad_requests(client: tuple[TestClient, str, Database]) -> None:
    http, cid, _ = client
    assert http.post("/v1/campaigns/nope/decision", json=BODY, headers=AUTH).status_code == 404
    for bad in (
        {**BODY, "action": "delete_everything"},
        {**BODY, "dsa_category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"},
        {**BODY, "territorial_scope": ["Germany"]},
        {k: v for k, v in BODY.items() if k != "idempotency_key"},
    ):
        resp = http.post(f"/v1/campaigns/{cid}/decision", json=bad, headers=AUTH)
        assert resp.status_code == 422, bad


def test_pages_render_and_escape(client: tuple[TestClient, str, Database]) -> None:
    http, cid, _ = client
    assert http.get("/ui/campaigns", follow_redirects=False).status_code == 303
    http.cookies.set(TOKEN_COOKIE, TOKEN)
    listing = http.get("/ui/campaigns").text
    assert cid in listing and "tags" in listing and "url" in listing
    page = http.get(f"/ui/campaigns/{cid}").text
    assert page.count("<svg") == 2
    assert HOSTILE_NAME not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert page.count('class="member"') == len(MEMBERS)
    assert LINK in page
    assert http.get("/ui/campaigns/nope").status_code == 404


def test_form_needs_csrf_and_decides(client: tuple[TestClient, str, Database]) -> None:
    http, cid, db = client
    http.cookies.set(TOKEN_COOKIE, TOKEN)
    form = {
        "action": "discount_engagement",
        "ground": "Terms 7: fake engagement",
        "note": "",
        "idempotency_key": "form-key-0001",
        "csrf": "forged",
    }
    url = f"/ui/campaigns/{cid}/decision"
    assert http.post(url, data=form, follow_redirects=False).status_code == 403
    assert _counts(db)["decisions"] == 0
    form["csrf"] = csrf_token(TOKEN)
    resp = http.post(url, data=form, follow_redirects=False)
    assert resp.status_code == 303
    assert http.post(url, data=form, follow_redirects=False).status_code == 303  # double submit
    assert _counts(db)["decisions"] == len(MEMBERS)
    page = http.get(resp.headers["location"]).text
    assert "recorded" in page and page.count('class="statement"') == len(MEMBERS)
    with db.transaction() as session:
        record = session.scalars(select(StatementRow.record)).first()
    assert record is not None
    assert record["restriction"]["decision_visibility"] == ["DECISION_VISIBILITY_OTHER"]
