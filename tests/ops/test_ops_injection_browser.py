"""Script injection in every content text field shown on the decision pages stays inert in a
real headless Chromium: no dialog opens, no injected element exists, the text shows as text."""

from __future__ import annotations

from browser_support import chromium, needs_chromium, serve, sign_in_with_token
from veracity.config import Settings
from veracity.domain.entities import ContentIn, ContentKind
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "inject-browser-token"
PAYLOADS = [
    "<script>window.__pwned = 1; alert(1)</script>",
    '"><img id="injected" src=x onerror="window.__pwned = 2; alert(2)">',
    '<svg onload="window.__pwned = 3"></svg>\'; DROP TABLE content; --',
]

pytestmark = needs_chromium


def test_injected_markup_never_runs(db: Database) -> None:
    settings = Settings(database_url=db.url, rate_limit_enabled=False)
    runtime = build_runtime(db, settings)
    text = " ".join(PAYLOADS)
    runtime.ingest.content(
        [
            ContentIn(
                id="p-inject",
                account_id="a1",
                kind=ContentKind.POST,
                text=text,
                transcript=PAYLOADS[0],
                language=PAYLOADS[1][:200],
                region=PAYLOADS[2][:200],
            )
        ]
    )
    dialogs: list[str] = []
    app = create_app(settings, db=db, runtime=runtime, api_tokens=[TOKEN])
    with serve(app) as url, chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_in_with_token(page, url, TOKEN)
        page.locator("tr", has_text="p-inject").get_by_role("link", name="explain").click()
        page.wait_for_url("**/ui/decisions/*")
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("#injected").count() == 0
        assert page.locator("blockquote script, blockquote img, blockquote svg").count() == 0
        assert "<script>window.__pwned = 1" in page.inner_text("blockquote")
        page.goto(f"{url}/ui/decisions")
        assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []
