"""HTTP routes for community notes. The platform (role ``service``) relays what its users
write and rate, naming them by account id; staff roles read notes, their status history and
contributor scores (docs/notes.md).

A rating answers with the note's status after incremental rescoring, which also attaches or
removes the note's label on the content when the status changes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from sqlalchemy import select

from veracity.access.roles import NOTES_READ, NOTES_WRITE
from veracity.domain.limits import Identifier
from veracity.notes.eligibility import EligibilityRules, ineligibility
from veracity.notes.model import NoteIn, RatingIn
from veracity.notes.rules import STATUS_CODES
from veracity.notes.runs import rescore_notes
from veracity.notes.store import (
    NoteConflict,
    NoteRefused,
    add_note,
    add_rating,
    check_content,
    contributor_json,
    list_notes,
    note_detail,
    note_json,
)
from veracity.store.db import Database, utcnow
from veracity.store.tables import CommunityNoteRow
from veracity.web.auth import app_settings, require_roles

router = APIRouter(prefix="/v1", tags=["notes"])
READ = [Depends(require_roles(NOTES_READ))]
WRITE = [Depends(require_roles(NOTES_WRITE))]
UNPROCESSABLE = 422  # the name changed between Starlette versions; the number did not
PathId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@\-]+$")]


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(_db)]


def _refuse(code: int, message: str) -> HTTPException:
    return HTTPException(status_code=code, detail=message)


def _eligible(request: Request, db: Database, account_id: str, what: str) -> None:
    rules = EligibilityRules.from_settings(app_settings(request))
    with db.transaction() as session:
        reason = ineligibility(session, account_id, utcnow(), rules)
    if reason is not None:
        message = f"{what} {account_id} may not contribute: {reason}"
        raise _refuse(UNPROCESSABLE, message)


@router.post(
    "/notes",
    dependencies=WRITE,
    status_code=status.HTTP_201_CREATED,
    summary="Relay a note a platform user wrote (201 new, 200 re-send)",
    responses={
        409: {"description": "the id is taken by a different note"},
        422: {"description": "invalid, unknown content, or the author is not eligible"},
    },
)
def create_note(item: NoteIn, request: Request, response: Response, db: Db) -> dict[str, Any]:
    _eligible(request, db, item.author_id, "author")
    now = utcnow()
    try:
        with db.transaction() as session:
            check_content(session, item)
            created = add_note(session, item, now)
            row = session.get(CommunityNoteRow, item.id)
            assert row is not None
            out = note_json(row)
    except NoteRefused as exc:
        raise _refuse(UNPROCESSABLE, str(exc)) from exc
    except NoteConflict as exc:
        raise _refuse(status.HTTP_409_CONFLICT, str(exc)) from exc
    if not created:
        response.status_code = status.HTTP_200_OK
    return {"created": created, "note": out}


@router.post(
    "/notes/{note_id}/ratings",
    dependencies=WRITE,
    summary="Relay a platform user's rating of a note; answers with the note's status",
    responses={
        404: {"description": "no such note"},
        422: {"description": "invalid, own note, or the rater is not eligible"},
    },
)
def rate_note(note_id: PathId, item: RatingIn, request: Request, db: Db) -> dict[str, Any]:
    with db.transaction() as session:
        author = session.scalar(
            select(CommunityNoteRow.author_id).where(CommunityNoteRow.id == note_id)
        )
    if author is None:
        raise _refuse(status.HTTP_404_NOT_FOUND, f"note {note_id} not found")
    if author == item.rater_id:
        raise _refuse(UNPROCESSABLE, "authors do not rate their own notes")
    _eligible(request, db, item.rater_id, "rater")
    now = utcnow()
    with db.transaction() as session:
        changed = add_rating(session, note_id, item, now)
    outcome = None
    if changed:
        outcome = rescore_notes(db, [note_id], now=now, runtime=request.app.state.runtime)
    with db.transaction() as session:
        row = session.get(CommunityNoteRow, note_id)
        assert row is not None
        note = note_json(row)
    return {
        "note_id": note_id,
        "rater_id": item.rater_id,
        "changed": changed,
        "rescored": bool(outcome and outcome.report.get("scored")),
        "status_changed": bool(outcome and outcome.changes),
        "note": note,
    }


@router.get("/notes", dependencies=READ, summary="Notes, newest first, with filters")
def get_notes(
    db: Db,
    content_id: Annotated[Identifier | None, Query()] = None,
    author_id: Annotated[Identifier | None, Query()] = None,
    note_status: Annotated[str | None, Query(alias="status", max_length=24)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    if note_status is not None and note_status not in STATUS_CODES:
        raise _refuse(
            UNPROCESSABLE,
            f"unknown status {note_status!r}; one of {sorted(STATUS_CODES)}",
        )
    with db.transaction() as session:
        rows = list_notes(
            session,
            content_id=content_id,
            author_id=author_id,
            status=note_status,
            limit=limit,
            offset=offset,
        )
    return {"items": rows, "next_offset": offset + limit if len(rows) == limit else None}


@router.get(
    "/notes/{note_id}",
    dependencies=READ,
    summary="One note with its status history and a summary of its ratings",
)
def get_note(note_id: PathId, db: Db) -> dict[str, Any]:
    with db.transaction() as session:
        found = note_detail(session, note_id)
    if found is None:
        raise _refuse(status.HTTP_404_NOT_FOUND, f"note {note_id} not found")
    return found


@router.get(
    "/note-contributors/{account_id}",
    dependencies=READ,
    summary="A contributor's helpfulness scores from the last full scoring run",
)
def get_contributor(account_id: PathId, db: Db) -> dict[str, Any]:
    with db.transaction() as session:
        found = contributor_json(session, account_id)
    if found is None:
        raise _refuse(status.HTTP_404_NOT_FOUND, f"account {account_id} has no notes or ratings")
    return found
