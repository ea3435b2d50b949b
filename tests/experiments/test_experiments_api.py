"""The experiments API: who may define, expose and read; hostile input; a readout end to end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from access_support import World, world
from veracity.access.roles import Role
from veracity.experiments.simulate import simulate_experiment
from veracity.sim.interventions import ResponseModel
from veracity.store.db import Database, utcnow


@pytest.fixture
def env(db: Database) -> Iterator[tuple[TestClient, World]]:
    with world(db) as w, TestClient(w.app) as client:
        yield client, w


def _definition(**over: Any) -> dict[str, Any]:
    now = utcnow()
    body = {
        "key": "share-prompt-1",
        "name": "Share prompt on unverified posts",
        "intervention": "share_prompt",
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": now.isoformat(),
        "pre_period_days": 3,
    }
    return {**body, **over}


def test_roles_define_read_and_expose(env: tuple[TestClient, World]) -> None:
    client, w = env
    body = _definition(salt="fixed")
    assert client.post("/v1/experiments", json=body).status_code == 401
    assert (
        client.post("/v1/experiments", json=body, headers=w.auth(Role.ANALYST)).status_code == 403
    )
    created = client.post("/v1/experiments", json=body, headers=w.auth(Role.POLICY_ADMIN))
    assert created.status_code == 201, created.text
    again = client.post("/v1/experiments", json=body, headers=w.auth(Role.POLICY_ADMIN))
    assert again.status_code == 200
    assert again.json()["created"] is False
    changed = client.post(
        "/v1/experiments", json={**body, "coverage": 0.5}, headers=w.auth(Role.POLICY_ADMIN)
    )
    assert changed.status_code == 409
    listed = client.get("/v1/experiments", headers=w.auth(Role.ANALYST))
    assert listed.status_code == 200
    (item,) = listed.json()["experiments"]
    assert item["key"] == "share-prompt-1"
    assert "salt" not in item["definition"]
    assert client.get("/v1/experiments", headers=w.auth(Role.REVIEWER)).status_code == 403

    svc = w.auth(Role.SERVICE)
    got = client.get("/v1/experiments/share-prompt-1/assignment?unit_id=a1", headers=svc)
    assert got.status_code == 200
    assert got.json()["variant"] in ("control", "treatment")
    batch = {"exposures": [{"unit_id": "a1"}, {"unit_id": "a2"}, {"unit_id": "a1"}]}
    first = client.post("/v1/experiments/share-prompt-1/exposures", json=batch, headers=svc)
    assert first.json() == {"logged": 2, "already_logged": 0, "holdout": 0}
    second = client.post("/v1/experiments/share-prompt-1/exposures", json=batch, headers=svc)
    assert second.json() == {"logged": 0, "already_logged": 2, "holdout": 0}
    analyst_expose = client.post(
        "/v1/experiments/share-prompt-1/exposures", json=batch, headers=w.auth(Role.ANALYST)
    )
    assert analyst_expose.status_code == 403
    shown = client.get("/v1/experiments/share-prompt-1", headers=w.auth(Role.AUDITOR))
    assert sum(shown.json()["exposures"].values()) == 2


@pytest.mark.parametrize(
    "body",
    [
        _definition(key="has space"),
        _definition(intervention="mind_control"),
        _definition(extra_field=1),
        _definition(variants=["a"]),
        _definition(variants=["a", "a"]),
        _definition(weights=[1, 2, 3]),
        _definition(coverage=0),
        _definition(coverage=1.5),
        _definition(starts_at="2026-01-01T00:00:00"),
        _definition(ends_at="2000-01-01T00:00:00Z"),
        _definition(alpha=0.9),
        _definition(name="x" * 10_000),
        _definition(guardrails=["bogus"]),
    ],
)
def test_malformed_definitions_are_422(env: tuple[TestClient, World], body: dict) -> None:
    client, w = env
    response = client.post("/v1/experiments", json=body, headers=w.auth(Role.POLICY_ADMIN))
    assert response.status_code == 422, response.text


def test_hostile_exposures_and_missing_experiments(env: tuple[TestClient, World]) -> None:
    client, w = env
    svc, analyst = w.auth(Role.SERVICE), w.auth(Role.ANALYST)
    client.post("/v1/experiments", json=_definition(), headers=w.auth(Role.POLICY_ADMIN))
    url = "/v1/experiments/share-prompt-1/exposures"
    too_many = {"exposures": [{"unit_id": f"u{i}"} for i in range(1001)]}
    assert client.post(url, json=too_many, headers=svc).status_code == 422
    assert client.post(url, json={"exposures": []}, headers=svc).status_code == 422
    bad_id = {"exposures": [{"unit_id": "<script>"}]}
    assert client.post(url, json=bad_id, headers=svc).status_code == 422
    assert client.post(url, content=b"{not json", headers=svc).status_code == 422
    missing = client.post("/v1/experiments/nope/exposures", json={"exposures": []}, headers=svc)
    assert missing.status_code in (404, 422)
    ok_batch = {"exposures": [{"unit_id": "u1"}]}
    assert (
        client.post("/v1/experiments/nope/exposures", json=ok_batch, headers=svc).status_code == 404
    )
    assert client.get("/v1/experiments/nope", headers=analyst).status_code == 404
    assert client.get("/v1/experiments/nope/analysis", headers=analyst).status_code == 404
    assert client.get("/v1/experiments/bad%20key", headers=analyst).status_code == 422
    no_unit = client.get("/v1/experiments/share-prompt-1/assignment", headers=svc)
    assert no_unit.status_code == 422
    empty = client.get("/v1/experiments/share-prompt-1/analysis", headers=analyst)
    assert empty.status_code == 200
    assert empty.json()["comparisons"]["treatment"] == {
        "skipped": "each arm needs at least 2 units"
    }


def test_readout_of_a_simulated_share_prompt(env: tuple[TestClient, World]) -> None:
    client, w = env
    body = _definition(salt="sim", weights=[1, 1])
    assert (
        client.post("/v1/experiments", json=body, headers=w.auth(Role.POLICY_ADMIN)).status_code
        == 201
    )
    model = ResponseModel.for_intervention("share_prompt", scale=2.0)  # -48 % reshares per view
    out = simulate_experiment(w.db, "share-prompt-1", 1500, model, seed=11)
    response = client.get("/v1/experiments/share-prompt-1/analysis", headers=w.auth(Role.ANALYST))
    assert response.status_code == 200
    report = response.json()
    assert report == {"experiment": "share-prompt-1", **out["readout"]}
    assert sum(report["units"].values()) == 1500
    assert report["readout_blocked"] is False
    goal = report["comparisons"]["treatment"]["goal"]
    assert goal["fixed"]["method"] == "delta_method"
    assert goal["fixed"]["ci_high"] < 0
    assert goal["fixed"]["rel_effect"] == pytest.approx(-0.48, abs=0.15)
    seq = goal["sequential"]
    # An always-valid interval pays for peeking with width.
    assert seq["ci_high"] - seq["ci_low"] > goal["fixed"]["ci_high"] - goal["fixed"]["ci_low"]
    assert seq["ci_low"] <= goal["fixed"]["effect"] <= seq["ci_high"]
    guards = report["comparisons"]["treatment"]["guardrails"]
    assert set(guards) == {"appeal_overturns", "false_positive_reports"}
