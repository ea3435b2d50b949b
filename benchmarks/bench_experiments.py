"""Experiments: A/A false-positive rates and planted-effect coverage over repeated simulations.

Each simulated experiment assigns N accounts with the real salted hash (a new salt per run),
draws their behaviour from ``veracity.sim.interventions`` (7-day experiment, 14-day pre-period)
and analyses the goal metric, reshares per view (ratio of means, delta method), and reshares
per user with CUPED. Arrival order is the account order, and the sequential tests look after
every pair of arrivals once 100 units per arm are in (continuous peeking).

``aa``: no effect. Reports, with exact (Clopper-Pearson) 95 % binomial intervals, the share of
runs that declare a difference: fixed-horizon delta-method test, CUPED test, the asymptotic
confidence sequence and the mSPRT under continuous peeking, a naive z test peeked at every 100
arrivals (what the sequential tests fix), and the SRM check (p < 0.001).
``planted``: the share prompt's effect (-24 % reshares per view). Reports how often each
interval covers the true effect and how often the effect is detected.

    .venv/bin/python benchmarks/bench_experiments.py --runs 2000 --units 4000
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np
from scipy import stats

from veracity.experiments.assign import assign
from veracity.experiments.sequential import monitor_ratio
from veracity.experiments.stats import cuped, ratio_delta, srm_check
from veracity.sim.interventions import ResponseModel, respond

ALPHA = 0.05


def _rate(k: int, n: int) -> dict[str, Any]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return {"k": k, "n": n, "rate": round(k / n, 4), "ci95": [round(ci.low, 4), round(ci.high, 4)]}


def _naive_peeking(
    num_t: np.ndarray, den_t: np.ndarray, num_c: np.ndarray, den_c: np.ndarray
) -> bool:
    z = stats.norm.ppf(1 - ALPHA / 2)
    n = min(num_t.size, num_c.size)
    for m in range(100, n + 1, 100):
        e = ratio_delta(num_t[:m], den_t[:m], num_c[:m], den_c[:m], ALPHA)
        if abs(e.effect) > z * e.se:
            return True
    return False


def one_run(seed: int, units: int, model: ResponseModel, naive: bool) -> dict[str, Any]:
    """Simulate and analyse one experiment; returns what each method concluded."""
    rng = np.random.default_rng(seed)
    salt = f"bench-{seed}"
    arms = [assign(salt, f"acct-{i}", ["control", "treatment"], [1, 1], 1.0) for i in range(units)]
    treated = np.array([a == "treatment" for a in arms])
    o = respond(rng, treated, model)
    t, c = treated, ~treated
    truth = model.true_effects()
    out: dict[str, Any] = {"srm": srm_check([int(c.sum()), int(t.sum())], [1, 1]).mismatch}
    fixed = ratio_delta(o.reshares[t], o.views[t], o.reshares[c], o.views[c], ALPHA)
    cup, _ = cuped(o.reshares[t], o.pre["reshares"][t], o.reshares[c], o.pre["reshares"][c], ALPHA)
    out["fixed"] = (
        fixed.p_value < ALPHA,
        fixed.ci_low <= truth["reshares_per_view"] <= fixed.ci_high,
    )
    out["cuped"] = (cup.p_value < ALPHA, cup.ci_low <= truth["reshares"] <= cup.ci_high)
    for method in ("gavi", "msprt"):
        seq = monitor_ratio(o.reshares[t], o.views[t], o.reshares[c], o.views[c], ALPHA, method)
        covered = seq.ci_low <= truth["reshares_per_view"] <= seq.ci_high
        out[method] = (seq.rejected, covered)
    if naive:
        out["naive_peeking"] = _naive_peeking(o.reshares[t], o.views[t], o.reshares[c], o.views[c])
    return out


def run(runs: int, units: int, scale: float, seed0: int, naive: bool) -> dict[str, Any]:
    model = ResponseModel.for_intervention("share_prompt", scale=scale)
    results = [one_run(seed0 + i, units, model, naive) for i in range(runs)]
    out: dict[str, Any] = {"runs": runs, "units": units, "true_effects": model.true_effects()}
    for key in ("fixed", "cuped", "gavi", "msprt"):
        out[key] = {
            "declared": _rate(sum(bool(r[key][0]) for r in results), runs),
            "covered": _rate(sum(bool(r[key][1]) for r in results), runs),
        }
    out["srm_flagged"] = _rate(sum(bool(r["srm"]) for r in results), runs)
    if naive:
        out["naive_peeking_declared"] = _rate(sum(bool(r["naive_peeking"]) for r in results), runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="A/A runs (>= 1000)")
    parser.add_argument("--planted-runs", type=int, default=1000)
    parser.add_argument("--units", type=int, default=4000, help="accounts per experiment")
    parser.add_argument("--naive-runs", type=int, default=300, help="A/A runs with naive peeking")
    args = parser.parse_args()
    if args.runs < 1 or args.planted_runs < 1 or args.units < 400:
        parser.error("runs >= 1 and units >= 400")
    started = time.perf_counter()
    report = {
        "alpha": ALPHA,
        "aa": run(args.runs, args.units, 0.0, 1_000_000, naive=False),
        "aa_naive": run(args.naive_runs, args.units, 0.0, 5_000_000, naive=True),
        "planted": run(args.planted_runs, args.units, 1.0, 9_000_000, naive=False),
        "elapsed_s": 0.0,
    }
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
