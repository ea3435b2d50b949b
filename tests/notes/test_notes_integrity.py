"""Lockstep rater groups: found, discounted, and what the discount protects."""

from __future__ import annotations

import numpy as np
from notes_support import input_of

from veracity.notes.integrity import IntegrityResult, RaterGroup, check_integrity, discount
from veracity.notes.rules import Status
from veracity.notes.scorer import score
from veracity.notes.simulate import CampConfig, SyntheticRatings, two_camp_ratings


def _check(s: SyntheticRatings) -> IntegrityResult:
    return check_integrity(
        s.note, s.rater, s.value.astype(np.float64), s.at, s.note_author, s.n_participants
    )


def test_planted_groups_are_found_exactly() -> None:
    s = two_camp_ratings(
        CampConfig(
            raters=1000,
            notes=400,
            ratings=25_000,
            lockstep_groups=3,
            lockstep_size=6,
            lockstep_targets=4,
            seed=5,
        )
    )
    result = _check(s)
    found = sorted(tuple(g.members) for g in result.groups)
    assert found == sorted(tuple(m.tolist()) for m in s.lockstep_members)
    for group, targets in zip(
        sorted(result.groups, key=lambda g: g.members), s.lockstep_targets, strict=True
    ):
        assert sorted(n for n, _ in group.targets) == sorted(targets.tolist())
    members = np.concatenate(s.lockstep_members)
    assert set(np.flatnonzero(result.correlated)) == set(members.tolist())


def test_organic_raters_form_no_groups() -> None:
    for seed in (1, 2):
        s = two_camp_ratings(CampConfig(raters=5000, notes=7500, ratings=300_000, seed=seed))
        result = _check(s)
        assert result.groups == [] and result.keep.all()
        assert result.pairs > 10_000  # plenty of raters did meet on notes


def test_discount_keeps_one_rating_per_group_and_note() -> None:
    # raters 0-2 are a group; 3 is not. Note 0: all four rate; note 1 was written by rater 1.
    note = np.array([0, 0, 0, 0, 1, 1, 1])
    rater = np.array([2, 0, 1, 3, 0, 2, 3])
    at = np.array([5, 7, 6, 1, 1, 2, 3])
    groups = [RaterGroup(members=[0, 1, 2], targets=[], first_ts=0, last_ts=0)]
    keep, correlated = discount(note, rater, at, np.array([-1, 1]), groups, 4)
    # note 0: the group's first rating (rater 2 at t=5) stays; note 1: none of the group's
    assert keep.tolist() == [True, False, False, True, False, False, True]
    assert correlated.tolist() == [True, True, True, False]


def test_discount_stops_a_group_from_rating_a_note_helpful() -> None:
    """A large group that rates like ordinary raters elsewhere and pushes a few lukewarm notes
    together: without the discount they become helpful; with it, none does."""
    s = two_camp_ratings(
        CampConfig(
            raters=1000,
            notes=400,
            ratings=25_000,
            lockstep_groups=1,
            lockstep_size=120,
            lockstep_targets=5,
            seed=5,
        )
    )
    targets = s.lockstep_targets[0]
    undefended = score(input_of(s))
    assert np.sum(undefended.status[targets] == Status.HELPFUL) >= 4
    checked = _check(s)
    assert [len(g.members) for g in checked.groups] == [120]
    defended = score(input_of(s, checked.keep, correlated=checked.correlated))
    assert not np.any(defended.status[targets] == Status.HELPFUL)
    # ordinary notes are scored as before
    others = np.setdiff1d(np.arange(s.n_notes), targets)
    same = np.mean(defended.status[others] == undefended.status[others])
    assert same > 0.97
