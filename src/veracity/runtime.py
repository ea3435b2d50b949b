"""Wire detectors, policies, the decision pipeline and ingestion for one process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from veracity.config import Settings
from veracity.detect.defaults import build_registry
from veracity.detect.registry import DetectorRegistry
from veracity.ingest.service import IngestService
from veracity.pipeline import DecisionPipeline
from veracity.policy.engine import PolicyEngine
from veracity.policy.loader import load_policy_dir
from veracity.policy.model import Policy
from veracity.store.db import Database


@dataclass
class Runtime:
    registry: DetectorRegistry
    engine: PolicyEngine
    pipeline: DecisionPipeline
    ingest: IngestService


def build_runtime(
    db: Database,
    settings: Settings,
    policy_dir: Path | None = None,
    policies: Sequence[Policy] | None = None,
) -> Runtime:
    """Load banks into detectors and compile policies; a bad policy stops start-up loudly.

    ``policies`` given explicitly replace the policy folder (benchmarks and tests use this).
    """
    registry = build_registry(db, settings)
    if policies is None:
        policies = load_policy_dir(policy_dir or settings.policy_dir, registry)
    engine = PolicyEngine(policies, registry)
    pipeline = DecisionPipeline(registry, engine)
    return Runtime(registry, engine, pipeline, IngestService(db, pipeline))
