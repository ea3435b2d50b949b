"""The intervention-response model: its truth is what the estimators find, and the events it
writes into the log are the ones the readout counts."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from veracity.experiments.collect import collect
from veracity.experiments.model import ExperimentIn
from veracity.experiments.simulate import simulate_experiment
from veracity.experiments.stats import ratio_delta
from veracity.experiments.store import create_experiment, definition_of, get_experiment
from veracity.sim.interventions import ResponseModel, respond
from veracity.store.db import Database, utcnow
from veracity.store.tables import EventRow


def test_share_prompt_truth_and_recovery_in_memory() -> None:
    model = ResponseModel.for_intervention("share_prompt")
    truth = model.true_effects()
    assert truth["views"] == 0.0
    assert truth["reshares_per_view"] == pytest.approx(-0.24 * 2 / 62)
    rng = np.random.default_rng(5)
    treated = rng.random(40_000) < 0.5
    o = respond(rng, treated, model)
    est = ratio_delta(
        o.reshares[treated], o.views[treated], o.reshares[~treated], o.views[~treated]
    )
    assert est.ci_low < truth["reshares_per_view"] < est.ci_high
    assert est.rel_effect == pytest.approx(-0.24, abs=0.05)
    # The pre-period is correlated with the experiment period: what makes CUPED useful.
    assert np.corrcoef(o.pre["reshares"], o.reshares)[0, 1] > 0.3


def test_label_lowers_views() -> None:
    model = ResponseModel.for_intervention("reduced_distribution")
    rng = np.random.default_rng(6)
    treated = np.r_[np.ones(5000, bool), np.zeros(5000, bool)]
    o = respond(rng, treated, model)
    ratio = o.views[treated].mean() / o.views[~treated].mean()
    assert ratio == pytest.approx(0.7, abs=0.05)


def test_unknown_intervention_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown intervention"):
        ResponseModel.for_intervention("mind_control")


def test_simulated_events_are_what_the_readout_counts(db: Database) -> None:
    now = utcnow()
    d = ExperimentIn(
        key="sim-1",
        name="sim",
        intervention="share_prompt",
        starts_at=now - timedelta(days=1),
        ends_at=now,
        pre_period_days=2,
        coverage=0.8,
        salt="s",
    )
    with db.transaction() as session:
        create_experiment(session, d, "test", now)
    out = simulate_experiment(db, "sim-1", 400, ResponseModel(), seed=3)
    assert out["exposures"]["holdout"] > 0
    assert out["exposures"]["logged"] + out["exposures"]["holdout"] == 400
    with db.transaction() as session:
        written = session.scalar(select(func.count()).select_from(EventRow))
        row = get_experiment(session, "sim-1")
        data = collect(session, "sim-1", definition_of(row))
    counted = sum(
        float(data.values[k].sum()) for k in ("views", "reshares", "pre_views", "pre_reshares")
    )
    assert written == out["events_written"] == counted
    # Re-running writes nothing new: event ids and exposures are idempotent.
    again = simulate_experiment(db, "sim-1", 400, ResponseModel(), seed=3)
    assert again["exposures"]["logged"] == 0
    assert again["readout"] == out["readout"]


def test_simulation_refuses_a_running_experiment(db: Database) -> None:
    now = utcnow()
    d = ExperimentIn(key="live", name="x", intervention="policy", starts_at=now)
    with db.transaction() as session:
        create_experiment(session, d, "test", now)
    with pytest.raises(ValueError, match="not ended"):
        simulate_experiment(db, "live", 10, ResponseModel())
