"""Stored statements of reasons in the DSA Transparency Database's API format.

A statement holds what was decided (restriction, ground, facts, automation); the item it
concerns adds what the database also asks (content type, the date hosting began, language),
read from the content or account row at export time. The body is built with the API's exact
field names and then checked by ``transparency_db.validate_statement``: what fails is reported,
never written or sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.compliance import transparency_schema as S
from veracity.compliance.statements import StatementOfReasons
from veracity.compliance.transparency_db import Violation, validate_statement
from veracity.store.tables import AccountRow, ContentRow, StatementRow

# The Union's code for Greece is EL; ISO 3166 (and the database) say GR.
_COUNTRY_ALIASES = {"EL": "GR"}
_KIND_TYPES = {
    "video": "CONTENT_TYPE_VIDEO",
    "image": "CONTENT_TYPE_IMAGE",
    "audio": "CONTENT_TYPE_AUDIO",
    "post": "CONTENT_TYPE_TEXT",
    "comment": "CONTENT_TYPE_TEXT",
}
_MIME_TYPES = {
    "video": "CONTENT_TYPE_VIDEO",
    "image": "CONTENT_TYPE_IMAGE",
    "audio": "CONTENT_TYPE_AUDIO",
}
ACCOUNT_TYPE_OTHER = "Account"  # content_type_other for statements on an account


@dataclass(frozen=True)
class ItemFacts:
    """What the export reads about the restricted item beside the statement."""

    content_type: tuple[str, ...] = ("CONTENT_TYPE_TEXT",)
    content_type_other: str | None = None
    content_date: date | None = None
    content_language: str | None = None


ACCOUNT_FACTS = ItemFacts(
    content_type=(S.CONTENT_TYPE_OTHER,), content_type_other=ACCOUNT_TYPE_OTHER
)


@dataclass(frozen=True)
class Exported:
    """One statement, its API body and what is wrong with it (nothing, when it may be sent)."""

    statement: StatementOfReasons
    body: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)


def eea_scope(scope: Sequence[str] | None) -> list[str]:
    """The EU/EEA part of a restriction's scope, sorted; None (everywhere) is every country."""
    if scope is None:
        return list(S.EEA_COUNTRIES)
    codes = {_COUNTRY_ALIASES.get(c.strip().upper(), c.strip().upper()) for c in scope}
    return sorted(codes & set(S.EEA_COUNTRIES))


def language_code(value: str | None) -> str | None:
    """``en``, ``en-GB`` or ``EN`` -> ``EN``; None when it is not an ISO 639-1 language."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip(), maxsplit=1)[0].upper()
    return code if code in S.LANGUAGES else None


def content_types(kind: str | None, media: Sequence[Any] = ()) -> tuple[str, ...]:
    """CONTENT_TYPE_* of an item: its kind, plus the kinds of media attached to a post."""
    found: list[str] = []
    if kind in _KIND_TYPES:
        found.append(_KIND_TYPES[kind])
    for m in media:
        mime = m.get("mime_type") if isinstance(m, dict) else None
        code = _MIME_TYPES.get(str(mime).split("/", 1)[0]) if mime else None
        if code and code not in found:
            found.append(code)
    return tuple(found) or (S.CONTENT_TYPE_OTHER,)


def _scrub(text: str | None, subject_id: str) -> str | None:
    """Statements go to a public database without personal data: the affected account's id
    (or the item's) is replaced where the stored text names it."""
    if not text or len(subject_id) < 2:
        return text
    token = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(subject_id)}(?![A-Za-z0-9_-])")
    return token.sub("[the subject]", text)


