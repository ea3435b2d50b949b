"""AI-generated label coverage: of the content that carries AI-generation evidence, how much
got an "AI-generated" label, by the source of the evidence, with Wilson 95 % intervals.

The definition lives here so that the API and the KPI engine (issue 8) report the same number.
An item's evidence is read from its latest ``provenance`` and ``ai_text`` signals and its
outcome from its latest decision (a re-decision, e.g. after a new fact-check, replaces the
earlier one). Each item counts once, under its strongest source, in the order the aigc policy
believes them: creator disclosure, a trusted then a valid C2PA manifest, a decoded watermark,
IPTC/EXIF metadata. Items whose only evidence is the AI-text detector's probability
(detection-only) are not expected to be labelled: policy routes them to review, so they are
reported apart, with how many were routed and how many (wrongly) labelled.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from veracity.domain.actions import ActionType
from veracity.domain.decisions import Decision
from veracity.domain.signals import SubjectType
from veracity.store.tables import ContentRow, DecisionRow, SignalRow

AI_LABEL = "ai-generated"
EVIDENCE_SOURCES = ("creator", "c2pa_trusted", "c2pa_valid", "watermark", "metadata")
DETECTION_ONLY = "detection_only"
# The threshold of the aigc policy's machine-written-text-review rule.
DEFAULT_DETECTION_THRESHOLD = 0.95
Z95 = 1.959963984540054
SCAN_BATCH = 1000


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None when there is nothing to estimate."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def evidence_source(
    provenance: Mapping[str, Any] | None,
    ai_text: Mapping[str, Any] | None,
    detection_threshold: float = DEFAULT_DETECTION_THRESHOLD,
) -> str | None:
    """The strongest AI-generation evidence in these signal outputs, or None without any."""
    if provenance and provenance.get("ai_generated"):
        sources = set(provenance.get("sources") or ())
        if provenance.get("disclosed") or "disclosure" in sources:
            return "creator"
        if "c2pa" in sources:
            return "c2pa_trusted" if provenance.get("c2pa_state") == "trusted" else "c2pa_valid"
        if "watermark" in sources:
            return "watermark"
        if sources & {"iptc", "exif"}:
            return "metadata"
    if not ai_text or not ai_text.get("scored"):
        return None
    probability = float(ai_text.get("probability", 0.0))
    return DETECTION_ONLY if probability >= detection_threshold else None


@dataclass(frozen=True)
class ItemOutcome:
    """One AI-evidenced item: its strongest source and what its latest decision did."""

    content_id: str
    source: str
    label_sources: tuple[str, ...]  # the ``source`` of each effective ai-generated label
    routed_to_review: bool  # any effective route: one route puts the item before a person

    @property
    def labelled(self) -> bool:
        return bool(self.label_sources)


def outcome_of(content_id: str, source: str, decision: Decision | None) -> ItemOutcome:
    """What the item's latest decision did about it; no decision means no label."""
    actions = decision.actions if decision is not None else []
    labels = tuple(
        str(a.params.get("source", "unspecified"))
        for a in actions
        if a.type is ActionType.LABEL and a.params.get("label") == AI_LABEL
    )
    routed = any(a.type is ActionType.ROUTE for a in actions)
    return ItemOutcome(content_id, source, labels, routed)


class Proportion(BaseModel):
    """``hits`` of ``items``, the rate, and its Wilson 95 % interval (null when no items)."""

    items: int
    hits: int
    rate: float | None
    ci95: tuple[float, float] | None

    @classmethod
    def of(cls, hits: int, items: int) -> Proportion:
        return cls(
            items=items,
            hits=hits,
            rate=hits / items if items else None,
            ci95=wilson_interval(hits, items),
        )


class DetectionOnly(BaseModel):
    items: int = Field(description="items whose only AI evidence is the AI-text probability")
    routed_to_review: Proportion = Field(description="share whose decision routed to review")
    labelled: int = Field(description="detection-only items labelled anyway (policy says 0)")


class LabelCoverage(BaseModel):
    """The coverage report; ``coverage`` excludes detection-only items (see the module doc)."""

    since: datetime | None
    until: datetime | None
    content_items: int = Field(description="content ingested in the window")
    ai_evidenced: int = Field(description="items with provenance evidence of AI generation")
    labelled: int = Field(description="of those, items whose latest decision labels them")
    coverage: Proportion
    by_source: dict[str, Proportion] = Field(description="coverage by strongest evidence")
    label_sources: dict[str, int] = Field(description="labelled items by the label's source")
    detection_only: DetectionOnly
    detection_threshold: float


