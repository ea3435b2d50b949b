"""Attach and take down community-note labels by deciding the content again.

The content of a note whose status changed goes back through the decision pipeline (every
detector, every policy); the ``community_note`` detector now reports the helpful note or none,
the ``notes`` policy turns it into a label, and a new decision (with an outbox message, also
when no action is left) is stored only when the content's actions changed. ``shown`` on each
note records what the content's decisions carry, so a full run also repairs any content left
behind by an interrupted run (``reconcile``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update

from veracity.detect.misinfo.factchecks.verdicts import redecide
from veracity.domain.entities import ContentIn
from veracity.notes.detector import HELPFUL, shown_notes
from veracity.store.db import Database
from veracity.store.tables import CommunityNoteRow, ContentRow

if TYPE_CHECKING:
    from veracity.runtime import Runtime

TRIGGER = "community_note"
BATCH = 256


def out_of_sync(db: Database) -> set[str]:
    """Content whose shown note is not the one it should show."""
    with db.transaction() as session:
        rows = session.execute(
            select(CommunityNoteRow.content_id, CommunityNoteRow.id, CommunityNoteRow.shown).where(
                or_(CommunityNoteRow.status == HELPFUL, CommunityNoteRow.shown.is_(True))
            )
        ).all()
        desired = shown_notes(session, {r[0] for r in rows})
    return {
        content_id
        for content_id, note_id, shown in rows
        if shown != (desired.get(content_id) is not None and desired[content_id].note_id == note_id)
    }


def sync_display(
    db: Database,
    runtime: Runtime,
    content_ids: Iterable[str],
    trigger_id: str,
    now: datetime,
    *,
    reconcile: bool = False,
) -> dict[str, Any]:
    """Decide these content items again and record which note each now shows."""
    wanted = set(content_ids)
    if reconcile:
        wanted |= out_of_sync(db)
    ordered = sorted(wanted)
    decisions: list[str] = []
    missing = 0
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        with db.transaction() as session:
            data = session.scalars(select(ContentRow.data).where(ContentRow.id.in_(batch))).all()
        items = [ContentIn.model_validate(d) for d in data]
        missing += len(batch) - len(items)
        if items:
            stored = redecide(db, runtime.pipeline, items, trigger_id, now, trigger=TRIGGER)
            decisions.extend(e.decision.id for e in stored)
        _record_shown(db, batch)
    return {"content": len(ordered), "decisions": decisions, "content_missing": missing}


def _record_shown(db: Database, content_ids: list[str]) -> None:
    with db.transaction() as session:
        desired = shown_notes(session, content_ids)
        session.execute(
            update(CommunityNoteRow)
            .where(CommunityNoteRow.content_id.in_(content_ids))
            .values(shown=False)
        )
        ids = [n.note_id for n in desired.values()]
        if ids:
            session.execute(
                update(CommunityNoteRow).where(CommunityNoteRow.id.in_(ids)).values(shown=True)
            )
