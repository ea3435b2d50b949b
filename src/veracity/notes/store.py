"""Notes and ratings in the database: writes the API makes, reads the API and pages show."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from veracity.notes.model import VALUE, NoteIn, RatingIn
from veracity.notes.rules import STATUS_NAMES, Status
from veracity.store.db import as_utc
from veracity.store.tables import (
    CommunityNoteRow,
    ContentRow,
    NoteContributorRow,
    NoteRatingRow,
    NoteStatusChangeRow,
)
from veracity.store.upsert import insert_ignore

NEEDS_MORE_RATINGS = STATUS_NAMES[Status.NEEDS_MORE_RATINGS]
MAX_PAGE = 200


class NoteConflict(ValueError):
    """The note id is taken by a different note."""


class NoteRefused(ValueError):
    """The note or rating breaks a rule (unknown content, own note, range on a non-video)."""


def _note_row(item: NoteIn, now: datetime) -> dict[str, Any]:
    r = item.video_range
    return {
        "id": item.id,
        "content_id": item.content_id,
        "author_id": item.author_id,
        "text": item.text,
        "classification": item.classification.value,
        "sources": list(item.sources),
        "video_start_s": r.start_s if r else None,
        "video_end_s": r.end_s if r else None,
        "language": item.language,
        "status": NEEDS_MORE_RATINGS,
        "status_rule": None,
        "intercept": None,
        "factor": None,
        "rating_count": 0,
        "locked_status": None,
        "last_rated_at": None,
        "status_changed_at": None,
        "shown": False,
        "created_at": item.created_at or now,
        "ingested_at": now,
        "data": {"metadata": item.metadata},
    }


def check_content(session: Session, item: NoteIn) -> None:
    """The content must be known; a time range only fits a video, within its length."""
    content = session.get(ContentRow, item.content_id)
    if content is None:
        raise NoteRefused(f"content {item.content_id} is unknown (send it to /v1/content first)")
    if item.video_range is None:
        return
    if content.kind != "video":
        raise NoteRefused(f"video_range given for a {content.kind}; only videos have one")
    durations = [
        m.get("duration_s") for m in (content.data or {}).get("media", []) if m.get("duration_s")
    ]
    if durations and item.video_range.end_s > max(durations):
        raise NoteRefused(
            f"video_range ends at {item.video_range.end_s:g} s; the video is {max(durations):g} s"
        )


def add_note(session: Session, item: NoteIn, now: datetime) -> bool:
    """Store the note; False when the same note was already stored (a re-send)."""
    row = _note_row(item, now)
    if insert_ignore(session, CommunityNoteRow, [row], "id"):
        return True
    held = session.get(CommunityNoteRow, item.id)
    assert held is not None
    same = (held.content_id, held.author_id, held.text) == (
        item.content_id,
        item.author_id,
        item.text,
    )
    if not same:
        raise NoteConflict(f"note id {item.id} is already used by a different note")
    return False


def add_rating(session: Session, note_id: str, item: RatingIn, now: datetime) -> bool:
    """Store or replace the rater's rating; False when nothing changed (a re-send)."""
    held = session.get(NoteRatingRow, (note_id, item.rater_id))
    if held is not None and held.helpfulness == item.helpfulness.value and held.tags == item.tags:
        return False
    at = item.created_at or now
    row = {
        "note_id": note_id,
        "rater_id": item.rater_id,
        "helpfulness": item.helpfulness.value,
        "value": VALUE[item.helpfulness],
        "tags": list(item.tags),
        "created_at": at,
        "updated_at": at,
    }
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = builder(NoteRatingRow).values(row)
    stmt = stmt.on_conflict_do_update(
        index_elements=["note_id", "rater_id"],
        set_={
            "helpfulness": stmt.excluded.helpfulness,
            "value": stmt.excluded.value,
            "tags": stmt.excluded.tags,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt)
    return True


def _iso(value: datetime | None) -> str | None:
    at = as_utc(value)
    return at.isoformat() if at else None


def note_json(row: CommunityNoteRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "content_id": row.content_id,
        "author_id": row.author_id,
        "text": row.text,
        "classification": row.classification,
        "sources": list(row.sources or []),
        "video_range": (
            {"start_s": row.video_start_s, "end_s": row.video_end_s}
            if row.video_start_s is not None
            else None
        ),
        "language": row.language,
        "status": row.status,
        "status_rule": row.status_rule,
        "locked": row.locked_status is not None,
        "intercept": row.intercept,
        "factor": row.factor,
        "rating_count": row.rating_count,
        "shown": row.shown,
        "created_at": _iso(row.created_at),
        "status_changed_at": _iso(row.status_changed_at),
    }


def list_notes(
    session: Session,
    *,
    content_id: str | None = None,
    author_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    stmt = select(CommunityNoteRow)
    if content_id:
        stmt = stmt.where(CommunityNoteRow.content_id == content_id)
    if author_id:
        stmt = stmt.where(CommunityNoteRow.author_id == author_id)
    if status:
        stmt = stmt.where(CommunityNoteRow.status == status)
    stmt = stmt.order_by(CommunityNoteRow.ingested_at.desc(), CommunityNoteRow.id)
    rows = session.scalars(stmt.limit(min(limit, MAX_PAGE)).offset(offset))
    return [note_json(r) for r in rows]


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(CommunityNoteRow.status, func.count()).group_by(CommunityNoteRow.status)
    )
    return {status: int(n) for status, n in rows}


def history(session: Session, note_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(NoteStatusChangeRow)
        .where(NoteStatusChangeRow.note_id == note_id)
        .order_by(NoteStatusChangeRow.seq)
    )
    return [
        {
            "seq": r.seq,
            "status": r.status,
            "previous_status": r.previous_status,
            "rule": r.rule,
            "intercept": r.intercept,
            "factor": r.factor,
            "rating_count": r.rating_count,
            "trigger": r.trigger,
            "run_id": r.run_id,
            "at": _iso(r.at),
        }
        for r in rows
    ]


def rating_summary(session: Session, note_id: str) -> dict[str, Any]:
    """Counts by verdict and the most used reason tags (raters' identities stay out)."""
    rows = session.execute(
        select(NoteRatingRow.helpfulness, NoteRatingRow.tags).where(
            NoteRatingRow.note_id == note_id
        )
    )
    verdicts: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for helpfulness, row_tags in rows:
        verdicts[helpfulness] += 1
        tags.update(row_tags or [])
    return {"by_helpfulness": dict(verdicts), "top_tags": tags.most_common(5)}


def note_detail(session: Session, note_id: str) -> dict[str, Any] | None:
    row = session.get(CommunityNoteRow, note_id)
    if row is None:
        return None
    out = note_json(row)
    out["history"] = history(session, note_id)
    out["ratings"] = rating_summary(session, note_id)
    return out


def contributor_json(session: Session, account_id: str) -> dict[str, Any] | None:
    row = session.get(NoteContributorRow, account_id)
    written = session.scalar(select(func.count()).where(CommunityNoteRow.author_id == account_id))
    rated = session.scalar(select(func.count()).where(NoteRatingRow.rater_id == account_id))
    if row is None and not written and not rated:
        return None
    out: dict[str, Any] = {
        "account_id": account_id,
        "notes_written": int(written or 0),
        "ratings_made": int(rated or 0),
        "scored": row is not None,
    }
    if row is not None:
        out.update(
            {
                "rater_intercept": row.rater_intercept,
                "rater_factor": row.rater_factor,
                "rater_helpful": row.helpful,
                "rater_agree_ratio": row.agree_ratio,
                "valid_ratings": row.valid_ratings,
                "author_ratio_diff": row.author_ratio_diff,
                "author_mean_note_score": row.author_mean_score,
                "high_volume": row.high_volume,
                "lockstep_group": row.group_id,
                "run_id": row.run_id,
                "updated_at": _iso(row.updated_at),
            }
        )
    return out
