"""Agreement and accuracy formulas for quality of review (no I/O; tested against worked
examples).

* Cohen's kappa, two raters over the same items:
  ``k = (p_o - p_e) / (1 - p_e)``, p_o the share of items they agree on, p_e the agreement
  expected by chance from each rater's own category shares, ``sum_k (a_k / N) * (b_k / N)``.
* Fleiss' kappa, n >= 2 raters per item (any raters, the same number for every item):
  ``P_i = (sum_j n_ij^2 - n) / (n (n - 1))``, ``P = mean(P_i)``,
  ``p_j = sum_i n_ij / (N n)``, ``P_e = sum_j p_j^2``, ``k = (P - P_e) / (1 - P_e)``.
* Accuracy: share of golden (known-answer) cases decided as the answer says.

A kappa is undefined when chance agreement is certain (everyone always picked one and the same
category): None then, rather than a number that would mislead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of (rater A, rater B) labels on the same items; None if undefined."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[k] * second.get(k, 0) for k in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(items: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa; ``items`` holds each item's labels, one per rater (same count for all).

    Raises ValueError when items have different numbers of ratings or fewer than two."""
    if not items:
        return None
    raters = len(items[0])
    if raters < 2:
        raise ValueError("Fleiss' kappa needs at least two ratings per item")
    if any(len(labels) != raters for labels in items):
        raise ValueError("every item needs the same number of ratings")
    n_items = len(items)
    totals: Counter[Hashable] = Counter()
    agreement = 0.0
    for labels in items:
        counts = Counter(labels)
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    p_bar = agreement / n_items
    p_e = sum((c / (n_items * raters)) ** 2 for c in totals.values())
    if p_e >= 1.0:
        return None
    return (p_bar - p_e) / (1.0 - p_e)


def percent_agreement(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    if not pairs:
        return None
    return sum(1 for a, b in pairs if a == b) / len(pairs)


def accuracy(results: Sequence[bool]) -> float | None:
    """Share of True; None without any result."""
    if not results:
        return None
    return sum(1 for r in results if r) / len(results)
