"""Synthetic accounts and spam texts for the behaviour tests (a uniquely named module)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from veracity.detect.aigc.text.convert import LabeledText
from veracity.detect.behaviour.account_convert import LabeledAccount
from veracity.domain.entities import AccountIn

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def accounts(n: int, seed: int = 0) -> list[LabeledAccount]:
    """Fakes are young, follow many, have few followers and digit-heavy handles; some values
    are left unknown on purpose."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        fake = i % 2
        age = rng.uniform(1, 60) if fake else rng.uniform(200, 3000)
        handle = f"user{rng.randrange(10**6, 10**7)}" if fake else rng.choice(["anna", "marco_r"])
        out.append(
            LabeledAccount(
                AccountIn(
                    id=f"a{seed}-{i}",
                    handle=handle,
                    display_name=None if rng.random() < 0.3 else handle.title(),
                    bio="" if fake else "runner, reader",
                    created_at=NOW - timedelta(days=age),
                    follower_count=rng.randrange(0, 30) if fake else rng.randrange(100, 5000),
                    following_count=rng.randrange(500, 5000) if fake else rng.randrange(50, 800),
                    post_count=None if rng.random() < 0.2 else rng.randrange(0, 500),
                    metadata={"has_profile_image": not fake or rng.random() < 0.3},
                ),
                fake,
                NOW,
            )
        )
    return out


SPAM = [
    "subscribe to my channel for free gift cards",
    "check out my new video and subscribe please",
    "win a free iphone now click http://prize.example",
    "free ringtones text WIN to 80082",
    "make money fast visit www.money.example",
]
HAM = [
    "this song still gives me chills",
    "who is listening in 2015?",
    "the dance at the end is great",
    "ok see you at lunch then",
    "I love the chorus of this one",
]


def texts(n: int, seed: int = 0) -> list[LabeledText]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        spam = i % 2
        base = rng.choice(SPAM if spam else HAM)
        out.append(LabeledText(f"{base} {rng.randrange(100)}", spam, {"source": "synthetic"}))
    return out
