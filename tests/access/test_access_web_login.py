"""Signing in to the web UI: password or token, server-side sessions that expire, sign-out,
CSRF on the sign-in and sign-out forms, and cookies that never authorise API writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from access_support import ADMIN_TOKEN, PASSWORD, World, login, world
from veracity.access.roles import Role
from veracity.access.tokens import revoke_token
from veracity.access.users import disable_user
from veracity.audit import list_entries, verify
from veracity.store.db import Database, utcnow
from veracity.store.tables import WebSessionRow
from veracity.web.auth import SESSION_COOKIE, TOKEN_COOKIE
from veracity.web.login_ui import LOGIN_CSRF_COOKIE


@pytest.fixture
def env(db: Database) -> Iterator[tuple[TestClient, World]]:
    with (
        world(db, session_idle_minutes=30, session_absolute_hours=8) as w,
        TestClient(w.app) as client,
    ):
        yield client, w


def _sessions(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(WebSessionRow)) or 0)


def _actions(db: Database) -> list[tuple[str, str, str | None]]:
    with db.transaction() as session:
        return [(e.action, e.actor, e.subject) for e in list_entries(session, limit=1000)]


def test_password_sign_in_and_sign_out(env: tuple[TestClient, World]) -> None:
    client, w = env
    assert client.get("/ui/decisions", follow_redirects=False).status_code == 303
    assert login(client, "reviewer") == 303
    secret = client.cookies.get(SESSION_COOKIE)
    assert secret and len(secret) >= 40
    page = client.get("/ui/decisions")
    assert page.status_code == 200 and "user:reviewer" in page.text
    me = client.get("/v1/me").json()
    assert me == {
        "actor": "user:reviewer",
        "username": "reviewer",
        "roles": ["reviewer"],
        "via": "session",
    }
    # The database keeps a hash of the secret, never the secret.
    with w.db.transaction() as session:
        assert session.scalar(select(WebSessionRow.id)) != secret

    assert client.post("/ui/logout", data={"csrf": "forged"}).status_code == 403
    assert _sessions(w.db) == 1
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    out = client.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/ui/login"
    assert _sessions(w.db) == 0
    client.cookies.set(SESSION_COOKIE, secret)  # a stolen copy of the ended session
    assert client.get("/ui/decisions", follow_redirects=False).status_code == 303
    actions = _actions(w.db)
    assert ("auth.login", "user:reviewer", "user:reviewer") in actions
    assert ("auth.logout", "user:reviewer", "user:reviewer") in actions
    with w.db.transaction() as session:
        assert verify(session).ok


def test_bad_passwords_are_refused_and_audited_for_real_users(
    env: tuple[TestClient, World],
) -> None:
    client, w = env
    assert login(client, "reviewer", "not the password at all") == 401
    assert login(client, "nobody-here", PASSWORD) == 401
    assert login(client, "", "") == 422
    assert login(client, "x" * 64, PASSWORD) == 401
    assert client.cookies.get(SESSION_COOKIE) is None
    failed = [a for a in _actions(w.db) if a[0] == "auth.login_failed"]
    assert failed == [("auth.login_failed", "user:reviewer", "user:reviewer")]
    page = client.get("/ui/login")
    assert "not the password" not in page.text
    # Hostile sizes get a clear 4xx, not an error.
    assert client.post("/ui/login", data={"password": "p" * 5000}).status_code == 422


def test_sign_in_form_needs_its_csrf_token(env: tuple[TestClient, World]) -> None:
    client, _ = env
    form = {"username": "reviewer", "password": PASSWORD}
    assert client.post("/ui/login", data=form).status_code == 403  # no pre-sign-in cookie
    client.get("/ui/login")
    assert client.cookies.get(LOGIN_CSRF_COOKIE)
    assert client.post("/ui/login", data={**form, "csrf": "forged"}).status_code == 403
    assert client.cookies.get(SESSION_COOKIE) is None


def test_sessions_expire_when_idle_and_at_the_absolute_limit(
    env: tuple[TestClient, World],
) -> None:
    client, w = env
    assert login(client, "analyst") == 303
    assert client.get("/ui/decisions").status_code == 200
    with w.db.transaction() as session:
        session.execute(update(WebSessionRow).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert client.get("/ui/decisions", follow_redirects=False).status_code == 303
    assert _sessions(w.db) == 0  # the expired session is gone

    assert login(client, "analyst") == 303
    with w.db.transaction() as session:
        session.execute(update(WebSessionRow).values(last_seen_at=utcnow() - timedelta(minutes=2)))
    assert client.get("/ui/decisions").status_code == 200
    with w.db.transaction() as session:
        seen = session.scalar(select(WebSessionRow.last_seen_at))
    assert seen is not None and utcnow() - seen.replace(tzinfo=utcnow().tzinfo) < timedelta(
        minutes=1
    )  # activity keeps it alive
    with w.db.transaction() as session:
        session.execute(update(WebSessionRow).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/ui/decisions", follow_redirects=False).status_code == 303


def test_cookies_do_not_authorise_api_writes(env: tuple[TestClient, World]) -> None:
    client, w = env
    assert login(client, "service") == 303
    body = {"id": "c1", "account_id": "a1", "kind": "post", "text": "hello"}
    refused = client.post("/v1/content", json=body)
    assert refused.status_code == 401 and "bearer" in refused.text
    assert client.post("/v1/content", json=body, headers=w.auth(Role.SERVICE)).status_code == 200


def test_disabling_a_user_or_revoking_a_token_ends_their_sessions(
    env: tuple[TestClient, World],
) -> None:
    client, w = env
    assert login(client, "auditor") == 303
    with w.db.transaction() as session:
        disable_user(session, "auditor")
    assert client.get("/ui/decisions", follow_redirects=False).status_code == 303
    assert login(client, "auditor") == 401

    other = TestClient(w.app)
    other.get("/ui/login")
    signed = other.get(f"/ui/login?token={w.tokens[Role.INVESTIGATOR]}", follow_redirects=False)
    assert signed.status_code == 303
    assert other.get("/ui/campaigns").status_code == 200
    assert other.get("/v1/me").json()["via"] == "session"
    with w.db.transaction() as session:
        token_id = session.scalar(select(WebSessionRow.token_id))
        assert token_id is not None
        revoke_token(session, token_id)
    assert other.get("/ui/campaigns", follow_redirects=False).status_code == 303


def test_configured_token_sign_in_ends_when_the_token_is_rotated(
    env: tuple[TestClient, World],
) -> None:
    client, w = env
    response = client.get(f"/ui/login?token={ADMIN_TOKEN}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/decisions"
    assert ADMIN_TOKEN not in (response.headers.get("set-cookie") or "")
    assert client.get("/v1/me").json()["roles"] == ["admin"]
    assert client.get("/ui/login?token=wrong").status_code == 401
    w.app.state.api_tokens = ["rotated-token"]
    assert client.get("/ui/decisions", follow_redirects=False).status_code == 303


def test_wrong_role_sees_a_403_page_naming_the_roles(env: tuple[TestClient, World]) -> None:
    client, _ = env
    assert login(client, "service") == 303
    page = client.get("/ui/campaigns")
    assert page.status_code == 403
    assert "investigator" in page.text and "user:service" in page.text


def test_legacy_token_cookie_is_still_accepted_for_pages(env: tuple[TestClient, World]) -> None:
    client, _ = env
    client.cookies.set(TOKEN_COOKIE, ADMIN_TOKEN)
    assert client.get("/ui/decisions").status_code == 200
    assert client.get("/v1/decisions").status_code == 200
    assert client.post("/v1/content", json={}).status_code == 401


def test_secure_cookie_setting(db: Database) -> None:
    with (
        world(db, session_cookie_secure=True) as w,
        TestClient(w.app, base_url="https://testserver") as client,
    ):
        page = client.get("/ui/login")
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/ui/login",
            data={"csrf": csrf, "username": "reviewer", "password": PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "veracity_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
