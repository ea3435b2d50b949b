"""Wire detectors, policies, the decision pipeline and ingestion for one process.

Detectors hold their banks in memory. When banks change (through this process's API, or
another worker's), the runtime rebuilds the detectors and swaps in a new pipeline; requests in
flight finish on the old one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from veracity.config import Settings
from veracity.detect.defaults import build_registry
from veracity.detect.registry import DetectorRegistry
from veracity.ingest.service import IngestService
from veracity.pipeline import DecisionPipeline
from veracity.policy.engine import PolicyEngine
from veracity.policy.loader import load_policy_dir
from veracity.policy.model import Policy
from veracity.store.db import Database
from veracity.store.tables import BankEntryRow

BankFingerprint = tuple[int, int, int]


def bank_fingerprint(db: Database) -> BankFingerprint:
    """Changes whenever an entry is added, or enabled or disabled."""
    with db.transaction() as session:
        row = session.execute(
            select(
                func.count(BankEntryRow.id),
                func.coalesce(func.max(BankEntryRow.id), 0),
                func.count(BankEntryRow.id).filter(BankEntryRow.enabled.is_(True)),
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


class Runtime:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        policies: Sequence[Policy],
        registry: DetectorRegistry | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.policies = list(policies)
        self._lock = threading.Lock()
        self._checked_at = time.monotonic()
        self._fingerprint = bank_fingerprint(db)
        self.registry: DetectorRegistry = registry or build_registry(db, settings)
        self.engine = PolicyEngine(self.policies, self.registry)
        self.pipeline = DecisionPipeline(self.registry, self.engine)
        self.ingest = IngestService(db, self.pipeline, before_content=self.refresh_if_stale)

    def reload_detectors(self) -> None:
        """Rebuild detectors from the banks and swap in a pipeline that uses them."""
        with self._lock:
            self._fingerprint = bank_fingerprint(self.db)
            registry = build_registry(self.db, self.settings)
            engine = PolicyEngine(self.policies, registry)
            pipeline = DecisionPipeline(registry, engine)
            self.registry, self.engine, self.pipeline = registry, engine, pipeline
            self.ingest.pipeline = pipeline

    def refresh_if_stale(self) -> None:
        """Pick up bank changes made by other processes, checking at most every few seconds."""
        now = time.monotonic()
        if now - self._checked_at < self.settings.bank_refresh_s:
            return
        self._checked_at = now
        if bank_fingerprint(self.db) != self._fingerprint:
            self.reload_detectors()


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
    return Runtime(db, settings, policies, registry)
