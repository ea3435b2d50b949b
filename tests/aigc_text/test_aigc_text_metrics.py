"""Metric functions against cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from veracity.detect.aigc.text import metrics


def test_auroc_counts_pairs_won() -> None:
    # machine 0.35 beats human 0.1 but not 0.4; machine 0.8 beats both: 3 of 4 pairs
    assert metrics.auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)


def test_auroc_ties_count_half() -> None:
    assert metrics.auroc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert metrics.auroc([0, 0, 1], [0.2, 0.7, 0.7]) == pytest.approx(0.75)


def test_auroc_perfect_and_inverted() -> None:
    assert metrics.auroc([0, 0, 1, 1], [1, 2, 3, 4]) == 1.0
    assert metrics.auroc([0, 0, 1, 1], [4, 3, 2, 1]) == 0.0


def test_tpr_at_one_percent_fpr() -> None:
    negatives = [i / 100 for i in range(100)]  # 0.00 .. 0.99
    positives = [0.995, 0.985, 0.5]
    labels = [0] * 100 + [1] * 3
    # threshold 0.985 lets exactly one human (0.99) through: FPR 1 %, TPR 2/3
    assert metrics.tpr_at_fpr(labels, negatives + positives, 0.01) == pytest.approx(2 / 3)
    # no human may pass: only 0.995 is above every human score
    assert metrics.tpr_at_fpr(labels, negatives + positives, 0.0) == pytest.approx(1 / 3)


def test_tpr_at_fpr_zero_when_nothing_separates() -> None:
    assert metrics.tpr_at_fpr([0, 1], [0.9, 0.1], 0.01) == 0.0


def test_accuracy_and_f1() -> None:
    labels, predicted = [1, 1, 0, 0], [1, 0, 1, 0]
    assert metrics.accuracy(labels, predicted) == 0.5
    assert metrics.f1(labels, predicted) == pytest.approx(0.5)  # tp 1, fp 1, fn 1
    assert metrics.f1([0, 0], [0, 0]) == 0.0


def test_report_thresholds_probabilities() -> None:
    result = metrics.report([0, 0, 1, 1], np.array([0.1, 0.6, 0.4, 0.9]))
    assert result["accuracy"] == 0.5
    assert result["auroc"] == pytest.approx(0.75)
    assert result["n"] == 4 and result["n_machine"] == 2


@pytest.mark.parametrize(
    ("labels", "scores", "message"),
    [
        ([1, 1], [0.1, 0.2], "both"),
        ([0, 2], [0.1, 0.2], "0 \\(human\\) or 1"),
        ([0, 1], [0.1], "shape"),
        ([0, 1], [0.1, float("nan")], "NaN"),
    ],
)
def test_bad_input_is_named(labels: list[int], scores: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        metrics.auroc(labels, scores)
