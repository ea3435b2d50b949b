"""Helpers shared by the policy tests (a uniquely named module, importable from this folder).

The fake detectors declare the same outputs as the real text_match, url_reputation,
phrase_match and language detectors, so the policy tests do not depend on their code.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.registry import DetectorRegistry
from veracity.domain.entities import AccountIn, ContentIn

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

D, N, B, S, L = (
    OutputType.DOUBLE,
    OutputType.INT,
    OutputType.BOOL,
    OutputType.STRING,
    OutputType.STRING_LIST,
)

OUTPUTS: dict[str, tuple[tuple[str, OutputType], ...]] = {
    "text_match": (
        ("exact", B),
        ("similarity", D),
        ("matched", B),
        ("entry_id", S),
        ("label", S),
    ),
    "url_reputation": (
        ("url_count", N),
        ("domains", L),
        ("listed", B),
        ("lists", L),
        ("worst_list", S),
        ("score", D),
    ),
    "phrase_match": (("matched", B), ("categories", L), ("phrases", L), ("count", N)),
    "language": (("code", S), ("confidence", D)),
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
