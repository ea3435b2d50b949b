"""The detector interface every online or batch detector implements.

A detector declares its name, version, the content fields it reads and the typed outputs it
writes. Declared outputs become policy variables ``signals.<detector>.<output>`` that the policy
engine type-checks when rules load, so a rule that reads an unknown signal fails at load time.
Every online detector ships a brute-force ``reference`` that the tests compare ``detect`` with.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from veracity.domain.entities import AccountIn, ContentIn


class DetectorKind(StrEnum):
    ONLINE = "online"  # one item at ingest, must take milliseconds
    BATCH = "batch"  # windows over the event log, run as jobs


class OutputType(StrEnum):
    """The CEL type of one detector output."""

    DOUBLE = "double"
    INT = "int"
    BOOL = "bool"
    STRING = "string"
    STRING_LIST = "list<string>"


_DEFAULTS: dict[OutputType, Any] = {
    OutputType.DOUBLE: 0.0,
    OutputType.INT: 0,
    OutputType.BOOL: False,
    OutputType.STRING: "",
    OutputType.STRING_LIST: [],
}


@dataclass(frozen=True)
class OutputSpec:
    name: str
    type: OutputType
    description: str

    @property
    def default(self) -> Any:
        """Value a policy sees when the detector did not run or found nothing."""
        value = _DEFAULTS[self.type]
        return list(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class DetectorResult:
    """Outputs (keyed by declared output name) and evidence explaining them."""

    outputs: dict[str, Any]
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecentPost:
    """One of an author's recent posts, as the store holds it."""

    id: str
    text: str
    at: datetime  # created_at when the platform sent it, else when it was ingested


RecentPostsLoader = Callable[[Collection[str]], Mapping[str, Sequence[RecentPost]]]


@dataclass(frozen=True)
class DetectionContext:
    """What the store knows around a batch: the authors' profiles and, on demand (one bounded
    query per batch), their recent posts. Detectors that judge accounts or behaviour read it;
    the others ignore it."""

    now: datetime
    accounts: Mapping[str, AccountIn] = field(default_factory=dict)
    recent_posts: RecentPostsLoader | None = None


class Detector(ABC):
    """Base of all detectors. Subclasses set the class attributes below."""

    name: ClassVar[str]
    version: ClassVar[str]
    kind: ClassVar[DetectorKind] = DetectorKind.ONLINE
    inputs: ClassVar[tuple[str, ...]]
    outputs: ClassVar[tuple[OutputSpec, ...]]
    description: ClassVar[str] = ""

    @property
    def source(self) -> str:
        return f"{self.name}@{self.version}"

    def empty_result(self) -> DetectorResult:
        return DetectorResult({o.name: o.default for o in self.outputs})


class OnlineDetector(Detector):
    """Runs on one content item at ingest time."""

    kind = DetectorKind.ONLINE

    @abstractmethod
    def detect(self, item: ContentIn) -> DetectorResult:
        """The fast path used in production."""

    @abstractmethod
    def reference(self, item: ContentIn) -> DetectorResult:
        """A brute-force path, obviously correct and slow, that tests compare ``detect`` with."""

    def detect_many(self, items: Sequence[ContentIn]) -> list[DetectorResult]:
        """Batch entry point; detectors with vectorised paths override it."""
        return [self.detect(item) for item in items]

    def detect_in_context(
        self, items: Sequence[ContentIn], context: DetectionContext
    ) -> list[DetectorResult]:
        """Batch entry point of the pipeline; detectors that read the authors' profiles or
        recent posts override it (the default ignores the context)."""
        return self.detect_many(items)
