"""Prevalence sampling (specs.md 1.1): draw views, send their content to the
``prevalence-labelling`` review queue, estimate the violative view rate with an interval.

Sampling is Poisson sampling of views: view i enters with inclusion probability
pi_i = min(1, n * w_i / sum_j w_j), where w is 1 for a uniform sample or a per-content weight
(e.g. a detector's score plus a floor) for an importance sample. Because pi_i is known exactly
for each sampled view, the Hajek estimator is design-consistent, and with equal weights it is
k/m, reported with a Wilson interval. With no positive, the exact one-sided upper bound.
Views of one content item share its weight, so drawing is per item: Binomial(views, pi).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.measure.definitions import PREVALENCE_QUEUE
from veracity.measure.intervals import Estimate, hajek, proportion
from veracity.review.config import ReviewConfig
from veracity.review.intake import CaseKind, Routed, new_case_row
from veracity.store.tables import CaseRow, ReviewDecisionRow

ALL_AREAS = "all"
NO_VIOLATION = "no_violation"


@dataclass(frozen=True)
class Sample:
    """Sampled views, grouped by content: (content_id, sampled views, inclusion probability)."""

    items: list[tuple[str, int, float]]
    population_views: int
    uniform: bool
    sample_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def views(self) -> int:
        return sum(k for _, k, _ in self.items)


def draw(
    view_counts: Mapping[str, int],
    n: int,
    weights: Mapping[str, float] | None = None,
    seed: int | None = None,
) -> Sample:
    """Poisson-sample about ``n`` views from ``view_counts`` (content -> views)."""
    if n <= 0:
        raise ValueError("sample size must be positive")
    ids = list(view_counts)
    counts = np.fromiter((view_counts[i] for i in ids), dtype=np.int64, count=len(ids))
    if counts.size == 0 or counts.sum() == 0:
        raise ValueError("no views to sample from")
    if (counts < 0).any():
        raise ValueError("negative view count")
    pi = inclusion(counts, n, None if weights is None else [weights.get(i, 0.0) for i in ids])
    rng = np.random.default_rng(seed)
    taken = rng.binomial(counts, pi)
    items = [(ids[j], int(taken[j]), float(pi[j])) for j in np.flatnonzero(taken)]
    return Sample(items, int(counts.sum()), weights is None)


def inclusion(counts: np.ndarray, n: int, weights: Sequence[float] | None) -> np.ndarray:
    """Per-view inclusion probability per content item (capped at 1; no renormalising after
    the cap, so the expected size is at most n)."""
    if weights is None:
        w = np.ones(counts.size)
    else:
        w = np.asarray(weights, dtype=float)
        if (w < 0).any() or not np.isfinite(w).all():
            raise ValueError("weights must be finite and non-negative")
    mass = float((w * counts).sum())
    if mass <= 0:
        raise ValueError("weights are zero on every viewed item")
    return np.minimum(1.0, n * w / mass)


def estimate(
    labels: Sequence[bool], pis: Sequence[float], uniform: bool, confidence: float = 0.95
) -> Estimate:
    """Prevalence from labelled sampled views: Wilson (uniform) or Hajek (weighted)."""
    if not labels:
        raise ValueError("empty sample")
    if uniform:
        return proportion(sum(1 for v in labels if v), len(labels), confidence)
    return hajek(list(labels), list(pis), confidence)


def enqueue(
    session: Session,
    config: ReviewConfig,
    sample: Sample,
    now: datetime,
    *,
    languages: Mapping[str, str | None] | None = None,
) -> list[str]:
    """One case per sampled content item in the labelling queue; the case's data carries the
    sample id, the number of sampled views and their inclusion probability. Returns case ids."""
    routed = Routed(queue=PREVALENCE_QUEUE, policy_area="prevalence", severity=0.1, rule=-1)
    ids = []
    for content_id, views, pi in sample.items:
        case_id = f"prev-{sample.sample_id}-{uuid.uuid4().hex[:10]}"
        row = new_case_row(
            config,
            case_id=case_id,
            kind=CaseKind.REVIEW,
            routed=routed,
            subject_type="content",
            subject_id=content_id,
            decision_id=None,
            now=now,
            language=(languages or {}).get(content_id),
            data={
                "prevalence": {
                    "sample_id": sample.sample_id,
                    "views": views,
                    "pi": pi,
                    "uniform": sample.uniform,
                    "population_views": sample.population_views,
                }
            },
        )
        session.add(CaseRow(**row))
        ids.append(case_id)
    session.flush()
    return ids


def labelled(
    session: Session, config: ReviewConfig, sample_id: str | None = None
) -> dict[str, list[tuple[bool, float, bool]]]:
    """Decided labelling cases as (violating in area, pi, uniform) per sampled view, per policy
    area (a tag's area) and ``all``; only samples of one design may be pooled."""
    rows = session.execute(
        select(CaseRow.data, ReviewDecisionRow.outcome, ReviewDecisionRow.policy_tags)
        .join(ReviewDecisionRow, ReviewDecisionRow.case_id == CaseRow.id)
        .where(CaseRow.queue == PREVALENCE_QUEUE, CaseRow.kind == CaseKind.REVIEW)
    )
    areas = {t.area for t in config.policy_tags.values()}
    out: dict[str, list[tuple[bool, float, bool]]] = defaultdict(list)
    for data, outcome, tags in rows:
        meta = (data or {}).get("prevalence") or {}
        if sample_id is not None and meta.get("sample_id") != sample_id:
            continue
        violating = outcome != NO_VIOLATION
        cited = {config.policy_tags[t].area for t in tags or () if t in config.policy_tags}
        pi, uniform, views = (
            float(meta.get("pi", 1.0)),
            bool(meta.get("uniform", True)),
            int(meta.get("views", 1)),
        )
        for _ in range(max(1, views)):
            out[ALL_AREAS].append((violating, pi, uniform))
            for area in areas:
                out[area].append((violating and area in cited, pi, uniform))
    return dict(out)


def report(
    session: Session, config: ReviewConfig, sample_id: str | None = None, confidence: float = 0.95
) -> dict[str, Any]:
    """Prevalence per policy area from the labelled sample (empty when nothing is labelled)."""
    out: dict[str, Any] = {}
    for area, rows in sorted(labelled(session, config, sample_id).items()):
        uniform = all(u for _, _, u in rows)
        est = estimate([v for v, _, _ in rows], [p for _, p, _ in rows], uniform, confidence)
        out[area] = est.as_json()
    return out
