"""Claim matching: find the fact-checked claims a post repeats, with a calibrated probability.

Public API (stable; the fact-check store codes against it)::

    matcher = ClaimMatcher.build([ClaimRecord(id, text, title, language)], model=None)
    matcher.add(records); matcher.remove(ids); len(matcher)
    matcher.search(texts, k=5) -> list[list[ClaimHit]]   # ClaimHit(claim_id, probability, scores)
    load_model(path) / FusionModel.save(path); load_default_model()
    build_matcher(records, load_any_model(path))   # a fusion model or a two-stage cascade
    MatchThresholds.from_settings(settings).level(probability) -> "confirmed" | "suggested" | None
"""

from veracity.detect.misinfo.matching.cascade import (
    CascadeMatcher,
    CascadeModel,
    build_matcher,
    load_any_model,
)
from veracity.detect.misinfo.matching.fusion import FusionModel, ModelFileError
from veracity.detect.misinfo.matching.matcher import ClaimMatcher, MatcherConfig, load_default_model
from veracity.detect.misinfo.matching.records import ClaimHit, ClaimInputError, ClaimRecord
from veracity.detect.misinfo.matching.thresholds import MatchThresholds

load_model = FusionModel.load

__all__ = [
    "CascadeMatcher",
    "CascadeModel",
    "ClaimHit",
    "ClaimInputError",
    "ClaimMatcher",
    "ClaimRecord",
    "FusionModel",
    "MatchThresholds",
    "MatcherConfig",
    "ModelFileError",
    "build_matcher",
    "load_any_model",
    "load_default_model",
    "load_model",
]
