"""The review configuration (routing.yaml): queues and who works them, routing rules, language
and region partitions, priority weights, lock length, double-review sample rate, the appeal
window and the policy tags reviewers cite.

It is read from a YAML file so that operations can re-route without a release; every name is
checked when the file loads (unknown roles, queues, DSA categories or keywords are errors that
say where), so a bad file fails at start-up rather than when a case arrives.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from veracity.access.roles import Role, UnknownRoleError, parse_roles
from veracity.compliance.transparency_schema import KEYWORDS
from veracity.config import Settings, get_settings
from veracity.policy.dsa import check_dsa_category
from veracity.policy.safe_yaml import YamlRefused, read_yaml_file

log = logging.getLogger(__name__)
DEFAULT_CONFIG = Path(__file__).with_name("routing.yaml")
NAME = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
OTHER_LANGUAGE = "other"
GLOBAL_REGION = "global"


class ReviewConfigError(ValueError):
    """The review configuration is not usable; the message says which entry and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QueueConfig(_Strict):
    roles: list[str] = Field(min_length=1)
    sla_hours: float = Field(gt=0, le=24 * 365)
    description: str = ""

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        try:
            return sorted(str(r) for r in parse_roles(value))
        except UnknownRoleError as exc:
            raise ValueError(str(exc)) from None

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.roles)


class RouteWhen(_Strict):
    route: str | None = None
    policy: str | None = None
    rule: str | None = None
    label: str | None = None
    subject: str | None = None


class RouteRule(_Strict):
    when: RouteWhen = Field(default_factory=RouteWhen)
    queue: str = Field(pattern=NAME)
    policy_area: str = Field(pattern=NAME)
    severity: float = Field(ge=0, le=1)


class PolicyTag(_Strict):
    area: str = Field(pattern=NAME)
    title: str = Field(min_length=1, max_length=200)
    ground: str = Field(min_length=3, max_length=500)
    text: str = Field(min_length=1, max_length=5000)
    category: str
    keywords: list[str] = Field(default_factory=list)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return check_dsa_category(value)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        unknown = [k for k in value if k not in KEYWORDS]
        if unknown:
            raise ValueError(f"unknown DSA keywords: {', '.join(unknown)}")
        return value


