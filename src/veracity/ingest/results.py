"""What ingestion reports back for each item and for a batch."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ItemResult(BaseModel):
    id: str
    status: Literal["accepted", "duplicate"]
    decision_id: str | None = None
    actions: list[str] | None = Field(default=None, description="Effective action keys.")


class BatchResult(BaseModel):
    accepted: int = 0
    duplicates: int = 0
    results: list[ItemResult] = Field(default_factory=list)

    def merge(self, other: BatchResult) -> BatchResult:
        return BatchResult(
            accepted=self.accepted + other.accepted,
            duplicates=self.duplicates + other.duplicates,
            results=self.results + other.results,
        )
