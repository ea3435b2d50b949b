"""The notice the platform relays for one of its users (DSA Art. 16(2)), and its validation.

Every Art. 16(2) element is a field: the reason (a Transparency Database category, optionally
keywords), a substantiated explanation, the exact electronic location (content id and/or URL),
the notifier's name and e-mail, and the good-faith statement. Validation errors never echo the
value they refuse, so a 422 cannot leak the notifier's contact details into a client's logs.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)

from veracity.compliance.transparency_schema import KEYWORDS
from veracity.domain.limits import MAX_ID_CHARS, Identifier, Metadata
from veracity.policy.dsa import DSA_CATEGORIES, DSA_CATEGORY_PREFIX

# Ids get the event log's "sys:report:" prefix, and event ids have 128 characters at most.
MAX_NOTICE_ID_CHARS = MAX_ID_CHARS - len("sys:report:")
NoticeId = Annotated[
    str, Field(min_length=1, max_length=MAX_NOTICE_ID_CHARS, pattern=r"^[A-Za-z0-9_.:@\-]+$")
]
MIN_EXPLANATION_CHARS = 10
MAX_EXPLANATION_CHARS = 10_000
MAX_URL_CHARS = 2048
MAX_NAME_CHARS = 200
MAX_EMAIL_CHARS = 254
MAX_KEYWORDS = 10
KEYWORD_PREFIX = "KEYWORD_"

# Art. 16(2)(c): name and e-mail may be left out for offences under Arts 3-7 of Directive
# 2011/93/EU (sexual abuse and exploitation of children, child sexual abuse material,
# solicitation of children). These keywords are how a notice says it concerns one.
CSAM_KEYWORDS = frozenset(
    {
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    }
)

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def category_code(value: str) -> str:
    """A STATEMENT_CATEGORY_* value; the bare name (``scams_and_fraud``) is accepted too."""
    code = value.strip().upper()
    if not code.startswith(DSA_CATEGORY_PREFIX):
        code = DSA_CATEGORY_PREFIX + code
    if code not in DSA_CATEGORIES:
        names = ", ".join(sorted(c.removeprefix(DSA_CATEGORY_PREFIX) for c in DSA_CATEGORIES))
        raise ValueError(f"unknown DSA category; expected one of (STATEMENT_CATEGORY_) {names}")
    return code


def keyword_code(value: str) -> str:
    """A KEYWORD_* value of the Transparency Database; the bare name is accepted too."""
    code = value.strip().upper()
    if not code.startswith(KEYWORD_PREFIX):
        code = KEYWORD_PREFIX + code
    if code not in KEYWORDS:
        raise ValueError(
            "unknown keyword; expected a KEYWORD_* value of the DSA Transparency Database "
            "(docs/reports.md)"
        )
    return code


def normalise_url(value: str) -> str:
    """An absolute http(s) URL with scheme and host lower-cased and the fragment dropped, so
    two notices about the same page compare equal."""
    url = value.strip()
    if _CONTROL.search(url) or " " in url:
        raise ValueError("url must not contain spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("url must be an absolute http(s) URL")
    netloc = parts.netloc.lower() if "@" not in parts.netloc else None
    if netloc is None:
        raise ValueError("url must not carry credentials")
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


class Reporter(BaseModel):
    """The notifier (Art. 16(2)(c)). Personal data: stored apart, never logged or exported."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    email: str = Field(min_length=3, max_length=MAX_EMAIL_CHARS)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = value.strip()
        if not name or _CONTROL.search(name):
            raise ValueError("name must be non-blank text without control characters")
        return name

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        email = value.strip()
        if not _EMAIL.match(email):
            raise ValueError("email is not a valid e-mail address")
        return email


