"""The decisions pages in a real headless Chromium (Debian's), driven by Playwright.

Screenshots are kept in test-artifacts/ as evidence of what a person sees.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from veracity.config import Settings
from veracity.detect.banks import BankEntry, add_entries
from veracity.domain.entities import ContentIn, ContentKind
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.web.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
TOKEN = "browser-token"
CLAIM = "the election machines flipped two million votes overnight in secret"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_url(db: Database) -> Iterator[str]:
    with db.transaction() as session:
        add_entries(session, "text", [BankEntry("claim-7", CLAIM, "false")])
    settings = Settings(database_url=db.url)
    runtime = build_runtime(db, settings)
    runtime.ingest.content(
        [
            ContentIn(id="p-false", account_id="a1", kind=ContentKind.POST, text=CLAIM + "!"),
            ContentIn(id="p-ok", account_id="a2", kind=ContentKind.POST, text="<b>cats</b> nap"),
        ]
    )
    app = create_app(settings, db=db, runtime=runtime, api_tokens=[TOKEN])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_sign_in_list_and_explain_a_decision(live_url: str) -> None:
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
        page.goto(f"{live_url}/ui/decisions")
        assert page.url.endswith("/ui/login")  # not signed in: sent to the sign-in page

        page.fill("#token", "wrong")
        page.click("button[type=submit]")
        assert "not valid" in page.inner_text("[role=alert]")

        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_url("**/ui/decisions")
        rows = page.locator("tr[data-decision]")
        assert rows.count() == 2
        page.screenshot(path=str(ARTIFACTS / "decisions-list.png"), full_page=True)

        page.locator("tr", has_text="p-false").get_by_role("link", name="explain").click()
        page.wait_for_url("**/ui/decisions/*")
        explanation = page.inner_text("#explanation")
        assert "p-false" in explanation and "repeat-false-claim" in explanation
        assert "claim-7" in page.inner_text("details.signal[open]") or "claim-7" in page.content()
        page.screenshot(path=str(ARTIFACTS / "decision-explained.png"), full_page=True)

        page.goto(f"{live_url}/ui/decisions")
        page.locator("tr", has_text="p-ok").get_by_role("link", name="explain").click()
        page.wait_for_url("**/ui/decisions/*")
        # User text is escaped, never rendered as markup.
        assert page.locator("blockquote b").count() == 0
        assert "<b>cats</b> nap" in page.inner_text("blockquote")
        browser.close()
