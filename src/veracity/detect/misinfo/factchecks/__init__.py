"""The fact-check store, its importers, the claim_match detector and the verdict flow."""

from veracity.detect.misinfo.factchecks.detector import (
    ClaimMatchDetector,
    MatcherBackend,
    Thresholds,
    build_claim_detector,
)
from veracity.detect.misinfo.factchecks.model import FactCheck, FactCheckIn, FactCheckStatus
from veracity.detect.misinfo.factchecks.ratings import Rating, normalise_rating

__all__ = [
    "ClaimMatchDetector",
    "FactCheck",
    "FactCheckIn",
    "FactCheckStatus",
    "MatcherBackend",
    "Rating",
    "Thresholds",
    "build_claim_detector",
    "normalise_rating",
]
