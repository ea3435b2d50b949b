"""The reviewer's full loop in a real headless Chromium (Debian's), driven by Playwright and the
keyboard: a reviewer signs in, claims a case (c, through htmx), finds the media veiled and
reveals it (r), moves between cases (j/k), decides (4, a policy tag, Enter) and sees the
statement of reasons; the user appeals through the platform's API; a senior reviewer signs in,
claims the appeal and reverses it (2, Enter). Screenshots go to test-artifacts/."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image, ImageDraw
from review_support import PASSWORD, World, review_world, spam_posts

from browser_support import ARTIFACTS, chromium, needs_chromium, serve, sign_in_with_password
from veracity.access.roles import Role
from veracity.domain.entities import ContentIn, ContentKind, MediaRef
from veracity.store.db import Database

pytestmark = needs_chromium


def _picture() -> str:
    """A small PNG as a data URI (nothing is fetched from the network)."""
    image = Image.new("RGB", (16, 16), (220, 40, 40))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 7, 7], fill=(40, 90, 220))
    draw.rectangle([8, 8, 15, 15], fill=(250, 200, 30))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def live(db: Database) -> Iterator[tuple[World, str, list[str]]]:
    with review_world(db) as world:
        spam_posts(world.runtime, 1, prefix="other")
        world.runtime.ingest.content(
            [
                ContentIn(
                    id="p-pic",
                    account_id="other-acct-0",
                    kind=ContentKind.IMAGE,
                    text="Free phones for everyone!! bit.ly/free-phone",
                    language="en",
                    media=[MediaRef(url=_picture(), mime_type="image/png")],
                    metadata={"views": 2_000_000},
                )
            ]
        )
        listed = world.client.get(
            "/v1/review/cases?queue=spam-review", headers=world.auth(Role.REVIEWER)
        ).json()["cases"]
        with serve(world.app) as url:
            yield world, url, [c["id"] for c in listed]


def _filter(page: object, selector: str) -> str:
    return str(page.eval_on_selector(selector, "el => getComputedStyle(el).filter"))  # type: ignore[attr-defined]


def test_claim_decide_statement_appeal_and_reverse(live: tuple[World, str, list[str]]) -> None:
    world, url, case_ids = live
    first, second = case_ids  # the picture post (2M views) comes first
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        sign_in_with_password(page, url, "reviewer", PASSWORD)
        page.goto(f"{url}/ui/review")
        assert page.locator("tr[data-case]").count() == 2
        page.screenshot(path=str(ARTIFACTS / "review-queues.png"), full_page=True)

        page.goto(f"{url}/ui/review/cases/{first}")
        assert "Not claimed" in page.inner_text("#lock-state")
        assert "left" in page.inner_text("#sla")
        assert page.is_disabled("#decide-submit")
        # Media start blurred and grey until revealed (r).
        assert "blur" in _filter(page, "figure.media img")
        assert "grayscale" in _filter(page, "figure.media img")
        page.keyboard.press("?")
        assert page.is_visible("#help")
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        page.wait_for_url(f"**/ui/review/cases/{second}")
        page.keyboard.press("k")
        page.wait_for_url(f"**/ui/review/cases/{first}")

        page.keyboard.press("c")  # claim, through htmx: the panel is swapped in place
        page.wait_for_selector("#lock-state.mine")
        assert page.url.endswith(first)
        assert page.is_enabled("#decide-submit")
        page.keyboard.press("r")
        assert "veiled" not in (page.get_attribute("figure.media", "class") or "")
        page.wait_for_function(
            "getComputedStyle(document.querySelector('figure.media img')).filter === 'none'"
        )
        page.screenshot(path=str(ARTIFACTS / "review-case-claimed.png"), full_page=True)

        page.keyboard.press("4")  # remove: a restriction needs a tag, so focus goes to the tags
        assert page.is_checked("input[name=outcome][value=remove]")
        assert page.evaluate("document.activeElement.name") == "policy_tags"
        page.check("input[name=policy_tags][value=spam]")
        page.fill("#note", "Giveaway link that hides its destination.")
        page.focus("input[name=policy_tags][value=spam]")
        page.keyboard.press("Enter")
        page.wait_for_url("**done=decided")
        statement = page.inner_text("#statement")
        assert "remove()" in statement
        assert "Terms of Service 6.3" in statement
        assert "decision: AUTOMATED_DECISION_NOT_AUTOMATED" in statement
        assert "detection: yes" in statement
        assert "appeal this decision" in statement
        assert page.inner_text("#decided-outcome") == "remove"
        page.screenshot(path=str(ARTIFACTS / "review-statement.png"), full_page=True)
        page.click("#logout")
        page.wait_for_url("**/ui/login")

        # The user appeals through the platform, which calls the API with its service token.
        service = world.auth(Role.SERVICE)
        mine = httpx.get(f"{url}/v1/statements?account_id=other-acct-0", headers=service).json()
        reviewed = next(
            s
            for s in mine["statements"]
            if s["statement"]["automated_decision"].endswith("NOT_AUTOMATED")
        )
        appeal = httpx.post(
            f"{url}/v1/appeals",
            headers=service,
            json={
                "decision_id": reviewed["statement"]["decision_id"],
                "account_id": "other-acct-0",
                "reason": "It is a real giveaway by our shop.",
            },
        )
        assert appeal.status_code == 201, appeal.text
        appeal_case = appeal.json()["case_id"]

        # Another person, a senior reviewer, reverses it.
        sign_in_with_password(page, url, "senior_reviewer", PASSWORD)
        page.goto(f"{url}/ui/review/cases/{appeal_case}")
        assert "real giveaway" in page.inner_text("#appeal-reason")
        assert "user:reviewer" in page.inner_text("#appeal")
        page.keyboard.press("c")
        page.wait_for_selector("#lock-state.mine")
        page.keyboard.press("2")
        assert page.is_checked("input[name=outcome][value=reversed]")
        page.fill("#note", "The shop is verified; the link is legitimate.")
        page.focus("#decide-submit")
        page.keyboard.press("Enter")
        page.wait_for_url("**done=appeal")
        assert page.inner_text("#appeal-status") == "reversed"
        assert "lifted the restriction" in page.inner_text("#superseded")
        page.screenshot(path=str(ARTIFACTS / "review-appeal-reversed.png"), full_page=True)

    after = httpx.get(f"{url}/v1/statements?account_id=other-acct-0", headers=service).json()
    by_decision = {s["statement"]["decision_id"]: s for s in after["statements"]}
    assert by_decision[reviewed["statement"]["decision_id"]]["status"] == "reversed"
