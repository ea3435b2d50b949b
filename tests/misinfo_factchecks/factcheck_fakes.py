"""A small in-test claim matcher with the interface of ``veracity.detect.misinfo.matching``.

It scores by word overlap (Jaccard of lower-cased words), which is enough to tell a repeat of
a claim from an unrelated post in tests and is obviously correct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from veracity.detect.misinfo.factchecks.detector import MatcherBackend

POLICY_DIR = Path(__file__).parents[2] / "src/veracity/policies"


@dataclass(frozen=True)
class FakeRecord:
    id: str
    text: str
    title: str = ""
    language: str | None = None


@dataclass(frozen=True)
class FakeHit:
    claim_id: str
    probability: float
    scores: dict[str, float] = field(default_factory=dict)


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


class FakeMatcher:
    def __init__(self, claims: Sequence[FakeRecord]) -> None:
        self.claims: dict[str, FakeRecord] = {}
        self.searches = 0
        self.add(claims)

    @classmethod
    def build(cls, claims: Sequence[FakeRecord]) -> FakeMatcher:
        return cls(claims)

    def add(self, claims: Sequence[FakeRecord]) -> None:
        for claim in claims:
            if claim.id in self.claims:
                raise ValueError(f"claim {claim.id!r} is already indexed")
            self.claims[claim.id] = claim

    def remove(self, ids: Sequence[str]) -> None:
        for claim_id in ids:
            del self.claims[claim_id]

    def search(self, texts: Sequence[str], k: int = 5) -> list[list[FakeHit]]:
        self.searches += 1
        out = []
        for text in texts:
            query = words(text)
            scored = []
            for claim in self.claims.values():
                doc = words(claim.text)
                union = query | doc
                score = len(query & doc) / len(union) if union else 0.0
                if score > 0:
                    scored.append(FakeHit(claim.id, score))
            scored.sort(key=lambda h: (-h.probability, h.claim_id))
            out.append(scored[:k])
        return out


def fake_backend() -> MatcherBackend:
    return MatcherBackend(record=FakeRecord, build=FakeMatcher.build)