class PriorityWeights(_Strict):
    severity: float = Field(default=0.4, ge=0)
    reach: float = Field(default=0.25, ge=0)
    confidence: float = Field(default=0.15, ge=0)
    deadline: float = Field(default=0.2, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> PriorityWeights:
        if self.total <= 0:
            raise ValueError("at least one priority weight must be above 0")
        return self

    @property
    def total(self) -> float:
        return self.severity + self.reach + self.confidence + self.deadline


class PriorityConfig(_Strict):
    weights: PriorityWeights = Field(default_factory=PriorityWeights)
    reach_cap: int = Field(default=10_000_000, ge=10)
    confidence_signals: list[str] = Field(
        default_factory=lambda: ["similarity", "probability", "score", "confidence"]
    )


class ReviewConfig(_Strict):
    queues: dict[str, QueueConfig] = Field(min_length=1)
    rules: list[RouteRule] = Field(min_length=1)
    escalation: dict[str, str] = Field(default_factory=dict)
    appeals_queue: str = "appeals"
    languages: list[str] = Field(default_factory=list)
    regions: dict[str, list[str]] = Field(default_factory=dict)
    priority: PriorityConfig = Field(default_factory=PriorityConfig)
    lock_minutes: float = Field(default=15, gt=0, le=24 * 60)
    double_review_rate: float = Field(default=0.1, ge=0, le=1)
    appeal_window_days: float = Field(default=183, ge=183, le=3650)
    policy_tags: dict[str, PolicyTag] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> ReviewConfig:
        queues = set(self.queues)
        for name in self.queues:
            if not _is_name(name):
                raise ValueError(f"queue name {name!r} must match {NAME}")
        for tag in self.policy_tags:
            if not _is_name(tag):
                raise ValueError(f"policy tag {tag!r} must match {NAME}")
        for i, rule in enumerate(self.rules):
            if rule.queue not in queues:
                raise ValueError(f"rules[{i}] routes to unknown queue {rule.queue!r}")
        if self.rules[-1].when != RouteWhen():
            raise ValueError("the last rule must have an empty `when` (the default route)")
        for kind, queue in self.escalation.items():
            if queue not in queues:
                raise ValueError(f"escalation {kind!r} goes to unknown queue {queue!r}")
        if self.appeals_queue not in queues:
            raise ValueError(f"appeals_queue {self.appeals_queue!r} is not a queue")
        return self

    # -- lookups --------------------------------------------------------------------------

    def queue(self, name: str) -> QueueConfig:
        """A queue's settings; a queue no file names (an older case) is worked by reviewers."""
        found = self.queues.get(name)
        if found is not None:
            return found
        return QueueConfig(roles=["reviewer", "senior_reviewer"], sla_hours=48)

    def language_of(self, code: str | None) -> str:
        """``en-GB`` -> ``en``; a language with no queue of its own -> ``other``."""
        if not code:
            return OTHER_LANGUAGE
        base = code.strip().lower().replace("_", "-").split("-", 1)[0]
        return base if base in self.languages else OTHER_LANGUAGE

    def region_of(self, country: str | None) -> str:
        """The region group of an ISO 3166 alpha-2 code (``global`` when none lists it)."""
        if not country:
            return GLOBAL_REGION
        code = country.strip().upper()
        for group, members in self.regions.items():
            if code in members or code == group.upper():
                return group
        return GLOBAL_REGION

    def tags_for(self, area: str | None) -> dict[str, PolicyTag]:
        """Tags of a policy area first, then the rest (a reviewer may cite any)."""
        first = {k: t for k, t in self.policy_tags.items() if t.area == area}
        return first | {k: t for k, t in self.policy_tags.items() if k not in first}


def _is_name(value: str) -> bool:
    return re.match(NAME, value) is not None


def _where(error: Mapping[str, Any]) -> str:
    return ".".join(str(p) for p in error.get("loc", ())) or "(top level)"


def parse_config(data: Any, source: str = "routing config") -> ReviewConfig:
    """Validate parsed YAML; errors name the entry (``queues.misinfo.roles``) and the problem."""
    if not isinstance(data, dict):
        raise ReviewConfigError(f"{source}: expected a mapping at the top level")
    try:
        return ReviewConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_where(e)}: {e['msg']}" for e in exc.errors()[:10])
        raise ReviewConfigError(f"{source}: {problems}") from None


def load_config(path: Path | None = None) -> ReviewConfig:
    """Read and check a routing file (default: the bundled one)."""
    where = path or DEFAULT_CONFIG
    try:
        data = read_yaml_file(where)
    except YamlRefused as exc:
        raise ReviewConfigError(f"{where}: {exc}") from None
    return parse_config(data, str(where))


@lru_cache(maxsize=8)
def _cached(path: str | None, mtime: float) -> ReviewConfig:
    return load_config(Path(path) if path else None)


def current_config(path: Path | None = None) -> ReviewConfig:
    """The configuration at ``path`` (or the bundled one), re-read when the file changes."""
    where = path or DEFAULT_CONFIG
    try:
        mtime = where.stat().st_mtime
    except OSError as exc:
        raise ReviewConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    return _cached(str(path) if path else None, mtime)


def configured(settings: Settings | None = None) -> ReviewConfig:
    """The review configuration the settings name (VERACITY_REVIEW_CONFIG), or the bundled one."""
    return current_config((settings or get_settings()).review_config)


def configured_or_bundled(settings: Settings | None = None) -> ReviewConfig:
    """For the ingest path: a broken routing file must not stop ingestion, so it is logged
    and the bundled file routes until the file is fixed (the review API answers 503 then)."""
    try:
        return configured(settings)
    except ReviewConfigError as exc:
        log.error("review routing file refused, routing with the bundled one: %s", exc)
        return current_config(None)
