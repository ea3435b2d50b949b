"""Decisions made by people land in the audit log under the signed-in actor, in the same
transaction; auditors read the log through ``GET /v1/audit``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from access_support import World, login, world
from veracity.access.roles import Role
from veracity.audit import list_entries, verify
from veracity.detect.coordination.campaigns import COORDINATED, Campaign, campaign_id
from veracity.detect.coordination.decide import campaign_decisions
from veracity.detect.coordination.store import save_campaigns
from veracity.store.db import Database

MEMBERS = ["m1", "m2", "m3"]
DECISION = {
    "action": "suspend_accounts",
    "ground": "Community Guidelines 4.2: coordinated inauthentic behaviour",
    "note": "Same link within minutes.",
    "idempotency_key": "audit-test-0001",
    "duration_days": 30,
    "decided_by": "someone they are not",
}


@pytest.fixture
def env(db: Database) -> Iterator[tuple[TestClient, World, str]]:
    cid = campaign_id(COORDINATED, MEMBERS)
    campaign = Campaign(
        id=cid,
        kind=COORDINATED,
        score=0.9,
        members=MEMBERS,
        first_ts=1_750_000_000,
        last_ts=1_750_000_600,
        reach=10,
        evidence={},
        member_scores={m: 0.9 for m in MEMBERS},
    )
    with db.transaction() as session:
        save_campaigns(session, [campaign], "duckdb")
    with world(db) as w, TestClient(w.app) as client:
        yield client, w, cid


def _entries(db: Database, action: str) -> list[dict[str, object]]:
    with db.transaction() as session:
        return [e.to_json() for e in list_entries(session, action=action, limit=1000)]


def test_campaign_decision_api_is_audited_under_the_caller(
    env: tuple[TestClient, World, str],
) -> None:
    client, w, cid = env
    url = f"/v1/campaigns/{cid}/decision"
    assert client.post(url, json=DECISION, headers=w.auth(Role.ANALYST)).status_code == 403
    made = client.post(url, json=DECISION, headers=w.auth(Role.INVESTIGATOR))
    assert made.status_code == 201, made.text
    again = client.post(url, json=DECISION, headers=w.auth(Role.INVESTIGATOR))
    assert again.status_code == 200  # a replay is not a new decision
    [entry] = _entries(w.db, "campaign.decide")
    assert entry["actor"] == "user:investigator" and entry["role"] == "investigator"
    assert entry["subject"] == f"campaign:{cid}"
    details = entry["details"]
    assert isinstance(details, dict)
    assert details["action"] == "suspend_accounts" and details["decision_count"] == len(MEMBERS)
    assert details["via"] == "api_token" and isinstance(details["token_id"], int)
    assert "note" not in details  # free text stays out of the log
    with w.db.transaction() as session:
        history = campaign_decisions(session, cid)
        assert verify(session).ok
    assert history[0]["decided_by"] == "user:investigator"


def test_campaign_decision_form_is_audited(env: tuple[TestClient, World, str]) -> None:
    client, w, cid = env
    assert login(client, "investigator") == 303
    page = client.get("/ui/decisions")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    form = {
        "action": "label_content",
        "ground": "Terms 7: coordinated behaviour",
        "idempotency_key": "form-audit-0001",
        "csrf": csrf,
    }
    response = client.post(f"/ui/campaigns/{cid}/decision", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    [entry] = _entries(w.db, "campaign.decide")
    assert entry["actor"] == "user:investigator"
    details = entry["details"]
    assert isinstance(details, dict) and details["via"] == "session"


def test_fact_check_verdicts_are_audited(env: tuple[TestClient, World, str]) -> None:
    client, w, _ = env
    item = {
        "id": "fc-1",
        "claim_text": "the moon landing was staged in a studio",
        "rating": "False",
        "url": "https://factcheck.example/moon",
    }
    body = {"items": [item]}
    assert (
        client.post("/v1/fact-checks", json=body, headers=w.auth(Role.REVIEWER)).status_code == 403
    )
    made = client.post("/v1/fact-checks", json=body, headers=w.auth(Role.FACT_CHECKER))
    assert made.status_code == 200, made.text
    retracted = client.post(
        "/v1/fact-checks/fc-1/retract", json={}, headers=w.auth(Role.FACT_CHECKER)
    )
    assert retracted.status_code == 200, retracted.text
    [submitted] = _entries(w.db, "factcheck.submit")
    [retraction] = _entries(w.db, "factcheck.retract")
    assert submitted["actor"] == retraction["actor"] == "user:fact_checker"
    assert submitted["subject"] == retraction["subject"] == "fact_check:fc-1"


def test_audit_api_pages_and_filters_for_auditors(env: tuple[TestClient, World, str]) -> None:
    client, w, _ = env
    for _ in range(3):
        assert login(client, "reviewer") == 303
    auditor = w.auth(Role.AUDITOR)
    assert client.get("/v1/audit", headers=w.auth(Role.REVIEWER)).status_code == 403
    first = client.get("/v1/audit?limit=2&action=auth.login", headers=auditor).json()
    assert [e["action"] for e in first["items"]] == ["auth.login", "auth.login"]
    assert first["next_after"] == first["items"][-1]["seq"]
    rest = client.get(
        f"/v1/audit?limit=2&action=auth.login&after={first['next_after']}", headers=auditor
    ).json()
    assert len(rest["items"]) == 1 and rest["next_after"] is None
    assert first["items"][1]["prev_hash"] != first["items"][0]["prev_hash"]
    assert client.get("/v1/audit?limit=0", headers=auditor).status_code == 422
    assert client.get("/v1/audit?after=-1", headers=auditor).status_code == 422
