"""Detector and policy quality (issue 8 item 3): precision from review outcomes per detector,
rule and threshold; recall from the prevalence sample; calibration curves; drift of score
distributions (PSI and the two-sample Kolmogorov-Smirnov test); suggested thresholds with the
expected effect on precision, recall and review volume.

A reviewed item is labelled violating when the reviewer's outcome is not ``no_violation``. A
detector's score is its ``probability`` output (else ``score``); its latest signal on the
subject before the review is used.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from scipy.stats import ks_2samp
from sqlalchemy import select
from sqlalchemy.orm import Session

from veracity.detect.aigc.coverage import wilson_interval
from veracity.measure.definitions import PREVALENCE_QUEUE
from veracity.review.intake import CaseKind
from veracity.store.tables import CaseRow, DecisionRow, ReviewDecisionRow, SignalRow

NO_VIOLATION = "no_violation"
SCORE_KEYS = ("probability", "score")

Labelled = Sequence[tuple[float, bool]]


def score_of(outputs: dict[str, Any] | None) -> float | None:
    """The detector's score in its outputs, or None (unscored or no numeric score)."""
    if not outputs or outputs.get("scored") is False:
        return None
    for key in SCORE_KEYS:
        value = outputs.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def precision_at(pairs: Labelled, threshold: float) -> dict[str, Any]:
    """Precision of ``score >= threshold`` among reviewed items, with its Wilson interval."""
    flagged = [v for s, v in pairs if s >= threshold]
    tp = sum(flagged)
    ci = wilson_interval(tp, len(flagged))
    return {
        "threshold": threshold,
        "flagged": len(flagged),
        "precision": tp / len(flagged) if flagged else None,
        "ci95": list(ci) if ci else None,
    }


def recall_at(pairs: Labelled, threshold: float) -> dict[str, Any]:
    """Recall on a prevalence sample (violating items found at random, so unbiased by what the
    detector flagged): share of sampled violating items scoring >= threshold."""
    positives = [s for s, v in pairs if v]
    hit = sum(1 for s in positives if s >= threshold)
    ci = wilson_interval(hit, len(positives))
    return {
        "threshold": threshold,
        "positives": len(positives),
        "recall": hit / len(positives) if positives else None,
        "ci95": list(ci) if ci else None,
    }


def calibration(pairs: Labelled, bins: int = 10) -> list[dict[str, Any]]:
    """Reliability curve: per equal-width score bin, mean score against observed rate."""
    if bins < 1:
        raise ValueError("bins must be >= 1")
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(s, v) for s, v in pairs if lo <= s < hi or (b == bins - 1 and s == 1.0)]
        if not inside:
            continue
        hits = sum(v for _, v in inside)
        ci = wilson_interval(hits, len(inside))
        out.append(
            {
                "bin": [lo, hi],
                "n": len(inside),
                "mean_score": float(np.mean([s for s, _ in inside])),
                "observed": hits / len(inside),
                "ci95": list(ci) if ci else None,
            }
        )
    return out


def psi(expected: Sequence[float], actual: Sequence[float], bins: int = 10) -> float:
    """Population stability index of ``actual`` against ``expected`` over quantile bins of the
    expected scores (0.1 = watch, 0.25 = shifted, by the usual convention)."""
    if not expected or not actual:
        raise ValueError("both samples need scores")
    edges = np.unique(np.quantile(np.asarray(expected, dtype=float), np.linspace(0, 1, bins + 1)))
    if edges.size < 2:
        edges = np.array([edges[0] - 1e-9, edges[0] + 1e-9])
    edges[0], edges[-1] = -np.inf, np.inf
    e = np.histogram(expected, edges)[0] / len(expected)
    a = np.histogram(actual, edges)[0] / len(actual)
    e, a = np.clip(e, 1e-6, None), np.clip(a, 1e-6, None)
    return float(np.sum((a - e) * np.log(a / e)))


def drift(expected: Sequence[float], actual: Sequence[float]) -> dict[str, Any]:
    """PSI and the KS statistic and p-value between two windows' scores."""
    ks = ks_2samp(expected, actual)
    value = psi(expected, actual)
    return {
        "psi": round(value, 6),
        "ks": round(float(ks.statistic), 6),
        "ks_p": float(ks.pvalue),
        "n_expected": len(expected),
        "n_actual": len(actual),
        "verdict": "shifted" if value >= 0.25 else "watch" if value >= 0.1 else "stable",
    }


def suggest_threshold(
    reviewed: Labelled, target_precision: float, current: float, sample: Labelled = ()
) -> dict[str, Any]:
    """The lowest threshold whose reviewed precision (Wilson lower bound) reaches the target,
    with the expected change in flagged volume, precision and (from the prevalence sample)
    recall against the current threshold. None when no threshold reaches it."""
    if not 0 < target_precision <= 1:
        raise ValueError("target precision must be in (0, 1]")
    candidates = sorted({round(s, 3) for s, _ in reviewed})
    chosen = None
    for t in candidates:
        p = precision_at(reviewed, t)
        if p["ci95"] and p["ci95"][0] >= target_precision and p["flagged"] >= 10:
            chosen = t
            break
    now, then = (
        precision_at(reviewed, current),
        precision_at(reviewed, chosen) if chosen is not None else None,
    )
    return {
        "target_precision": target_precision,
        "current": {**now, **({"recall": recall_at(sample, current)["recall"]} if sample else {})},
        "suggested": None
        if then is None
        else {
            **then,
            **({"recall": recall_at(sample, then["threshold"])["recall"]} if sample else {}),
            "flagged_change": then["flagged"] - now["flagged"],
        },
    }


