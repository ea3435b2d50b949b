"""The fact-check claim base: a few hundred rated claims built from templates."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from veracity.sim.text import claim_text
from veracity.sim.vocab import VOCABULARIES

RATINGS: tuple[str, ...] = ("false", "altered", "partly_false", "missing_context", "satire", "true")
_RATING_WEIGHTS = (0.45, 0.1, 0.15, 0.15, 0.05, 0.1)


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    rating: str
    language: str
    publisher: str
    url: str
    date: str
    subject: int

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "rating": self.rating,
            "language": self.language,
            "publisher": self.publisher,
            "url": self.url,
            "date": self.date,
        }


def capacity(language: str) -> int:
    """How many distinct (subject, predicate) claims a language's templates can make."""
    vocab = VOCABULARIES[language]
    return len(vocab.subjects) * len(vocab.false_predicates)


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Claims per language in proportion to weights, spilling over where a language is full."""
    room = {lang: capacity(lang) for lang in weights}
    if total > sum(room.values()):
        raise ValueError(
            f"{total} claims asked for but the templates of {', '.join(weights)} "
            f"make at most {sum(room.values())}"
        )
    norm = sum(weights.values())
    out = {lang: min(room[lang], int(total * w / norm)) for lang, w in weights.items()}
    ranked = sorted(weights, key=lambda lang: -weights[lang])
    while sum(out.values()) < total:
        for lang in ranked:
            if out[lang] < room[lang] and sum(out.values()) < total:
                out[lang] += 1
    return out


def build_claims(
    rng: random.Random, total: int, weights: dict[str, float], end: datetime
) -> list[Claim]:
    """Distinct claims; no two share both subject and predicate, so each repeat has one source."""
    claims: list[Claim] = []
    for language, count in allocate(total, weights).items():
        vocab = VOCABULARIES[language]
        pairs = [
            (s, p) for s in range(len(vocab.subjects)) for p in range(len(vocab.false_predicates))
        ]
        rng.shuffle(pairs)
        for subject, predicate in pairs[:count]:
            number = len(claims) + 1
            date = end - timedelta(days=rng.randint(2, 400))
            claims.append(
                Claim(
                    id=f"claim-{number:04d}",
                    text=claim_text(
                        vocab, subject, predicate, rng.randrange(len(vocab.qualifiers))
                    ),
                    rating=rng.choices(RATINGS, weights=_RATING_WEIGHTS)[0],
                    language=language,
                    publisher=rng.choice(vocab.publishers),
                    url=f"https://factcheck.example/{language}/claim-{number:04d}",
                    date=date.date().isoformat(),
                    subject=subject,
                )
            )
    return claims
