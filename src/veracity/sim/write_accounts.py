"""accounts.jsonl and the account half of truth.jsonl.

Profiles differ by role the way they do on real platforms: farm bots have numeric handles,
empty bios and no avatar; sockpuppets and lockstep accounts are young and half-filled.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

import numpy as np

from veracity.sim import truth as T
from veracity.sim.content_plan import ContentPlan
from veracity.sim.jsonl import Clock, JsonlWriter
from veracity.sim.population import Population, Role
from veracity.sim.text import bio
from veracity.sim.vocab import VOCABULARIES
from veracity.sim.write_content import account_id


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def account_labels(pop: Population, plan: ContentPlan, a: int) -> tuple[list[str], dict[str, Any]]:
    """Ground truth of one account; empty labels mean an ordinary organic user."""
    role = int(pop.role[a])
    group = int(pop.group[a])
    if role == Role.BOT:
        farm = plan.farms[group]
        return [T.BOT], {
            "farm_id": f"farm-{group + 1:03d}",
            "farm_kind": farm.kind,
            "cadence_s": farm.cadence_s,
        }
    if role == Role.SPAMMER:
        return [T.SPAMMER], {}
    if role == Role.CAMPAIGN:
        labels = [T.CAMPAIGN_MEMBER] + ([T.SOCKPUPPET] if pop.sockpuppet[a] else [])
        return labels, {"campaign_id": plan.campaigns[group].id}
    if role == Role.LOCKSTEP:
        return [T.FAKE_ENGAGEMENT], {"lockstep_group_id": plan.lockstep[group].id}
    if role == Role.CREATOR:
        return [T.CREATOR], {}
    if role == Role.TRUSTED:
        return [T.TRUSTED_FLAGGER], {}
    return [], {}


def write_accounts(
    rng: random.Random,
    pop: Population,
    plan: ContentPlan,
    clock: Clock,
    accounts: JsonlWriter,
    truth: JsonlWriter,
) -> None:
    posted = np.bincount(plan.post_author, minlength=pop.size) + np.bincount(
        plan.comment_author, minlength=pop.size
    )
    for a in range(pop.size):
        vocab = VOCABULARIES[pop.language(a)]
        role = int(pop.role[a])
        first, last = rng.choice(vocab.first_names), rng.choice(vocab.last_names)
        handle = f"{_ascii(first)}{rng.choice(('', '_', '.'))}{_ascii(last)}{rng.randint(1, 999)}"
        display: str | None = f"{first} {last}"
        about: str | None = bio(rng, vocab) if rng.random() < 0.85 else None
        complete, avatar, email, phone = rng.uniform(0.7, 1.0), 0.95, 0.9, 0.6
        verified = role == Role.CREATOR and rng.random() < 0.3
        if role == Role.BOT:
            handle = f"user{rng.randint(10**7, 10**8 - 1)}"
            display = first if rng.random() < 0.3 else None
            about = None
            complete, avatar, email, phone = rng.uniform(0.05, 0.3), 0.1, 0.3, 0.02
        elif role == Role.SPAMMER:
            handle = f"{_ascii(first)}_promo{rng.randint(10, 9999)}"
            about = rng.choice(vocab.spam) if rng.random() < 0.6 else None
            complete, avatar, email, phone = rng.uniform(0.3, 0.6), 0.5, 0.6, 0.1
        elif role == Role.LOCKSTEP or (role == Role.CAMPAIGN and pop.sockpuppet[a]):
            handle = f"{_ascii(first)}{_ascii(last)}{rng.randint(1000, 9999)}"
            display = first
            about = about if rng.random() < 0.3 else None
            complete, avatar, email, phone = rng.uniform(0.2, 0.6), 0.4, 0.7, 0.1
        elif role == Role.TRUSTED:
            handle = f"flagger_org_{a}"
            display = f"{vocab.publishers[a % len(vocab.publishers)]} trusted flagger"
            verified = True
        aid = account_id(a)
        record = {
            "id": aid,
            "handle": handle,
            "display_name": display,
            "bio": about,
            "created_at": clock.iso(int(pop.created[a])),
            "follower_count": int(pop.followers[a]),
            "following_count": int(pop.following[a]),
            "post_count": int(pop.prior_posts[a] + posted[a]),
            "verified": verified,
            "language": pop.language(a),
            "region": pop.region(a, vocab.regions),
            "metadata": {
                "profile_complete": round(complete, 2),
                "has_avatar": rng.random() < avatar,
                "email_verified": rng.random() < email,
                "phone_verified": rng.random() < phone,
                "signup_asn": int(pop.asn[a]),
            },
        }
        accounts.write(record)
        labels, details = account_labels(pop, plan, a)
        if labels:
            truth.write(T.truth_record("account", aid, labels, details))
