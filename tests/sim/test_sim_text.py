"""Paraphrases are close to their claim but never the same; hard negatives stay below the band."""

from __future__ import annotations

import random

import pytest

from veracity.sim.text import (
    REPEAT_JACCARD_MAX,
    REPEAT_JACCARD_MIN,
    claim_text,
    jaccard,
    paraphrase,
    related_text,
    word_set,
)
from veracity.sim.vocab import VOCABULARIES


def test_word_set_ignores_links_hashtags_and_emoji() -> None:
    assert word_set("Smart METERS spy 🔥 #WakeUp https://x.example/a1") == {
        "smart",
        "meters",
        "spy",
    }


@pytest.mark.parametrize("language", sorted(VOCABULARIES))
def test_paraphrases_stay_in_band_and_differ(language: str) -> None:
    vocab = VOCABULARIES[language]
    rng = random.Random(language)
    for _ in range(200):
        subject = rng.randrange(len(vocab.subjects))
        claim = claim_text(
            vocab,
            subject,
            rng.randrange(len(vocab.false_predicates)),
            rng.randrange(len(vocab.qualifiers)),
        )
        text = paraphrase(rng, vocab, claim)
        assert REPEAT_JACCARD_MIN <= jaccard(text, claim) <= REPEAT_JACCARD_MAX, (claim, text)
        assert word_set(text) != word_set(claim)
        negative = related_text(rng, vocab, subject, claim)
        assert 0 < jaccard(negative, claim) < REPEAT_JACCARD_MIN, (claim, negative)


def test_every_subject_fits_every_predicate_slot() -> None:
    for vocab in VOCABULARIES.values():
        assert len(vocab.subjects) >= 10 and len(vocab.false_predicates) >= 10
        assert all(s == s.strip() and s for s in vocab.subjects + vocab.false_predicates)
        for words in vocab.synonyms:
            assert any(words in p.split(" ") for p in vocab.false_predicates + vocab.subjects), (
                words
            )
