"""Rating normalisation: verdict texts in several languages and numeric scales, one scale out."""

from __future__ import annotations

import pytest

from veracity.detect.misinfo.factchecks.ratings import (
    Rating,
    normalise_rating,
    rating_from_scale,
    rating_from_text,
)

R = Rating
TEXT_TABLE = [
    ("False", R.FALSE),
    ("FALSE.", R.FALSE),
    ("Pants on Fire!", R.FALSE),
    ("Not true", R.FALSE),
    ("Fake", R.FALSE),
    ("Falso", R.FALSE),
    ("Faux", R.FALSE),
    ("Falsch", R.FALSE),
    ("Onwaar", R.FALSE),
    ("Bulo", R.FALSE),
    ("Фейк", R.FALSE),
    ("Mostly False", R.PARTLY_FALSE),
    ("Half True", R.PARTLY_FALSE),
    ("Partly false", R.PARTLY_FALSE),
    ("Mixture", R.PARTLY_FALSE),
    ("Parcialmente falso", R.PARTLY_FALSE),
    ("En partie faux", R.PARTLY_FALSE),
    ("Teilweise falsch", R.PARTLY_FALSE),
    ("Misleading", R.MISSING_CONTEXT),
    ("Out of context", R.MISSING_CONTEXT),
    ("Missing context", R.MISSING_CONTEXT),
    ("Engañoso", R.MISSING_CONTEXT),
    ("Hors contexte", R.MISSING_CONTEXT),
    ("Irreführend", R.MISSING_CONTEXT),
    ("Fuori contesto", R.MISSING_CONTEXT),
    ("Miscaptioned", R.MISSING_CONTEXT),
    ("Altered photo", R.ALTERED),
    ("Manipulated video", R.ALTERED),
    ("Foto manipulada", R.ALTERED),
    ("Deepfake", R.ALTERED),
    ("Satire", R.SATIRE),
    ("Labeled Satire", R.SATIRE),
    ("Sátira", R.SATIRE),
    ("True", R.TRUE),
    ("Mostly True", R.TRUE),
    ("Correct", R.TRUE),
    ("Verdadero", R.TRUE),
    ("Vrai", R.TRUE),
    ("Wahr", R.TRUE),
    ("Unproven", R.UNRATED),
    ("Research in progress", R.UNRATED),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_TABLE)
def test_verdict_text_maps_to_one_rating(text: str, expected: Rating) -> None:
    assert normalise_rating(text) is expected


@pytest.mark.parametrize("text", [None, "", "   ", "!!!", "Some words we do not know"])
def test_unknown_or_empty_text_maps_to_nothing(text: str | None) -> None:
    assert rating_from_text(text) is None
    assert normalise_rating(text) is R.UNRATED


@pytest.mark.parametrize(
    ("value", "best", "worst", "expected"),
    [
        (1, 5, 1, R.FALSE),
        (2, 5, 1, R.PARTLY_FALSE),
        (3, 5, 1, R.PARTLY_FALSE),
        (4, 5, 1, R.TRUE),
        (5, 5, 1, R.TRUE),
        (1, None, None, R.FALSE),  # schema.org defaults: best 5, worst 1
        (0, 10, 0, R.FALSE),
        (10, 10, 0, R.TRUE),
        (-1, 5, 1, None),  # fact-checkers' "no rating"
        (3, 5, 5, None),  # degenerate scale
        (7, 5, 1, None),  # outside the range
    ],
)
def test_numeric_scale(
    value: float, best: float | None, worst: float | None, expected: Rating | None
) -> None:
    assert rating_from_scale(value, best, worst) is expected


def test_text_wins_over_number_and_number_fills_in() -> None:
    assert normalise_rating("Misleading", 1, 5, 1) is R.MISSING_CONTEXT
    assert normalise_rating("Schmarrn", 1, 5, 1) is R.FALSE
    assert normalise_rating(None, 5, 5, 1) is R.TRUE
    # An explicit "unproven" is not overridden by a number.
    assert normalise_rating("Unproven", 1, 5, 1) is R.UNRATED
