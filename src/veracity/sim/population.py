"""Who is on the platform: organic users and creators, and the planted groups among them.

Accounts are columns of numpy arrays (memory O(accounts)); roles are assigned to a random
permutation so that ids say nothing about what an account is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from veracity.sim.scale import SimScale

DAY = 86400


class Role(IntEnum):
    ORGANIC = 0
    CREATOR = 1
    BOT = 2
    SPAMMER = 3
    CAMPAIGN = 4
    LOCKSTEP = 5
    TRUSTED = 6


FARM_KINDS: tuple[str, ...] = ("spam", "amplifier", "generic")
FARM_CADENCES_S: tuple[int, ...] = (12 * 3600, 24 * 3600)


@dataclass
class Population:
    """Column store of accounts. Times are seconds relative to the period start."""

    languages: list[str]
    role: np.ndarray
    group: np.ndarray
    lang: np.ndarray
    created: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    prior_posts: np.ndarray
    activity: np.ndarray
    post_weight: np.ndarray
    sockpuppet: np.ndarray
    asn: np.ndarray
    region_seed: np.ndarray
    farm_kind: list[str]
    farm_cadence: list[int]

    @property
    def size(self) -> int:
        return len(self.role)

    def language(self, account: int) -> str:
        return self.languages[int(self.lang[account])]

    def region(self, account: int, regions: tuple[str, ...]) -> str:
        return regions[int(self.region_seed[account]) % len(regions)]

    def members(self, role: Role, group: int | None = None) -> np.ndarray:
        mask = self.role == role
        if group is not None:
            mask &= self.group == group
        return np.flatnonzero(mask)


def _days(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return -(rng.uniform(low, high, n) * DAY).astype(np.int64)


def plan_population(rng: np.random.Generator, scale: SimScale) -> Population:
    """Assign roles, languages, ages, audiences and activity to every account."""
    n = scale.accounts
    languages = list(scale.languages)
    weights = np.array([scale.languages[lang] for lang in languages], dtype=float)
    order = rng.permutation(n)
    role = np.full(n, Role.ORGANIC, dtype=np.int8)
    group = np.full(n, -1, dtype=np.int32)
    start = 0

    def take(count: int, r: Role, size: int | None = None) -> None:
        nonlocal start
        idx = order[start : start + count]
        role[idx] = r
        if size:
            group[idx] = np.arange(count) // size
        start += count

    take(scale.trusted_flaggers, Role.TRUSTED)
    take(scale.bots, Role.BOT, scale.bot_farm_size)
    take(scale.spammers, Role.SPAMMER)
    take(scale.campaigns * scale.campaign_size, Role.CAMPAIGN, scale.campaign_size)
    take(scale.lockstep_groups * scale.lockstep_size, Role.LOCKSTEP, scale.lockstep_size)
    take(round((n - start) * scale.creator_fraction), Role.CREATOR)

    lang = rng.choice(len(languages), size=n, p=weights / weights.sum()).astype(np.int8)
    farms = int(group[role == Role.BOT].max()) + 1 if scale.bots else 0
    campaigns = scale.campaigns if scale.campaign_size else 0
    farm_lang = rng.choice(len(languages), size=max(farms, 1), p=weights / weights.sum())
    camp_lang = rng.choice(len(languages), size=max(campaigns, 1), p=weights / weights.sum())
    for r, per_group in ((Role.BOT, farm_lang), (Role.CAMPAIGN, camp_lang)):
        idx = np.flatnonzero(role == r)
        lang[idx] = per_group[group[idx]]

    created = -(np.clip(rng.lognormal(np.log(500), 0.9, n), 30, 4000) * DAY).astype(np.int64)
    followers = np.minimum(rng.lognormal(4.0, 1.5, n), 50_000).astype(np.int64)
    following = np.minimum(rng.lognormal(5.0, 1.0, n), 7_500).astype(np.int64)
    activity = rng.pareto(1.3, n) + 0.1
    asn = rng.integers(1000, 65000, n).astype(np.int32)
    sockpuppet = np.zeros(n, dtype=bool)

    idx = np.flatnonzero(role == Role.CREATOR)
    followers[idx] = np.minimum(10_000 * (rng.pareto(1.2, len(idx)) + 1), 5_000_000).astype(
        np.int64
    )
    activity[idx] *= 5
    created[idx] -= 300 * DAY

    idx = np.flatnonzero(role == Role.TRUSTED)
    created[idx] = _days(rng, 1000, 3000, len(idx))
    followers[idx] = rng.integers(1_000, 20_000, len(idx))

    farm_kind: list[str] = []
    farm_cadence: list[int] = []
    for farm in range(farms):
        members = np.flatnonzero((role == Role.BOT) & (group == farm))
        burst = -int(rng.uniform(2, 20) * DAY)
        created[members] = burst + rng.integers(0, 1800, len(members))
        asn[members] = rng.integers(1000, 65000)
        farm_kind.append(FARM_KINDS[farm % len(FARM_KINDS)])
        farm_cadence.append(FARM_CADENCES_S[int(rng.integers(len(FARM_CADENCES_S)))])
    idx = np.flatnonzero(role == Role.BOT)
    followers[idx] = rng.integers(0, 20, len(idx))
    following[idx] = rng.integers(500, 3_000, len(idx))
    activity[idx] = 0.2

    idx = np.flatnonzero(role == Role.SPAMMER)
    created[idx] = _days(rng, 1, 60, len(idx))
    followers[idx] = rng.integers(0, 100, len(idx))
    activity[idx] = 0.3

    idx = np.flatnonzero(role == Role.CAMPAIGN)
    sockpuppet[idx] = rng.random(len(idx)) < 0.6
    young = idx[sockpuppet[idx]]
    created[young] = _days(rng, 5, 90, len(young))
    followers[young] = rng.integers(5, 200, len(young))

    idx = np.flatnonzero(role == Role.LOCKSTEP)
    created[idx] = _days(rng, 3, 45, len(idx))
    followers[idx] = rng.integers(0, 50, len(idx))
    following[idx] = rng.integers(200, 2_000, len(idx))
    activity[idx] = 0.5

    post_weight = activity.copy()
    post_weight[role == Role.CREATOR] *= 2
    post_weight[np.isin(role, (Role.CAMPAIGN, Role.LOCKSTEP))] *= 0.3
    post_weight[np.isin(role, (Role.BOT, Role.SPAMMER))] = 0
    post_weight[role == Role.TRUSTED] = 0.05
    prior_posts = np.minimum(rng.lognormal(3.0, 1.3, n), 20_000).astype(np.int64)
    prior_posts[np.isin(role, (Role.BOT, Role.LOCKSTEP, Role.SPAMMER))] //= 20

    return Population(
        languages=languages,
        role=role,
        group=group,
        lang=lang,
        created=created,
        followers=followers,
        following=following,
        prior_posts=prior_posts,
        activity=activity,
        post_weight=post_weight,
        sockpuppet=sockpuppet,
        asn=asn,
        region_seed=rng.integers(0, 1 << 30, n),
        farm_kind=farm_kind,
        farm_cadence=farm_cadence,
    )
