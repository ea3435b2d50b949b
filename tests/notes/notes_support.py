"""Helpers for the community-notes tests: scorer input from simulated ratings, and a store
seeded with accounts, content, notes and ratings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert

from veracity.domain.entities import AccountIn, ContentIn
from veracity.ingest.service import IngestService
from veracity.notes.scorer import ScoringInput
from veracity.notes.simulate import SyntheticRatings
from veracity.store.db import Database, utcnow
from veracity.store.tables import CommunityNoteRow, NoteRatingRow

LEVEL = {0.0: "not_helpful", 0.5: "somewhat_helpful", 1.0: "helpful"}


def input_of(s: SyntheticRatings, keep: np.ndarray | None = None, **extra: Any) -> ScoringInput:
    k = np.ones(len(s), dtype=bool) if keep is None else keep
    return ScoringInput(
        note=s.note[k],
        rater=s.rater[k],
        value=s.value[k],
        at=s.at[k],
        n_notes=s.n_notes,
        n_participants=s.n_participants,
        note_created_at=s.note_created_at,
        note_author=s.note_author,
        note_misleading=np.ones(s.n_notes, dtype=bool),
        **extra,
    )


def at(epoch: int) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def ingest_accounts(ingest: IngestService, ids: list[str], age_days: float = 400) -> None:
    born = utcnow() - timedelta(days=age_days)
    items = [AccountIn(id=i, created_at=born) for i in ids]
    for start in range(0, len(items), 500):
        ingest.accounts(items[start : start + 500])


def seed_store(db: Database, ingest: IngestService, s: SyntheticRatings) -> None:
    """Accounts u<i> for every participant, a video c<i> and a note n<i> (by its author) per
    simulated note, and every simulated rating, written as the API would store them."""
    ingest_accounts(ingest, [f"u{i}" for i in range(s.n_participants)] + ["poster"])
    content = [
        ContentIn(id=f"c{i}", account_id="poster", kind="video", text=f"claim number {i}")
        for i in range(s.n_notes)
    ]
    for start in range(0, len(content), 200):
        ingest.content(content[start : start + 200])
    now = utcnow()
    notes = [
        {
            "id": f"n{i}",
            "content_id": f"c{i}",
            "author_id": f"u{s.note_author[i]}",
            "text": f"Context for claim {i}.",
            "classification": "misleading",
            "sources": [f"https://source.example/{i}"],
            "video_start_s": None,
            "video_end_s": None,
            "language": "en",
            "status": "needs_more_ratings",
            "status_rule": None,
            "intercept": None,
            "factor": None,
            "rating_count": 0,
            "locked_status": None,
            "last_rated_at": None,
            "status_changed_at": None,
            "shown": False,
            "created_at": at(s.note_created_at[i]),
            "ingested_at": now,
            "data": {},
        }
        for i in range(s.n_notes)
    ]
    ratings = [
        {
            "note_id": f"n{n}",
            "rater_id": f"u{r}",
            "helpfulness": LEVEL[float(v)],
            "value": float(v),
            "tags": [],
            "created_at": at(t),
            "updated_at": at(t),
        }
        for n, r, v, t in zip(s.note, s.rater, s.value, s.at, strict=True)
    ]
    with db.transaction() as session:
        session.execute(insert(CommunityNoteRow), notes)
        for start in range(0, len(ratings), 5000):
            session.execute(insert(NoteRatingRow), ratings[start : start + 5000])
