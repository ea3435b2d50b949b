"""Things that happened on the platform. Every event carries the client's id as idempotency key."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from veracity.domain.entities import Strict
from veracity.domain.limits import Identifier, LongText, Metadata, ShortText


class EventType(StrEnum):
    CONTENT_CREATED = "content_created"
    CONTENT_EDITED = "content_edited"
    CONTENT_DELETED = "content_deleted"
    VIEW = "view"
    LIKE = "like"
    SHARE = "share"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    COMMENT = "comment"
    REPORT = "report"
    APPEAL = "appeal"
    NOTE = "note"
    NOTE_RATING = "note_rating"
    ACCOUNT_CREATED = "account_created"


class EventIn(Strict):
    id: Identifier = Field(description="Client-supplied id; re-sending it is a no-op.")
    type: EventType
    account_id: Identifier | None = Field(default=None, description="The acting account.")
    content_id: Identifier | None = None
    target_account_id: Identifier | None = None
    occurred_at: datetime
    metadata: Metadata = Field(default_factory=dict)


class ReportReason(StrEnum):
    MISINFORMATION = "misinformation"
    AI_GENERATED_UNLABELLED = "ai_generated_unlabelled"
    SPAM = "spam"
    FAKE_ACCOUNT = "fake_account"
    FAKE_ENGAGEMENT = "fake_engagement"
    HATE = "hate"
    HARASSMENT = "harassment"
    ILLEGAL = "illegal"
    OTHER = "other"


class ReportIn(Strict):
    """A notice from a user or trusted flagger (DSA Art. 16 fields)."""

    id: Identifier
    reporter_account_id: Identifier | None = None
    content_id: Identifier | None = None
    account_id: Identifier | None = None
    reason: ReportReason
    explanation: LongText = ""
    location: ShortText | None = Field(default=None, description="Exact URL or in-app location.")
    good_faith: bool = Field(default=False, description="Reporter confirms a bona fide belief.")
    trusted_flagger: bool = False
    occurred_at: datetime
    metadata: Metadata = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_target(self) -> ReportIn:
        if not self.content_id and not self.account_id:
            raise ValueError("a report needs content_id or account_id")
        return self
