"""Deterministic salted-hash assignment: the same unit always lands in the same variant, in
any process, with no stored state (so assignment can run at the edge and be recomputed at
analysis).

Two independent hashes, as GrowthBook's v2 bucketing does with a seed: one decides whether a
unit is in the experiment at all (``coverage``; the rest is the holdout, which keeps the
platform's current behaviour and is never analysed as an arm), the other picks the variant by
the configured weights. Separate hashes mean widening coverage never moves a unit between
variants. SHA-256 rather than Python's ``hash`` because the latter is salted per process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

_SCALE = float(2**64)


def unit_hash(salt: str, purpose: str, unit_id: str) -> float:
    """A uniform number in [0, 1) from the salt, what it decides, and the unit id."""
    digest = hashlib.sha256(f"{salt}\x1f{purpose}\x1f{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def bucket(u: float, weights: Sequence[float]) -> int:
    """Index of the variant whose cumulative weight range holds u."""
    total = float(sum(weights))
    edge = 0.0
    for i, w in enumerate(weights):
        edge += w / total
        if u < edge:
            return i
    return len(weights) - 1


def assign(
    salt: str, unit_id: str, variants: Sequence[str], weights: Sequence[float], coverage: float
) -> str | None:
    """The unit's variant, or None when it falls in the holdout."""
    if unit_hash(salt, "coverage", unit_id) >= coverage:
        return None
    return variants[bucket(unit_hash(salt, "variant", unit_id), weights)]
