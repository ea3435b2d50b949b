"""What gets posted, by whom and when: posts, comments and the planted groups' activity.

The plan is columns of numpy arrays (memory O(posts + comments)); text is written later, one
item at a time. Posts are sorted by time and numbered in that order, so "created before t" is a
prefix of the arrays and the engagement stream can pick targets with one binary search.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from veracity.sim.claims import Claim
from veracity.sim.codes import (
    KIND_IMAGE,
    KIND_POST,
    KIND_VIDEO,
    LOCKSTEP_SURFACE_P,
    NO_ID,
    Ev,
    PostRole,
    diurnal_times,
)
from veracity.sim.population import Population, Role
from veracity.sim.scale import SimScale
from veracity.sim.text import (
    REPEAT_JACCARD_MAX,
    REPEAT_JACCARD_MIN,
    campaign_variant,
    hashtag_from,
    jaccard,
    paraphrase,
    spam_text,
    url,
)
from veracity.sim.vocab import MISINFO_DOMAINS, VOCABULARIES


@dataclass
class FarmPlan:
    """A bot farm and the few texts its bots keep reposting."""

    kind: str
    cadence_s: int
    language: str
    texts: list[str]
    claim_ids: list[str | None]
    spam: list[tuple[str, str] | None]


@dataclass
class CampaignPlan:
    id: str
    language: str
    claim: Claim
    members: np.ndarray
    window_start: int
    window_end: int
    link: str
    hashtags: list[str]
    base_text: str
    posts: list[int] = field(default_factory=list)


@dataclass
class LockstepPlan:
    id: str
    members: np.ndarray
    target_posts: list[int]
    target_accounts: list[int]
    windows: list[tuple[str, int, int, int]]  # (kind, target index, start, end)


@dataclass
class ContentPlan:
    post_time: np.ndarray
    post_author: np.ndarray
    post_kind: np.ndarray
    post_role: np.ndarray
    post_aux: np.ndarray
    post_ai: np.ndarray
    post_c2pa: np.ndarray
    post_disclosed: np.ndarray
    post_pop_cum: np.ndarray
    comment_time: np.ndarray
    comment_author: np.ndarray
    comment_parent: np.ndarray
    comment_spam: np.ndarray
    farms: list[FarmPlan]
    campaigns: list[CampaignPlan]
    lockstep: list[LockstepPlan]
    planted: dict[str, np.ndarray]

    @property
    def posts(self) -> int:
        return len(self.post_time)

    @property
    def comments(self) -> int:
        return len(self.comment_time)

    def lockstep_targets(self) -> dict[int, str]:
        """Post index -> id of the lockstep group that boosted it."""
        return {p: g.id for g in self.lockstep for p in g.target_posts}


class _Posts:
    """Append-only builder of unsorted post columns."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("time", "author", "kind", "role", "aux")
        }

    @property
    def count(self) -> int:
        return sum(len(a) for a in self.cols["time"])

    def add(
        self,
        time: np.ndarray,
        author: np.ndarray,
        kind: np.ndarray,
        role: PostRole,
        aux: np.ndarray,
    ) -> np.ndarray:
        first = self.count
        n = len(time)
        self.cols["time"].append(np.asarray(time, dtype=np.int64))
        self.cols["author"].append(np.asarray(author, dtype=np.int32))
        self.cols["kind"].append(np.asarray(kind, dtype=np.int8))
        self.cols["role"].append(np.full(n, role, dtype=np.int8))
        self.cols["aux"].append(np.asarray(aux, dtype=np.int32))
        return np.arange(first, first + n)

    def column(self, name: str) -> np.ndarray:
        return np.concatenate(self.cols[name]) if self.cols[name] else np.zeros(0, np.int64)


def weighted_choice(
    rng: np.random.Generator, cum: np.ndarray, n: int, limit: np.ndarray | None = None
) -> np.ndarray:
    """Indices drawn with probability proportional to weights (given as a cumulative sum),
    each optionally restricted to the prefix ``[0, limit)``."""
    top = cum[-1] if limit is None else cum[np.maximum(limit, 1) - 1]
    idx = np.searchsorted(cum, rng.random(n) * top, side="right")
    bound = len(cum) - 1 if limit is None else np.maximum(limit, 1) - 1
    return np.minimum(idx, bound)


