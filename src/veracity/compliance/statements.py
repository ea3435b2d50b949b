"""Statements of reasons (DSA Art. 17): one stored, immutable record per restricted subject.

The model holds the Art. 17(3) minimum content (restriction, scope and duration, facts and
circumstances, use of automated means, ground, redress) under the DSA Transparency Database's
field names where one exists, so issue 6 can submit them (``transparency_db_fields``) without
re-deriving anything. Facts name shared items and counts, never other accounts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.domain.actions import ActionType
from veracity.domain.decisions import Decision
from veracity.store.tables import StatementRow
from veracity.store.upsert import insert_ignore

# Decision grounds of the Transparency Database; a campaign decision cites the platform's terms.
GROUND_INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
GROUND_ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
SOURCE_VOLUNTARY = "SOURCE_VOLUNTARY"
NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED"
PARTIALLY_AUTOMATED = "AUTOMATED_DECISION_PARTIALLY"
FULLY_AUTOMATED = "AUTOMATED_DECISION_FULLY"

DEFAULT_REDRESS: dict[str, str] = {
    "internal_complaint": (
        "You can appeal this decision free of charge for at least six months through the "
        "platform's complaint system (DSA Art. 20); a person will review it."
    ),
    "out_of_court": (
        "You can refer the dispute to a certified out-of-court dispute settlement body "
        "(DSA Art. 21)."
    ),
    "judicial": "You can also take the matter to a court under the applicable law.",
}

# What each action restricts, in Transparency Database terms (Art. 17(1)(a)-(d)).
_ACCOUNT = {
    ActionType.SUSPEND: "DECISION_ACCOUNT_SUSPENDED",
    ActionType.BAN: "DECISION_ACCOUNT_TERMINATED",
}
_VISIBILITY = {
    ActionType.LABEL: "DECISION_VISIBILITY_CONTENT_LABELLED",
    ActionType.NOT_RECOMMENDABLE: "DECISION_VISIBILITY_CONTENT_DEMOTED",
    ActionType.REDUCE: "DECISION_VISIBILITY_CONTENT_DEMOTED",
    ActionType.REMOVE: "DECISION_VISIBILITY_CONTENT_REMOVED",
    ActionType.GEO_RESTRICT: "DECISION_VISIBILITY_CONTENT_DISABLED",
}


class Restriction(BaseModel):
    """Art. 17(3)(a): which restriction, where and how long (``end_date`` None = indefinite)."""

    model_config = ConfigDict(frozen=True)

    description: str
    decision_visibility: list[str] = Field(default_factory=list)
    decision_visibility_other: str | None = None
    decision_account: str | None = None
    territorial_scope: list[str] | None = Field(
        default=None, description="ISO 3166 alpha-2 codes; None means everywhere."
    )
    start_date: date
    end_date: date | None = None


class StatementOfReasons(BaseModel):
    """One statement for one affected subject of one decision."""

    model_config = ConfigDict(frozen=True)

    puid: str = Field(description="Platform-unique id, never reused (Transparency Database).")
    decision_id: str
    subject_type: str
    subject_id: str
    source_ref: str | None = Field(
        default=None, description="What the decision acted on as a whole, e.g. a campaign id."
    )
    restriction: Restriction
    decision_facts: str = Field(max_length=5000, description="Art. 17(3)(b), no personal data.")
    facts_evidence: dict[str, Any] = Field(default_factory=dict)
    source_type: str = SOURCE_VOLUNTARY
    automated_detection: bool
    automated_decision: str
    decision_ground: str = GROUND_INCOMPATIBLE
    incompatible_content_ground: str | None = None
    incompatible_content_explanation: str | None = None
    incompatible_content_illegal: bool | None = None
    illegal_content_legal_ground: str | None = Field(
        default=None, description="Art. 17(3)(d): the law relied on (ground ILLEGAL_CONTENT)."
    )
    illegal_content_explanation: str | None = None
    decision_ground_reference_url: str | None = None
    source_identity: str | None = Field(
        default=None, description="The notifier, only where strictly necessary; never a person."
    )
    content_type: list[str] | None = Field(
        default=None, description="CONTENT_TYPE_* of the item; None: derived at export."
    )
    content_date: date | None = Field(
        default=None, description="When the platform began hosting the item; None: looked up."
    )
    category: str
    category_specification: list[str] = Field(default_factory=list)
    redress: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_REDRESS))
    created_at: datetime

    def transparency_db_fields(
        self, content_type: Sequence[str] = ("CONTENT_TYPE_TEXT",)
    ) -> dict[str, Any]:
        """The Transparency Database submission body for this statement (spec 2.3 names);
        ``transparency_export.api_body`` builds it, with facts read from the item's row."""
        from veracity.compliance.transparency_export import ItemFacts, api_body

        return api_body(self, ItemFacts(content_type=tuple(content_type)))


def statement_puid(decision_id: str, subject_id: str) -> str:
    """Deterministic, so re-issuing the same decision never makes a second statement."""
    digest = hashlib.blake2b(f"{decision_id}|{subject_id}".encode(), digest_size=10)
    return "sor-" + digest.hexdigest()


def restriction_for(
    decision: Decision, territorial_scope: list[str] | None, duration_days: int | None
) -> Restriction:
    """Art. 17(3)(a) from the decision's effective actions."""
    start = decision.created_at.date()
    visibility: list[str] = []
    account: str | None = None
    other: list[str] = []
    for a in decision.actions:
        if a.type in _ACCOUNT:
            account = _ACCOUNT[a.type]
        elif a.type in _VISIBILITY:
            code = _VISIBILITY[a.type]
            if a.params.get("scope") == "engagement":
                other.append("engagement removed from public counts")
                code = "DECISION_VISIBILITY_OTHER"
            if code not in visibility:
                visibility.append(code)
    return Restriction(
        description=", ".join(a.key() for a in decision.actions) or "none",
        decision_visibility=visibility,
        decision_visibility_other="; ".join(other) or None,
        decision_account=account,
        territorial_scope=territorial_scope,
        start_date=start,
        end_date=start + timedelta(days=duration_days) if duration_days else None,
    )


def automated_decision_code(decision: Decision) -> str:
    if decision.automated_decision:
        return FULLY_AUTOMATED
    return PARTIALLY_AUTOMATED if decision.trigger == "assisted" else NOT_AUTOMATED


def save_statements(session: Session, statements: Sequence[StatementOfReasons]) -> int:
    """Insert statements that are not stored yet (by puid); returns how many were new."""
    rows = [
        {
            "puid": s.puid,
            "decision_id": s.decision_id,
            "subject_type": s.subject_type,
            "subject_id": s.subject_id,
            "source_ref": s.source_ref,
            "record": s.model_dump(mode="json"),
            "created_at": s.created_at,
        }
        for s in statements
    ]
    return len(insert_ignore(session, StatementRow, rows, "puid"))


def list_statements(
    session: Session,
    *,
    source_ref: str | None = None,
    subject_id: str | None = None,
    decision_ids: Sequence[str] | None = None,
    limit: int = 1000,
) -> list[StatementOfReasons]:
    """Stored statements in issue order, filtered by what they acted on or whom."""
    stmt = select(StatementRow.record).order_by(StatementRow.seq).limit(limit)
    if source_ref is not None:
        stmt = stmt.where(StatementRow.source_ref == source_ref)
    if subject_id is not None:
        stmt = stmt.where(StatementRow.subject_id == subject_id)
    if decision_ids is not None:
        stmt = stmt.where(StatementRow.decision_id.in_(list(decision_ids)))
    return [StatementOfReasons.model_validate(r) for r in session.scalars(stmt)]
