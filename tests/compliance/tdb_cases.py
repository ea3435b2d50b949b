"""Valid and invalid Transparency Database statement bodies, shared by the validation tests.

``VALID`` covers every decision ground, restriction kind, category, source type and automation
value; ``INVALID`` breaks one rule each and names the field the validator must blame, and
whether the real database refuses it too (``server``) or only our stricter rules do.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from veracity.compliance import transparency_schema as S

Body = dict[str, Any]


def base(ground: str = S.GROUND_INCOMPATIBLE, **changes: Any) -> Body:
    """The EC documentation's minimal payload, filled in for ``ground``."""
    body: Body = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_LABELLED"],
        "decision_ground": ground,
        "content_type": ["CONTENT_TYPE_VIDEO", "CONTENT_TYPE_SYNTHETIC_MEDIA"],
        "category": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "category_specification": ["KEYWORD_MISINFORMATION_DISINFORMATION"],
        "territorial_scope": ["DE", "FR"],
        "content_date": "2026-05-01",
        "application_date": "2026-05-02",
        "decision_facts": "The video repeats a claim rated false by a fact-checker.",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
        "puid": "sor-2026-05-02-000123",
    }
    if ground == S.GROUND_ILLEGAL:
        body["illegal_content_legal_ground"] = "Art. 130 StGB (incitement to hatred)"
        body["illegal_content_explanation"] = "The post incites hatred against a group."
    else:
        body["incompatible_content_ground"] = "ToS 4.2 Synthetic media"
        body["incompatible_content_explanation"] = "Undisclosed synthetic media of a candidate."
    body.update(changes)
    return body


def _without(*fields: str, ground: str = S.GROUND_INCOMPATIBLE) -> Body:
    body = base(ground)
    for f in fields:
        body.pop(f, None)
    return body


def _restriction(**fields: Any) -> Body:
    body = _without("decision_visibility")
    body.update(fields)
    return body


VALID: dict[str, Body] = {
    "incompatible, minimal (EC example)": base(),
    "illegal, minimal": base(S.GROUND_ILLEGAL),
    "incompatible and also illegal": base(incompatible_content_illegal="Yes"),
    "incompatible, not illegal": base(incompatible_content_illegal="No"),
    "reference url": base(decision_ground_reference_url="https://example.com/terms/v3#4.2"),
    "visibility only, every value": base(
        decision_visibility=sorted(S.DECISION_VISIBILITIES),
        decision_visibility_other="Engagement removed from public counts",
    ),
    "visibility other": base(
        decision_visibility=["DECISION_VISIBILITY_OTHER"],
        decision_visibility_other="Removed from search",
    ),
    "monetary only": _restriction(decision_monetary="DECISION_MONETARY_SUSPENSION"),
    "monetary other": _restriction(
        decision_monetary="DECISION_MONETARY_OTHER", decision_monetary_other="Ads paused"
    ),
    "provision only": _restriction(decision_provision="DECISION_PROVISION_PARTIAL_SUSPENSION"),
    "account only, indefinite": _restriction(
        decision_account="DECISION_ACCOUNT_TERMINATED", end_date_account_restriction=None
    ),
    "all four restrictions with end dates": base(
        decision_monetary="DECISION_MONETARY_TERMINATION",
        decision_provision="DECISION_PROVISION_TOTAL_TERMINATION",
        decision_account="DECISION_ACCOUNT_SUSPENDED",
        account_type="ACCOUNT_TYPE_PRIVATE",
        end_date_visibility_restriction="2026-05-02",
        end_date_monetary_restriction="2026-06-01",
        end_date_service_restriction=None,
        end_date_account_restriction="2038-01-01",
    ),
    "content type other": base(content_type=["CONTENT_TYPE_OTHER"], content_type_other="Account"),
    "keyword other": base(
        category_specification=["KEYWORD_OTHER"], category_specification_other="Vote buying"
    ),
    "no keywords": _without("category_specification"),
    "additional categories": base(
        category_addition=["STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_VIOLENCE"]
    ),
    "whole EEA, language, product id": base(
        territorial_scope=list(S.EEA_COUNTRIES),
        content_language="EN",
        content_id={"EAN-13": "1234567890123"},
        content_id_ean="1234567890123",
    ),
    "trusted flagger with identity": base(
        source_type="SOURCE_TRUSTED_FLAGGER", source_identity="Fact-check NGO e.V."
    ),
    "article 16 notice": base(S.GROUND_ILLEGAL, source_type="SOURCE_ARTICLE_16"),
    "other notification": base(source_type="SOURCE_TYPE_OTHER_NOTIFICATION"),
    "not automated": base(
        automated_detection="No", automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED"
    ),
    "fully automated": base(automated_decision="AUTOMATED_DECISION_FULLY"),
    "date bounds": base(content_date="2000-01-01", application_date="2020-01-01"),
    "upper date bounds": base(content_date="2038-01-01", application_date="2038-01-01"),
    "longest texts": base(
        S.GROUND_ILLEGAL,
        decision_facts="f" * 5000,
        illegal_content_legal_ground="g" * 500,
        illegal_content_explanation="e" * 2000,
    ),
    "longest puid, every allowed character": base(puid=("Az09-_" * 84)[:500]),
}
for _category in sorted(S.CATEGORIES):
    VALID[f"category {_category}"] = base(category=_category)