def _media_kinds(rng: np.random.Generator, n: int, media_fraction: float) -> np.ndarray:
    media = rng.random(n) < media_fraction
    video = rng.random(n) < 5 / 7
    return np.where(media, np.where(video, KIND_VIDEO, KIND_IMAGE), KIND_POST).astype(np.int8)


def _by_language(claims: list[Claim]) -> dict[str, list[Claim]]:
    out: dict[str, list[Claim]] = {}
    for c in claims:
        if c.rating != "true":
            out.setdefault(c.language, []).append(c)
    return out


def _farms(
    rng: np.random.Generator, text_rng: random.Random, pop: Population, claims: list[Claim]
) -> list[FarmPlan]:
    misleading = _by_language(claims)
    farms: list[FarmPlan] = []
    for farm, (kind, cadence) in enumerate(zip(pop.farm_kind, pop.farm_cadence, strict=True)):
        members = pop.members(Role.BOT, farm)
        language = pop.languages[int(pop.lang[members[0]])]
        vocab = VOCABULARIES[language]
        texts: list[str] = []
        claim_ids: list[str | None] = []
        spam: list[tuple[str, str] | None] = []
        pool = misleading.get(language) or [c for cs in misleading.values() for c in cs]
        for _ in range(int(rng.integers(2, 5))):
            if kind == "spam":
                text, phrase, domain = spam_text(text_rng, vocab)
                texts.append(text)
                spam.append((phrase, domain))
                claim_ids.append(None)
            elif kind == "amplifier" and pool:
                claim = text_rng.choice(pool)
                texts.append(paraphrase(text_rng, VOCABULARIES[claim.language], claim.text))
                claim_ids.append(claim.id)
                spam.append(None)
            else:
                texts.append(
                    text_rng.choice(vocab.bait).capitalize() + " " + text_rng.choice(vocab.hashtags)
                )
                claim_ids.append(None)
                spam.append(None)
        farms.append(FarmPlan(kind, cadence, language, texts, claim_ids, spam))
    return farms


def _bot_posts(
    rng: np.random.Generator, pop: Population, farms: list[FarmPlan], posts: _Posts, period: int
) -> None:
    for farm, plan in enumerate(farms):
        for bot in pop.members(Role.BOT, farm):
            phase = int(rng.integers(0, plan.cadence_s))
            t = np.arange(phase, period, plan.cadence_s)
            t = np.clip(t + rng.integers(-60, 61, len(t)), 0, period - 1)
            kind = np.where(rng.random(len(t)) < 0.3, KIND_IMAGE, KIND_POST)
            posts.add(t, np.full(len(t), bot), kind, PostRole.BOT, np.full(len(t), farm))


def _campaigns(
    rng: np.random.Generator,
    text_rng: random.Random,
    scale: SimScale,
    pop: Population,
    claims: list[Claim],
    posts: _Posts,
) -> list[CampaignPlan]:
    misleading = _by_language(claims)
    plans: list[CampaignPlan] = []
    window = scale.campaign_window_s
    for c in range(scale.campaigns if scale.campaign_size else 0):
        members = pop.members(Role.CAMPAIGN, c)
        language = pop.languages[int(pop.lang[members[0]])]
        pool = misleading.get(language) or [x for xs in misleading.values() for x in xs]
        claim = text_rng.choice(pool)
        vocab = VOCABULARIES[claim.language]
        start = int(rng.integers(0, max(1, scale.period_s - window)))
        link = url(text_rng, text_rng.choice(MISINFO_DOMAINS))
        tag_suffix = text_rng.choice(("Truth", "Now", "Exposed", "Awake"))
        subject = vocab.subjects[claim.subject]
        hashtags = [hashtag_from(subject, tag_suffix), text_rng.choice(vocab.hashtags)]
        base = f"{paraphrase(text_rng, vocab, claim.text)} {link} {' '.join(hashtags)}"
        per_member = rng.integers(1, 3, len(members))
        authors = np.repeat(members, per_member)
        times = start + rng.integers(0, int(window * 0.8), len(authors))
        kinds = np.where(rng.random(len(authors)) < 0.2, KIND_IMAGE, KIND_POST)
        idx = posts.add(times, authors, kinds, PostRole.CAMPAIGN, np.full(len(authors), c))
        plans.append(
            CampaignPlan(
                id=f"camp-{c + 1:03d}",
                language=claim.language,
                claim=claim,
                members=members,
                window_start=start,
                window_end=start + window,
                link=link,
                hashtags=hashtags,
                base_text=base,
                posts=[int(i) for i in idx],
            )
        )
    return plans


