"""The measurement dashboards and KPI API: access by role, hostile query strings, CSV export,
and the pages rendered in real headless Chromium with screenshots in test-artifacts/."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from measure_support import add_reviews, build

from access_support import PASSWORD, World, world
from browser_support import ARTIFACTS, chromium, needs_chromium, serve, sign_in_with_password
from veracity.access.roles import Role
from veracity.store.db import Database


@pytest.fixture
def w(db: Database) -> Iterator[World]:
    build(db)
    add_reviews(db)
    with world(db) as w:
        yield w


def _auth(w: World, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[role]}"}


def test_kpi_api_for_analysts_only(w: World) -> None:
    with TestClient(w.app) as client:
        ok = client.get("/v1/kpi", headers=_auth(w, Role.ANALYST))
        assert ok.status_code == 200
        body = ok.json()
        assert body["actioned_items"] == 4 and body["proactive_rate"]["hits"] == 3
        assert client.get("/v1/kpi", headers=_auth(w, Role.REVIEWER)).status_code == 403
        assert client.get("/v1/kpi").status_code == 401
        names = [
            k["name"]
            for k in client.get("/v1/kpi/dictionary", headers=_auth(w, Role.AUDITOR)).json()["kpis"]
        ]
        assert "time_to_action_p50_h" in names


@pytest.mark.parametrize(
    "query",
    ["since=yesterday", "since=2026-11-05&until=2026-11-01", "until=%00", "since=" + "9" * 500],
)
def test_hostile_windows_are_422(w: World, query: str) -> None:
    with TestClient(w.app) as client:
        assert client.get(f"/v1/kpi?{query}", headers=_auth(w, Role.ANALYST)).status_code == 422
        assert client.get(f"/ui/measure?{query}", headers=_auth(w, Role.ANALYST)).status_code == 422


def test_dashboard_page_and_csv_exports(w: World) -> None:
    with TestClient(w.app) as client:
        page = client.get("/ui/measure", headers=_auth(w, Role.ANALYST))
        assert page.status_code == 200
        html = page.text
        for marker in (
            'class="timeseries"',
            'class="funnel"',
            'class="calibration"',
            'id="kpi-proactive"',
        ):
            assert marker in html
        assert "75.0 %" in html  # proactive 3/4
        assert client.get("/ui/measure", headers=_auth(w, Role.REVIEWER)).status_code == 403
        rows = list(
            csv.reader(
                io.StringIO(client.get("/ui/measure/kpis.csv", headers=_auth(w, Role.ANALYST)).text)
            )
        )
        assert ["actioned_items", "4"] in rows
        daily = client.get("/ui/measure/daily.csv?since=2026-11-02", headers=_auth(w, Role.ANALYST))
        assert daily.headers["content-type"].startswith("text/csv")
        parsed = list(csv.DictReader(io.StringIO(daily.text)))
        assert parsed[0]["day"] == "2026-11-02"
        assert sum(int(r["actioned"]) for r in parsed) == 4


@needs_chromium
def test_dashboards_render_in_headless_chromium(w: World) -> None:
    with serve(w.app) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        sign_in_with_password(page, url, Role.ANALYST.value, PASSWORD)
        page.goto(f"{url}/ui/measure")
        assert page.locator("svg.timeseries polyline").count() == 4  # 3 series + views
        assert page.locator("svg.funnel rect.stage-bar").count() == 5
        assert page.locator("svg.calibration circle").count() >= 5
        assert "75.0 %" in page.inner_text("#kpi-proactive")
        box = page.locator("#funnel svg").bounding_box()
        assert box is not None and box["width"] > 400
        page.screenshot(path=str(ARTIFACTS / "measure-dashboard.png"), full_page=True)
        page.locator("#funnel").screenshot(path=str(ARTIFACTS / "measure-funnel.png"))
        page.locator("#calibration").screenshot(path=str(ARTIFACTS / "measure-calibration.png"))
        with page.expect_download() as download:
            page.click("#kpis-csv")
        assert download.value.suggested_filename == "kpis.csv"
