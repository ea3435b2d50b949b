"""Signing in with a password in a real headless Chromium (Debian's), seeing only what the role
allows, and signing out. Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from access_support import PASSWORD, world
from browser_support import ARTIFACTS, chromium, needs_chromium, serve
from veracity.store.db import Database

pytestmark = needs_chromium


@pytest.fixture
def live_url(db: Database) -> Iterator[str]:
    with world(db) as w, serve(w.app) as url:
        yield url


def test_password_sign_in_role_limits_and_sign_out(live_url: str) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_url}/ui/campaigns")
        assert page.url.endswith("/ui/login")

        page.fill("#username", "analyst")
        page.fill("#password", "not the password")
        page.click("form.login button[type=submit]")
        assert "do not match" in page.inner_text("[role=alert]")
        assert page.input_value("#password") == ""

        page.fill("#username", "reviewer")
        page.fill("#password", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url("**/ui/decisions")
        assert "user:reviewer" in page.inner_text("#whoami")
        page.screenshot(path=str(ARTIFACTS / "signed-in-reviewer.png"), full_page=True)

        response = page.goto(f"{live_url}/ui/campaigns")
        assert response is not None and response.status == 403
        assert "investigator" in page.inner_text("[role=alert]")
        page.screenshot(path=str(ARTIFACTS / "reviewer-not-allowed.png"), full_page=True)

        page.click("#logout")
        page.wait_for_url("**/ui/login")
        page.goto(f"{live_url}/ui/decisions")
        assert page.url.endswith("/ui/login")  # the session is gone
