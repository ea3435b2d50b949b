"""Emerging-narrative scenario: new claims that start small and grow logistically, among steady
organic look-alike clusters (recurring memes, a much-reposted picture) and everyday posts.

A scenario of its own (not part of ``simulate``) so the main simulator's files and planted
proportions stay as they were. Same seed, same records. Ground truth has subject_type
``narrative``: planted ones carry the first-post time, the final volume and the time the
narrative reached 10 % of it; organic clusters are the noise that must not trigger.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from veracity.sim import truth as T
from veracity.sim.jsonl import Clock, JsonlWriter
from veracity.sim.text import campaign_variant, claim_text, organic_post
from veracity.sim.vocab import EMOJI, VOCABULARIES

HOUR = 3600


@dataclass(frozen=True)
class NarrativeScenario:
    """Sizes and growth laws of one scenario."""

    hours: int = 96
    accounts: int = 3000
    background_posts_per_hour: float = 30.0
    planted: int = 8
    organic_clusters: int = 6
    final_volume: tuple[int, int] = (80, 300)
    growth_per_hour: tuple[float, float] = (0.2, 0.5)
    meme_posts_per_hour: tuple[float, float] = (0.5, 3.0)
    views_per_post: float = 12.0
    share_fraction: float = 0.05
    media_fraction: float = 0.25
    languages: tuple[str, ...] = ("en", "es", "fr")
    period_end: datetime = datetime(2025, 6, 1, tzinfo=UTC)

    def __post_init__(self) -> None:
        problems = []
        if self.hours < 24:
            problems.append("hours must be at least 24")
        if self.accounts < 10:
            problems.append("accounts must be at least 10")
        lo, hi = self.final_volume
        if not 10 <= lo <= hi:
            problems.append("final_volume must be (low, high) with 10 <= low <= high")
        glo, ghi = self.growth_per_hour
        if not 0 < glo <= ghi:
            problems.append("growth_per_hour must be (low, high) with 0 < low <= high")
        if self.planted < 0 or self.organic_clusters < 0 or self.background_posts_per_hour < 0:
            problems.append("counts and rates must not be negative")
        for language in self.languages:
            if language not in VOCABULARIES:
                problems.append(f"no vocabulary for language {language!r}")
        if problems:
            raise ValueError("invalid narrative scenario: " + "; ".join(problems))


@dataclass
class NarrativeWorld:
    """Content and event records (ingestion-model dicts) and the truth about them."""

    start: datetime
    end: datetime
    content: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    truth: list[dict[str, Any]] = field(default_factory=list)

    def write(self, out_dir: Path) -> dict[str, int]:
        out_dir.mkdir(parents=True, exist_ok=True)
        counts = {}
        for name, records in (
            ("content.jsonl", self.content),
            ("events.jsonl", self.events),
            ("truth.jsonl", self.truth),
        ):
            with JsonlWriter(out_dir / name) as w:
                for r in records:
                    w.write(r)
            counts[name] = len(records)
        return counts


def _pdq(rng: random.Random) -> int:
    return rng.getrandbits(256)


def _flip(rng: random.Random, value: int, bits: int) -> int:
    for b in rng.sample(range(256), bits):
        value ^= 1 << b
    return value


class _Builder:
    def __init__(self, scenario: NarrativeScenario, seed: int) -> None:
        self.s = scenario
        self.rng = random.Random(f"{seed}:narratives")
        self.np = np.random.default_rng(np.random.SeedSequence([seed, 0x4E41]))
        self.start = scenario.period_end - timedelta(hours=scenario.hours)
        self.clock = Clock(self.start)
        self.period = scenario.hours * HOUR
        self.world = NarrativeWorld(self.start, scenario.period_end)
        self.posts: list[tuple[int, dict[str, Any], float]] = []  # time, record, view mean
        self.event_seq = 0

    def account(self) -> str:
        return f"acc-{self.rng.randrange(self.s.accounts):06d}"

    def add_post(
        self, t: int, text: str, language: str, view_mean: float, media: dict[str, Any] | None
    ) -> str:
        pid = f"npost-{len(self.posts):06d}"
        record: dict[str, Any] = {
            "id": pid,
            "account_id": self.account(),
            "kind": "image" if media else "post",
            "text": text,
            "language": language,
            "created_at": self.clock.iso(t),
        }
        if media:
            record["media"] = [{"url": f"https://cdn.platform.example/i/{pid}.jpg", **media}]
        self.posts.append((t, record, view_mean))
        return pid

    def diurnal_times(self, rate_per_hour: float) -> list[int]:
        hours = np.arange(self.s.hours)
        weights = 1.0 + 0.6 * np.cos(2 * np.pi * ((hours % 24) - 20) / 24)
        counts = self.np.poisson(rate_per_hour * weights)
        return sorted(
            int(h * HOUR + self.rng.randrange(HOUR))
            for h, c in zip(hours.tolist(), counts.tolist(), strict=True)
            for _ in range(c)
        )

    def background(self) -> None:
        for t in self.diurnal_times(self.s.background_posts_per_hour):
            language = self.rng.choice(self.s.languages)
            media = None
            if self.rng.random() < self.s.media_fraction:
                media = {"sha256": f"{self.rng.getrandbits(256):064x}"}
            text = organic_post(self.rng, VOCABULARIES[language])
            self.add_post(t, text, language, self.s.views_per_post, media)

    def organic_clusters(self) -> None:
        for c in range(self.s.organic_clusters):
            language = self.rng.choice(self.s.languages)
            vocab = VOCABULARIES[language]
            rate = self.rng.uniform(*self.s.meme_posts_per_hour)
            with_media = c % 2 == 1
            base = f"{organic_post(self.rng, vocab)} {self.rng.choice(vocab.hashtags)}"
            sha = f"{self.rng.getrandbits(256):064x}"
            ids = []
            for t in self.diurnal_times(rate):
                if with_media:
                    text, media = organic_post(self.rng, vocab), {"sha256": sha}
                else:
                    text, media = campaign_variant(self.rng, vocab, base), None
                ids.append(self.add_post(t, text, language, self.s.views_per_post, media))
            details = {
                "kind": "steady_media" if with_media else "steady_meme",
                "posts_per_hour": round(rate, 3),
                "final_volume": len(ids),
                "content_ids": ids,
            }
            self.world.truth.append(
                T.truth_record(T.NARRATIVE, f"organic-{c + 1:03d}", [T.ORGANIC_CLUSTER], details)
            )

    def planted(self) -> None:
        for n in range(self.s.planted):
            language = self.rng.choice(self.s.languages)
            vocab = VOCABULARIES[language]
            volume = self.rng.randint(*self.s.final_volume)
            rate = self.rng.uniform(*self.s.growth_per_hour)
            rise = math.log(volume) / rate  # from the first post to the midpoint
            latest = self.s.hours - 4.0 / rate
            midpoint = self.rng.uniform(min(12 + rise, latest), latest)
            u = (np.arange(volume) + self.np.random(volume)) / volume
            hours = midpoint + np.log(u / (1 - u)) / rate
            times = sorted(int(h * HOUR) for h in hours.tolist() if 0 <= h * HOUR < self.period)
            claim = claim_text(
                vocab,
                self.rng.randrange(len(vocab.subjects)),
                self.rng.randrange(len(vocab.false_predicates)),
                self.rng.randrange(len(vocab.qualifiers)),
            )
            base = f"{self.rng.choice(vocab.prefixes)} {claim} {self.rng.choice(vocab.hashtags)}"
            pdq = _pdq(self.rng)
            sha = f"{self.rng.getrandbits(256):064x}"
            virality = self.rng.uniform(1.0, 3.0)
            ids = []
            for t in times:
                media = None
                text = campaign_variant(self.rng, vocab, base)
                if self.rng.random() < 0.3:  # the narrative's picture, re-encoded a little
                    near = _flip(self.rng, pdq, self.rng.randint(0, 8))
                    media = {"pdq": f"{near:064x}"}
                    if self.rng.random() < 0.5:
                        media["sha256"] = sha
                    if self.rng.random() < 0.5:  # the claim is on the picture only
                        text = f"{self.rng.choice(EMOJI)} {self.rng.choice(vocab.hashtags)}"
                view_mean = self.s.views_per_post * virality
                ids.append(self.add_post(t, text, language, view_mean, media))
            tenth = max(1, math.ceil(0.1 * len(ids)))
            details = {
                "claim_text": claim,
                "language": language,
                "first_post_at": self.clock.iso(times[0]),
                "t10_at": self.clock.iso(times[tenth - 1]),
                "midpoint_at": self.clock.iso(int(midpoint * HOUR)),
                "final_volume": len(ids),
                "growth_per_hour": round(rate, 4),
                "content_ids": ids,
            }
            self.world.truth.append(
                T.truth_record(
                    T.NARRATIVE, f"narrative-{n + 1:03d}", [T.EMERGING_NARRATIVE], details
                )
            )

    def engagement(self) -> None:
        """Views (and some shares) after each post, decaying over a few hours."""
        for t, record, mean in self.posts:
            n = int(self.np.poisson(mean * self.np.lognormal(0.0, 0.5)))
            delays = self.np.exponential(3 * HOUR, n)
            for delay in delays.tolist():
                when = t + 1 + int(delay)
                if when >= self.period:
                    continue
                kind = "share" if self.rng.random() < self.s.share_fraction else "view"
                self.world.events.append(
                    {
                        "id": f"nev-{self.event_seq:09d}",
                        "type": kind,
                        "account_id": self.account(),
                        "content_id": record["id"],
                        "occurred_at": self.clock.iso(when),
                    }
                )
                self.event_seq += 1

    def finish(self) -> NarrativeWorld:
        self.posts.sort(key=lambda p: (p[0], p[1]["id"]))
        self.world.content = [r for _, r, _ in self.posts]
        self.engagement()
        self.world.events.sort(key=lambda e: (e["occurred_at"], e["id"]))
        return self.world


def simulate_narratives(
    scenario: NarrativeScenario | None = None, *, seed: int = 7
) -> NarrativeWorld:
    """Build a scenario in memory; ``NarrativeWorld.write`` puts it on disk."""
    b = _Builder(scenario or NarrativeScenario(), seed)
    b.background()
    b.organic_clusters()
    b.planted()
    return b.finish()
