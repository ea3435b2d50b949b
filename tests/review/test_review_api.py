"""The review API end to end over HTTP: queues, claims, decisions, appeals lodged by the
platform, the user's statements, quality and overturn figures; roles and bad input refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from review_support import World, review_world, spam_posts

from veracity.access.roles import Role
from veracity.store.db import Database


@pytest.fixture
def world(db: Database) -> Iterator[World]:
    with review_world(db) as w:
        yield w


def test_reviewer_loop_over_the_api(world: World) -> None:
    c = world.client
    ids = spam_posts(world.runtime, 3)
    queues = c.get("/v1/review/queues", headers=world.auth(Role.REVIEWER)).json()
    assert "spam-review" in queues["queues"] and "appeals" not in queues["queues"]
    assert sum(r["open"] for r in queues["open"] if r["queue"] == "spam-review") == 3
    assert {r["language"] for r in queues["open"]} <= {"en", "de"}
    listed = c.get("/v1/review/cases?queue=spam-review", headers=world.auth(Role.REVIEWER))
    assert [x["id"] for x in listed.json()["cases"]] == ids  # priority order
    assert listed.json()["cases"][0]["sla"]["overdue"] is False
    assert (
        c.get("/v1/review/cases?queue=appeals", headers=world.auth(Role.REVIEWER)).status_code
        == 403
    )

    got = c.post("/v1/review/next", headers=world.auth(Role.REVIEWER)).json()
    assert got["case_id"] == ids[0] and got["claimed_by"] == "user:reviewer"
    clash = c.post(f"/v1/review/cases/{ids[0]}/claim", headers=world.auth("reviewer2"))
    assert clash.status_code == 409 and "user:reviewer" in clash.json()["detail"]
    view = c.get(f"/v1/review/cases/{ids[0]}", headers=world.auth(Role.REVIEWER)).json()
    assert view["lock"]["mine"] is True and view["case"]["subject_id"] == view["content"]["id"]
    account = view["content"]["account_id"]
    assert view["signals"] and view["policy"]["rules"][0]["description"]

    bad = c.post(
        f"/v1/review/cases/{ids[0]}/decision",
        json={"outcome": "obliterate", "policy_tags": ["spam"]},
        headers=world.auth(Role.REVIEWER),
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "outcome"
    extra = c.post(
        f"/v1/review/cases/{ids[0]}/decision",
        json={"outcome": "remove", "policy_tags": ["spam"], "decided_by": "someone"},
        headers=world.auth(Role.REVIEWER),
    )
    assert extra.status_code == 422
    untagged = c.post(
        f"/v1/review/cases/{ids[0]}/decision",
        json={"outcome": "remove"},
        headers=world.auth(Role.REVIEWER),
    )
    assert untagged.status_code == 422 and "policy tag" in untagged.json()["detail"]
    done = c.post(
        f"/v1/review/cases/{ids[0]}/decision",
        json={"outcome": "remove", "policy_tags": ["spam"], "note": "spam link"},
        headers=world.auth(Role.REVIEWER),
    )
    assert done.status_code == 200, done.text
    decision_id = done.json()["decision_id"]
    assert done.json()["statement"]["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    not_mine = c.post(
        f"/v1/review/cases/{ids[1]}/decision",
        json={"outcome": "no_violation"},
        headers=world.auth(Role.REVIEWER),
    )
    assert not_mine.status_code == 409

    # The user's side: statements through the platform's service token, then an appeal.
    mine = c.get(f"/v1/statements?account_id={account}", headers=world.auth(Role.SERVICE)).json()
    assert {s["statement"]["decision_id"] for s in mine["statements"]} >= {decision_id}
    status = {s["statement"]["decision_id"]: s["status"] for s in mine["statements"]}
    assert status.pop(decision_id) == "in_force"
    assert set(status.values()) == {"superseded"}  # the automated decision the review replaced
    assert (
        c.get(f"/v1/statements?account_id={account}", headers=world.auth(Role.REVIEWER)).status_code
        == 403
    )
    assert c.get("/v1/statements", headers=world.auth(Role.SERVICE)).status_code == 422
    puid = mine["statements"][0]["statement"]["puid"]
    assert c.get(f"/v1/statements/{puid}", headers=world.auth(Role.AUDITOR)).status_code == 200
    assert c.get("/v1/statements/sor-none", headers=world.auth(Role.AUDITOR)).status_code == 404

    body = {"decision_id": decision_id, "account_id": account, "reason": "Not spam."}
    lodged = c.post("/v1/appeals", json=body, headers=world.auth(Role.SERVICE))
    assert lodged.status_code == 201 and lodged.json()["created"] is True
    assert c.post("/v1/appeals", json=body, headers=world.auth(Role.SERVICE)).status_code == 200
    assert c.post("/v1/appeals", json=body, headers=world.auth(Role.REVIEWER)).status_code == 403
    missing = c.post(
        "/v1/appeals", json={**body, "decision_id": "nope"}, headers=world.auth(Role.SERVICE)
    )
    assert missing.status_code == 404
    empty_reason = c.post(
        "/v1/appeals", json={**body, "reason": ""}, headers=world.auth(Role.SERVICE)
    )
    assert empty_reason.status_code == 422
    appeal = lodged.json()
    case_id = appeal["case_id"]
    assert (
        c.post(f"/v1/review/cases/{case_id}/claim", headers=world.auth(Role.REVIEWER)).status_code
        == 403
    )
    assert (
        c.post(
            f"/v1/review/cases/{case_id}/claim", headers=world.auth(Role.SENIOR_REVIEWER)
        ).status_code
        == 200
    )
    reversed_ = c.post(
        f"/v1/review/cases/{case_id}/appeal-decision",
        json={"outcome": "reversed"},
        headers=world.auth(Role.SENIOR_REVIEWER),
    )
    assert reversed_.status_code == 200 and reversed_.json()["outcome"] == "reversed"
    status = c.get(f"/v1/appeals/{appeal['id']}", headers=world.auth(Role.SERVICE)).json()
    assert status["status"] == "decided"
    after = c.get(f"/v1/statements?account_id={account}", headers=world.auth(Role.SERVICE)).json()
    assert {
        s["status"] for s in after["statements"] if s["statement"]["decision_id"] == decision_id
    } == {"reversed"}

    quality = c.get("/v1/review/quality", headers=world.auth(Role.ANALYST))
    assert quality.status_code == 200 and quality.json()["overall"]["decisions"] == 1
    assert c.get("/v1/review/quality", headers=world.auth(Role.REVIEWER)).status_code == 403
    rates = c.get("/v1/review/overturn?by=automation", headers=world.auth(Role.ANALYST)).json()
    assert {r["cohort"]: r["reversed"] for r in rates["cohorts"]}["human"] == 1
    assert c.get("/v1/review/overturn?by=mood", headers=world.auth(Role.ANALYST)).status_code == 422


def test_golden_cases_and_escalation_over_the_api(world: World) -> None:
    c = world.client
    spam_posts(world.runtime, 1)
    body = {"content_id": "p-0", "outcome": "remove", "queue": "spam-review"}
    assert (
        c.post("/v1/review/golden", json=body, headers=world.auth(Role.REVIEWER)).status_code == 403
    )
    made = c.post("/v1/review/golden", json=body, headers=world.auth(Role.SENIOR_REVIEWER))
    assert made.status_code == 201 and made.json()["queue"] == "spam-review"
    assert (
        c.post(
            "/v1/review/golden",
            json={**body, "content_id": "nope"},
            headers=world.auth(Role.SENIOR_REVIEWER),
        ).status_code
        == 404
    )
    assert (
        c.post(
            "/v1/review/golden",
            json={**body, "queue": "nowhere"},
            headers=world.auth(Role.SENIOR_REVIEWER),
        ).status_code
        == 422
    )
    case_id = made.json()["case_id"]
    c.post(f"/v1/review/cases/{case_id}/claim", headers=world.auth(Role.REVIEWER))
    bad = c.post(
        f"/v1/review/cases/{case_id}/escalate",
        json={"to": "moon"},
        headers=world.auth(Role.REVIEWER),
    )
    assert bad.status_code == 422
    up = c.post(
        f"/v1/review/cases/{case_id}/escalate",
        json={"to": "fact_check"},
        headers=world.auth(Role.REVIEWER),
    )
    assert up.status_code == 200 and up.json()["queue"] == "fact-check"
    fc = c.get(f"/v1/review/cases/{case_id}", headers=world.auth(Role.FACT_CHECKER)).json()
    assert fc["case"]["queue"] == "fact-check" and fc["case"]["kind"] == "review"
    assert c.get("/v1/review/cases/nope", headers=world.auth(Role.REVIEWER)).status_code == 404
