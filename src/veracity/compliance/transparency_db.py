"""Validation of statements of reasons against the DSA Transparency Database's published rules.

Run before anything is written to an export file or sent, so a statement the database would
refuse is caught here with every reason at once, not one 422 at a time. The rules are those of
``StatementStoreRequest.php`` (schema of 1 July 2025) and the API documentation, made stricter
in three places where the database would silently drop or accept something that is a mistake
on our side: an unknown field name, a conditional field sent without its condition (the API
excludes it), and a missing ``territorial_scope`` (documented as required, validated as
nullable). End dates before the application date are refused as the documentation says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from veracity.compliance import transparency_schema as S

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EAN13 = re.compile(r"[0-9]{13}")
# Statements must hold no personal data (DSA Art. 24(5)); an e-mail address is the one kind a
# pattern finds without false alarms on ordinary text.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Violation:
    """One broken rule: the API field it concerns and why."""

    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


def _blank(value: Any) -> bool:
    """Laravel's ``required``: null, a blank string and an empty array count as missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, list | dict) and len(value) == 0


def _show(value: Any) -> str:
    """A value quoted in a reason, cut short: the input may be hostile or huge."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Check:
    """Collects violations for one statement body."""

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body
        self.found: list[Violation] = []

    def add(self, field: str, reason: str) -> None:
        self.found.append(Violation(field, reason))

    def has(self, field: str) -> bool:
        return not _blank(self.body.get(field))

    def _null(self, field: str, nullable: bool) -> None:
        """An explicit null where none is allowed (a required field is reported as missing)."""
        if field in self.body and not nullable and field not in S.REQUIRED:
            self.add(field, "may not be null")

    def one_of(self, field: str, allowed: frozenset[str], *, nullable: bool = True) -> None:
        value = self.body.get(field)
        if value is None:
            self._null(field, nullable)
            return
        if field in S.REQUIRED and _blank(value):
            return  # reported as missing
        if not isinstance(value, str) or value not in allowed:
            shown = ", ".join(sorted(allowed)) if len(allowed) <= 20 else "the published list"
            self.add(field, f"{_show(value)} is not one of: {shown}")

    def subset(
        self, field: str, allowed: Iterable[str], *, nullable: bool = True, what: str = ""
    ) -> list[str]:
        """An array field whose items must come from ``allowed``; returns the valid items."""
        value = self.body.get(field)
        if value is None:
            self._null(field, nullable)
            return []
        if not isinstance(value, list):
            self.add(field, "must be an array")
            return []
        allowed_set = frozenset(allowed)
        bad = [v for v in value if not isinstance(v, str) or v not in allowed_set]
        for v in bad[:10]:
            self.add(field, f"{_show(v)} is not {what or 'an allowed value'}")
        return [v for v in value if isinstance(v, str) and v in allowed_set]

    def conditional(self, field: str, condition: bool, because: str) -> None:
        """A field required when ``condition`` holds and not allowed otherwise."""
        if condition and not self.has(field):
            self.add(field, f"required when {because}")
        elif not condition and field in self.body and self.body[field] is not None:
            self.add(field, f"only allowed when {because}")

    def text(self, field: str) -> None:
        value = self.body.get(field)
        if value is None:
            return
        if not isinstance(value, str):
            self.add(field, "must be a string")
            return
        limit = S.TEXT_LIMITS.get(field)
        if limit is not None and len(value) > limit:
            self.add(field, f"at most {limit} characters (got {len(value)})")
        if field != "decision_ground_reference_url" and "@" in value and _EMAIL.search(value):
            self.add(field, "contains an e-mail address; statements must hold no personal data")

    def day(self, field: str) -> date | None:
        value = self.body.get(field)
        if value is None or (field in S.REQUIRED and _blank(value)):
            return None
        parsed: date | None = None
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            self.add(field, f"{_show(value)} is not a date in the format YYYY-MM-DD")
            return None
        low, high = S.DATE_BOUNDS[field]
        if low is not None and parsed < low:
            self.add(field, f"must be on or after {low.isoformat()}")
        if parsed > high:
            self.add(field, f"must be on or before {high.isoformat()}")
        return parsed


def validate_statement(body: Any) -> list[Violation]:
    """Every rule ``body`` breaks; an empty list means the database accepts it."""
    if not isinstance(body, Mapping):
        return [Violation("statement", "must be a JSON object")]
    c = _Check(body)
    for field in sorted(set(body) - S.FIELDS):
        c.add(field, "not a Transparency Database field")
    for field in S.REQUIRED:
        if not c.has(field):
            c.add(field, "required")

    # Restrictions: at least one kind, each from its enumeration, "other" explained.
    if not any(c.has(f) for f in S.RESTRICTION_FIELDS):
        c.add(
            "decision_visibility",
            "at least one of decision_visibility, decision_monetary, decision_provision, "
            "decision_account is required",
        )
    visibility = c.subset("decision_visibility", S.DECISION_VISIBILITIES, what="a visibility")
    c.conditional(
        "decision_visibility_other",
        S.VISIBILITY_OTHER in visibility,
        f"decision_visibility contains {S.VISIBILITY_OTHER}",
    )
    c.one_of("decision_monetary", S.DECISION_MONETARIES)
    c.conditional(
        "decision_monetary_other",
        body.get("decision_monetary") == S.MONETARY_OTHER,
        f"decision_monetary is {S.MONETARY_OTHER}",
    )
    c.one_of("decision_provision", S.DECISION_PROVISIONS)
    c.one_of("decision_account", S.DECISION_ACCOUNTS)
    c.one_of("account_type", S.ACCOUNT_TYPES)

    # The ground decides which explanation fields are required and which must be absent.
    c.one_of("decision_ground", S.DECISION_GROUNDS, nullable=False)
    ground = body.get("decision_ground")
    illegal, incompatible = ground == S.GROUND_ILLEGAL, ground == S.GROUND_INCOMPATIBLE
    for field in ("illegal_content_legal_ground", "illegal_content_explanation"):
        c.conditional(field, illegal, f"decision_ground is {S.GROUND_ILLEGAL}")
    for field in ("incompatible_content_ground", "incompatible_content_explanation"):
        c.conditional(field, incompatible, f"decision_ground is {S.GROUND_INCOMPATIBLE}")
    if body.get("incompatible_content_illegal") is not None:
        if not incompatible:
            c.add(
                "incompatible_content_illegal",
                f"only allowed when decision_ground is {S.GROUND_INCOMPATIBLE}",
            )
        c.one_of("incompatible_content_illegal", S.YES_NO)
    url = body.get("decision_ground_reference_url")
    if isinstance(url, str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
            c.add("decision_ground_reference_url", "must be an http(s) URL")

    # What the item is and which category it falls under.
    types = c.subset("content_type", S.CONTENT_TYPES, nullable=False, what="a content type")
    c.conditional(
        "content_type_other",
        S.CONTENT_TYPE_OTHER in types,
        f"content_type contains {S.CONTENT_TYPE_OTHER}",
    )
    c.one_of("category", S.CATEGORIES, nullable=False)
    c.subset("category_addition", S.CATEGORIES, nullable=False, what="a category")
    keywords = c.subset("category_specification", S.KEYWORDS, what="a KEYWORD_* value")
    if body.get("category_specification_other") is not None and S.KEYWORD_OTHER not in keywords:
        c.add(
            "category_specification_other",
            f"only allowed when category_specification contains {S.KEYWORD_OTHER}",
        )

    # Where and when.
    if not c.has("territorial_scope"):
        c.add("territorial_scope", "required (EU/EEA countries where the restriction applies)")
    else:
        c.subset("territorial_scope", S.EEA_COUNTRIES, what="an EU/EEA ISO 3166 alpha-2 code")
    c.one_of("content_language", S.LANGUAGES)
    c.day("content_date")
    applied = c.day("application_date")
    for field in S.END_DATE_FIELDS:
        end = c.day(field)
        if end is not None and applied is not None and end < applied:
            c.add(field, "must be on or after application_date")

    # Who noticed, how automated, which id.
    c.one_of("source_type", S.SOURCE_TYPES, nullable=False)
    if body.get("source_type") == S.SOURCE_VOLUNTARY and body.get("source_identity") is not None:
        c.add("source_identity", f"not allowed when source_type is {S.SOURCE_VOLUNTARY}")
    c.one_of("automated_detection", S.YES_NO, nullable=False)
    c.one_of("automated_decision", S.AUTOMATED_DECISIONS, nullable=False)
    for field in S.TEXT_LIMITS:
        c.text(field)
    _check_puid(c)
    _check_content_id(c)
    return c.found


def _check_puid(c: _Check) -> None:
    puid = c.body.get("puid")
    if puid is None:
        return
    if not isinstance(puid, str):
        c.add("puid", "must be a string")
    elif len(puid) > S.MAX_PUID:
        c.add("puid", f"at most {S.MAX_PUID} characters (got {len(puid)})")
    elif puid and not S.PUID_PATTERN.fullmatch(puid):
        c.add("puid", "only letters a-z A-Z, digits, '-' and '_' are allowed")


def _check_content_id(c: _Check) -> None:
    content_id = c.body.get("content_id")
    if content_id is not None:
        if not isinstance(content_id, Mapping):
            c.add("content_id", 'must be an object {"EAN-13": "<13 digits>"}')
        else:
            for key, value in content_id.items():
                if key != "EAN-13":
                    c.add("content_id", f"unknown key {key!r}; only 'EAN-13' is accepted")
                elif not isinstance(value, str) or not _EAN13.fullmatch(value):
                    c.add("content_id", "EAN-13 must be a string of 13 digits")
    ean = c.body.get("content_id_ean")
    if ean is not None and (not isinstance(ean, str) or not _EAN13.fullmatch(ean)):
        c.add("content_id_ean", "must be a string of 13 digits")


def validate_batch(bodies: Sequence[Any]) -> list[list[Violation]]:
    """Violations per statement of one call to the multiple endpoint, including the call's own
    rules: 1 to 100 statements, and no ``puid`` twice."""
    if not 1 <= len(bodies) <= S.MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {S.MAX_BATCH} statements, got {len(bodies)}")
    found = [validate_statement(b) for b in bodies]
    first: dict[str, int] = {}
    for i, body in enumerate(bodies):
        puid = body.get("puid") if isinstance(body, Mapping) else None
        if not isinstance(puid, str):
            continue
        if puid in first:
            found[i].append(Violation("puid", f"repeats the puid of statement {first[puid]}"))
        else:
            first[puid] = i
    return found
