"""Accounts and content items as the host platform sends them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from veracity.domain.limits import (
    MAX_MEDIA_ITEMS,
    Identifier,
    LongText,
    Metadata,
    ShortText,
)


class Strict(BaseModel):
    """Boundary model: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


HexHash256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ContentKind(StrEnum):
    VIDEO = "video"
    POST = "post"
    COMMENT = "comment"
    IMAGE = "image"
    AUDIO = "audio"


class MediaRef(Strict):
    """A pointer to a media file the platform stores; Veracity never fetches it at ingest."""

    url: ShortText
    mime_type: ShortText | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    pdq: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="PDQ perceptual hash (256 bits, hex) when the platform hashes on upload.",
    )
    pdq_quality: int | None = Field(default=None, ge=0, le=100)
    frame_pdqs: list[HexHash256] | None = Field(
        default=None,
        max_length=4096,
        description="vPDQ: PDQ hashes (hex) of a video's sampled frames.",
    )
    duration_s: float | None = Field(default=None, ge=0)


class AccountIn(Strict):
    id: Identifier
    handle: ShortText | None = None
    display_name: ShortText | None = None
    bio: LongText | None = None
    created_at: datetime | None = None
    follower_count: int | None = Field(default=None, ge=0)
    following_count: int | None = Field(default=None, ge=0)
    post_count: int | None = Field(default=None, ge=0)
    verified: bool = False
    language: ShortText | None = None
    region: ShortText | None = None
    metadata: Metadata = Field(default_factory=dict)


class ContentIn(Strict):
    id: Identifier
    account_id: Identifier
    kind: ContentKind
    text: LongText = ""
    transcript: LongText | None = None
    on_screen_text: LongText | None = None
    media: list[MediaRef] = Field(default_factory=list, max_length=MAX_MEDIA_ITEMS)
    language: ShortText | None = None
    region: ShortText | None = None
    parent_id: Identifier | None = None
    created_at: datetime | None = None
    metadata: Metadata = Field(default_factory=dict)

    def all_text(self) -> str:
        """Every piece of text a viewer could read or hear, joined for text detectors."""
        parts = [self.text, self.on_screen_text or "", self.transcript or ""]
        return "\n".join(p for p in parts if p)
