# ruff: noqa: RUF001
from __future__ import annotations

import random

import numpy as np
import pytest
from detect_helpers import check_result, make_item

from veracity.detect.banks import BankEntry
from veracity.detect.minhash import (
    MinHasher,
    choose_banding,
    shingle_hashes,
    shingle_strings,
)
from veracity.detect.text_match import TextMatchDetector
from veracity.detect.textnorm import normalise_for_match

CLAIMS = [
    "The moon landing was filmed in a studio in Nevada by a famous director",
    "Drinking hot water with lemon every morning cures the flu in two days",
    "The new 5G towers are spreading the virus through radio waves",
    "Polling stations will be closed on Tuesday, vote online instead",
    "Scientists confirm that chocolate makes you lose weight faster than running",
]


def _vocab(rng: random.Random, size: int = 4000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 10))) for _ in range(size)]


def _bank(rng: random.Random, vocab: list[str], n: int) -> list[BankEntry]:
    return [
        BankEntry(
            f"claim-{i}",
            " ".join(rng.choice(vocab) for _ in range(rng.randint(12, 45))),
            label=f"label-{i % 7}",
        )
        for i in range(n)
    ]


def _edit(rng: random.Random, text: str, vocab: list[str], edits: int) -> str:
    words = text.split()
    for _ in range(edits):
        op = rng.random()
        pos = rng.randrange(len(words))
        if op < 0.5:
            words[pos] = rng.choice(vocab)  # substitution
        elif op < 0.85:
            words.insert(pos, rng.choice(vocab))  # insertion
        elif len(words) > 3:
            del words[pos]  # deletion
    return " ".join(words)


def test_normalisation() -> None:
    assert normalise_for_match("  Hello,   WORLD!!! 👋 ") == "hello world"
    assert normalise_for_match("Ｈｅｌｌｏ　ｗｏｒｌｄ") == "hello world"
    assert normalise_for_match("see https://t.co/xyz and www.example.com/a now") == "see and now"
    assert normalise_for_match("Straße") == "strasse"
    assert normalise_for_match("snake_case--and...dots") == "snake case and dots"
    # Combining marks stay inside their word (Devanagari vowel signs).
    assert normalise_for_match("हिन्दी, भाषा!") == "हिन्दी भाषा"
    assert normalise_for_match("🔥🔥 !!! ") == ""


def test_shingles_and_hashes_agree() -> None:
    norm = "the quick brown fox"
    strings = shingle_strings(norm, 5)
    hashes = set(shingle_hashes(norm, 5).tolist())
    assert len(strings) == len(hashes) == len(norm) - 4
    assert shingle_strings("abc", 5) == {"abc"}
    assert len(shingle_hashes("abc", 5)) == 1
    assert len(shingle_hashes("", 5)) == 0


def test_minhash_is_deterministic_and_estimates_jaccard() -> None:
    a = shingle_hashes(normalise_for_match(CLAIMS[0]), 5)
    b = shingle_hashes(normalise_for_match(CLAIMS[0] + " and also the mars one"), 5)
    sa1, sa2 = MinHasher().signature(a), MinHasher().signature(a)
    assert np.array_equal(sa1, sa2)
    batch = MinHasher().signatures([a, b, a])
    assert np.array_equal(batch[0], sa1) and np.array_equal(batch[2], sa1)
    assert np.array_equal(batch[1], MinHasher().signature(b))
    sa, sb = set(a.tolist()), set(b.tolist())
    true = len(sa & sb) / len(sa | sb)
    estimate = float(np.mean(MinHasher(512).signature(a) == MinHasher(512).signature(b)))
    assert abs(estimate - true) < 0.1


def test_banding_meets_target_at_threshold() -> None:
    for threshold in (0.5, 0.7, 0.8, 0.9):
        bands, rows = choose_banding(128, threshold)
        assert bands * rows <= 128
        assert 1 - (1 - threshold**rows) ** bands >= 0.995
    with pytest.raises(ValueError):
        choose_banding(128, 0.0)


def test_exact_match_fast_equals_reference() -> None:
    detector = TextMatchDetector(
        [BankEntry(f"c{i}", text, label="false_claim") for i, text in enumerate(CLAIMS)]
    )
    variant = "THE NEW 5g towers... are spreading the VIRUS through radio-waves!! https://x.co/a"
    for method in (detector.detect, detector.reference):
        result = method(make_item(variant))
        check_result(detector, result)
        assert result.outputs == {
            "exact": True,
            "similarity": 1.0,
            "matched": True,
            "entry_id": "c2",
            "label": "false_claim",
            "match_count": 1,
        }
        assert result.evidence["best"]["entry_id"] == "c2"
        assert result.evidence["best"]["value"] == CLAIMS[2]


def test_text_from_transcript_and_on_screen_text_is_matched() -> None:
    detector = TextMatchDetector([BankEntry("c0", CLAIMS[0], label="x")])
    result = detector.detect(make_item("", transcript=CLAIMS[0]))
    assert result.outputs["exact"] and result.outputs["entry_id"] == "c0"


