"""Agreement and accuracy formulas against worked examples computed by hand."""

from __future__ import annotations

import pytest

from veracity.review.quality import accuracy, cohen_kappa, fleiss_kappa, percent_agreement


def test_cohen_kappa_worked_example() -> None:
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    # p_o = 35/50 = 0.7; A says yes 25/50, B says yes 30/50:
    # p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert percent_agreement(pairs) == pytest.approx(0.7)


def test_cohen_kappa_three_categories_by_hand() -> None:
    # 10 items, labels a/b/c. Agree on 6 (a,a x3; b,b x2; c,c x1), then (a,b) x2, (b,a), (c,a).
    # A: a 5, b 3, c 2.  B: a 5, b 4, c 1.
    # p_o = 0.6; p_e = (5*5 + 3*4 + 2*1) / 100 = 0.39; kappa = 0.21 / 0.61 = 0.344262...
    pairs = (
        [("a", "a")] * 3
        + [("b", "b")] * 2
        + [("c", "c")]
        + [("a", "b"), ("a", "b"), ("b", "a"), ("c", "a")]
    )
    assert cohen_kappa(pairs) == pytest.approx(0.21 / 0.61)


def test_cohen_kappa_perfect_chance_and_undefined() -> None:
    assert cohen_kappa([("a", "a"), ("b", "b")]) == pytest.approx(1.0)
    # Opposite on every item: p_o = 0, p_e = 0.5 -> -1.
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)
    # Everyone always says "a": chance agreement is certain, kappa undefined.
    assert cohen_kappa([("a", "a")] * 4) is None
    assert cohen_kappa([]) is None


def test_fleiss_kappa_wikipedia_example() -> None:
    # Fleiss (1971) as reproduced on Wikipedia: 10 items, 14 raters, 5 categories;
    # P = 0.378, P_e = 0.213, kappa = 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    items = [[cat for cat, n in enumerate(row) for _ in range(n)] for row in table]
    assert fleiss_kappa(items) == pytest.approx(0.20993, abs=1e-4)


def test_fleiss_kappa_two_raters_by_hand() -> None:
    # 4 items, 2 raters: (a,a) (a,b) (b,b) (b,b). P_i = 1, 0, 1, 1 -> P = 0.75.
    # p_a = 3/8, p_b = 5/8 -> P_e = 9/64 + 25/64 = 34/64; kappa = (0.75 - 34/64) / (30/64)
    # = (48/64 - 34/64) / (30/64) = 14/30.
    items = [["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]]
    assert fleiss_kappa(items) == pytest.approx(14 / 30)


def test_fleiss_kappa_refuses_uneven_or_single_ratings() -> None:
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([["a", "b"], ["a"]])
    with pytest.raises(ValueError, match="at least two"):
        fleiss_kappa([["a"], ["b"]])
    assert fleiss_kappa([]) is None
    assert fleiss_kappa([["a", "a"], ["a", "a"]]) is None


def test_accuracy() -> None:
    assert accuracy([True, True, False, True]) == pytest.approx(0.75)
    assert accuracy([]) is None
