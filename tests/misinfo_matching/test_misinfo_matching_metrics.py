import pytest

from veracity.detect.misinfo.matching.metrics import (
    average_precision_at_k,
    expected_calibration_error,
    map_at_k,
    recall_at_k,
)


def test_average_precision_hand_computed():
    # relevant at ranks 1 and 3 of 2 relevant: (1/1 + 2/3) / 2
    assert average_precision_at_k(["a", "x", "b"], {"a", "b"}, 5) == pytest.approx((1 + 2 / 3) / 2)
    # only one relevant, found at rank 2
    assert average_precision_at_k(["x", "a"], {"a"}, 5) == pytest.approx(0.5)
    # beyond k does not count
    assert average_precision_at_k(["x", "y", "a"], {"a"}, 2) == 0.0


def test_map_ties_follow_given_order_and_missing_queries_score_zero():
    qrels = {"q1": {"a"}, "q2": {"b"}, "q3": {"c"}}
    # q1's two tied candidates: the ranker put the wrong one first, so AP = 1/2
    runs = {"q1": ["x", "a"], "q2": ["b"]}
    assert map_at_k(runs, qrels, 5) == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert map_at_k(runs, qrels, 1) == pytest.approx(1 / 3)


def test_recall_at_k():
    qrels = {"q1": {"a", "b"}, "q2": {"c"}}
    runs = {"q1": ["a", "x", "y", "z", "w", "b"], "q2": ["c"]}
    assert recall_at_k(runs, qrels, 5) == pytest.approx((0.5 + 1.0) / 2)


def test_ece():
    assert expected_calibration_error([0.9, 0.9], [1, 1]) == pytest.approx(0.1)
    assert expected_calibration_error([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]) == pytest.approx(0.0)
    with pytest.raises(ValueError):
        expected_calibration_error([0.5], [])


def test_metrics_reject_empty_qrels():
    with pytest.raises(ValueError):
        map_at_k({}, {}, 5)
