"""Statements of reasons in a test database, made the way the product makes them: from a
``Decision`` through ``restriction_for`` and saved with ``save_statements``, next to the
content and account rows the export reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from veracity.compliance.statements import (
    GROUND_ILLEGAL,
    GROUND_INCOMPATIBLE,
    StatementOfReasons,
    automated_decision_code,
    restriction_for,
    save_statements,
    statement_puid,
)
from veracity.domain.actions import Action, ActionType
from veracity.domain.decisions import Decision
from veracity.domain.signals import SubjectType
from veracity.store.db import Database
from veracity.store.tables import AccountRow, ContentRow

T0 = datetime(2026, 5, 2, 10, 0, tzinfo=UTC)
CREATED = datetime(2026, 4, 30, 8, 0, tzinfo=UTC)


def decision(
    subject_id: str,
    actions: list[Action],
    *,
    subject_type: SubjectType = SubjectType.CONTENT,
    automated: bool = True,
    at: datetime = T0,
) -> Decision:
    return Decision(
        id=f"dec-{subject_id}-{at.isoformat()}",
        subject_type=subject_type,
        subject_id=subject_id,
        trigger="ingest" if automated else "review",
        policy_versions={"p": "1"},
        matched=[],
        actions=actions,
        automated_detection=True,
        automated_decision=automated,
        created_at=at,
    )


def statement(
    d: Decision,
    *,
    ground: str = GROUND_INCOMPATIBLE,
    scope: list[str] | None = None,
    days: int | None = None,
    **extra: Any,
) -> StatementOfReasons:
    fields: dict[str, Any] = {
        "puid": statement_puid(d.id, d.subject_id),
        "decision_id": d.id,
        "subject_type": d.subject_type.value,
        "subject_id": d.subject_id,
        "restriction": restriction_for(d, scope, days),
        "decision_facts": "The item repeats a claim rated false by an independent fact-checker.",
        "automated_detection": d.automated_detection,
        "automated_decision": automated_decision_code(d),
        "decision_ground": ground,
        "category": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "category_specification": ["KEYWORD_MISINFORMATION_DISINFORMATION"],
        "created_at": d.created_at,
    }
    if ground == GROUND_ILLEGAL:
        fields["illegal_content_legal_ground"] = "Art. 130 StGB"
        fields["illegal_content_explanation"] = "Incites hatred against a protected group."
    else:
        fields["incompatible_content_ground"] = "Terms of Service 4.1"
        fields["incompatible_content_explanation"] = f"Rated false; acted on {d.subject_id}."
    fields.update(extra)
    return StatementOfReasons(**fields)


def add_content(db: Database, cid: str, kind: str = "post", **data: Any) -> None:
    with db.transaction() as session:
        session.add(
            ContentRow(
                id=cid,
                account_id="acc-1",
                kind=kind,
                text="text",
                language=data.pop("language", None),
                region=None,
                created_at=data.pop("created_at", CREATED),
                data=data,
                ingested_at=T0,
            )
        )


def add_account(db: Database, aid: str, created: datetime | None = CREATED) -> None:
    with db.transaction() as session:
        session.add(
            AccountRow(
                id=aid, handle=None, created_at=created, region=None, data={}, ingested_at=T0
            )
        )


def save(db: Database, statements: list[StatementOfReasons]) -> None:
    with db.transaction() as session:
        save_statements(session, statements)


def many(db: Database, n: int, *, start: int = 0, at: datetime = T0) -> list[StatementOfReasons]:
    """``n`` valid content statements (removals) saved in one go."""
    found = [
        statement(decision(f"c{i}", [Action(type=ActionType.REMOVE)], at=at))
        for i in range(start, start + n)
    ]
    save(db, found)
    return found


def day(value: str) -> date:
    return date.fromisoformat(value)


# A removal restricted outside the EU/EEA only: nothing the database can take.
REMOVE_SCOPE_US = statement(decision("us-only", [Action(type=ActionType.REMOVE)]), scope=["US"])