def summarise(
    outcomes: Iterable[ItemOutcome],
    *,
    content_items: int,
    since: datetime | None = None,
    until: datetime | None = None,
    detection_threshold: float = DEFAULT_DETECTION_THRESHOLD,
) -> LabelCoverage:
    """Aggregate per-item outcomes into the report (pure: any store can feed it)."""
    items: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    label_sources: Counter[str] = Counter()
    routed_detection_only = 0
    for o in outcomes:
        items[o.source] += 1
        labelled[o.source] += o.labelled
        if o.source == DETECTION_ONLY:
            routed_detection_only += o.routed_to_review
        else:
            label_sources.update(set(o.label_sources))
    evidenced = sum(items[s] for s in EVIDENCE_SOURCES)
    covered = sum(labelled[s] for s in EVIDENCE_SOURCES)
    return LabelCoverage(
        since=since,
        until=until,
        content_items=content_items,
        ai_evidenced=evidenced,
        labelled=covered,
        coverage=Proportion.of(covered, evidenced),
        by_source={s: Proportion.of(labelled[s], items[s]) for s in EVIDENCE_SOURCES},
        label_sources=dict(sorted(label_sources.items())),
        detection_only=DetectionOnly(
            items=items[DETECTION_ONLY],
            routed_to_review=Proportion.of(routed_detection_only, items[DETECTION_ONLY]),
            labelled=labelled[DETECTION_ONLY],
        ),
        detection_threshold=detection_threshold,
    )


def as_utc(value: datetime | None) -> datetime | None:
    """Naive times are taken as UTC; aware ones converted (the store keeps UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _window(since: datetime | None, until: datetime | None) -> Select[Any]:
    stmt = select(ContentRow.id)
    if since is not None:
        stmt = stmt.where(ContentRow.ingested_at >= since)
    if until is not None:
        stmt = stmt.where(ContentRow.ingested_at < until)
    return stmt


def _evidence_rows(window: Select[Any], threshold: float) -> Select[Any]:
    """Latest provenance and ai_text signal of each item in the window that shows evidence."""
    latest = (
        select(func.max(SignalRow.id))
        .where(
            SignalRow.subject_type == SubjectType.CONTENT.value,
            SignalRow.detector.in_(("provenance", "ai_text")),
            SignalRow.subject_id.in_(window),
        )
        .group_by(SignalRow.subject_id, SignalRow.detector)
    )
    outputs = SignalRow.outputs
    shows_evidence = or_(
        and_(SignalRow.detector == "provenance", outputs["ai_generated"].as_boolean()),
        and_(
            SignalRow.detector == "ai_text",
            outputs["scored"].as_boolean(),
            outputs["probability"].as_float() >= threshold,
        ),
    )
    return select(SignalRow.subject_id, SignalRow.detector, SignalRow.outputs).where(
        SignalRow.id.in_(latest), shows_evidence
    )


def label_coverage(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    detection_threshold: float = DEFAULT_DETECTION_THRESHOLD,
) -> LabelCoverage:
    """Coverage over content ingested in ``[since, until)`` (either bound may be open)."""
    since, until = as_utc(since), as_utc(until)
    window = _window(since, until)
    content_items = session.scalar(select(func.count()).select_from(window.subquery())) or 0
    evidence_stmt = _evidence_rows(window, detection_threshold)
    signals: dict[str, dict[str, Any]] = {}
    for subject_id, detector, outputs in session.execute(evidence_stmt):
        signals.setdefault(subject_id, {})[detector] = outputs
    evidenced_ids = select(evidence_stmt.subquery().c.subject_id)
    latest_decisions = (
        select(func.max(DecisionRow.seq))
        .where(
            DecisionRow.subject_type == SubjectType.CONTENT.value,
            DecisionRow.subject_id.in_(evidenced_ids),
        )
        .group_by(DecisionRow.subject_id)
    )
    decisions: dict[str, Decision] = {}
    stmt = select(DecisionRow.subject_id, DecisionRow.record).where(
        DecisionRow.seq.in_(latest_decisions)
    )
    for subject_id, record in session.execute(stmt.execution_options(yield_per=SCAN_BATCH)):
        decisions[subject_id] = Decision.model_validate(record)
    outcomes = []
    for subject_id, found in signals.items():
        source = evidence_source(found.get("provenance"), found.get("ai_text"), detection_threshold)
        if source is not None:
            outcomes.append(outcome_of(subject_id, source, decisions.get(subject_id)))
    return summarise(
        outcomes,
        content_items=int(content_items),
        since=since,
        until=until,
        detection_threshold=detection_threshold,
    )
