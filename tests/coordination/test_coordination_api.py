"""Campaign and corrected-engagement routes: token required, shapes, corrected counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from veracity.config import Settings
from veracity.detect.coordination.campaigns import (
    FAKE_ENGAGEMENT,
    Campaign,
    Discount,
    campaign_id,
)
from veracity.detect.coordination.store import save_campaigns
from veracity.store.db import Database
from veracity.store.tables import EventRow
from veracity.web.app import create_app

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
T0 = 1_750_000_000
MEMBERS = ["a1", "a2", "a3"]


def _seed(db: Database) -> str:
    cid = campaign_id(FAKE_ENGAGEMENT, MEMBERS)
    campaign = Campaign(
        id=cid,
        kind=FAKE_ENGAGEMENT,
        score=0.9,
        members=MEMBERS,
        first_ts=T0,
        last_ts=T0 + 100,
        reach=4,
        evidence={"targets": [{"trace": "like", "item": "c1", "accounts": 3}]},
        member_scores={m: 1.0 for m in MEMBERS},
        discounts=[Discount("content", "c1", "like", 3, 5, T0, T0 + 100)],
    )
    with db.transaction() as session:
        save_campaigns(session, [campaign], "duckdb")
        now = datetime.now(UTC)
        for i in range(5):
            session.add(
                EventRow(
                    id=f"e{i}",
                    type="like",
                    account_id=f"a{i}",
                    content_id="c1",
                    occurred_at=datetime.fromtimestamp(T0 + i, UTC),
                    data={},
                    ingested_at=now,
                )
            )
        session.add(
            EventRow(
                id="s1",
                type="share",
                account_id="z",
                content_id="c1",
                occurred_at=now,
                data={},
                ingested_at=now,
            )
        )
    return cid


@pytest.fixture
def client(db: Database) -> Iterator[tuple[TestClient, str]]:
    cid = _seed(db)
    app = create_app(Settings(database_url=db.url), db=db, api_tokens=[TOKEN])
    with TestClient(app) as test_client:
        yield test_client, cid


def test_token_required(client: tuple[TestClient, str]) -> None:
    http, cid = client
    for path in ("/v1/campaigns", f"/v1/campaigns/{cid}", "/v1/content/c1/engagement"):
        assert http.get(path).status_code == 401
        assert http.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_campaigns_listed_and_detailed(client: tuple[TestClient, str]) -> None:
    http, cid = client
    listed = http.get("/v1/campaigns", headers=AUTH).json()["campaigns"]
    assert [c["id"] for c in listed] == [cid]
    assert http.get("/v1/campaigns?kind=coordinated", headers=AUTH).json()["campaigns"] == []
    detail = http.get(f"/v1/campaigns/{cid}", headers=AUTH).json()
    assert [m["account_id"] for m in detail["members"]] == MEMBERS
    assert detail["discounts"][0]["subject_id"] == "c1"
    assert http.get("/v1/campaigns/nope", headers=AUTH).status_code == 404


def test_engagement_corrected(client: tuple[TestClient, str]) -> None:
    http, cid = client
    body = http.get("/v1/content/c1/engagement", headers=AUTH).json()
    assert body["raw"] == {"likes": 5, "shares": 1}
    assert body["discounted"] == {"likes": 3, "shares": 0}
    assert body["corrected"] == {"likes": 2, "shares": 1}
    assert body["campaigns"] == [cid]
    other = http.get("/v1/content/c2/engagement", headers=AUTH).json()
    assert other["raw"] == other["corrected"] == {"likes": 0, "shares": 0}