@dataclass(frozen=True)
class Invalid:
    """A body that breaks one rule; ``field`` is the field the validator must name."""

    body: Body
    field: str
    server: bool  # the real database refuses it too (else: only our stricter rules)


def _bad(
    field: str, server: bool = True, ground: str = S.GROUND_INCOMPATIBLE, **changes: Any
) -> Invalid:
    return Invalid(base(ground, **changes), field, server)


def _mut(
    field: str,
    change: Callable[[Body], None],
    server: bool = True,
    ground: str = S.GROUND_INCOMPATIBLE,
) -> Invalid:
    body = base(ground)
    change(body)
    return Invalid(body, field, server)


INVALID: dict[str, Invalid] = {}
for _f in S.REQUIRED:
    INVALID[f"missing required {_f}"] = Invalid(_without(_f), _f, True)
    INVALID[f"null required {_f}"] = _bad(_f, **{_f: None})
INVALID.update(
    {
        # Restrictions.
        "no restriction at all": Invalid(
            _without("decision_visibility"), "decision_visibility", True
        ),
        "empty visibility is no restriction": _bad("decision_visibility", decision_visibility=[]),
        "visibility not an array": _bad(
            "decision_visibility", decision_visibility="DECISION_VISIBILITY_CONTENT_REMOVED"
        ),
        "unknown visibility": _bad(
            "decision_visibility", decision_visibility=["DECISION_VISIBILITY_SHADOWBAN"]
        ),
        "visibility other unexplained": _bad(
            "decision_visibility_other", decision_visibility=["DECISION_VISIBILITY_OTHER"]
        ),
        "visibility other text without OTHER": _bad(
            "decision_visibility_other", False, decision_visibility_other="x"
        ),
        "visibility other too long": _bad(
            "decision_visibility_other",
            decision_visibility=["DECISION_VISIBILITY_OTHER"],
            decision_visibility_other="x" * 501,
        ),
        "unknown monetary": _bad("decision_monetary", decision_monetary="DECISION_MONETARY_FINE"),
        "monetary other unexplained": _bad(
            "decision_monetary_other", decision_monetary="DECISION_MONETARY_OTHER"
        ),
        "monetary other text without OTHER": _bad(
            "decision_monetary_other",
            False,
            decision_monetary="DECISION_MONETARY_SUSPENSION",
            decision_monetary_other="x",
        ),
        "unknown provision": _bad(
            "decision_provision", decision_provision="DECISION_PROVISION_PAUSED"
        ),
        "unknown account decision": _bad(
            "decision_account", decision_account="DECISION_ACCOUNT_BANNED"
        ),
        "unknown account type": _bad("account_type", account_type="ACCOUNT_TYPE_BOT"),
        # Grounds.
        "unknown ground": _bad("decision_ground", decision_ground="DECISION_GROUND_OTHER"),
        "illegal without legal ground": _mut(
            "illegal_content_legal_ground",
            lambda b: b.pop("illegal_content_legal_ground"),
            ground=S.GROUND_ILLEGAL,
        ),
        "illegal without explanation": _mut(
            "illegal_content_explanation",
            lambda b: b.pop("illegal_content_explanation"),
            ground=S.GROUND_ILLEGAL,
        ),
        "illegal with blank explanation": _bad(
            "illegal_content_explanation", ground=S.GROUND_ILLEGAL, illegal_content_explanation="  "
        ),
        "illegal with contractual ground": _bad(
            "incompatible_content_ground",
            False,
            ground=S.GROUND_ILLEGAL,
            incompatible_content_ground="ToS 1",
        ),
        "illegal with incompatible_content_illegal": _bad(
            "incompatible_content_illegal",
            False,
            ground=S.GROUND_ILLEGAL,
            incompatible_content_illegal="Yes",
        ),
        "illegal legal ground too long": _bad(
            "illegal_content_legal_ground",
            ground=S.GROUND_ILLEGAL,
            illegal_content_legal_ground="g" * 501,
        ),
        "illegal explanation too long": _bad(
            "illegal_content_explanation",
            ground=S.GROUND_ILLEGAL,
            illegal_content_explanation="e" * 2001,
        ),
        "incompatible without contractual ground": _mut(
            "incompatible_content_ground", lambda b: b.pop("incompatible_content_ground")
        ),
        "incompatible without explanation": _mut(
            "incompatible_content_explanation", lambda b: b.pop("incompatible_content_explanation")
        ),
        "incompatible with legal ground": _bad(
            "illegal_content_legal_ground", False, illegal_content_legal_ground="Art. 1"
        ),
        "incompatible_content_illegal not Yes/No": _bad(
            "incompatible_content_illegal", incompatible_content_illegal="yes"
        ),
        "incompatible_content_illegal boolean": _bad(
            "incompatible_content_illegal", incompatible_content_illegal=True
        ),
        "incompatible ground too long": _bad(
            "incompatible_content_ground", incompatible_content_ground="g" * 501
        ),
        "incompatible explanation too long": _bad(
            "incompatible_content_explanation", incompatible_content_explanation="e" * 2001
        ),
        "reference url not a url": _bad(
            "decision_ground_reference_url", decision_ground_reference_url="terms section 4"
        ),
        "reference url too long": _bad(
            "decision_ground_reference_url",
            decision_ground_reference_url="https://example.com/" + "a" * 490,
        ),
        # Content type and category.
        "empty content type": _bad("content_type", content_type=[]),
        "content type not an array": _bad("content_type", content_type="CONTENT_TYPE_TEXT"),
        "unknown content type": _bad("content_type", content_type=["CONTENT_TYPE_LIVESTREAM"]),
        "content type other unexplained": _bad(
            "content_type_other", content_type=["CONTENT_TYPE_OTHER"]
        ),
        "content type other text without OTHER": _bad(
            "content_type_other", False, content_type_other="x"
        ),
        "unknown category": _bad("category", category="STATEMENT_CATEGORY_SPAM"),
        "retired category (pre-2025 schema)": _bad(
            "category", category="STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"
        ),
        "unknown additional category": _bad(
            "category_addition", category_addition=["STATEMENT_CATEGORY_SPAM"]
        ),
        "null additional categories": _bad("category_addition", category_addition=None),
        "unknown keyword": _bad("category_specification", category_specification=["KEYWORD_SPAM"]),
        "keyword other text without KEYWORD_OTHER": _bad(
            "category_specification_other", False, category_specification_other="x"
        ),
        "keyword other text too long": _bad(
            "category_specification_other",
            category_specification=["KEYWORD_OTHER"],
            category_specification_other="x" * 501,
        ),
        # Where.
        "no territorial scope": Invalid(_without("territorial_scope"), "territorial_scope", False),
        "country outside the EEA": _bad("territorial_scope", territorial_scope=["DE", "US"]),
        "Greece as EL": _bad("territorial_scope", territorial_scope=["EL"]),
        "lowercase country": _bad("territorial_scope", territorial_scope=["de"]),
        "scope not an array": _bad("territorial_scope", territorial_scope="DE"),
        "lowercase language": _bad("content_language", content_language="en"),
        "unknown language": _bad("content_language", content_language="XX"),
        # When.
        "date without leading zeros": _bad("content_date", content_date="2026-5-1"),
        "impossible date": _bad("content_date", content_date="2026-02-30"),
        "european date order": _bad("application_date", application_date="02/05/2026"),
        "date with time": _bad("application_date", application_date="2026-05-02T10:00:00"),
        "content date before 2000": _bad("content_date", content_date="1999-12-31"),
        "application date before 2020": _bad("application_date", application_date="2019-12-31"),
        "application date after 2038": _bad("application_date", application_date="2038-01-02"),
        "end date after 2038": _bad(
            "end_date_visibility_restriction", end_date_visibility_restriction="2038-01-02"
        ),
        "end date badly formatted": _bad(
            "end_date_account_restriction",
            decision_account="DECISION_ACCOUNT_SUSPENDED",
            end_date_account_restriction="2026-6-1",
        ),
        "end date before application date": _bad(
            "end_date_visibility_restriction", False, end_date_visibility_restriction="2026-05-01"
        ),
        # Source, automation, facts.
        "unknown source type": _bad("source_type", source_type="SOURCE_USER_REPORT"),
        "identity with voluntary source": _bad(
            "source_identity", False, source_identity="Jane Doe"
        ),
        "source identity too long": _bad(
            "source_identity", source_type="SOURCE_ARTICLE_16", source_identity="x" * 501
        ),
        "automated detection boolean": _bad("automated_detection", automated_detection=True),
        "automated detection lowercase": _bad("automated_detection", automated_detection="yes"),
        "automated decision Yes": _bad("automated_decision", automated_decision="Yes"),
        "blank facts": _bad("decision_facts", decision_facts="   "),
        "facts too long": _bad("decision_facts", decision_facts="f" * 5001),
        "facts with an e-mail address": _bad(
            "decision_facts", False, decision_facts="Reported by jane.doe@example.org"
        ),
        # puid.
        "puid with a space": _bad("puid", puid="sor 1"),
        "puid with a slash": _bad("puid", puid="sor/1"),
        "puid with a dot": _bad("puid", puid="sor.1"),
        "puid with a trailing newline": _bad("puid", puid="sor-1\n"),
        "puid with a non-ASCII letter": _bad("puid", puid="sor-é"),
        "puid too long": _bad("puid", puid="p" * 501),
        "puid not a string": _bad("puid", False, puid=12345),
        # Product id and field names.
        "EAN-13 too short": _bad("content_id", content_id={"EAN-13": "123"}),
        "EAN-13 not digits (single endpoint only)": _bad(
            "content_id_ean", False, content_id_ean="12345678901ab"
        ),
        "unknown content id key": _bad("content_id", False, content_id={"ISBN": "9780000000000"}),
        "misspelt field": _bad("content_langauge", False, content_langauge="EN"),
    }
)


def copy_body(body: Body) -> Body:
    return copy.deepcopy(body)
