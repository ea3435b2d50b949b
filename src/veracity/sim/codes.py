"""Small integer codes the column stores use, and the strings they stand for."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class PostRole(IntEnum):
    ORGANIC = 0
    CLAIM_REPEAT = 1
    HARD_NEGATIVE = 2
    BOT = 3
    CAMPAIGN = 4
    SPAM = 5


class Ev(IntEnum):
    """Event types in the order a same-second tie is written (creation before reactions)."""

    CONTENT_CREATED = 0
    COMMENT = 1
    VIEW = 2
    LIKE = 3
    SHARE = 4
    FOLLOW = 5
    UNFOLLOW = 6


EVENT_NAMES: tuple[str, ...] = (
    "content_created",
    "comment",
    "view",
    "like",
    "share",
    "follow",
    "unfollow",
)
KINDS: tuple[str, ...] = ("video", "image", "post")
KIND_VIDEO, KIND_IMAGE, KIND_POST = 0, 1, 2
C2PA_STATES: tuple[str, ...] = ("none", "valid", "invalid")
SURFACES: tuple[str, ...] = ("for_you", "following", "search", "profile")
ORGANIC_SURFACE_P = np.array([0.6, 0.2, 0.1, 0.1])
LOCKSTEP_SURFACE_P = np.array([0.1, 0.05, 0.15, 0.7])
CHANNELS: tuple[str, ...] = ("copy_link", "repost", "whatsapp", "telegram", "email")
ORGANIC_CHANNEL_P = np.array([0.35, 0.3, 0.2, 0.1, 0.05])
NO_ID = -1


def diurnal_at(seconds: np.ndarray, peak_hour_utc: int = 20) -> np.ndarray:
    """Relative activity at given seconds into the period: a daily cycle peaking in the evening."""
    hour_of_day = (seconds // 3600) % 24
    return 1.0 + 0.6 * np.cos(2 * np.pi * (hour_of_day - peak_hour_utc) / 24)


def diurnal_weights(hours: int) -> np.ndarray:
    """Share of activity falling in each hour of the period."""
    w = diurnal_at(np.arange(hours) * 3600)
    return w / w.sum()


def diurnal_times(rng: np.random.Generator, n: int, period_s: int) -> np.ndarray:
    """``n`` timestamps (seconds into the period) following the daily cycle."""
    hours = -(-period_s // 3600)
    hour = rng.choice(hours, size=n, p=diurnal_weights(hours))
    t = hour * 3600 + rng.integers(0, 3600, n)
    return np.minimum(t, period_s - 1).astype(np.int64)
