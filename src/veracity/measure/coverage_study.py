"""Coverage of prevalence intervals (issue 8 "must hold"): repeat sampling from a simulated
view population with a known violative view rate and count how often the interval covers it.

Two populations: ``simulator_population`` runs the platform simulator (veracity.sim) and takes
its view events and its ground truth (content labelled spam, claim repeat or campaign post is
violating); ``population`` is a bare numpy one (log-normal views, rarer violations). In both a
simulated detector score, higher on violating items, drives the weighted design. The true
prevalence is the population's own view-weighted rate, so coverage is of that exact number.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from veracity.measure.prevalence import draw, estimate


@dataclass(frozen=True)
class Population:
    views: dict[str, int]
    violating: dict[str, bool]
    scores: dict[str, float]

    @property
    def prevalence(self) -> float:
        total = sum(self.views.values())
        bad = sum(v for c, v in self.views.items() if self.violating[c])
        return bad / total


def population(items: int = 20_000, violating_share: float = 0.01, seed: int = 7) -> Population:
    """A simulated view population (see the module docstring)."""
    rng = np.random.default_rng(seed)
    views = np.maximum(1, rng.lognormal(2.0, 1.5, items).astype(np.int64))
    bad = rng.random(items) < violating_share
    score = np.clip(np.where(bad, rng.beta(5, 2, items), rng.beta(1, 6, items)), 0, 1)
    ids = [f"c{i}" for i in range(items)]
    return Population(
        dict(zip(ids, (int(v) for v in views), strict=True)),
        dict(zip(ids, (bool(b) for b in bad), strict=True)),
        dict(zip(ids, (float(s) for s in score), strict=True)),
    )


VIOLATING_TRUTH = frozenset({"spam", "claim_repeat", "campaign_post"})


def simulator_population(seed: int = 7, scale: str = "small") -> Population:
    """Views and ground truth from a simulated platform (veracity.sim)."""
    from veracity.sim.simulate import simulate

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        simulate(out, seed=seed, scale=scale)
        views: Counter[str] = Counter()
        with (out / "events.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("type") == "view" and rec.get("content_id"):
                    views[rec["content_id"]] += 1
        bad: set[str] = set()
        with (out / "truth.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["subject_type"] == "content" and VIOLATING_TRUTH & set(rec["labels"]):
                    bad.add(rec["subject_id"])
    rng = np.random.default_rng(seed)
    ids = sorted(views)
    return Population(
        {c: views[c] for c in ids},
        {c: c in bad for c in ids},
        {c: float(rng.beta(5, 2) if c in bad else rng.beta(1, 6)) for c in ids},
    )


def run(
    repetitions: int = 500,
    sample_views: int = 2_000,
    weighted: bool = False,
    confidence: float = 0.95,
    pop: Population | None = None,
    seed: int = 11,
) -> dict[str, Any]:
    """Share of repetitions whose interval covers the true prevalence."""
    pop = pop or population()
    truth = pop.prevalence
    weights = {c: 0.05 + s for c, s in pop.scores.items()} if weighted else None
    covered = 0
    widths = []
    for r in range(repetitions):
        sample = draw(pop.views, sample_views, weights, seed=seed + r)
        labels: list[bool] = []
        pis: list[float] = []
        for content_id, k, pi in sample.items:
            labels.extend([pop.violating[content_id]] * k)
            pis.extend([pi] * k)
        est = estimate(labels, pis, uniform=not weighted, confidence=confidence)
        covered += est.low <= truth <= est.high
        widths.append(est.high - est.low)
    return {
        "design": "weighted (Hajek)" if weighted else "uniform (Wilson)",
        "repetitions": repetitions,
        "sample_views": sample_views,
        "true_prevalence": truth,
        "nominal": confidence,
        "coverage": covered / repetitions,
        "mean_width": float(np.mean(widths)),
    }
