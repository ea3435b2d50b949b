"""Features of one account in the project's schema (``AccountIn``), NaN where unknown.

Missing values are explicit: a count the platform did not send is NaN, never 0, and the
gradient-boosted trees learn which way an unknown value should go. The features are the ones
that mean the same thing on any platform (age, profile completeness, follower and following
structure, cadence, the shape of the handle), not any dataset's quirks: no language, region or
id ranges. What is read:

* entity fields: ``created_at``, ``follower_count``, ``following_count``, ``post_count``,
  ``verified``, ``handle``, ``display_name``, ``bio``, ``region``;
* ``metadata`` keys a platform may send: ``has_profile_image``, ``is_private``,
  ``default_profile``, ``has_url``, ``location_set`` (booleans), ``like_count`` (likes given),
  and, when it withholds raw profile text, ``handle_length``, ``handle_digit_count``,
  ``bio_length``; hashed identifiers ``device_hashes`` and ``network_hashes`` (lists);
* ``Activity`` (optional): recent post times and texts (posting regularity, content reuse) and
  how many other accounts share a hashed device or network identifier.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from veracity.detect.behaviour.repetition import reuse_fraction
from veracity.domain.entities import AccountIn

NAN = float("nan")

FEATURES: tuple[str, ...] = (
    "age_days_log",
    "followers_log",
    "following_log",
    "posts_log",
    "follow_ratio_log",
    "posts_per_day_log",
    "followers_per_day_log",
    "following_per_day_log",
    "likes_per_day_log",
    "likes_log",
    "likes_per_post_log",
    "verified",
    "has_profile_image",
    "is_private",
    "default_profile",
    "has_url",
    "bio_length",
    "handle_length",
    "handle_digits",
    "handle_digit_fraction",
    "handle_entropy",
    "name_length",
    "name_handle_similarity",
    "profile_completeness",
    "post_interval_cv",
    "recent_posts_per_hour",
    "content_reuse",
    "shared_device_accounts",
    "shared_network_accounts",
)


@dataclass(frozen=True)
class Activity:
    """What the store knows about an account's recent behaviour (all optional)."""

    post_times: Sequence[datetime] = ()
    texts: Sequence[str] = ()
    shared_device_accounts: int | None = None
    shared_network_accounts: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _log(value: float | None) -> float:
    return NAN if value is None else math.log1p(max(0.0, float(value)))


def _per_day(count: float | None, age: float | None) -> float:
    """Growth rate: a count spread over the account's life (at least one day)."""
    return NAN if count is None or age is None else _log(count / max(age, 1.0))


def _flag(value: Any) -> float:
    return NAN if value is None or not isinstance(value, bool | int) else float(bool(value))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def entropy(text: str) -> float:
    """Shannon entropy (bits per character) of a string's characters."""
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _similarity(a: str, b: str) -> float:
    """Character-bigram Dice similarity of two names, case-folded."""

    def grams(s: str) -> Counter[str]:
        s = "".join(ch for ch in s.casefold() if ch.isalnum())
        return Counter(s[i : i + 2] for i in range(max(0, len(s) - 1)))

    ga, gb = grams(a), grams(b)
    total = sum(ga.values()) + sum(gb.values())
    return 0.0 if total == 0 else 2.0 * sum((ga & gb).values()) / total


def _age_days(account: AccountIn, at: datetime) -> float | None:
    if account.created_at is None:
        return None
    created = account.created_at
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return max(0.0, (at - created).total_seconds() / 86400.0)


def _interval_cv(times: Sequence[datetime]) -> float:
    """Coefficient of variation of the gaps between posts: near 0 for a metronome."""
    if len(times) < 3:
        return NAN
    stamps = np.sort(np.array([t.timestamp() for t in times], dtype=np.float64))
    gaps = np.diff(stamps)
    mean = float(gaps.mean())
    return NAN if mean <= 0 else float(gaps.std() / mean)


