"""Server-rendered pages: the notes list (by status) and one note with its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from veracity.access.principal import Principal
from veracity.access.roles import NOTES_READ
from veracity.notes.rules import STATUS_CODES
from veracity.notes.store import list_notes, note_detail, status_counts
from veracity.web.pages import PageAccess, templates

router = APIRouter(include_in_schema=False)
PAGE = 50
Reader = Annotated[Principal, Depends(PageAccess(NOTES_READ))]


@router.get("/ui/notes", response_class=HTMLResponse)
def notes_page(
    request: Request,
    _access: Reader,
    status: Annotated[str | None, Query(max_length=24)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    wanted = status if status in STATUS_CODES else None
    with request.app.state.db.transaction() as session:
        rows = list_notes(session, status=wanted, limit=PAGE, offset=offset)
        counts = status_counts(session)
    return templates.TemplateResponse(
        request,
        "notes.html",
        {
            "rows": rows,
            "counts": counts,
            "status": wanted or "",
            "next_offset": offset + PAGE if len(rows) == PAGE else None,
        },
    )


@router.get("/ui/notes/{note_id}", response_class=HTMLResponse)
def note_page(request: Request, _access: Reader, note_id: str) -> Response:
    with request.app.state.db.transaction() as session:
        found = note_detail(session, note_id[:128])
    if found is None:
        return templates.TemplateResponse(
            request, "not_found.html", {"what": f"note {note_id[:128]}"}, status_code=404
        )
    return templates.TemplateResponse(request, "note.html", {"n": found})
