"""Read decisions and the signals behind them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from veracity.access.roles import DECISIONS_READ
from veracity.domain.decisions import Decision
from veracity.store import queries
from veracity.store.db import Database
from veracity.web.auth import require_roles

router = APIRouter(
    prefix="/v1", tags=["decisions"], dependencies=[Depends(require_roles(DECISIONS_READ))]
)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(_db)]


@router.get("/decisions", summary="List decisions, newest first")
def list_decisions(
    db: Db,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1, description="seq cursor from next_before")] = None,
    subject_id: Annotated[str | None, Query(max_length=128)] = None,
    actioned: bool = False,
) -> dict[str, Any]:
    with db.transaction() as session:
        rows = queries.list_decisions(
            session,
            limit=limit,
            before_seq=before,
            subject_id=subject_id,
            with_actions_only=actioned,
        )
    return {
        "items": [
            {"seq": seq, "decision": d.model_dump(mode="json"), "explanation": d.explain()}
            for seq, d in rows
        ],
        "next_before": rows[-1][0] if len(rows) == limit else None,
    }


@router.get("/decisions/{decision_id}", summary="One decision, explained, with its evidence")
def get_decision(decision_id: str, db: Db) -> dict[str, Any]:
    with db.transaction() as session:
        decision: Decision | None = queries.get_decision(session, decision_id)
        if decision is None:
            raise HTTPException(status_code=404, detail=f"no decision {decision_id!r}")
        signals = queries.signals_for(session, decision.subject_type.value, decision.subject_id)
    return {
        "decision": decision.model_dump(mode="json"),
        "explanation": decision.explain(),
        "signals": signals,
    }
