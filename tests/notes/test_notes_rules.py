"""Status rules and contributor helpfulness on hand-made numbers (specs.md section 4.3)."""

from __future__ import annotations

from typing import Any

import numpy as np

from veracity.notes.contributors import helpfulness, valid_ratings
from veracity.notes.params import ScorerParams
from veracity.notes.rules import RULES, NoteFacts, SignStats, Status, final_round, first_round

P = ScorerParams()
NMR, CRH, CRNH = Status.NEEDS_MORE_RATINGS, Status.HELPFUL, Status.NOT_HELPFUL


def _facts(**over: object) -> NoteFacts:
    """One note per field value; defaults describe a comfortably helpful, balanced note."""
    n = max(len(v) for v in over.values() if isinstance(v, list)) if over else 1

    def arr(name: str, default: object, dtype: Any) -> np.ndarray:
        value = over.get(name, default)
        return np.array(value if isinstance(value, list) else [value] * n, dtype=dtype)

    signs = SignStats(
        min_sign_count=arr("min_sign", 10, np.int64),
        neg_mean=arr("neg_mean", 0.9, np.float64),
        pos_mean=arr("pos_mean", 0.9, np.float64),
        net_min_helpful=arr("net_min", 12, np.int64),
        net_min_ratio=arr("net_ratio", 0.4, np.float64),
    )
    return NoteFacts(
        n_ratings=arr("n", 30, np.int64),
        intercept=arr("intercept", 0.45, np.float64),
        factor=arr("factor", 0.1, np.float64),
        misleading=arr("misleading", True, bool),
        previous=arr("previous", NMR, np.int8),
        signs=signs,
        intercept_no_high_vol=arr("no_hv", np.nan, np.float64),
        intercept_no_correlated=arr("no_corr", np.nan, np.float64),
        locked=arr("locked", -1, np.int8),
    )


def _status(**over: object) -> list[tuple[int, str]]:
    status, rule = final_round(_facts(**over), P)
    return [(int(s), RULES[int(r)]) for s, r in zip(status, rule, strict=True)]


def test_helpful_needs_intercept_040_and_a_small_factor() -> None:
    got = _status(intercept=[0.40, 0.399, 0.45, 0.45], factor=[0.1, 0.1, 0.49, 0.51])
    assert got == [
        (CRH, "GeneralCRH"),
        (NMR, "InitialNMR"),
        (CRH, "GeneralCRH"),
        (NMR, "FilterLargeFactor"),
    ]


def test_helpful_needs_five_ratings_and_a_misleading_classification() -> None:
    assert _status(n=[4, 5]) == [(NMR, "InitialNMR"), (CRH, "GeneralCRH")]
    assert _status(misleading=[False]) == [(NMR, "InitialNMR")]


def test_not_helpful_line_moves_with_the_factor() -> None:
    # -0.05 - 0.8 * |f|: at f = 0.5 the line is -0.45.
    got = _status(
        intercept=[-0.05, -0.04, -0.44, -0.45],
        factor=[0.0, 0.0, 0.5, -0.5],
        neg_mean=0.5,
        pos_mean=0.5,
    )
    assert [s for s, _ in got] == [CRNH, NMR, NMR, CRNH]


def test_ratio_rule_and_not_misleading_rule() -> None:
    got = _status(intercept=[0.1, 0.1], neg_mean=[0.3, 0.5], pos_mean=[0.3, 0.1], min_sign=3)
    assert got == [(CRNH, "RatioCRNH"), (NMR, "InitialNMR")]
    assert _status(intercept=[-0.16], misleading=[False]) == [(CRNH, "NmCRNH")]


def test_inertia_keeps_a_helpful_note_within_001_of_the_threshold() -> None:
    got = _status(intercept=[0.395, 0.395, 0.389], previous=[CRH, NMR, CRH])
    assert got == [(CRH, "GeneralCRHInertia"), (NMR, "InitialNMR"), (NMR, "InitialNMR")]


def test_minority_raters_and_balance() -> None:
    got = _status(net_min=[3, 4, 9, 10], net_ratio=[0.5, 0.04, 0.04, 0.01])
    assert got == [
        (NMR, "MinMinorityRaters"),
        (NMR, "RaterBalance"),
        (NMR, "RaterBalance"),
        (CRH, "GeneralCRH"),
    ]


def test_intercepts_without_high_volume_or_correlated_raters() -> None:
    got = _status(no_hv=[0.36, 0.38, np.nan], no_corr=[0.5, 0.30, np.nan])
    assert got == [(NMR, "NoHighVolIntercept"), (NMR, "NoCorrelatedIntercept"), (CRH, "GeneralCRH")]


def test_locked_status_wins() -> None:
    got = _status(intercept=[0.6, -0.5], locked=[NMR, CRH])
    assert got == [(NMR, "Locked"), (CRH, "Locked")]


def test_first_round_uses_only_intercept_rules() -> None:
    status, _ = first_round(_facts(intercept=[0.45, 0.45], factor=[0.9, 0.1], net_min=[0, 0]), P)
    assert status.tolist() == [CRH, CRH]  # large factor and minority rules are final-round only


def test_rater_helpfulness_counts_valid_ratings_only() -> None:
    # notes: 0 helpful, 1 not helpful, 2 undecided; created at t=0, 1000 and 0.
    created = np.array([0, 1000, 0])
    last = np.array([-1, -1, -1])
    note = np.array([0, 1, 2, 0, 1, 0, 0])
    rater = np.array([0, 0, 0, 1, 1, 2, 3])
    value = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.5])
    at = np.array([10, 1010, 10, 10, 1010, 3 * 86400, 10])
    valid = valid_ratings(note, value, at, created, last, P.valid_rating_window_s)
    # late (after 48 h) and "somewhat" ratings are not valid
    assert valid.tolist() == [True, True, True, True, True, False, False]
    h = helpfulness(
        note=note,
        rater=rater,
        value=value,
        valid=valid,
        status=np.array([CRH, CRNH, NMR], dtype=np.int8),
        intercept=np.array([0.5, -0.3, 0.1]),
        note_author=np.array([5, 5, 4]),
        n_participants=6,
        params=P,
    )
    assert h.agree_ratio[:2].tolist() == [1.0, 0.0]
    assert np.isnan(h.agree_ratio[2]) and np.isnan(h.agree_ratio[3])
    assert h.helpful.tolist() == [True, False, False, False, False, False]
    # author 5 wrote one helpful and one not-helpful note: 1/2 - 5 * 1/2 < 0
    assert h.author_ratio_diff[5] == -2.0 and h.author_mean_score[5] == 0.1
    assert h.author_notes[4] == 1 and h.author_notes[0] == 0


def test_a_status_change_after_the_rating_makes_it_invalid() -> None:
    valid = valid_ratings(
        np.array([0, 0]),
        np.array([1.0, 1.0]),
        np.array([100, 300]),
        np.array([0]),
        np.array([200]),
        P.valid_rating_window_s,
    )
    assert valid.tolist() == [True, False]
