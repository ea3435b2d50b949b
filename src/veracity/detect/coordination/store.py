"""Campaigns and engagement discounts in the database: written by the job, read by the API.

A campaign's id comes from its kind and members, so re-running the job over the same data
rewrites the same rows (members and discounts are replaced, ``created_at`` is kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from veracity.detect.coordination.campaigns import Campaign
from veracity.store.db import as_utc, utcnow
from veracity.store.tables import (
    CampaignMemberRow,
    CampaignRow,
    EngagementDiscountRow,
    EventRow,
)


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def save_campaigns(session: Session, campaigns: Sequence[Campaign], engine: str) -> int:
    """Upsert campaigns with their members and discounts; returns how many were new."""
    now = utcnow()
    created = 0
    for c in campaigns:
        row = session.get(CampaignRow, c.id)
        if row is None:
            row = CampaignRow(id=c.id, created_at=now, status="open")
            session.add(row)
            created += 1
        row.kind = c.kind
        row.score = c.score
        row.member_count = len(c.members)
        row.reach = c.reach
        row.first_seen_at = _dt(c.first_ts)
        row.last_seen_at = _dt(c.last_ts)
        row.engine = engine
        row.data = {"evidence": c.evidence}
        row.updated_at = now
        session.flush()
        session.execute(delete(CampaignMemberRow).where(CampaignMemberRow.campaign_id == c.id))
        session.execute(
            delete(EngagementDiscountRow).where(EngagementDiscountRow.campaign_id == c.id)
        )
        session.add_all(
            CampaignMemberRow(campaign_id=c.id, account_id=m, score=c.member_scores.get(m, 0.0))
            for m in c.members
        )
        session.add_all(
            EngagementDiscountRow(
                campaign_id=c.id,
                subject_type=d.subject_type,
                subject_id=d.subject_id,
                action=d.action,
                discounted=d.discounted,
                window_start=_dt(d.window_start),
                window_end=_dt(d.window_end),
                created_at=now,
            )
            for d in c.discounts
        )
    return created


def campaign_summary(row: CampaignRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "score": row.score,
        "member_count": row.member_count,
        "reach": row.reach,
        "first_seen_at": as_utc(row.first_seen_at),
        "last_seen_at": as_utc(row.last_seen_at),
        "engine": row.engine,
        "updated_at": as_utc(row.updated_at),
    }


def list_campaigns(
    session: Session, kind: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    stmt = select(CampaignRow).order_by(CampaignRow.score.desc(), CampaignRow.id)
    if kind:
        stmt = stmt.where(CampaignRow.kind == kind)
    return [campaign_summary(r) for r in session.scalars(stmt.limit(limit).offset(offset))]


def get_campaign(session: Session, campaign_id: str) -> dict[str, Any] | None:
    row = session.get(CampaignRow, campaign_id)
    if row is None:
        return None
    members = session.execute(
        select(CampaignMemberRow.account_id, CampaignMemberRow.score)
        .where(CampaignMemberRow.campaign_id == campaign_id)
        .order_by(CampaignMemberRow.account_id)
    ).all()
    discounts = session.scalars(
        select(EngagementDiscountRow)
        .where(EngagementDiscountRow.campaign_id == campaign_id)
        .order_by(EngagementDiscountRow.subject_type, EngagementDiscountRow.subject_id)
    ).all()
    return {
        **campaign_summary(row),
        "members": [{"account_id": a, "score": s} for a, s in members],
        "evidence": row.data.get("evidence", {}),
        "discounts": [
            {
                "subject_type": d.subject_type,
                "subject_id": d.subject_id,
                "action": d.action,
                "discounted": d.discounted,
                "window_start": as_utc(d.window_start),
                "window_end": as_utc(d.window_end),
            }
            for d in discounts
        ],
    }


def content_engagement(session: Session, content_id: str) -> dict[str, Any]:
    """Raw like and share counts from the event log, and the counts with lockstep engagement
    removed (never below zero)."""
    raw = dict(
        session.execute(
            select(EventRow.type, func.count())
            .where(EventRow.content_id == content_id, EventRow.type.in_(("like", "share")))
            .group_by(EventRow.type)
        ).all()
    )
    discounts = session.execute(
        select(
            EngagementDiscountRow.campaign_id,
            EngagementDiscountRow.action,
            EngagementDiscountRow.discounted,
        )
        .where(
            EngagementDiscountRow.subject_type == "content",
            EngagementDiscountRow.subject_id == content_id,
        )
        .order_by(EngagementDiscountRow.campaign_id)
    ).all()
    removed: dict[str, int] = {}
    for _, action, n in discounts:
        removed[f"{action}s"] = removed.get(f"{action}s", 0) + int(n)
    counts = {"likes": int(raw.get("like", 0)), "shares": int(raw.get("share", 0))}
    return {
        "content_id": content_id,
        "raw": counts,
        "discounted": {k: removed.get(k, 0) for k in counts},
        "corrected": {k: max(v - removed.get(k, 0), 0) for k, v in counts.items()},
        "campaigns": sorted({cid for cid, _, _ in discounts}),
    }