class NoticeIn(BaseModel):
    """A notice (DSA Art. 16) as the platform relays it."""

    model_config = ConfigDict(extra="forbid")

    id: NoticeId = Field(
        description="The platform's id for this notice; it is the idempotency key: re-sending "
        "it with the same body returns the stored notice, with another body is a 409."
    )
    category: str = Field(
        max_length=80,
        description="Art. 16(2)(a) reason: a STATEMENT_CATEGORY_* value (spec 2.3).",
    )
    keywords: list[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=list,
        max_length=MAX_KEYWORDS,
        description="KEYWORD_* values that specify the category.",
    )
    explanation: str = Field(
        min_length=MIN_EXPLANATION_CHARS,
        max_length=MAX_EXPLANATION_CHARS,
        description="Art. 16(2)(a): why the notifier holds the information illegal or "
        "incompatible with the terms.",
    )
    content_id: Identifier | None = Field(
        default=None, description="Art. 16(2)(b): the reported item's id on the platform."
    )
    url: str | None = Field(
        default=None,
        max_length=MAX_URL_CHARS,
        description="Art. 16(2)(b): the exact URL of the reported item.",
    )
    account_id: Identifier | None = Field(
        default=None, description="The account the notice is about, where it is one."
    )
    reporter: Reporter | None = Field(
        default=None,
        description="Art. 16(2)(c) name and e-mail; optional only for child sexual abuse "
        "notices (CSAM keywords) and for trusted flaggers, whose identity is registered.",
    )
    reporter_account_id: Identifier | None = Field(
        default=None, description="The notifier's account on the platform, if any."
    )
    flagger_id: str | None = Field(
        default=None,
        max_length=64,
        description="Registered trusted flagger (Art. 22) that sent the notice.",
    )
    good_faith: StrictBool = Field(
        description="Art. 16(2)(d): the notifier's statement of a bona fide belief that the "
        "notice is accurate and complete. Must be true."
    )
    occurred_at: AwareDatetime | None = Field(
        default=None, description="When the notifier submitted it; default: on receipt."
    )
    metadata: Metadata = Field(default_factory=dict)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return category_code(value)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return sorted({keyword_code(k) for k in value})

    @field_validator("explanation")
    @classmethod
    def _explanation(cls, value: str) -> str:
        text = value.strip()
        if len(text) < MIN_EXPLANATION_CHARS:
            raise ValueError(
                f"explanation must substantiate the notice in at least "
                f"{MIN_EXPLANATION_CHARS} characters (DSA Art. 16(2)(a))"
            )
        return text

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else normalise_url(value)

    @field_validator("flagger_id")
    @classmethod
    def _flagger(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_flagger_id(value)

    @field_validator("good_faith")
    @classmethod
    def _good_faith(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError(
                "good_faith must be true: the notifier must state a bona fide belief that the "
                "notice is accurate and complete (DSA Art. 16(2)(d))"
            )
        return value

    @model_validator(mode="after")
    def _location_and_notifier(self) -> NoticeIn:
        if not self.content_id and not self.url:
            raise ValueError(
                "a notice needs its exact electronic location: content_id and/or url "
                "(DSA Art. 16(2)(b))"
            )
        if self.reporter is None and not self.contact_optional:
            raise ValueError(
                "reporter (name and email) is required (DSA Art. 16(2)(c)); it may be left "
                "out only for child sexual abuse notices or by a trusted flagger"
            )
        return self

    @property
    def contact_optional(self) -> bool:
        """Whether the law lets this notice come without the notifier's name and e-mail."""
        return bool(CSAM_KEYWORDS.intersection(self.keywords)) or self.flagger_id is not None

    def fingerprint(self) -> str:
        """SHA-256 of the canonical body: a re-send under the same id must match it."""
        body = self.model_dump(mode="json")
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


_FLAGGER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def check_flagger_id(value: str) -> str:
    """Flagger ids are short lower-case slugs (``a-z 0-9 . _ -``)."""
    if not _FLAGGER_ID.match(value):
        raise ValueError("flagger id must be 1-64 characters of a-z, 0-9, '.', '_', '-'")
    return value
