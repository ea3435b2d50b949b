"""Per-unit metric values for an experiment, read from the stored logs.

Each exposed unit gets its counts over the experiment window (first exposure onward is not
used: the window is the experiment's, so pre-exposure activity of late arrivals still counts
the same way in every arm) and over the pre-period before ``starts_at`` (the CUPED covariate).
Events are matched on the actor (unit = account) or the content (unit = content).
Guardrails: appeals the unit won (outcome ``reversed``) and reports the unit filed (account)
or received (content) that ended with ``no_action``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from veracity.experiments.model import ExperimentIn, Unit
from veracity.experiments.store import exposures
from veracity.store.db import utcnow
from veracity.store.tables import AppealRow, EventRow, ExperimentExposureRow, ReportRow

EVENT_METRICS = {"view": "views", "share": "reshares", "like": "likes"}


@dataclass
class UnitData:
    """Aligned per-unit arrays in exposure order; ``pre_*`` are pre-period covariates."""

    unit_ids: list[str]
    variants: list[str]
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def arm(self, variant: str, metric: str) -> np.ndarray:
        mask = np.array([v == variant for v in self.variants], dtype=bool)
        return self.values[metric][mask]


def _window(d: ExperimentIn, now: datetime) -> tuple[datetime, datetime, datetime]:
    end = d.ends_at or now
    return d.starts_at - timedelta(days=d.pre_period_days), d.starts_at, end


def collect(session: Session, key: str, d: ExperimentIn, now: datetime | None = None) -> UnitData:
    """Read every metric the analysis may use for the exposed units of one experiment."""
    rows = exposures(session, key)
    ids = [u for u, _, _ in rows]
    index = {u: i for i, u in enumerate(ids)}
    data = UnitData(ids, [v for _, v, _ in rows])
    names = [*EVENT_METRICS.values(), "appeal_overturns", "false_positive_reports"]
    for name in names:
        data.values[name] = np.zeros(len(ids))
        data.values[f"pre_{name}"] = np.zeros(len(ids))
    pre_start, start, end = _window(d, now or utcnow())
    by_account = d.unit == Unit.ACCOUNT
    exp = ExperimentExposureRow
    ev_unit = EventRow.account_id if by_account else EventRow.content_id
    for prefix, lo, hi in (("", start, end), ("pre_", pre_start, start)):
        stmt = (
            select(exp.unit_id, EventRow.type, func.count())
            .join(EventRow, ev_unit == exp.unit_id)
            .where(
                exp.experiment_key == key,
                EventRow.type.in_(list(EVENT_METRICS)),
                EventRow.occurred_at >= lo,
                EventRow.occurred_at < hi,
            )
            .group_by(exp.unit_id, EventRow.type)
        )
        for unit, kind, n in session.execute(stmt):
            data.values[prefix + EVENT_METRICS[kind]][index[unit]] = n
        ap_unit = AppealRow.account_id if by_account else AppealRow.subject_id
        appeals = (
            select(exp.unit_id, func.count())
            .join(AppealRow, ap_unit == exp.unit_id)
            .where(
                exp.experiment_key == key,
                AppealRow.outcome == "reversed",
                and_(AppealRow.lodged_at >= lo, AppealRow.lodged_at < hi),
            )
            .group_by(exp.unit_id)
        )
        for unit, n in session.execute(appeals):
            data.values[prefix + "appeal_overturns"][index[unit]] = n
        rp_unit = ReportRow.reporter_account_id if by_account else ReportRow.content_id
        reports = (
            select(exp.unit_id, func.count())
            .join(ReportRow, rp_unit == exp.unit_id)
            .where(
                exp.experiment_key == key,
                ReportRow.outcome == "no_action",
                and_(ReportRow.occurred_at >= lo, ReportRow.occurred_at < hi),
            )
            .group_by(exp.unit_id)
        )
        for unit, n in session.execute(reports):
            data.values[prefix + "false_positive_reports"][index[unit]] = n
    return data