def campaign_text(text_rng: random.Random, plan: CampaignPlan) -> str:
    """A member's copy of the campaign message; stays a repeat of the campaign's claim."""
    vocab = VOCABULARIES[plan.language]
    text = campaign_variant(text_rng, vocab, plan.base_text)
    ok = REPEAT_JACCARD_MIN <= jaccard(text, plan.claim.text) <= REPEAT_JACCARD_MAX
    return text if ok else plan.base_text


def plan_content(
    rng: np.random.Generator,
    text_rng: random.Random,
    scale: SimScale,
    pop: Population,
    claims: list[Claim],
) -> ContentPlan:
    """Plan every post and comment, then the campaign shares and lockstep engagement."""
    period = scale.period_s
    posts = _Posts()
    farms = _farms(rng, text_rng, pop, claims)
    _bot_posts(rng, pop, farms, posts, period)
    campaigns = _campaigns(rng, text_rng, scale, pop, claims, posts)

    spammers = pop.members(Role.SPAMMER)
    n_spam = round(scale.posts * scale.spam_post_fraction) if len(spammers) else 0
    n_repeat = round(scale.posts * scale.claim_repeat_fraction) if claims else 0
    n_negative = round(scale.posts * scale.hard_negative_fraction) if claims else 0
    n_organic = scale.posts - posts.count - n_spam - n_repeat - n_negative
    if n_organic < 0:
        raise ValueError(
            f"scale {scale.name!r}: {scale.posts} posts cannot hold the {posts.count} bot and "
            f"campaign posts plus {n_spam + n_repeat + n_negative} planted posts"
        )
    spam_authors = rng.choice(spammers, n_spam) if n_spam else np.zeros(0, np.int32)
    no_aux = np.full(n_spam, NO_ID)
    kinds = np.full(n_spam, KIND_POST)
    posts.add(diurnal_times(rng, n_spam, period), spam_authors, kinds, PostRole.SPAM, no_aux)
    post_cum = np.cumsum(pop.post_weight)
    for post_role, n in (
        (PostRole.ORGANIC, n_organic),
        (PostRole.CLAIM_REPEAT, n_repeat),
        (PostRole.HARD_NEGATIVE, n_negative),
    ):
        t = diurnal_times(rng, n, period)
        authors = weighted_choice(rng, post_cum, n)
        kinds = _media_kinds(rng, n, scale.media_fraction)
        posts.add(t, authors, kinds, post_role, np.full(n, NO_ID))

    time = posts.column("time")
    order = np.lexsort((np.arange(len(time)), time))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    time = time[order]
    author = posts.column("author")[order]
    kind = posts.column("kind")[order]
    role = posts.column("role")[order]
    aux = posts.column("aux")[order]
    for plan in campaigns:
        plan.posts = sorted(int(rank[i]) for i in plan.posts)

    n = len(time)
    media = kind != KIND_POST
    ai = np.where(media, (rng.random(n) < scale.ai_media_fraction).astype(np.int8), NO_ID).astype(
        np.int8
    )
    roll = rng.random(n)
    c2pa = np.where(
        ai == 1,
        np.select([roll < 0.35, roll < 0.55], [1, 2], 0),
        np.select([roll < 0.2, roll < 0.22], [1, 2], 0),
    ).astype(np.int8)
    c2pa[~media] = 0
    disclosed = (ai == 1) & (rng.random(n) < 0.4)
    pop_weight = np.power(pop.followers[author] + 1.0, 0.6) * rng.lognormal(0, 1, n)
    pop_cum = np.cumsum(pop_weight)

    c_time, c_author, c_parent, c_spam = _comments(rng, scale, pop, time, pop_cum)
    lockstep = _lockstep(rng, scale, pop, time, role, author)
    planted = _planted_events(rng, campaigns, lockstep, time, author, pop)
    return ContentPlan(
        post_time=time,
        post_author=author,
        post_kind=kind,
        post_role=role,
        post_aux=aux,
        post_ai=ai,
        post_c2pa=c2pa,
        post_disclosed=disclosed,
        post_pop_cum=pop_cum,
        comment_time=c_time,
        comment_author=c_author,
        comment_parent=c_parent,
        comment_spam=c_spam,
        farms=farms,
        campaigns=campaigns,
        lockstep=lockstep,
        planted=planted,
    )


