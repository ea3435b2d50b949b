"""Helpers shared by the policy tests (a uniquely named module, importable from this folder).

The fake detectors declare the same outputs as the real detectors, so the policy tests do not
depend on their behaviour.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veracity.detect.aigc.detector import ProvenanceDetector
from veracity.detect.aigc.text.detector import AiTextDetector
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.behaviour.account_detector import AccountIntegrityDetector
from veracity.detect.behaviour.spam_behaviour import SpamBehaviourDetector
from veracity.detect.behaviour.spam_detector import SpamTextDetector
from veracity.detect.language import LanguageDetector
from veracity.detect.misinfo.factchecks.detector import ClaimMatchDetector
from veracity.detect.misinfo.media.detector import MediaMatchDetector
from veracity.detect.phrase_match import PhraseMatchDetector
from veracity.detect.registry import DetectorRegistry
from veracity.detect.text_match import TextMatchDetector
from veracity.detect.url_reputation import UrlReputationDetector
from veracity.domain.entities import AccountIn, ContentIn
from veracity.notes.detector import CommunityNoteDetector

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

# The fakes declare exactly the outputs of the real detectors (read from their classes), so the
# policy tests stay in step with them without running their code.
REAL_DETECTORS: tuple[type[OnlineDetector], ...] = (
    TextMatchDetector,
    UrlReputationDetector,
    PhraseMatchDetector,
    LanguageDetector,
    ProvenanceDetector,
    ClaimMatchDetector,
    MediaMatchDetector,
    AiTextDetector,
    AccountIntegrityDetector,
    SpamTextDetector,
    SpamBehaviourDetector,
    CommunityNoteDetector,
)
OUTPUTS: dict[str, tuple[tuple[str, OutputType], ...]] = {
    cls.name: tuple((o.name, o.type) for o in cls.outputs) for cls in REAL_DETECTORS
}


def _fake(name: str) -> OnlineDetector:
    specs = tuple(OutputSpec(o, t, f"fake {name}.{o}") for o, t in OUTPUTS[name])

    class Fake(OnlineDetector):
        version = "test-1"
        inputs = ("text",)
        outputs = specs

        def detect(self, item: ContentIn) -> DetectorResult:
            return self.empty_result()

        def reference(self, item: ContentIn) -> DetectorResult:
            return self.empty_result()

    Fake.name = name
    return Fake()


def fake_registry() -> DetectorRegistry:
    return DetectorRegistry(_fake(name) for name in OUTPUTS)


def content(id: str = "post-1", **fields: Any) -> ContentIn:
    data: dict[str, Any] = {"id": id, "account_id": "acc-1", "kind": "post", "text": "hello"}
    data.update(fields)
    return ContentIn.model_validate(data)


def account(id: str = "acc-1", **fields: Any) -> AccountIn:
    return AccountIn.model_validate({"id": id, **fields})


def results(**outputs: dict[str, Any]) -> dict[str, DetectorResult]:
    return {name: DetectorResult(dict(values)) for name, values in outputs.items()}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path
