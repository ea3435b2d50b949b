"""What the investigator's campaign page shows, read from the store: members with their names,
each member's actions over the campaign's time span, the shared items that tie each member to
the others, and the member graph.

The campaign record keeps only aggregate evidence, so per-member items are recomputed here from
the members' own posts and engagement inside the campaign window, with the same trace functions
the job uses; only items in the campaign's evidence count as ties.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.detect.coordination.campaigns import FAKE_ENGAGEMENT
from veracity.detect.coordination.store import campaign_summary, get_campaign
from veracity.detect.coordination.traces import content_traces
from veracity.store.db import as_utc
from veracity.store.tables import AccountRow, CampaignRow, ContentRow, EventRow

MAX_MEMBERS_SHOWN = 200
MAX_ACTIVITY = 5000
ENGAGEMENT_TARGET = {"like": "content_id", "share": "content_id", "follow": "target_account_id"}


@dataclass(frozen=True)
class Activity:
    account_id: str
    at: datetime
    kind: str


@dataclass
class MemberView:
    account_id: str
    score: float
    handle: str | None = None
    display_name: str | None = None
    items: list[tuple[str, str]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CampaignView:
    campaign: dict[str, Any]
    members: list[MemberView]
    activity: list[Activity]
    edges: list[tuple[str, str, float]]
    window: tuple[datetime, datetime]
    truncated: bool


def _window(campaign: dict[str, Any]) -> tuple[datetime, datetime]:
    first, last = campaign["first_seen_at"], campaign["last_seen_at"]
    pad = max((last - first) * 0.05, timedelta(seconds=60))
    return first - pad, last + pad


def _names(session: Session, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    rows = session.execute(
        select(AccountRow.id, AccountRow.handle, AccountRow.data).where(AccountRow.id.in_(ids))
    )
    return {i: (h, (d or {}).get("display_name")) for i, h, d in rows}


def _activity(
    session: Session, ids: list[str], start: datetime, end: datetime
) -> tuple[list[Activity], list[Any], list[Any]]:
    posts = session.execute(
        select(ContentRow.id, ContentRow.account_id, ContentRow.created_at, ContentRow.text)
        .add_columns(ContentRow.data)
        .where(
            ContentRow.account_id.in_(ids),
            ContentRow.created_at >= start,
            ContentRow.created_at <= end,
        )
        .order_by(ContentRow.created_at, ContentRow.id)
        .limit(MAX_ACTIVITY)
    ).all()
    events = session.execute(
        select(
            EventRow.account_id,
            EventRow.type,
            EventRow.occurred_at,
            EventRow.content_id,
            EventRow.target_account_id,
        )
        .where(
            EventRow.account_id.in_(ids),
            EventRow.occurred_at >= start,
            EventRow.occurred_at <= end,
            EventRow.type.in_(("like", "share", "follow", "comment")),
        )
        .order_by(EventRow.occurred_at, EventRow.seq)
        .limit(MAX_ACTIVITY)
    ).all()
    activity = [Activity(p.account_id, _utc(p.created_at), "post") for p in posts]
    activity += [Activity(e.account_id, _utc(e.occurred_at), e.type) for e in events]
    activity.sort(key=lambda a: (a.at, a.account_id, a.kind))
    return activity, list(posts), list(events)


def _utc(value: datetime) -> datetime:
    out = as_utc(value)
    assert out is not None
    return out


def _member_items(
    campaign: dict[str, Any], posts: list[Any], events: list[Any]
) -> dict[str, set[tuple[str, str]]]:
    """Per member, the (trace, item) pairs it shares with the campaign's evidence."""
    ev = campaign["evidence"]
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    if campaign["kind"] == FAKE_ENGAGEMENT:
        wanted = {(t["trace"], t["item"]) for t in ev.get("targets", [])}
    else:
        wanted = {(s["trace"], s["item"]) for s in ev.get("shared_items", [])}
        records = [
            (
                p.id,
                p.account_id,
                int(_utc(p.created_at).timestamp()),
                "\n".join(t for t in (p.text, (p.data or {}).get("on_screen_text")) if t),
                list((p.data or {}).get("media") or []),
            )
            for p in posts
        ]
        for row in content_traces(records):
            found[row.account_id].add((row.trace, row.item))
    for e in events:
        column = ENGAGEMENT_TARGET.get(e.type)
        target = getattr(e, column) if column else None
        if target:
            found[e.account_id].add((e.type, target))
    return {a: items & wanted for a, items in found.items()}


def _edges(
    campaign: dict[str, Any], members: list[MemberView], items: dict[str, set[tuple[str, str]]]
) -> list[tuple[str, str, float]]:
    shown = {m.account_id for m in members}
    edges: dict[tuple[str, str], float] = {}
    links = campaign["evidence"].get("member_links", {})
    if links:
        for a, rows in links.items():
            for link in rows:
                b = link["account_id"]
                if a in shown and b in shown and a != b:
                    key = (min(a, b), max(a, b))
                    edges[key] = max(edges.get(key, 0.0), float(link.get("score", 0.0)))
    else:  # lockstep groups: members that hit the same targets
        ids = sorted(shown)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                common = len(items.get(a, set()) & items.get(b, set()))
                if common:
                    edges[(a, b)] = float(common)
    return sorted((a, b, w) for (a, b), w in edges.items())


def campaign_view(session: Session, campaign_id: str) -> CampaignView | None:
    """Everything the campaign page draws, or None when there is no such campaign."""
    campaign = get_campaign(session, campaign_id)
    if campaign is None:
        return None
    all_members = campaign["members"]
    shown = sorted(all_members, key=lambda m: (-m["score"], m["account_id"]))[:MAX_MEMBERS_SHOWN]
    ids = [m["account_id"] for m in shown]
    names = _names(session, ids)
    start, end = _window(campaign)
    activity, posts, events = _activity(session, ids, start, end)
    items = _member_items(campaign, posts, events)
    links = campaign["evidence"].get("member_links", {})
    members = [
        MemberView(
            account_id=a,
            score=float(m["score"]),
            handle=names.get(a, (None, None))[0],
            display_name=names.get(a, (None, None))[1],
            items=sorted(items.get(a, set())),
            links=list(links.get(a, [])),
        )
        for a, m in zip(ids, shown, strict=True)
    ]
    members.sort(key=lambda m: m.account_id)
    return CampaignView(
        campaign=campaign,
        members=members,
        activity=activity,
        edges=_edges(campaign, members, items),
        window=(start, end),
        truncated=len(all_members) > len(shown),
    )


def trace_types(kind: str, evidence: dict[str, Any]) -> list[str]:
    """The kinds of trace that tie a campaign together, for the campaigns list."""
    if kind == FAKE_ENGAGEMENT:
        return sorted({t["trace"] for t in evidence.get("targets", [])})
    return sorted(evidence.get("pairs_by_trace", {}))


def campaign_list(
    session: Session, kind: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Campaign summaries, highest score first, each with its trace types."""
    stmt = select(CampaignRow).order_by(CampaignRow.score.desc(), CampaignRow.id)
    if kind:
        stmt = stmt.where(CampaignRow.kind == kind)
    return [
        {**campaign_summary(r), "traces": trace_types(r.kind, r.data.get("evidence", {}))}
        for r in session.scalars(stmt.limit(limit).offset(offset))
    ]
