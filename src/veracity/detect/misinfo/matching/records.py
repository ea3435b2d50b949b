"""The matcher's boundary types: a fact-checked claim going in, a scored hit coming out."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_CLAIM_CHARS = 20_000


class ClaimInputError(ValueError):
    """A claim or query the matcher refuses, with the reason and the offending id."""


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One fact-checked claim: ``text`` is the claim as rated, ``title`` the article headline."""

    id: str
    text: str
    title: str = ""
    language: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ClaimInputError(f"claim id must be a non-empty string, got {self.id!r}")
        if not isinstance(self.text, str) or not isinstance(self.title, str):
            raise ClaimInputError(f"claim {self.id!r}: text and title must be strings")
        if not (self.text.strip() or self.title.strip()):
            raise ClaimInputError(f"claim {self.id!r} has neither text nor title")
        if len(self.text) + len(self.title) > MAX_CLAIM_CHARS:
            raise ClaimInputError(f"claim {self.id!r} is longer than {MAX_CLAIM_CHARS} characters")

    @property
    def document(self) -> str:
        """What gets indexed: headline and claim together, since posts echo either."""
        if self.title and self.text:
            return f"{self.title}. {self.text}"
        return self.title or self.text


@dataclass(frozen=True, slots=True)
class ClaimHit:
    """A claim a post repeats, with the calibrated probability and the features behind it."""

    claim_id: str
    probability: float
    scores: dict[str, float] = field(default_factory=dict)
