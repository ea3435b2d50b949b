"""The ``community_note`` detector: which helpful note, if any, a content item shows.

Notes reach the platform the way every other label does: this detector reports the note a
post should carry, the ``notes`` policy turns that into a label action with the note's text and
link, and the decision goes out through the outbox. When a note stops being helpful, the post is
decided again and the label is gone from its actions.

The detector holds no notes in memory: it asks the store once per batch (one indexed query on
the batch's content ids), so every process sees a status change at once. Of several helpful
notes on one item, the one with the highest intercept is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.domain.entities import ContentIn
from veracity.notes.model import Classification
from veracity.store.db import Database
from veracity.store.tables import CommunityNoteRow

HELPFUL = "helpful"
MAX_LABEL_TEXT = 1_000


@dataclass(frozen=True)
class ShownNote:
    note_id: str
    text: str
    url: str
    intercept: float
    video_start_s: float | None = None
    video_end_s: float | None = None


NoteLookup = Callable[[Collection[str]], Mapping[str, ShownNote]]


def shown_notes(session: Session, content_ids: Collection[str]) -> dict[str, ShownNote]:
    """Per content id, the helpful note it should show (highest intercept, then id)."""
    if not content_ids:
        return {}
    rows = session.execute(
        select(
            CommunityNoteRow.content_id,
            CommunityNoteRow.id,
            CommunityNoteRow.text,
            CommunityNoteRow.sources,
            CommunityNoteRow.intercept,
            CommunityNoteRow.video_start_s,
            CommunityNoteRow.video_end_s,
        ).where(
            CommunityNoteRow.content_id.in_(list(content_ids)),
            CommunityNoteRow.status == HELPFUL,
            CommunityNoteRow.classification == Classification.MISLEADING.value,
        )
    )
    ranked = sorted(rows, key=lambda r: (r[0], -float(r[4] or 0.0), r[1]))
    best: dict[str, ShownNote] = {}
    for content_id, note_id, text, sources, intercept, start, end in ranked:
        if content_id not in best:
            url = sources[0] if sources else ""
            best[content_id] = ShownNote(
                note_id, text[:MAX_LABEL_TEXT], url, float(intercept or 0.0), start, end
            )
    return best


def database_lookup(db: Database) -> NoteLookup:
    def lookup(content_ids: Collection[str]) -> Mapping[str, ShownNote]:
        with db.transaction() as session:
            return shown_notes(session, content_ids)

    return lookup


class CommunityNoteDetector(OnlineDetector):
    name = "community_note"
    version = "1"
    inputs = ("id",)
    outputs = (
        OutputSpec("shown", OutputType.BOOL, "A community note rated helpful is attached."),
        OutputSpec("note_id", OutputType.STRING, "The shown note's id."),
        OutputSpec("text", OutputType.STRING, "The shown note's text."),
        OutputSpec("url", OutputType.STRING, "The shown note's first source link."),
        OutputSpec("intercept", OutputType.DOUBLE, "The shown note's helpfulness intercept."),
        OutputSpec(
            "video_start_s", OutputType.DOUBLE, "Start of the video range it is about (-1: all)."
        ),
        OutputSpec("video_end_s", OutputType.DOUBLE, "End of that range (-1: all)."),
    )
    description = "Community notes rated helpful by raters who usually disagree (issue 7)."

    def __init__(self, lookup: NoteLookup | None = None) -> None:
        self._lookup = lookup

    def _result(self, note: ShownNote | None) -> DetectorResult:
        if note is None:
            return self.empty_result()
        evidence: dict[str, object] = {"note_id": note.note_id, "intercept": note.intercept}
        start = -1.0 if note.video_start_s is None else float(note.video_start_s)
        end = -1.0 if note.video_end_s is None else float(note.video_end_s)
        return DetectorResult(
            {
                "shown": True,
                "note_id": note.note_id,
                "text": note.text,
                "url": note.url,
                "intercept": round(note.intercept, 6),
                "video_start_s": start,
                "video_end_s": end,
            },
            evidence,
        )

    def detect_many(self, items: Sequence[ContentIn]) -> list[DetectorResult]:
        if self._lookup is None or not items:
            return [self.empty_result() for _ in items]
        found = self._lookup({item.id for item in items})
        return [self._result(found.get(item.id)) for item in items]

    def detect(self, item: ContentIn) -> DetectorResult:
        return self.detect_many([item])[0]

    def reference(self, item: ContentIn) -> DetectorResult:
        if self._lookup is None:
            return self.empty_result()
        return self._result(dict(self._lookup([item.id])).get(item.id))


def build_note_detector(db: Database | None) -> CommunityNoteDetector:
    """With ``db=None`` the detector is declared (policies may read it) but shows nothing."""
    return CommunityNoteDetector(database_lookup(db) if db is not None else None)
