"""What the measurement dashboards and the KPI API show, computed once per request from one
export of the store: the KPI report, the daily series, the funnel and detector quality."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from veracity.measure.kpi import Window, daily, funnel
from veracity.measure.quality import quality_report
from veracity.measure.report import kpi_report
from veracity.measure.source import export_store
from veracity.review.config import ReviewConfig
from veracity.store.db import Database


@dataclass(frozen=True)
class Dashboard:
    kpis: dict[str, Any]
    days: list[dict[str, Any]]
    stages: list[tuple[str, int]]
    quality: dict[str, Any]


def build(
    db: Database, config: ReviewConfig, since: datetime | None, until: datetime | None
) -> Dashboard:
    window = Window.of(since, until)
    with tempfile.TemporaryDirectory() as tmp:
        folder = export_store(db, Path(tmp))
        kpis = kpi_report(db, config, since, until, input_folder=folder)
        days = daily(folder, window)
        stages = funnel(folder, window)
    with db.transaction() as session:
        quality = quality_report(session)
    return Dashboard(kpis, days, stages, quality)
