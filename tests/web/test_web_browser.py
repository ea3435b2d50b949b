"""The decisions pages in a real headless Chromium (Debian's), driven by Playwright.

Screenshots are kept in test-artifacts/ as evidence of what a person sees.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_support import ARTIFACTS, chromium, needs_chromium, serve
from veracity.config import Settings
from veracity.detect.banks import BankEntry, add_entries
from veracity.domain.entities import ContentIn, ContentKind
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "browser-token"
CLAIM = "the election machines flipped two million votes overnight in secret"

pytestmark = needs_chromium


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
    with serve(create_app(settings, db=db, runtime=runtime, api_tokens=[TOKEN])) as url:
        yield url


def test_sign_in_list_and_explain_a_decision(live_url: str) -> None:
    with chromium() as browser:
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
