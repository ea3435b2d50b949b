"""A synthetic corpus and a tiny model for the AI-text tests (no shared data needed)."""

from __future__ import annotations

import random

from veracity.detect.aigc.text.convert import LabeledText
from veracity.detect.aigc.text.features import HashSpec
from veracity.detect.aigc.text.model import AiTextModel
from veracity.detect.aigc.text.training import train

COMMON = [
    "the",
    "system",
    "can",
    "help",
    "people",
    "to",
    "improve",
    "their",
    "work",
    "and",
    "it",
    "is",
    "very",
    "important",
    "for",
    "all",
]
RARE = [
    "quixotic",
    "zany",
    "gnarly",
    "brouhaha",
    "kerfuffle",
    "snazzy",
    "wonky",
    "bamboozle",
    "skedaddle",
    "lollygag",
]
ZIPF = {w: 6.0 for w in COMMON} | {w: 1.5 for w in RARE}
SMALL_SPEC = HashSpec(n_features=2**12, min_n=1, max_n=3)


def machine_text(rng: random.Random) -> str:
    """Even sentences of frequent words, ending in full stops."""
    sentences = [" ".join(rng.choices(COMMON, k=10)).capitalize() + "." for _ in range(3)]
    return " ".join(sentences)


def human_text(rng: random.Random) -> str:
    """Uneven bursts with rare words, digits and exclamations."""
    parts = []
    for _ in range(rng.randint(2, 4)):
        n = rng.choice([2, 3, 15, 18])
        words = rng.choices(RARE + COMMON[:4], k=n)
        parts.append(" ".join(words) + rng.choice(["!!", "?", " lol", " 42..."]))
    return " ".join(parts)


def corpus(n: int = 120, seed: int = 1) -> list[LabeledText]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        out.append(LabeledText(machine_text(rng), 1, {"source": "synthetic", "generator": "m"}))
        out.append(LabeledText(human_text(rng), 0, {"source": "synthetic", "generator": "h"}))
    return out


def tiny_model() -> AiTextModel:
    return train(corpus(), spec=SMALL_SPEC, zipf=ZIPF, description="synthetic test model")