def test_no_match_and_empty_inputs_give_defaults() -> None:
    detector = TextMatchDetector([BankEntry(f"c{i}", t) for i, t in enumerate(CLAIMS)])
    for text in ("", "!!! 🔥", "a completely unrelated sentence about gardening tomatoes"):
        for method in (detector.detect, detector.reference):
            result = method(make_item(text))
            check_result(detector, result)
            assert result.outputs["matched"] is False
            assert result.outputs["exact"] is False
            assert result.outputs["entry_id"] == "" and result.outputs["label"] == ""
            assert result.outputs["match_count"] == 0
    empty = TextMatchDetector([])
    check_result(empty, empty.detect(make_item(CLAIMS[0])))
    assert len(empty) == 0


def test_unusable_and_duplicate_entries_are_skipped() -> None:
    detector = TextMatchDetector(
        [BankEntry("a", CLAIMS[0]), BankEntry("a", CLAIMS[1]), BankEntry("b", "🔥 !!")]
    )
    assert len(detector) == 1 and detector.skipped == 2


def test_duplicate_texts_in_bank_rank_by_entry_id() -> None:
    detector = TextMatchDetector([BankEntry("z", CLAIMS[0]), BankEntry("b", CLAIMS[0] + "!")])
    for method in (detector.detect, detector.reference):
        result = method(make_item(CLAIMS[0].upper()))
        assert result.outputs["entry_id"] == "b"
        assert result.outputs["match_count"] == 2


def test_planted_paraphrases_agree_with_reference() -> None:
    rng = random.Random(11)
    vocab = _vocab(rng)
    bank = _bank(rng, vocab, 300) + [BankEntry(f"k{i}", t) for i, t in enumerate(CLAIMS)]
    detector = TextMatchDetector(bank)
    paraphrases = [
        CLAIMS[0].replace("famous", "well known"),
        CLAIMS[1].replace("every morning", "each morning"),
        "BREAKING: " + CLAIMS[2] + " - they hide it!",
        CLAIMS[3].replace("Tuesday", "Wednesday"),
        CLAIMS[4].replace("Scientists confirm", "New study: scientists confirm"),
    ]
    for i, text in enumerate(paraphrases):
        fast, _, _ = detector.find(text)
        ref, _ = detector.reference_find(text)
        assert [(m.entry_id, m.similarity) for m in fast] == [
            (m.entry_id, m.similarity) for m in ref
        ]
        assert ref and ref[0].entry_id == f"k{i}" and not ref[0].exact
        fast_result, ref_result = (
            detector.detect(make_item(text)),
            detector.reference(make_item(text)),
        )
        check_result(detector, fast_result)
        assert fast_result.outputs == ref_result.outputs


def test_lsh_recall_against_brute_force() -> None:
    """Over a few hundred random edited queries, LSH finds >= 95% of the (query, entry) pairs
    at or above the threshold that brute force finds, never one below it, and the same
    similarity for each."""
    rng = random.Random(2024)
    vocab = _vocab(rng)
    bank = _bank(rng, vocab, 1000)
    detector = TextMatchDetector(bank, threshold=0.7)
    ref_pairs: set[tuple[int, str]] = set()
    fast_pairs: set[tuple[int, str]] = set()
    near_threshold = 0
    for q in range(400):
        source = bank[rng.randrange(len(bank))].value
        edits = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10])
        query = _edit(rng, source, vocab, edits)
        fast, _, _ = detector.find(query)
        ref, ref_best = detector.reference_find(query)
        ref_sim = {m.entry_id: m.similarity for m in ref}
        for m in fast:
            assert m.similarity >= 0.7
            assert m.entry_id in ref_sim, "fast path reported a match brute force rejects"
            assert m.similarity == pytest.approx(ref_sim[m.entry_id], abs=1e-12)
        fast_pairs |= {(q, m.entry_id) for m in fast}
        ref_pairs |= {(q, m.entry_id) for m in ref}
        near_threshold += 0.6 <= ref_best <= 0.8
    assert len(ref_pairs) >= 150
    assert near_threshold >= 40, "the sample should exercise the threshold region"
    recall = len(fast_pairs & ref_pairs) / len(ref_pairs)
    assert recall >= 0.95, recall
    assert fast_pairs <= ref_pairs


def test_threshold_is_configurable() -> None:
    base = CLAIMS[0]
    edited = base.replace("studio", "warehouse").replace("famous", "young")
    strict = TextMatchDetector([BankEntry("c", base)], threshold=0.95)
    loose = TextMatchDetector([BankEntry("c", base)], threshold=0.5)
    assert not strict.detect(make_item(edited)).outputs["matched"]
    assert loose.detect(make_item(edited)).outputs["matched"]
    with pytest.raises(ValueError):
        TextMatchDetector([], threshold=1.5)


def test_long_text_evidence_is_bounded() -> None:
    detector = TextMatchDetector([BankEntry(f"c{i}", CLAIMS[0] + f" v{i}") for i in range(50)])
    long_text = (CLAIMS[0] + " v1 ") * 1
    result = detector.detect(make_item(long_text))
    check_result(detector, result)
    assert result.outputs["match_count"] == 50
    assert len(result.evidence["matches"]) == 5 and result.evidence["more_matches"] == 45
    huge = detector.detect(make_item("word " * 4000))
    check_result(detector, huge)
