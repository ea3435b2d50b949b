"""Signing in with a password in a real headless Chromium (Debian's), seeing only what the role
allows, and signing out. Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from access_support import PASSWORD, world

from veracity.store.db import Database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_url(db: Database) -> Iterator[str]:
    with world(db) as w:
        port = _free_port()
        config = uvicorn.Config(w.app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(timeout=10)


def test_password_sign_in_role_limits_and_sign_out(live_url: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
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
        browser.close()