def _per_hour(times: Sequence[datetime]) -> float:
    if len(times) < 2:
        return NAN
    stamps = [t.timestamp() for t in times]
    span_h = max((max(stamps) - min(stamps)) / 3600.0, 1.0 / 60.0)
    return math.log1p(len(times) / span_h)


def account_vector(
    account: AccountIn, at: datetime, activity: Activity | None = None
) -> list[float]:
    """The ``FEATURES`` of ``account`` as seen at time ``at`` (a plain list, in order)."""
    meta = account.metadata
    followers, following = account.follower_count, account.following_count
    posts = account.post_count
    likes = _number(meta.get("like_count"))
    age = _age_days(account, at)
    handle = account.handle
    if handle is not None:
        handle_len: float | None = float(len(handle))
        digits: float | None = float(sum(ch.isdigit() for ch in handle))
    else:
        handle_len = _number(meta.get("handle_length"))
        digits = _number(meta.get("handle_digit_count"))
    bio_len = (
        float(len(account.bio)) if account.bio is not None else _number(meta.get("bio_length"))
    )
    has_url = meta.get("has_url")
    if has_url is None and account.bio is not None:
        has_url = "http" in account.bio or "www." in account.bio
    profile_image = meta.get("has_profile_image")
    location = meta.get("location_set")
    if location is None and account.region is not None:
        location = bool(account.region)
    parts = [
        None if bio_len is None else bio_len > 0,
        None if account.display_name is None else bool(account.display_name.strip()),
        profile_image,
        has_url,
        location,
    ]
    known = [bool(p) for p in parts if isinstance(p, bool)]
    activity = activity or Activity()
    reuse = reuse_fraction(list(activity.texts)) if activity.texts else None
    return [
        _log(age),
        _log(followers),
        _log(following),
        _log(posts),
        NAN if followers is None or following is None else _log(followers) - _log(following),
        _per_day(posts, age),
        _per_day(followers, age),
        _per_day(following, age),
        _per_day(likes, age),
        _log(likes),
        NAN if likes is None or posts is None else _log(likes) - _log(posts),
        float(account.verified),
        _flag(profile_image),
        _flag(meta.get("is_private")),
        _flag(meta.get("default_profile")),
        _flag(has_url),
        NAN if bio_len is None else bio_len,
        NAN if handle_len is None else handle_len,
        NAN if digits is None else digits,
        NAN if digits is None or not handle_len else digits / handle_len,
        NAN if handle is None else entropy(handle),
        NAN if account.display_name is None else float(len(account.display_name)),
        NAN
        if handle is None or account.display_name is None
        else _similarity(handle, account.display_name),
        NAN if not known else sum(known) / len(known),
        _interval_cv(activity.post_times),
        _per_hour(activity.post_times),
        NAN if reuse is None else reuse,
        _log(activity.shared_device_accounts),
        _log(activity.shared_network_accounts),
    ]


def matrix(
    accounts: Sequence[AccountIn],
    at: Sequence[datetime],
    activities: Sequence[Activity | None] | None = None,
) -> np.ndarray:
    """Rows of ``account_vector``; ``at[i]`` is when account i was observed."""
    acts = activities if activities is not None else [None] * len(accounts)
    rows = [account_vector(a, t, x) for a, t, x in zip(accounts, at, acts, strict=True)]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def shared_identifier_counts(accounts: Sequence[AccountIn], key: str) -> list[int | None]:
    """Per account, how many OTHER accounts in the collection share one of its hashed
    identifiers in ``metadata[key]``; None for accounts that carry no such list."""
    holders: dict[str, set[str]] = {}
    for account in accounts:
        values = account.metadata.get(key)
        if isinstance(values, list):
            for value in values:
                holders.setdefault(str(value), set()).add(account.id)
    out: list[int | None] = []
    for account in accounts:
        values = account.metadata.get(key)
        if not isinstance(values, list):
            out.append(None)
            continue
        others: set[str] = set()
        for value in values:
            others |= holders.get(str(value), set())
        others.discard(account.id)
        out.append(len(others))
    return out
