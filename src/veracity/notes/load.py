"""Read notes and ratings out of the store into the scorer's arrays (ids become indices)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.notes.model import Classification
from veracity.notes.rules import STATUS_CODES, Status
from veracity.store.db import as_utc
from veracity.store.tables import CommunityNoteRow, NoteRatingRow

STREAM_ROWS = 50_000


def epoch(value: datetime | None) -> int:
    at = as_utc(value)
    return -1 if at is None else int(at.timestamp())


@dataclass
class NoteTable:
    """The notes being scored, in index order."""

    ids: list[str]
    content_ids: list[str]
    author_ids: list[str]
    created_at: NDArray[np.int64]
    misleading: NDArray[np.bool_]
    status: NDArray[np.int8]
    locked: NDArray[np.int8]
    last_rated_at: NDArray[np.int64]
    intercept: NDArray[np.float64]  # as stored (NaN: none), to write only what changed
    factor: NDArray[np.float64]
    rating_count: NDArray[np.int64]
    rule: list[str | None]

    def index(self) -> dict[str, int]:
        return {note_id: i for i, note_id in enumerate(self.ids)}


@dataclass
class ScoringData:
    notes: NoteTable
    participants: list[str]
    note: NDArray[np.int32]
    rater: NDArray[np.int32]
    value: NDArray[np.float64]
    at: NDArray[np.int64]
    note_author: NDArray[np.int32]

    @property
    def n_notes(self) -> int:
        return len(self.notes.ids)

    @property
    def n_participants(self) -> int:
        return len(self.participants)


def _note_table(rows: Sequence[CommunityNoteRow]) -> NoteTable:
    return NoteTable(
        ids=[r.id for r in rows],
        content_ids=[r.content_id for r in rows],
        author_ids=[r.author_id for r in rows],
        created_at=np.array([epoch(r.created_at) for r in rows], dtype=np.int64),
        misleading=np.array(
            [r.classification == Classification.MISLEADING.value for r in rows], dtype=bool
        ),
        status=np.array(
            [STATUS_CODES.get(r.status, Status.NEEDS_MORE_RATINGS) for r in rows], dtype=np.int8
        ),
        locked=np.array(
            [STATUS_CODES[r.locked_status] if r.locked_status else -1 for r in rows],
            dtype=np.int8,
        ),
        last_rated_at=np.array([epoch(r.last_rated_at) for r in rows], dtype=np.int64),
        intercept=np.array([np.nan if r.intercept is None else r.intercept for r in rows]),
        factor=np.array([np.nan if r.factor is None else r.factor for r in rows]),
        rating_count=np.array([r.rating_count for r in rows], dtype=np.int64),
        rule=[r.status_rule for r in rows],
    )


def _assemble(table: NoteTable, ratings: Iterable[tuple[str, str, float, datetime]]) -> ScoringData:
    note_index = table.index()
    people: dict[str, int] = {}
    notes_l: list[int] = []
    raters_l: list[int] = []
    values_l: list[float] = []
    at_l: list[int] = []
    for note_id, rater_id, value, at in ratings:
        n = note_index.get(note_id)
        if n is None:
            continue
        notes_l.append(n)
        raters_l.append(people.setdefault(rater_id, len(people)))
        values_l.append(value)
        at_l.append(epoch(at))
    authors = np.array(
        [people.setdefault(a, len(people)) for a in table.author_ids], dtype=np.int32
    )
    return ScoringData(
        notes=table,
        participants=list(people),
        note=np.array(notes_l, dtype=np.int32),
        rater=np.array(raters_l, dtype=np.int32),
        value=np.array(values_l, dtype=np.float64),
        at=np.array(at_l, dtype=np.int64),
        note_author=authors,
    )


def load_all(session: Session) -> ScoringData:
    """Every note and every rating (streamed, so memory is the arrays, not ORM rows)."""
    rows = list(session.scalars(select(CommunityNoteRow).order_by(CommunityNoteRow.id)))
    stmt = select(
        NoteRatingRow.note_id, NoteRatingRow.rater_id, NoteRatingRow.value, NoteRatingRow.updated_at
    ).execution_options(yield_per=STREAM_ROWS)
    return _assemble(_note_table(rows), session.execute(stmt))


def load_notes(session: Session, note_ids: Iterable[str]) -> ScoringData:
    """Some notes with all of their ratings (for incremental rescoring)."""
    ids = sorted(set(note_ids))
    # Locked until the caller's transaction ends (PostgreSQL), so two ratings of one note
    # arriving together rescore it one after the other.
    rows = list(
        session.scalars(
            select(CommunityNoteRow)
            .where(CommunityNoteRow.id.in_(ids))
            .order_by(CommunityNoteRow.id)
            .with_for_update()
        )
    )
    ratings = session.execute(
        select(
            NoteRatingRow.note_id,
            NoteRatingRow.rater_id,
            NoteRatingRow.value,
            NoteRatingRow.updated_at,
        ).where(NoteRatingRow.note_id.in_(ids))
    )
    return _assemble(_note_table(rows), ratings)
