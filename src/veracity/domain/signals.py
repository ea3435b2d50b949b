"""Signals: what a detector said about a subject, with its evidence. Never overwritten."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class SubjectType(StrEnum):
    CONTENT = "content"
    ACCOUNT = "account"
    CAMPAIGN = "campaign"


@dataclass(frozen=True)
class Signal:
    subject_type: SubjectType
    subject_id: str
    detector: str
    detector_version: str
    outputs: dict[str, Any]
    evidence: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None

    @property
    def source(self) -> str:
        """``detector@version``, the name under which a signal is cited in decisions."""
        return f"{self.detector}@{self.detector_version}"
