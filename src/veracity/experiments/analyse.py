"""The readout of one experiment: SRM first (a mismatch blocks the readout), then each
treatment against the control on the goal metric (fixed-horizon estimate, CUPED where a
pre-period exists, and the always-valid sequential state) and on every guardrail."""

from __future__ import annotations

from typing import Any

import numpy as np

from veracity.experiments.collect import UnitData
from veracity.experiments.model import ExperimentIn, Metric
from veracity.experiments.sequential import MIN_UNITS, monitor, monitor_ratio
from veracity.experiments.stats import (
    cuped,
    diff_means,
    diff_proportions,
    ratio_delta,
    srm_check,
)


def _mean_metric(data: UnitData, d: ExperimentIn, variant: str, control: str, m: str) -> dict:
    t, c = data.arm(variant, m), data.arm(control, m)
    out: dict[str, Any] = {"fixed": diff_means(t, c, d.alpha).as_dict()}
    if d.pre_period_days > 0:
        est, theta = cuped(
            t, data.arm(variant, f"pre_{m}"), c, data.arm(control, f"pre_{m}"), d.alpha
        )
        out["cuped"] = {**est.as_dict(), "theta": theta}
    return out


def _sequential(t: np.ndarray, c: np.ndarray, alpha: float) -> dict[str, Any]:
    if min(t.size, c.size) < MIN_UNITS:
        return {"skipped": f"needs at least {MIN_UNITS} units per arm"}
    return monitor(t, c, alpha=alpha, method="gavi").as_dict()


def _goal(data: UnitData, d: ExperimentIn, variant: str, control: str) -> dict[str, Any]:
    if d.goal_metric == Metric.RESHARES_PER_VIEW:
        nt, dt = data.arm(variant, "reshares"), data.arm(variant, "views")
        nc, dc = data.arm(control, "reshares"), data.arm(control, "views")
        out: dict[str, Any] = {"fixed": ratio_delta(nt, dt, nc, dc, d.alpha).as_dict()}
        if min(nt.size, nc.size) < MIN_UNITS:
            out["sequential"] = {"skipped": f"needs at least {MIN_UNITS} units per arm"}
        else:
            out["sequential"] = monitor_ratio(nt, dt, nc, dc, alpha=d.alpha).as_dict()
        out["units_resharing"] = diff_proportions(
            int((nt > 0).sum()), nt.size, int((nc > 0).sum()), nc.size, d.alpha
        ).as_dict()
        return out
    m = d.goal_metric.value
    out = _mean_metric(data, d, variant, control, m)
    out["sequential"] = _sequential(data.arm(variant, m), data.arm(control, m), d.alpha)
    return out


def analyse(data: UnitData, d: ExperimentIn) -> dict[str, Any]:
    """The report as one JSON-ready dict."""
    counts = [data.variants.count(v) for v in d.variants]
    srm = srm_check(counts, d.resolved_weights())
    report: dict[str, Any] = {
        "units": dict(zip(d.variants, counts, strict=True)),
        "srm": srm.as_dict(),
        "readout_blocked": srm.mismatch,
        "alpha": d.alpha,
        "goal_metric": d.goal_metric.value,
        "comparisons": {},
    }
    control = d.variants[0]
    for variant in d.variants[1:]:
        if min(data.variants.count(variant), data.variants.count(control)) < 2:
            report["comparisons"][variant] = {"skipped": "each arm needs at least 2 units"}
            continue
        guards = {
            g.value: _mean_metric(data, d, variant, control, g.value)
            for g in d.guardrails
            if g != Metric.RESHARES_PER_VIEW
        }
        report["comparisons"][variant] = {
            "goal": _goal(data, d, variant, control),
            "guardrails": guards,
        }
    cleaned: dict[str, Any] = _finite(report)
    return cleaned


def _finite(value: Any) -> Any:
    """NaN and infinities become None: JSON has no spelling for them."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
