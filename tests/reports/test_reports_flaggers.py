"""The trusted-flagger registry (CLI and admin API) and what the status changes for a notice:
priority within the flagger's areas, SOURCE_TRUSTED_FLAGGER for the statement of reasons."""

from __future__ import annotations

import json
from typing import Any

from reports_support import ADMIN, Env, notice
from sqlalchemy import select
from typer.testing import CliRunner

from veracity.access.roles import Role
from veracity.audit import list_entries, verify
from veracity.cli import app
from veracity.reports.cases import TRUSTED_BOOST
from veracity.reports.source import notice_source
from veracity.store.db import Database
from veracity.store.tables import CaseRow

CIVIC = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"


def _run(db: Database, *args: str) -> tuple[int, Any, str]:
    result = CliRunner().invoke(app, ["flaggers", *args, "--database-url", db.url])
    out = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, out, result.output


def test_cli_add_list_revoke(db: Database) -> None:
    code, added, _ = _run(
        db,
        "add",
        "factcheck-eu",
        "--name",
        "Fact Check EU",
        "--area",
        "negative_effects_on_civic_discourse_or_elections,SCAMS_AND_FRAUD",
        "--member-state",
        "el",
    )
    assert code == 0
    assert added["areas"] == [CIVIC, "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"]
    assert added["member_state"] == "GR" and added["status"] == "active"

    code, _, output = _run(db, "add", "factcheck-eu", "--name", "Again", "--area", "VIOLENCE")
    assert code == 2 and "exists already" in output
    code, _, output = _run(db, "add", "x", "--name", "X", "--area", "made_up")
    assert code == 2 and "unknown DSA category" in output
    code, _, output = _run(db, "add", "Bad Id", "--name", "X", "--area", "VIOLENCE")
    assert code == 2 and "flagger id must be" in output
    code, _, output = _run(
        db, "add", "x", "--name", "X", "--area", "VIOLENCE", "--member-state", "US"
    )
    assert code == 2 and "not an EU/EEA" in output

    code, revoked, _ = _run(db, "revoke", "factcheck-eu", "--reason", "status withdrawn by DSC")
    assert code == 0 and revoked["changed"] is True and revoked["status"] == "revoked"
    code, again, _ = _run(db, "revoke", "factcheck-eu", "--reason", "again")
    assert code == 0 and again["changed"] is False
    code, _, output = _run(db, "revoke", "nobody", "--reason", "r")
    assert code == 2 and "no trusted flagger" in output

    code, listed, _ = _run(db, "list")
    assert [f["id"] for f in listed["flaggers"]] == ["factcheck-eu"]
    code, active, _ = _run(db, "list", "--active-only")
    assert active["flaggers"] == []
    with db.transaction() as session:
        actions = [e.action for e in list_entries(session)]
        assert verify(session).ok
    assert actions == ["flagger.add", "flagger.revoke"]


def _add(env: Env, fid: str = "hotline", areas: list[str] | None = None) -> Any:
    body = {"id": fid, "name": f"{fid} association", "areas": areas or [CIVIC]}
    return env.client.post("/v1/trusted-flaggers", json=body, headers=ADMIN)


def test_admin_api_registry(env: Env) -> None:
    r = _add(env)
    assert r.status_code == 201, r.text
    assert r.json()["areas"] == [CIVIC]
    assert _add(env).status_code == 409
    bad = _add(env, "other", ["NOT_A_CATEGORY"])
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "areas"
    forbidden = env.client.get("/v1/trusted-flaggers", headers=env.auth(Role.POLICY_ADMIN))
    assert forbidden.status_code == 403

    env.notice(notice("n1", flagger_id="hotline", reporter=None))
    listed = env.client.get("/v1/trusted-flaggers", headers=ADMIN).json()["items"]
    assert listed[0]["notices"] == 1 and listed[0]["outcomes"] == {}

    revoke = {"reason": "designation ended"}
    r = env.client.post("/v1/trusted-flaggers/hotline/revoke", json=revoke, headers=ADMIN)
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = env.client.post("/v1/trusted-flaggers/ghost/revoke", json=revoke, headers=ADMIN)
    assert r.status_code == 404
    with env.db.transaction() as session:
        audited = [(e.action, e.subject) for e in list_entries(session) if "flagger" in e.action]
    assert audited == [("flagger.add", "flagger:hotline"), ("flagger.revoke", "flagger:hotline")]


def _priority(env: Env, case_id: str) -> float:
    with env.db.transaction() as session:
        case = session.get(CaseRow, case_id)
        assert case is not None
        return float(case.priority)


def test_trusted_flagger_notices_get_priority_and_their_source_type(env: Env) -> None:
    _add(env)
    # One ordinary notice on c1; one trusted-flagger notice on c2.
    ordinary = env.notice(notice("n-user", content_id="c1", url=None)).json()
    trusted = env.notice(
        notice("n-flag", content_id="c2", url=None, flagger_id="hotline", reporter=None)
    ).json()
    assert trusted["trusted_flagger"] is True
    assert trusted["source_type"] == "SOURCE_TRUSTED_FLAGGER"
    # Even many ordinary notifiers on c1 stay below one trusted flagger on c2.
    for i in range(30):
        env.notice(notice(f"n-crowd-{i}", content_id="c1", url=None, reporter_account_id=f"a{i}"))
    crowd, flagged = _priority(env, ordinary["case_id"]), _priority(env, trusted["case_id"])
    assert crowd < TRUSTED_BOOST < flagged
    with env.db.transaction() as session:
        assert notice_source(session, trusted["case_id"]).source_type == "SOURCE_TRUSTED_FLAGGER"
        assert notice_source(session, trusted["case_id"]).source_identity == "hotline association"
        assert notice_source(session, ordinary["case_id"]).source_type == "SOURCE_ARTICLE_16"
        assert notice_source(session, ordinary["case_id"]).source_identity is None
        assert notice_source(session, "case-none").source_type == "SOURCE_VOLUNTARY"


def test_outside_its_area_or_revoked_a_flagger_is_an_ordinary_notifier(env: Env) -> None:
    _add(env, areas=["STATEMENT_CATEGORY_SCAMS_AND_FRAUD"])
    outside = env.notice(notice("n1", flagger_id="hotline", reporter=None))
    assert outside.status_code == 201
    assert outside.json()["trusted_flagger"] is False
    assert outside.json()["source_type"] == "SOURCE_ARTICLE_16"

    _add(env, "gone")
    env.client.post("/v1/trusted-flaggers/gone/revoke", json={"reason": "r"}, headers=ADMIN)
    revoked = env.notice(notice("n2", content_id="c9", flagger_id="gone", reporter=None))
    assert revoked.status_code == 201 and revoked.json()["trusted_flagger"] is False
    assert _priority(env, revoked.json()["case_id"]) < TRUSTED_BOOST

    unknown = env.notice(notice("n3", flagger_id="nobody", reporter=None))
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["field"] == "flagger_id"
    with env.db.transaction() as session:
        assert len(session.scalars(select(CaseRow)).all()) == 2
