"""Detector-quality formulas: precision and recall at thresholds, calibration bins, PSI/KS
drift, suggested thresholds; and the drift command over stored signals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from measure_support import T0
from typer.testing import CliRunner

from veracity.cli import app
from veracity.measure.quality import (
    calibration,
    drift,
    precision_at,
    psi,
    recall_at,
    score_of,
    suggest_threshold,
)
from veracity.store.db import Database
from veracity.store.tables import SignalRow

runner = CliRunner()
PAIRS = [(0.1, False), (0.2, False), (0.6, True), (0.7, False), (0.9, True), (0.95, True)]


def test_precision_and_recall_at_a_threshold() -> None:
    p = precision_at(PAIRS, 0.6)
    assert (p["flagged"], p["precision"]) == (4, 0.75)
    assert p["ci95"][0] < 0.75 < p["ci95"][1]
    r = recall_at(PAIRS, 0.9)
    assert (r["positives"], r["recall"]) == (3, pytest.approx(2 / 3))
    assert precision_at(PAIRS, 0.99)["precision"] is None


def test_calibration_bins_hold_every_item_once() -> None:
    bins = calibration([*PAIRS, (1.0, True), (0.0, False)], bins=5)
    assert sum(b["n"] for b in bins) == 8
    top = bins[-1]
    assert top["bin"] == [0.8, 1.0] and top["observed"] == 1.0
    with pytest.raises(ValueError):
        calibration(PAIRS, bins=0)


def test_psi_is_zero_for_the_same_distribution_and_large_for_a_shift() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.beta(2, 5, 5000).tolist(), rng.beta(2, 5, 5000).tolist()
    shifted = rng.beta(5, 2, 5000).tolist()
    assert psi(a, b) < 0.02
    assert psi(a, shifted) > 1.0
    same, moved = drift(a, b), drift(a, shifted)
    assert same["verdict"] == "stable" and moved["verdict"] == "shifted"
    assert moved["ks"] > 0.5 and moved["ks_p"] < 1e-6
    assert psi([0.5] * 10, [0.5] * 10) == pytest.approx(0.0, abs=1e-9)  # one distinct value
    with pytest.raises(ValueError):
        psi([], [0.1])


def test_suggested_threshold_reaches_the_target_and_reports_its_effect() -> None:
    rng = np.random.default_rng(3)
    scores = rng.random(2000)
    reviewed = [(float(s), bool(rng.random() < s)) for s in scores]  # calibrated detector
    got = suggest_threshold(reviewed, 0.9, current=0.5, sample=reviewed)
    sug = got["suggested"]
    assert sug is not None and sug["ci95"][0] >= 0.9 and sug["threshold"] > 0.5
    assert sug["flagged_change"] < 0  # stricter: fewer flagged
    assert sug["recall"] < got["current"]["recall"]
    assert suggest_threshold([(0.5, False)] * 20, 0.9, 0.5)["suggested"] is None
    with pytest.raises(ValueError):
        suggest_threshold(reviewed, 0.0, 0.5)


@pytest.mark.parametrize(
    ("outputs", "expected"),
    [
        ({"probability": 0.4}, 0.4),
        ({"score": 2}, 2.0),
        ({"probability": 0.9, "scored": False}, None),
        ({"probability": True}, None),
        ({"probability": float("nan")}, None),
        ({"probability": "0.9"}, None),
        (None, None),
    ],
)
def test_score_of_reads_only_finite_numbers(
    outputs: dict[str, Any] | None, expected: float | None
) -> None:
    assert score_of(outputs) == expected


def test_drift_command_compares_two_windows_of_stored_scores(db: Database) -> None:
    rng = np.random.default_rng(5)
    with db.transaction() as s:
        for i in range(400):
            later = i >= 200
            score = float(rng.beta(5, 2) if later else rng.beta(2, 5))
            s.add(
                SignalRow(
                    subject_type="content",
                    subject_id=f"x{i}",
                    detector="spam_behaviour",
                    detector_version="1",
                    outputs={"probability": score},
                    evidence={},
                    created_at=T0 + timedelta(days=8 if later else 1),
                )
            )
    args = [
        "measure",
        "drift",
        "--detector",
        "spam_behaviour",
        "--database-url",
        db.url,
        "--baseline-until",
        "2026-11-05",
        "--since",
        "2026-11-05",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["verdict"] == "shifted" and got["n_expected"] == 200 and got["n_actual"] == 200
    none = runner.invoke(app, [*args[:-1], "2030-01-01"])
    assert none.exit_code == 2 and "no scores in the current window" in none.output
    bad = runner.invoke(app, [*args[:-1], "soon"])
    assert bad.exit_code == 2 and "ISO-8601" in bad.output
