"""A small coordinated campaign in the store, with posts, engagement and hostile account names,
shared by the campaign decision API tests and the browser test."""

from __future__ import annotations

from datetime import UTC, datetime

from veracity.detect.coordination.campaigns import COORDINATED, Campaign, campaign_id
from veracity.detect.coordination.store import save_campaigns
from veracity.store.db import Database
from veracity.store.tables import AccountRow, ContentRow, EventRow

T0 = 1_750_000_000
MEMBERS = ["m1", "m2", "m3", "m4"]
HOSTILE_NAME = "<script>window.__pwned = 1</script>"
LINK = "https://news.example/story-1"


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def seed_campaign(db: Database) -> str:
    """Four accounts posting one link and one hashtag sequence within minutes, liking one post."""
    cid = campaign_id(COORDINATED, MEMBERS)
    links = {
        a: [
            {"account_id": b, "score": 0.9, "traces": {"url": 1, "tags": 1}}
            for b in MEMBERS
            if b != a
        ]
        for a in MEMBERS
    }
    campaign = Campaign(
        id=cid,
        kind=COORDINATED,
        score=0.93,
        members=MEMBERS,
        first_ts=T0,
        last_ts=T0 + 600,
        reach=1234,
        evidence={
            "shared_items": [
                {
                    "trace": "url",
                    "item": LINK,
                    "accounts": 4,
                    "actions": 4,
                    "first_seen_at": "2025-06-15T15:06:40Z",
                    "last_seen_at": "2025-06-15T15:16:40Z",
                },
                {
                    "trace": "tags",
                    "item": "#vote #rigged",
                    "accounts": 4,
                    "actions": 4,
                    "first_seen_at": "2025-06-15T15:06:40Z",
                    "last_seen_at": "2025-06-15T15:16:40Z",
                },
            ],
            "shared_item_count": 2,
            "pairs_by_trace": {"tags": 6, "url": 6},
            "time_alignment": {"median_gap_s": 60, "span_s": 600},
            "member_links": links,
        },
        member_scores={m: 0.9 for m in MEMBERS},
    )
    now = datetime.now(UTC)
    with db.transaction() as session:
        save_campaigns(session, [campaign], "duckdb")
        for i, m in enumerate(MEMBERS):
            session.add(
                AccountRow(
                    id=m,
                    handle=HOSTILE_NAME if i == 0 else f"user{i}",
                    region=None,
                    data={"display_name": f"<img src=x onerror=alert({i})>"},
                    ingested_at=now,
                )
            )
            session.add(
                ContentRow(
                    id=f"p{i}",
                    account_id=m,
                    kind="post",
                    text=f"They hid it! {LINK} #vote #rigged",
                    created_at=_dt(T0 + 150 * i),
                    data={},
                    ingested_at=now,
                )
            )
            session.add(
                EventRow(
                    id=f"like-{m}",
                    type="like",
                    account_id=m,
                    content_id="p0",
                    occurred_at=_dt(T0 + 150 * i + 30),
                    data={},
                    ingested_at=now,
                )
            )
    return cid
