"""The campaign page in a real headless Chromium (Debian's), driven by Playwright: it signs in,
opens a campaign whose member names hold scripts, checks that the pictures and the member list
render and that no script ran, decides on the whole campaign, and keeps screenshots in
test-artifacts/ (server and browser: tests/browser_support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from campaign_seed import HOSTILE_NAME, MEMBERS, seed_campaign

from browser_support import ARTIFACTS, chromium, needs_chromium, serve, sign_in_with_token
from veracity.config import Settings
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "browser-token"

pytestmark = needs_chromium


@pytest.fixture
def live(db: Database) -> Iterator[tuple[str, str]]:
    cid = seed_campaign(db)
    settings = Settings(database_url=db.url)
    runtime = build_runtime(db, settings)
    with serve(create_app(settings, db=db, runtime=runtime, api_tokens=[TOKEN])) as url:
        yield url, cid


def test_campaign_page_draws_escapes_and_decides(live: tuple[str, str]) -> None:
    live_url, cid = live
    with chromium() as browser:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{live_url}/ui/campaigns")
        assert page.url.endswith("/ui/login")
        sign_in_with_token(page, live_url, TOKEN)

        page.goto(f"{live_url}/ui/campaigns")
        assert page.locator("tr[data-campaign]").count() == 1
        page.screenshot(path=str(ARTIFACTS / "campaigns-list.png"), full_page=True)
        page.get_by_role("link", name=cid).click()
        page.wait_for_url(f"**/ui/campaigns/{cid}")

        assert page.locator("#timeline svg circle.act").count() >= 2 * len(MEMBERS)
        assert page.locator("#network svg g.node").count() == len(MEMBERS)
        assert page.locator("#network svg line.tie").count() == 6
        assert page.locator("tr.member").count() == len(MEMBERS)
        # The hostile handle is shown as text, and neither it nor the <img onerror> ran.
        assert HOSTILE_NAME in page.inner_text("table.members")
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("table.members img").count() == 0
        assert dialogs == []
        page.screenshot(path=str(ARTIFACTS / "campaign-page.png"), full_page=True)

        page.select_option("#action", "suspend_accounts")
        page.fill("#ground", "Community Guidelines 4.2: coordinated inauthentic behaviour")
        page.fill("#duration_days", "30")
        page.fill("#note", "Same link and hashtags within ten minutes.")
        page.click("form.campaign-decision button[type=submit]")
        page.wait_for_url("**decided=*")
        assert "recorded" in page.inner_text("#decided")
        assert page.locator("tr.statement").count() == len(MEMBERS)
        page.screenshot(path=str(ARTIFACTS / "campaign-decided.png"), full_page=True)
