"""What the platform sends about notes and ratings, and the fixed vocabularies they use."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from veracity.domain.entities import Strict
from veracity.domain.limits import Identifier, Metadata

MAX_NOTE_CHARS = 1_000
MAX_SOURCES = 10
MAX_URL_CHARS = 2_048
MAX_TAGS = 10


class Classification(StrEnum):
    """What the note says about the content. Only notes saying it may mislead are shown."""

    MISLEADING = "misleading"
    NOT_MISLEADING = "not_misleading"


class Helpfulness(StrEnum):
    HELPFUL = "helpful"
    SOMEWHAT_HELPFUL = "somewhat_helpful"
    NOT_HELPFUL = "not_helpful"


VALUE: dict[Helpfulness, float] = {
    Helpfulness.HELPFUL: 1.0,
    Helpfulness.SOMEWHAT_HELPFUL: 0.5,
    Helpfulness.NOT_HELPFUL: 0.0,
}


class HelpfulTag(StrEnum):
    CLEAR = "clear"
    GOOD_SOURCES = "good_sources"
    ADDRESSES_CLAIM = "addresses_claim"
    IMPORTANT_CONTEXT = "important_context"
    UNBIASED_LANGUAGE = "unbiased_language"


class NotHelpfulTag(StrEnum):
    INCORRECT = "incorrect"
    SOURCES_MISSING_OR_UNRELIABLE = "sources_missing_or_unreliable"
    IRRELEVANT_SOURCES = "irrelevant_sources"
    OPINION_OR_SPECULATION = "opinion_or_speculation"
    HARD_TO_UNDERSTAND = "hard_to_understand"
    ARGUMENTATIVE_OR_BIASED = "argumentative_or_biased"
    MISSES_KEY_POINTS = "misses_key_points"
    NOTE_NOT_NEEDED = "note_not_needed"
    SPAM_HARASSMENT_OR_ABUSE = "spam_harassment_or_abuse"
    OTHER = "other"


HELPFUL_TAGS = frozenset(t.value for t in HelpfulTag)
NOT_HELPFUL_TAGS = frozenset(t.value for t in NotHelpfulTag)
SourceUrl = Annotated[str, Field(min_length=8, max_length=MAX_URL_CHARS)]


class VideoRange(Strict):
    """The part of a video the note is about, in seconds from its start."""

    start_s: float = Field(ge=0, le=86_400)
    end_s: float = Field(gt=0, le=86_400)

    @model_validator(mode="after")
    def _ordered(self) -> VideoRange:
        if self.end_s <= self.start_s:
            raise ValueError("end_s must be after start_s")
        return self


class NoteIn(Strict):
    """A note a platform user wrote, relayed by the platform (keyed by the platform's id)."""

    id: Identifier
    content_id: Identifier
    author_id: Identifier
    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)
    classification: Classification = Classification.MISLEADING
    sources: list[SourceUrl] = Field(default_factory=list, max_length=MAX_SOURCES)
    video_range: VideoRange | None = None
    language: str | None = Field(default=None, max_length=32)
    created_at: datetime | None = None
    metadata: Metadata = Field(default_factory=dict)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("text must not be blank")
        return value

    @field_validator("sources")
    @classmethod
    def _sources(cls, value: list[str]) -> list[str]:
        out = []
        for url in value:
            url = url.strip()
            if not url.lower().startswith(("https://", "http://")):
                raise ValueError(f"source {url[:80]!r} is not an http(s) URL")
            if any(ch.isspace() for ch in url):
                raise ValueError(f"source {url[:80]!r} contains whitespace")
            out.append(url)
        return list(dict.fromkeys(out))

    @model_validator(mode="after")
    def _needs_source(self) -> NoteIn:
        if self.classification is Classification.MISLEADING and not self.sources:
            raise ValueError("a note saying the content may mislead needs at least one source")
        return self


class RatingIn(Strict):
    """A platform user's rating of a note; a new rating by the same rater replaces the old."""

    rater_id: Identifier
    helpfulness: Helpfulness
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    created_at: datetime | None = None

    @model_validator(mode="after")
    def _tags_fit(self) -> RatingIn:
        allowed = {
            Helpfulness.HELPFUL: HELPFUL_TAGS,
            Helpfulness.NOT_HELPFUL: NOT_HELPFUL_TAGS,
            Helpfulness.SOMEWHAT_HELPFUL: HELPFUL_TAGS | NOT_HELPFUL_TAGS,
        }[self.helpfulness]
        unknown = sorted(set(self.tags) - allowed)
        if unknown:
            raise ValueError(
                f"tags {unknown} do not go with a {self.helpfulness.value} rating; "
                f"allowed: {sorted(allowed)}"
            )
        self.tags = sorted(set(self.tags))
        return self
