"""A fact-check as importers and the API receive it, and as the store keeps it.

``FactCheckIn`` is the boundary model (unknown fields are an error); ``FactCheck`` is the
normalised record with its one-scale rating, version and status.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from veracity.detect.misinfo.factchecks.ratings import Rating, normalise_rating
from veracity.domain.limits import Identifier, LongText, Metadata

MAX_CLAIM_CHARS = 20_000
Language = Annotated[str, Field(max_length=16, pattern=r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")]
Url = Annotated[str, Field(max_length=2048, pattern=r"^https?://\S+$")]


class FactCheckStatus(StrEnum):
    ACTIVE = "active"
    RETRACTED = "retracted"


class FactCheckIn(BaseModel):
    """One fact-check of one claim, as a fact-checker or a feed sends it.

    ``rating`` is the publisher's own verdict text; ``rating_value``/``best_rating``/
    ``worst_rating`` its numeric form. Without an ``id``, one is derived from the review URL and
    the claim, so re-importing the same review updates it instead of adding a copy.
    ``version`` is optional: when given, an older or equal version never overwrites a newer one.
    """

    model_config = ConfigDict(extra="forbid")

    id: Identifier | None = None
    claim_text: LongText = Field(min_length=1)
    title: LongText = ""
    rating: str | None = Field(default=None, max_length=256)
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    language: Language | None = None
    publisher: str | None = Field(default=None, max_length=256)
    url: Url | None = None
    claim_date: datetime | None = None
    review_date: datetime | None = None
    status: FactCheckStatus = FactCheckStatus.ACTIVE
    harmful: bool = Field(
        default=False,
        description="The fact-checker or trust team flags the claim as harmful enough that "
        "policy may remove repeats (e.g. dangerous health advice).",
    )
    version: int | None = Field(default=None, ge=1)
    source: str | None = Field(default=None, max_length=64)
    metadata: Metadata = Field(default_factory=dict)

    @field_validator("claim_text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("claim_text is blank")
        return value

    @field_validator("rating_value", "best_rating", "worst_rating")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @field_validator("claim_date", "review_date")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        """Dates without a zone are taken as UTC (feeds often give bare dates)."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @model_validator(mode="after")
    def _identifiable(self) -> FactCheckIn:
        if self.id is None and self.url is None:
            raise ValueError("a fact-check needs an id or a url")
        return self

    def fact_check_id(self) -> str:
        """The given id, or one derived from the review URL and the claim text."""
        if self.id is not None:
            return self.id
        assert self.url is not None
        digest = hashlib.sha256(f"{self.url}\n{self.claim_text.strip()}".encode()).hexdigest()
        return f"fc-{digest[:32]}"

    def normalised_rating(self) -> Rating:
        return normalise_rating(self.rating, self.rating_value, self.best_rating, self.worst_rating)

    def original_rating(self) -> str | None:
        """The verdict as published: its text, else its number on its scale."""
        if self.rating:
            return self.rating
        if self.rating_value is None:
            return None
        best = 5.0 if self.best_rating is None else self.best_rating
        worst = 1.0 if self.worst_rating is None else self.worst_rating
        return f"{self.rating_value:g} (scale {worst:g}..{best:g})"


@dataclass(frozen=True)
class FactCheck:
    """A stored fact-check: the normalised verdict plus the publisher's own words."""

    id: str
    claim_text: str
    rating: Rating
    original_rating: str | None
    status: FactCheckStatus
    version: int
    title: str = ""
    language: str | None = None
    publisher: str | None = None
    url: str | None = None
    claim_date: datetime | None = None
    review_date: datetime | None = None
    harmful: bool = False
    source: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status is FactCheckStatus.ACTIVE

    def to_json(self) -> dict[str, Any]:
        """The API's view of the record."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "claim_text": self.claim_text,
            "title": self.title,
            "rating": self.rating.value,
            "original_rating": self.original_rating,
            "status": self.status.value,
            "version": self.version,
            "language": self.language,
            "publisher": self.publisher,
            "url": self.url,
            "claim_date": iso(self.claim_date),
            "review_date": iso(self.review_date),
            "harmful": self.harmful,
            "source": self.source,
            "metadata": dict(self.metadata),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }
