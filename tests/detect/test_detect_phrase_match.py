# ruff: noqa: RUF001
from __future__ import annotations

import random

import pytest
from detect_helpers import check_result, make_item

from veracity.detect.banks import BankEntry
from veracity.detect.defaults import bundled_banks
from veracity.detect.phrase_match import (
    PhraseMatchDetector,
    TokenAhoCorasick,
    phrase_key,
    tokens,
)
from veracity.detect.textnorm import fold


def _entries(*values: str) -> list[BankEntry]:
    return [BankEntry(f"p{i}", v) for i, v in enumerate(values)]


@pytest.fixture
def detector() -> PhraseMatchDetector:
    return PhraseMatchDetector(
        {
            "spam": _entries("free followers", "dm for promo", "#f4f", "Crypto"),
            "election": _entries("#StopTheSteal", "rigged election", "crypto"),
            "health": _entries("miracle cure", "cure"),
        }
    )


def test_tokens_and_keys() -> None:
    assert tokens(fold("FREE followers!! #F4F x#y ##z # a_b")) == [
        "free",
        "followers",
        "#f4f",
        "x",
        "#y",
        "#z",
        "a_b",
    ]
    assert phrase_key("  Free,   FOLLOWERS ") == "free followers"
    assert phrase_key("#StopTheSteal") == "#stopthesteal"
    assert phrase_key("🔥!!") == ""
    assert tokens(fold("हिन्दी भाषा")) == ["हिन्दी", "भाषा"]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Get FREE followers now", ["free followers"]),
        ("free-followers!!", ["free followers"]),
        ("free,   followers", ["free followers"]),
        ("freefollowers", []),
        ("free #followers", []),
        ("the election was rigged", []),
        ("RIGGED ELECTION!!!", ["rigged election"]),
        ("#stopthesteal now", ["#stopthesteal"]),
        ("stopthesteal now", []),
        ("#StopTheSteal2024", []),
        ("a miracle cure", ["cure", "miracle cure"]),
        ("cured by faith", []),
        ("precure", []),
        ("_cure_", []),
        ("Ｃｒｙｐｔｏ giveaway", ["crypto"]),
        ("dm for promo", ["dm for promo"]),
        ("x#f4f", ["#f4f"]),
        ("", []),
    ],
)
def test_boundaries(detector: PhraseMatchDetector, text: str, phrases: list[str]) -> None:
    for method in (detector.detect, detector.reference):
        result = method(make_item(text))
        check_result(detector, result)
        assert result.outputs["phrases"] == phrases, text
        assert result.outputs["matched"] is bool(phrases)


def test_categories_count_and_evidence(detector: PhraseMatchDetector) -> None:
    text = "Crypto! crypto and a miracle cure. CURE!"
    result = detector.detect(make_item(text))
    check_result(detector, result)
    assert result.outputs == {
        "matched": True,
        "categories": ["election", "health", "spam"],
        "phrases": ["crypto", "cure", "miracle cure"],
        "count": 5,
    }
    assert result.evidence["by_category"] == {"election": 2, "health": 3, "spam": 2}
    first = result.evidence["matches"][0]
    assert first == {
        "phrase": "crypto",
        "categories": ["election", "spam"],
        "entry_ids": ["p3", "p2"],
        "start": 0,
        "end": 6,
    }
    folded = fold(text)
    for match in result.evidence["matches"]:
        assert phrase_key(folded[match["start"] : match["end"]]) == match["phrase"]
    assert detector.reference(make_item(text)).outputs == result.outputs
    assert detector.reference(make_item(text)).evidence == result.evidence


def test_overlapping_occurrences_are_all_counted() -> None:
    detector = PhraseMatchDetector({"laugh": _entries("ha ha")})
    for method in (detector.detect, detector.reference):
        assert method(make_item("ha ha ha")).outputs["count"] == 2


def test_aho_corasick_finds_all_occurrences() -> None:
    automaton = TokenAhoCorasick([(1, 2, 3), (2, 3), (3,), (2, 4)])
    found = automaton.search([1, 2, 3, None, 2, 4, 3])
    assert sorted(found) == [(0, 2), (1, 2), (2, 2), (2, 6), (3, 5)]


def test_empty_bank_and_unusable_entries() -> None:
    detector = PhraseMatchDetector({"x": _entries("🔥", "ok go")})
    assert detector.skipped == [("x", "p0")]
    empty = PhraseMatchDetector({})
    check_result(empty, empty.detect(make_item("anything")))


def test_bundled_spam_phrases() -> None:
    detector = PhraseMatchDetector({"spam": list(bundled_banks()["phrases:spam"])})
    out = detector.detect(make_item("Want FREE followers? Click the link in my bio! #F4F")).outputs
    assert out["categories"] == ["spam"]
    assert out["phrases"] == ["#f4f", "click the link in my bio", "free followers"]


def test_fast_equals_reference_on_random_texts() -> None:
    """Random texts over a tiny vocabulary with every kind of separator, so phrases occur often
    and in every position, overlapping, across punctuation, hashtags and combining marks."""
    rng = random.Random(9)
    words = ["ab", "cd", "ef", "gh", "AB", "Éf", "क्ष", "_x", "ab_cd", "ß", "ss"]
    seps = [" ", "  ", ", ", "-", "#", " #", "!", "", "_", "\n", "🔥", "'", "##"]
    phrases = set()
    while len(phrases) < 40:
        n = rng.randint(1, 3)
        phrase = " ".join(("#" if rng.random() < 0.2 else "") + rng.choice(words) for _ in range(n))
        phrases.add(phrase)
    categories = {
        f"cat{c}": [BankEntry(f"c{c}-{i}", p) for i, p in enumerate(sorted(phrases)) if i % 3 == c]
        for c in range(3)
    }
    detector = PhraseMatchDetector(categories)
    total = 0
    for _ in range(400):
        parts = []
        for _ in range(rng.randint(0, 25)):
            parts.append(rng.choice(words))
            parts.append(rng.choice(seps))
        text = "".join(parts)
        folded = fold(text)
        fast = detector.find(folded)
        ref = detector.reference_find(folded)
        assert fast == ref, text
        total += len(fast)
        assert (
            detector.detect(make_item(text)).outputs == detector.reference(make_item(text)).outputs
        )
    assert total > 500