def reviewed_scores(session: Session) -> dict[str, list[tuple[float, bool]]]:
    """Per detector, (score, violating) for reviewed content cases outside the prevalence queue;
    the prevalence queue's are under ``<detector>@sample`` (for recall)."""
    rows = session.execute(
        select(
            CaseRow.subject_id,
            CaseRow.queue,
            ReviewDecisionRow.outcome,
            ReviewDecisionRow.created_at,
        )
        .join(ReviewDecisionRow, ReviewDecisionRow.case_id == CaseRow.id)
        .where(CaseRow.kind == CaseKind.REVIEW, CaseRow.subject_type == "content")
    ).all()
    if not rows:
        return {}
    subjects = {r[0] for r in rows}
    signals: dict[str, list[tuple[Any, str, float]]] = defaultdict(list)
    for subject, detector, outputs, at in session.execute(
        select(SignalRow.subject_id, SignalRow.detector, SignalRow.outputs, SignalRow.created_at)
        .where(SignalRow.subject_type == "content", SignalRow.subject_id.in_(subjects))
        .order_by(SignalRow.id)
    ):
        score = score_of(outputs)
        if score is not None:
            signals[subject].append((at, detector, score))
    out: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for subject, queue, outcome, _ in rows:
        latest: dict[str, float] = {}
        for _, detector, score in signals.get(subject, ()):
            latest[detector] = score
        suffix = "@sample" if queue == PREVALENCE_QUEUE else ""
        for detector, score in latest.items():
            out[detector + suffix].append((score, outcome != NO_VIOLATION))
    return dict(out)


def rule_precision(session: Session) -> dict[str, dict[str, Any]]:
    """Per live rule (policy/rule) that opened a reviewed case: reviewed precision."""
    rows = session.execute(
        select(DecisionRow.record, ReviewDecisionRow.outcome)
        .join(CaseRow, CaseRow.decision_id == DecisionRow.id)
        .join(ReviewDecisionRow, ReviewDecisionRow.case_id == CaseRow.id)
        .where(CaseRow.kind == CaseKind.REVIEW)
    )
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record, outcome in rows:
        for match in (record or {}).get("matched") or ():
            if match.get("mode") not in (None, "live"):
                continue
            key = f"{match.get('policy_id')}/{match.get('rule_id')}"
            tally[key][0] += outcome != NO_VIOLATION
            tally[key][1] += 1
    out = {}
    for key, (tp, n) in sorted(tally.items()):
        ci = wilson_interval(tp, n)
        out[key] = {"reviewed": n, "precision": tp / n, "ci95": list(ci) if ci else None}
    return out


def quality_report(
    session: Session,
    thresholds: Sequence[float] = (0.5, 0.8, 0.9, 0.95),
    target_precision: float = 0.9,
    current_threshold: float = 0.5,
) -> dict[str, Any]:
    """Per detector: precision at thresholds, calibration; recall from samples; per rule."""
    scores = reviewed_scores(session)
    detectors: dict[str, Any] = {}
    for name, pairs in sorted(scores.items()):
        if name.endswith("@sample"):
            continue
        sample = scores.get(name + "@sample", [])
        detectors[name] = {
            "reviewed": len(pairs),
            "precision": [precision_at(pairs, t) for t in thresholds],
            "recall": [recall_at(sample, t) for t in thresholds] if sample else None,
            "calibration": calibration(pairs),
            "suggested_threshold": suggest_threshold(
                pairs, target_precision, current_threshold, sample
            ),
        }
    return {"detectors": detectors, "rules": rule_precision(session)}


def window_scores(
    session: Session, detector: str, since: datetime | None, until: datetime | None
) -> list[float]:
    """A detector's scores on signals written in ``[since, until)``."""
    stmt = select(SignalRow.outputs).where(SignalRow.detector == detector)
    if since is not None:
        stmt = stmt.where(SignalRow.created_at >= since)
    if until is not None:
        stmt = stmt.where(SignalRow.created_at < until)
    out = []
    for (outputs,) in session.execute(stmt.execution_options(yield_per=10_000)):
        score = score_of(outputs)
        if score is not None:
            out.append(score)
    return out


def score_drift(
    session: Session,
    detector: str,
    baseline: tuple[datetime | None, datetime | None],
    current: tuple[datetime | None, datetime | None],
) -> dict[str, Any]:
    """PSI and KS of the detector's scores in ``current`` against ``baseline``."""
    before = window_scores(session, detector, *baseline)
    after = window_scores(session, detector, *current)
    if not before or not after:
        raise ValueError(
            f"{detector}: no scores in the {'baseline' if not before else 'current'} window"
        )
    return {"detector": detector, **drift(before, after)}
