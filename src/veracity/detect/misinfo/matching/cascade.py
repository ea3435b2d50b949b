"""A two-stage claim matcher: a fast model for every post, a strong one only where it is unsure.

MiniLM makes the fusion model good enough for CLEF's MAP goal but embeds ~60 posts/s on 2
cores, a twentieth of the WordLlama path. Most posts do not need it: either the fast model's
best claim is already a confident match, or nothing in the base is anywhere near the post.
The cascade runs the fast model on every post and sends to the strong model only the posts
whose fast top-1 probability falls in ``[escalate_from, accept_from)``; their results are the
strong model's. Both thresholds are chosen on held-out queries (``training.train_cascade``).

The two stages keep their own indexes (the strong one embeds every claim with MiniLM too), so
a cascade costs about twice the memory of one model: fine for tens of thousands of claims; a
base of millions is served by the single fast model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veracity.detect.misinfo.matching.fusion import FusionModel, ModelFileError
from veracity.detect.misinfo.matching.matcher import ClaimMatcher, MatcherConfig
from veracity.detect.misinfo.matching.records import ClaimHit, ClaimRecord

FORMAT = "veracity-claim-cascade"
FORMAT_VERSION = 1


def in_band(probability: float, escalate_from: float, accept_from: float) -> bool:
    """``[escalate_from, accept_from)``, closed at 1.0 so that ``accept_from=1`` escalates all."""
    return escalate_from <= probability and (probability < accept_from or accept_from >= 1.0)


@dataclass
class CascadeModel:
    """Two fusion models and the fast stage's top-1 probability band that escalates a post."""

    fast: FusionModel
    strong: FusionModel
    escalate_from: float
    accept_from: float
    card: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 <= self.escalate_from <= self.accept_from <= 1.0:
            raise ModelFileError(
                "cascade thresholds need 0 <= escalate_from <= accept_from <= 1, got "
                f"{self.escalate_from}, {self.accept_from}"
            )

    def escalates(self, fast_top1: float) -> bool:
        return in_band(fast_top1, self.escalate_from, self.accept_from)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "fast": self.fast.to_dict(),
            "strong": self.strong.to_dict(),
            "escalate_from": self.escalate_from,
            "accept_from": self.accept_from,
            "card": self.card,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "model") -> CascadeModel:
        if data.get("format") != FORMAT:
            raise ModelFileError(f"{source}: not a {FORMAT} file")
        if data.get("version") != FORMAT_VERSION:
            raise ModelFileError(f"{source}: cascade version {data.get('version')!r} unsupported")
        try:
            return cls(
                FusionModel.from_dict(data["fast"], f"{source} (fast stage)"),
                FusionModel.from_dict(data["strong"], f"{source} (strong stage)"),
                float(data["escalate_from"]),
                float(data["accept_from"]),
                dict(data.get("card", {})),
            )
        except (KeyError, TypeError) as exc:
            raise ModelFileError(f"{source}: incomplete cascade: {exc}") from exc

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")


def load_any_model(path: str | Path) -> FusionModel | CascadeModel:
    """A fusion model or a cascade, whichever the file holds."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read model: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelFileError(f"{path}: not a claim-matching model")
    folder = Path(path).resolve().parent
    if data.get("format") == FORMAT:
        cascade = CascadeModel.from_dict(data, str(path))
        cascade.fast.resolve_student(folder)
        cascade.strong.resolve_student(folder)
        return cascade
    model = FusionModel.from_dict(data, str(path))
    model.resolve_student(folder)
    return model


class CascadeMatcher:
    """The ``ClaimMatcher`` interface over a fast and a strong matcher (same claims in both)."""

    def __init__(self, model: CascadeModel, config: MatcherConfig | None = None) -> None:
        self.model = model
        self.fast = ClaimMatcher(model.fast, config)
        self.strong = ClaimMatcher(model.strong, config)
        self.escalated = 0  # posts sent to the strong stage since start (for measurement)
        self.searched = 0

    @classmethod
    def build(
        cls,
        claims: Iterable[ClaimRecord],
        model: CascadeModel,
        config: MatcherConfig | None = None,
    ) -> CascadeMatcher:
        matcher = cls(model, config)
        matcher.add(claims)
        return matcher

    def __len__(self) -> int:
        return len(self.fast)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self.fast

    @property
    def multilingual(self) -> bool:
        return self.fast.multilingual

    def add(self, claims: Iterable[ClaimRecord]) -> None:
        batch = list(claims)
        self.fast.add(batch)  # validates the batch before either index changes
        self.strong.add(batch)

    def remove(self, ids: Iterable[str], *, missing_ok: bool = False) -> int:
        ids = list(ids)
        removed = self.fast.remove(ids, missing_ok=missing_ok)
        self.strong.remove(ids, missing_ok=True)
        return removed

    def get(self, claim_id: str) -> ClaimRecord | None:
        return self.fast.get(claim_id)

    def search(self, texts: Sequence[str], k: int = 5) -> list[list[ClaimHit]]:
        results = self.fast.search(texts, k=k)
        band = self.model.escalates
        unsure = [i for i, hits in enumerate(results) if hits and band(hits[0].probability)]
        self.searched += len(results)
        self.escalated += len(unsure)
        if unsure:
            strong = self.strong.search([texts[i] for i in unsure], k=k)
            for i, hits in zip(unsure, strong, strict=True):
                results[i] = [
                    ClaimHit(h.claim_id, h.probability, {**h.scores, "cascade_stage": 2.0})
                    for h in hits
                ]
        return results


def build_matcher(
    claims: Iterable[ClaimRecord],
    model: FusionModel | CascadeModel | None = None,
    config: MatcherConfig | None = None,
) -> ClaimMatcher | CascadeMatcher:
    """The matcher a model file asks for."""
    if isinstance(model, CascadeModel):
        return CascadeMatcher.build(claims, model, config)
    return ClaimMatcher.build(claims, model, config)
