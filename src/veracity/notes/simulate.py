"""Synthetic community-note ratings from a population with two camps: the test oracle.

Every rater belongs to camp A or camp B (the hidden "perspective" the bridging model should
recover as its factor). Every note has a kind that fixes how likely each camp is to rate it
helpful:

* ``bridging``: both camps find it helpful; it should become helpful.
* ``one_camp``: one camp finds it helpful, the other not; it must not become helpful, however
  many of that camp rate it.
* ``unhelpful``: neither camp does; it should become not helpful.
* ``mixed``: both camps are lukewarm; it should stay "needs more ratings".

Optionally, lockstep groups are planted: accounts that rate ordinary notes as a neutral rater
would (so their rater parameters look normal) and, within a minute of each other, rate a few
target notes (``mixed`` ones by default) helpful. They are the attack the integrity module
must discount.

Pure numpy and deterministic for a seed; 10 million ratings take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from veracity.notes.params import DAY_S, HOUR_S


class NoteKind(IntEnum):
    BRIDGING = 0
    ONE_CAMP = 1
    UNHELPFUL = 2
    MIXED = 3


CAMP_A, CAMP_B, RING = 0, 1, 2


@dataclass(frozen=True)
class CampConfig:
    """Population size and shape. ``kind_shares`` are bridging, one-camp, unhelpful, mixed."""

    raters: int = 2_000
    notes: int = 1_000
    ratings: int = 60_000
    camp_a_share: float = 0.55
    kind_shares: tuple[float, float, float, float] = (0.15, 0.25, 0.45, 0.15)
    helpful_yes: float = 0.92  # P(helpful) for a camp that likes the note
    helpful_no: float = 0.06  # P(helpful) for a camp that does not
    helpful_mixed: float = 0.45
    somewhat_share: float = 0.12  # of the remaining probability mass
    rater_bias_sd: float = 0.04
    activity_sigma: float = 1.0  # log-normal spread of how much raters rate
    popularity_sigma: float = 0.8  # log-normal spread of how many ratings notes get
    start: int = 1_767_225_600  # 2026-01-01T00:00:00Z
    span_days: float = 10.0
    lockstep_groups: int = 0
    lockstep_size: int = 25
    lockstep_targets: int = 6
    lockstep_cover_ratings: int = 20
    lockstep_target_kind: NoteKind = NoteKind.MIXED
    seed: int = 7

    def __post_init__(self) -> None:
        if self.raters < 2 or self.notes < 1 or self.ratings < 1:
            raise ValueError("need at least 2 raters, 1 note and 1 rating")
        if abs(sum(self.kind_shares) - 1.0) > 1e-6 or min(self.kind_shares) < 0:
            raise ValueError("kind_shares must be non-negative and sum to 1")
        if not 0 < self.camp_a_share < 1:
            raise ValueError("camp_a_share must be in (0, 1)")


@dataclass
class SyntheticRatings:
    """Ratings as parallel arrays, with the truth that generated them."""

    note: NDArray[np.int32]
    rater: NDArray[np.int32]
    value: NDArray[np.float32]
    at: NDArray[np.int64]
    note_kind: NDArray[np.int8]
    note_favoured_camp: NDArray[np.int8]  # for one_camp notes: the camp that likes it
    note_created_at: NDArray[np.int64]
    note_author: NDArray[np.int32]  # participant index (authors come after the raters)
    rater_camp: NDArray[np.int8]
    n_notes: int
    n_raters: int
    n_participants: int
    lockstep_members: list[NDArray[np.int32]] = field(default_factory=list)
    lockstep_targets: list[NDArray[np.int32]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.value)


def _p_helpful(cfg: CampConfig, kind: NDArray[np.int8], favoured: NDArray[np.int8]) -> NDArray:
    """(notes, 2): P(helpful) per note for camp A and camp B."""
    p = np.empty((len(kind), 2))
    p[:] = cfg.helpful_no
    p[kind == NoteKind.BRIDGING] = cfg.helpful_yes
    p[kind == NoteKind.MIXED] = cfg.helpful_mixed
    one = kind == NoteKind.ONE_CAMP
    p[one, 0] = np.where(favoured[one] == CAMP_A, cfg.helpful_yes, cfg.helpful_no)
    p[one, 1] = np.where(favoured[one] == CAMP_B, cfg.helpful_yes, cfg.helpful_no)
    return p


def _values(rng: np.random.Generator, p: NDArray, somewhat: float) -> NDArray[np.float32]:
    """1.0 with probability p, else 0.5 with probability ``somewhat``, else 0.0."""
    u = rng.random(len(p))
    out = np.zeros(len(p), dtype=np.float32)
    out[u < p] = 1.0
    mid = (u >= p) & (u < p + (1 - p) * somewhat)
    out[mid] = 0.5
    return out


def two_camp_ratings(cfg: CampConfig | None = None) -> SyntheticRatings:
    """Generate ratings (one per rater and note at most) for the configured population."""
    cfg = cfg or CampConfig()
    rng = np.random.default_rng(cfg.seed)
    n_r, n_n = cfg.raters, cfg.notes
    camp = np.where(rng.random(n_r) < cfg.camp_a_share, CAMP_A, CAMP_B).astype(np.int8)
    kind = rng.choice(4, size=n_n, p=list(cfg.kind_shares)).astype(np.int8)
    favoured = rng.integers(0, 2, n_n).astype(np.int8)
    created = cfg.start + (rng.random(n_n) * cfg.span_days * DAY_S).astype(np.int64)
    bias = rng.normal(0.0, cfg.rater_bias_sd, n_r)

    activity = rng.lognormal(0.0, cfg.activity_sigma, n_r)
    popularity = rng.lognormal(0.0, cfg.popularity_sigma, n_n)
    draws = int(cfg.ratings * 1.15) + 16
    notes = rng.choice(n_n, size=draws, p=popularity / popularity.sum()).astype(np.int64)
    raters = rng.choice(n_r, size=draws, p=activity / activity.sum()).astype(np.int64)
    _, first = np.unique(notes * n_r + raters, return_index=True)
    first = np.sort(first)[: cfg.ratings]
    notes, raters = notes[first], raters[first]

    p = _p_helpful(cfg, kind, favoured)[notes, camp[raters]]
    p = np.clip(p + bias[raters], 0.0, 1.0)
    value = _values(rng, p, cfg.somewhat_share)
    delay = np.minimum(rng.exponential(8 * HOUR_S, len(notes)), 40 * HOUR_S).astype(np.int64)
    at = created[notes] + delay

    members: list[NDArray[np.int32]] = []
    targets: list[NDArray[np.int32]] = []
    note_l, rater_l, value_l, at_l = [notes], [raters], [value], [at]
    n_participants_raters = n_r
    candidates = np.flatnonzero(kind == cfg.lockstep_target_kind)
    for _ in range(cfg.lockstep_groups):
        ids = np.arange(n_participants_raters, n_participants_raters + cfg.lockstep_size)
        n_participants_raters += cfg.lockstep_size
        camp = np.concatenate([camp, np.full(cfg.lockstep_size, RING, dtype=np.int8)])
        goal = rng.choice(
            candidates, size=min(cfg.lockstep_targets, len(candidates)), replace=False
        )
        members.append(ids.astype(np.int32))
        targets.append(goal.astype(np.int32))
        for member in ids:  # cover: rate ordinary notes as the average rater would
            cover = rng.choice(n_n, size=cfg.lockstep_cover_ratings, replace=False)
            cover = cover[~np.isin(cover, goal)]
            pc = _p_helpful(cfg, kind, favoured)[cover].mean(axis=1)
            note_l.append(cover)
            rater_l.append(np.full(len(cover), member))
            value_l.append(_values(rng, pc, cfg.somewhat_share))
            at_l.append(created[cover] + rng.integers(HOUR_S, 30 * HOUR_S, len(cover)))
        for target in goal:  # the attack: everyone rates it helpful within a minute
            t0 = created[target] + int(rng.integers(HOUR_S, 20 * HOUR_S))
            note_l.append(np.full(len(ids), target))
            rater_l.append(ids)
            value_l.append(np.ones(len(ids), dtype=np.float32))
            at_l.append(t0 + rng.integers(0, 60, len(ids)))

    n_participants = n_participants_raters + n_n  # one author per note, after the raters
    order = np.lexsort((np.concatenate(rater_l), np.concatenate(at_l)))
    return SyntheticRatings(
        note=np.concatenate(note_l)[order].astype(np.int32),
        rater=np.concatenate(rater_l)[order].astype(np.int32),
        value=np.concatenate(value_l)[order].astype(np.float32),
        at=np.concatenate(at_l)[order].astype(np.int64),
        note_kind=kind,
        note_favoured_camp=favoured,
        note_created_at=created,
        note_author=(n_participants_raters + np.arange(n_n)).astype(np.int32),
        rater_camp=camp,
        n_notes=n_n,
        n_raters=n_participants_raters,
        n_participants=n_participants,
        lockstep_members=members,
        lockstep_targets=targets,
    )
