"""Case priority: which case a reviewer should see next.

    priority = 100 * (w_s*S + w_r*R + w_c*C + w_d*D) / (w_s + w_r + w_c + w_d)

with every term in [0, 1]:

* S, severity: the routing rule's severity of the policy area (malware 0.9, spam 0.3, ...).
* R, reach: log(1 + reach) / log(1 + reach_cap), capped at 1, where reach is the predicted
  audience (the larger of the item's view count and the author's followers). Logarithmic, since
  the thousandth viewer matters less than the first.
* C, confidence: the detector's confidence that the item violates (the largest of the rule's
  ``similarity``/``probability``/... values); 0.5 when no model gave one. A likely violation
  costs more while it waits than an unlikely one.
* D, deadline pressure: the share of the SLA already used, (now - opened) / (deadline -
  opened), capped at 1; an overdue case has D = 1.

S x R x C would be closer to "expected harm", but a product lets one zero (no reach known)
bury a severe case; the weighted sum keeps each factor's effect bounded and easy to explain.
D grows with time, so stored priorities are refreshed (``reprioritise``) on a schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from veracity.review.config import PriorityConfig

UNKNOWN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class PriorityParts:
    severity: float
    reach: float
    confidence: float
    deadline: float
    priority: float

    def as_json(self) -> dict[str, float]:
        return {
            "severity": round(self.severity, 4),
            "reach": round(self.reach, 4),
            "confidence": round(self.confidence, 4),
            "deadline": round(self.deadline, 4),
            "priority": self.priority,
        }


def _unit(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))


def reach_term(reach: int, cap: int) -> float:
    """log(1 + reach) / log(1 + cap), in [0, 1]."""
    return _unit(math.log1p(max(reach, 0)) / math.log1p(cap))


def deadline_term(opened_at: datetime, deadline_at: datetime | None, now: datetime) -> float:
    """Share of the SLA used so far; 1 at or past the deadline, 0 without one."""
    if deadline_at is None:
        return 0.0
    total = (deadline_at - opened_at).total_seconds()
    if total <= 0:
        return 1.0
    return _unit((now - opened_at).total_seconds() / total)


def compute_priority(
    config: PriorityConfig,
    *,
    severity: float,
    reach: int,
    confidence: float | None,
    opened_at: datetime,
    deadline_at: datetime | None,
    now: datetime,
) -> PriorityParts:
    """The formula in the module docstring, with its parts for display."""
    w = config.weights
    s = _unit(severity)
    r = reach_term(reach, config.reach_cap)
    c = _unit(UNKNOWN_CONFIDENCE if confidence is None else confidence)
    d = deadline_term(opened_at, deadline_at, now)
    score = 100.0 * (w.severity * s + w.reach * r + w.confidence * c + w.deadline * d) / w.total
    return PriorityParts(s, r, c, d, round(score, 3))