def _comments(
    rng: np.random.Generator,
    scale: SimScale,
    pop: Population,
    post_time: np.ndarray,
    pop_cum: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = scale.comments
    if n == 0 or len(post_time) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty.astype(np.int32), empty.astype(np.int32), empty.astype(bool)
    t = diurnal_times(rng, n, scale.period_s)
    early = t <= post_time[0]
    t[early] = rng.integers(post_time[0] + 1, max(post_time[0] + 2, scale.period_s), early.sum())
    t = np.minimum(t, scale.period_s - 1)
    t.sort()
    spam_authors = np.concatenate([pop.members(Role.SPAMMER), pop.members(Role.BOT)])
    spam = np.zeros(n, dtype=bool)
    if len(spam_authors):
        spam[rng.permutation(n)[: round(n * scale.spam_comment_fraction)]] = True
    authors = weighted_choice(rng, np.cumsum(pop.activity), n).astype(np.int32)
    if spam.any():
        authors[spam] = rng.choice(spam_authors, int(spam.sum()))
    limit = np.searchsorted(post_time, t, side="left")
    parent = weighted_choice(rng, pop_cum, n, limit).astype(np.int32)
    return t, authors, parent, spam


def _lockstep(
    rng: np.random.Generator,
    scale: SimScale,
    pop: Population,
    post_time: np.ndarray,
    role: np.ndarray,
    author: np.ndarray,
) -> list[LockstepPlan]:
    plans: list[LockstepPlan] = []
    window = scale.lockstep_window_s
    period = scale.period_s
    eligible = np.flatnonzero((role == PostRole.ORGANIC) & (post_time < period - 2 * 3600))
    organic = np.flatnonzero(np.isin(pop.role, (Role.ORGANIC, Role.CREATOR)))
    for g in range(scale.lockstep_groups if scale.lockstep_size else 0):
        members = pop.members(Role.LOCKSTEP, g)
        customers = [int(x) for x in rng.choice(organic, 2, replace=False)]
        theirs = eligible[np.isin(author[eligible], customers)]
        others = np.setdiff1d(eligible, theirs)
        k = min(scale.lockstep_targets, len(eligible))
        chosen = list(theirs[:k]) + list(rng.choice(others, max(0, k - len(theirs)), replace=False))
        targets = sorted(int(x) for x in chosen)
        windows: list[tuple[str, int, int, int]] = []
        for p in targets:
            latest = period - window - 1
            start = min(int(post_time[p]) + int(rng.integers(600, 6 * 3600)), latest)
            start = max(start, int(post_time[p]) + 1)
            windows.append(("like", p, start, start + window))
        for a in customers:
            start = int(rng.integers(0, period - window - 1))
            windows.append(("follow", a, start, start + window))
        plans.append(LockstepPlan(f"lockstep-{g + 1:03d}", members, targets, customers, windows))
    return plans


def _planted_events(
    rng: np.random.Generator,
    campaigns: list[CampaignPlan],
    lockstep: list[LockstepPlan],
    post_time: np.ndarray,
    post_author: np.ndarray,
    pop: Population,
) -> dict[str, np.ndarray]:
    """Campaign shares and lockstep likes/follows, as event columns sorted by time."""
    rows: list[tuple[int, int, int, int, int, int]] = []  # t, type, actor, content, target, surface
    for plan in campaigns:
        for member in plan.members:
            others = [p for p in plan.posts if post_author[p] != member]
            for p in rng.permutation(others)[:3] if others else []:
                t0 = int(post_time[p])
                t = int(rng.integers(t0 + 1, max(t0 + 2, plan.window_end)))
                rows.append((min(t, plan.window_end - 1), Ev.SHARE, int(member), int(p), NO_ID, 1))
    for group in lockstep:
        for kind, target, start, end in group.windows:
            for member in group.members:
                t = int(rng.integers(start, end))
                surface = int(rng.choice(4, p=LOCKSTEP_SURFACE_P))
                if kind == "like":
                    rows.append((t, Ev.LIKE, int(member), target, NO_ID, surface))
                else:
                    rows.append((t, Ev.FOLLOW, int(member), NO_ID, target, surface))
    arr = np.array(rows, dtype=np.int64).reshape(-1, 6)
    arr = arr[np.lexsort((np.arange(len(arr)), arr[:, 0]))]
    names = ("time", "type", "actor", "content", "target", "code")
    return {name: arr[:, i].copy() for i, name in enumerate(names)}
