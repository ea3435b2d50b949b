"""What defines an experiment, validated at every boundary (API, CLI) in one place."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from veracity.domain.entities import Strict
from veracity.domain.limits import Identifier, ShortText

MAX_VARIANTS = 8
MAX_GUARDRAILS = 8


class Intervention(StrEnum):
    """What the treatment changes (docs/experiments.md)."""

    LABEL_WORDING = "label_wording"
    SHARE_PROMPT = "share_prompt"
    REDUCED_DISTRIBUTION = "reduced_distribution"
    POLICY = "policy"


class Unit(StrEnum):
    """The randomisation unit; variance is always computed at this level."""

    ACCOUNT = "account"
    CONTENT = "content"


class Metric(StrEnum):
    """Metrics the analysis reads from the event, appeal and report logs, per unit."""

    RESHARES_PER_VIEW = "reshares_per_view"  # ratio of means, delta method
    RESHARES = "reshares"
    VIEWS = "views"
    LIKES = "likes"
    APPEAL_OVERTURNS = "appeal_overturns"
    FALSE_POSITIVE_REPORTS = "false_positive_reports"


DEFAULT_GUARDRAILS = [Metric.APPEAL_OVERTURNS, Metric.FALSE_POSITIVE_REPORTS]
VariantName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_\-]+$")]


class ExperimentIn(Strict):
    """An experiment definition. The first variant is the control."""

    key: Identifier
    name: ShortText
    intervention: Intervention
    unit: Unit = Unit.ACCOUNT
    description: ShortText = ""
    variants: list[VariantName] = Field(
        default_factory=lambda: ["control", "treatment"], min_length=2, max_length=MAX_VARIANTS
    )
    weights: list[Annotated[float, Field(gt=0, le=1000)]] | None = None
    coverage: float = Field(default=1.0, gt=0, le=1)
    salt: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    goal_metric: Metric = Metric.RESHARES_PER_VIEW
    guardrails: list[Metric] = Field(
        default_factory=lambda: list(DEFAULT_GUARDRAILS), max_length=MAX_GUARDRAILS
    )
    starts_at: datetime
    ends_at: datetime | None = None
    pre_period_days: int = Field(default=14, ge=0, le=90)
    alpha: float = Field(default=0.05, gt=0, lt=0.5)

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentIn:
        if len(set(self.variants)) != len(self.variants):
            raise ValueError("variant names must be unique")
        if self.weights is not None and len(self.weights) != len(self.variants):
            raise ValueError("weights need one entry per variant")
        if self.starts_at.tzinfo is None or (self.ends_at and self.ends_at.tzinfo is None):
            raise ValueError("times need a timezone")
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    def resolved_weights(self) -> list[float]:
        return list(self.weights) if self.weights else [1.0] * len(self.variants)


class ExposureIn(Strict):
    """The platform showed a unit its variant's surface (label, prompt, ranking)."""

    unit_id: Identifier
    exposed_at: datetime | None = None
