"""Contributor helpfulness scores: which raters' ratings the final round of scoring keeps.

A rater is helpful when their "valid" ratings (helpful or not helpful, made within 48 hours of
the note being written and before it last had a helpful or not-helpful status) agree with the
first round's verdict on the note at least 66 % of the time. A rater who also writes notes must
in addition write notes that are helpful more often than five times as often not helpful, with
a mean note intercept of at least 0.05 (contributor-scores.md; specs.md section 4.3).
The published harassment-rating penalty needs its tag-consensus model and is not applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from veracity.notes.params import ScorerParams
from veracity.notes.rules import Status

F64 = NDArray[np.float64]


@dataclass
class Helpfulness:
    """Per participant (rater or author)."""

    valid_ratings: NDArray[np.int64]
    agreeing: NDArray[np.int64]
    agree_ratio: F64  # NaN: no valid ratings
    author_notes: NDArray[np.int64]
    author_ratio_diff: F64  # P(helpful) - 5 P(not helpful); NaN: wrote no scored note
    author_mean_score: F64
    helpful: NDArray[np.bool_]


def valid_ratings(
    note: NDArray[np.int32],
    value: F64,
    at: NDArray[np.int64],
    note_created_at: NDArray[np.int64],
    note_last_rated_at: NDArray[np.int64],
    window_s: int,
) -> NDArray[np.bool_]:
    """Binary ratings made early enough to count as a prediction of the note's fate."""
    created = note_created_at[note]
    last = note_last_rated_at[note]
    early = (at - created) < window_s
    before_status = (last < 0) | (at < last)
    binary = (value == 0.0) | (value == 1.0)
    return np.asarray(early & before_status & binary)


def helpfulness(
    *,
    note: NDArray[np.int32],
    rater: NDArray[np.int32],
    value: F64,
    valid: NDArray[np.bool_],
    status: NDArray[np.int8],
    intercept: F64,
    note_author: NDArray[np.int32],
    n_participants: int,
    params: ScorerParams,
) -> Helpfulness:
    """Scores for every participant from first-round note statuses and intercepts."""
    n = n_participants
    st = status[note]
    decided = valid & ((st == Status.HELPFUL) | (st == Status.NOT_HELPFUL))
    agree = decided & (
        ((st == Status.HELPFUL) & (value == 1.0)) | ((st == Status.NOT_HELPFUL) & (value == 0.0))
    )
    counts = np.bincount(rater[decided], minlength=n).astype(np.int64)
    agreeing = np.bincount(rater[agree], minlength=n).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(counts > 0, agreeing / np.maximum(counts, 1), np.nan)

    scored = ~np.isnan(intercept) & (note_author >= 0)
    authors = note_author[scored]
    written = np.bincount(authors, minlength=n).astype(np.int64)
    crh = np.bincount(authors, weights=status[scored] == Status.HELPFUL, minlength=n)
    crnh = np.bincount(authors, weights=status[scored] == Status.NOT_HELPFUL, minlength=n)
    total = np.bincount(authors, weights=intercept[scored], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        net = crh - params.author_crnh_multiplier * crnh
        diff = np.where(written > 0, net / np.maximum(written, 1), np.nan)
        mean = np.where(written > 0, total / np.maximum(written, 1), np.nan)
        author_ok = (written == 0) | (
            (diff >= params.min_crh_vs_crnh_ratio) & (mean >= params.min_mean_note_score)
        )
        rater_ok = ratio >= params.min_rater_agree_ratio
    return Helpfulness(counts, agreeing, ratio, written, diff, mean, author_ok & rater_ok)