def _day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def api_body(statement: StatementOfReasons, facts: ItemFacts | None = None) -> dict[str, Any]:
    """The submission body for one statement (field names and values as the API wants them).

    Fields with nothing to say are left out; end dates are sent as null for "indefinite".
    """
    if facts is None:
        facts = ACCOUNT_FACTS if statement.subject_type == "account" else ItemFacts()
    r = statement.restriction
    sid = statement.subject_id
    body: dict[str, Any] = {}
    if r.decision_visibility:
        body["decision_visibility"] = list(r.decision_visibility)
        if S.VISIBILITY_OTHER in r.decision_visibility and r.decision_visibility_other:
            body["decision_visibility_other"] = _scrub(r.decision_visibility_other, sid)
        body["end_date_visibility_restriction"] = _day(r.end_date)
    if r.decision_account:
        body["decision_account"] = r.decision_account
        body["end_date_account_restriction"] = _day(r.end_date)
    body["decision_ground"] = statement.decision_ground
    if statement.decision_ground == S.GROUND_ILLEGAL:
        body["illegal_content_legal_ground"] = statement.illegal_content_legal_ground
        body["illegal_content_explanation"] = _scrub(statement.illegal_content_explanation, sid)
    elif statement.decision_ground == S.GROUND_INCOMPATIBLE:
        body["incompatible_content_ground"] = statement.incompatible_content_ground
        body["incompatible_content_explanation"] = _scrub(
            statement.incompatible_content_explanation, sid
        )
        if statement.incompatible_content_illegal is not None:
            body["incompatible_content_illegal"] = (
                "Yes" if statement.incompatible_content_illegal else "No"
            )
    if statement.decision_ground_reference_url:
        body["decision_ground_reference_url"] = statement.decision_ground_reference_url
    types = list(statement.content_type or facts.content_type)
    if "ai-generated" in r.description and "CONTENT_TYPE_SYNTHETIC_MEDIA" not in types:
        types.append("CONTENT_TYPE_SYNTHETIC_MEDIA")
    body["content_type"] = types
    if S.CONTENT_TYPE_OTHER in types:
        body["content_type_other"] = facts.content_type_other or "Other"
    body["category"] = statement.category
    if statement.category_specification:
        body["category_specification"] = list(statement.category_specification)
    body["territorial_scope"] = eea_scope(r.territorial_scope)
    if facts.content_language:
        body["content_language"] = facts.content_language
    body["content_date"] = _day(statement.content_date or facts.content_date or r.start_date)
    body["application_date"] = _day(r.start_date)
    body["decision_facts"] = _scrub(statement.decision_facts, sid)
    body["source_type"] = statement.source_type
    if statement.source_type != S.SOURCE_VOLUNTARY and statement.source_identity:
        body["source_identity"] = statement.source_identity
    body["automated_detection"] = "Yes" if statement.automated_detection else "No"
    body["automated_decision"] = statement.automated_decision
    body["puid"] = statement.puid
    return {k: v for k, v in body.items() if v is not None or k in S.END_DATE_FIELDS}


def item_facts(
    session: Session, statements: Sequence[StatementOfReasons]
) -> dict[tuple[str, str], ItemFacts]:
    """Facts about each statement's subject, one query per subject type."""
    facts: dict[tuple[str, str], ItemFacts] = {}
    content_ids = {s.subject_id for s in statements if s.subject_type == "content"}
    account_ids = {s.subject_id for s in statements if s.subject_type == "account"}
    if content_ids:
        rows = session.execute(
            select(
                ContentRow.id,
                ContentRow.kind,
                ContentRow.language,
                ContentRow.created_at,
                ContentRow.ingested_at,
                ContentRow.data,
            ).where(ContentRow.id.in_(content_ids))
        )
        for cid, kind, lang, created, ingested, data in rows:
            media = data.get("media", []) if isinstance(data, dict) else []
            facts[("content", cid)] = ItemFacts(
                content_type=content_types(kind, media),
                content_type_other="Content item",
                content_date=_as_date(created or ingested),
                content_language=language_code(lang),
            )
    if account_ids:
        rows = session.execute(
            select(AccountRow.id, AccountRow.created_at, AccountRow.ingested_at).where(
                AccountRow.id.in_(account_ids)
            )
        )
        for aid, created, ingested in rows:
            facts[("account", aid)] = ItemFacts(
                content_type=ACCOUNT_FACTS.content_type,
                content_type_other=ACCOUNT_TYPE_OTHER,
                content_date=_as_date(created or ingested),
            )
    return facts


def _as_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def iter_statements(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 500,
) -> Iterator[list[StatementOfReasons]]:
    """Stored statements in issue order, a page at a time (``since`` <= created_at < ``until``)."""
    after = 0
    while True:
        stmt = (
            select(StatementRow.seq, StatementRow.record)
            .where(StatementRow.seq > after)
            .order_by(StatementRow.seq)
            .limit(page)
        )
        if since is not None:
            stmt = stmt.where(StatementRow.created_at >= since)
        if until is not None:
            stmt = stmt.where(StatementRow.created_at < until)
        rows = session.execute(stmt).all()
        if not rows:
            return
        after = rows[-1][0]
        yield [StatementOfReasons.model_validate(r) for _, r in rows]


def export_page(session: Session, statements: Sequence[StatementOfReasons]) -> list[Exported]:
    """API bodies of ``statements`` with their violations."""
    facts = item_facts(session, statements)
    out: list[Exported] = []
    for s in statements:
        body = api_body(s, facts.get((s.subject_type, s.subject_id)))
        out.append(Exported(s, body, validate_statement(body)))
    return out


def export_jsonl(
    session: Session,
    out: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[int, list[Exported]]:
    """Write every valid statement's body to ``out`` (JSON lines); return how many, and the
    invalid ones with their reasons. The file never holds a statement that fails validation."""
    written = 0
    invalid: list[Exported] = []
    tmp = out.with_name(out.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            for page in iter_statements(session, since=since, until=until):
                for e in export_page(session, page):
                    if e.violations:
                        invalid.append(e)
                        continue
                    fh.write(json.dumps(e.body, ensure_ascii=False, sort_keys=True) + "\n")
                    written += 1
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return written, invalid
