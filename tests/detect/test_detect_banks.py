from __future__ import annotations

import time

import pytest
from detect_helpers import check_result, make_item

from veracity.config import Settings
from veracity.detect.banks import (
    BankEntry,
    InvalidBankError,
    add_entries,
    bank_counts,
    disable_entry,
    list_entries,
    load_all_enabled,
    load_entries,
    set_enabled,
)
from veracity.detect.base import OnlineDetector
from veracity.detect.defaults import DetectConfig, build_registry
from veracity.store.db import Database


def test_add_is_idempotent_and_counts_new(db: Database) -> None:
    entries = [BankEntry("a", "alpha.com", label="x", data={"src": "t"}), BankEntry("b", "b.com")]
    with db.transaction() as s:
        assert add_entries(s, "domains:spam", entries) == 2
    with db.transaction() as s:
        changed = [BankEntry("a", "changed.com", label="y"), BankEntry("c", "c.com")]
        assert add_entries(s, "domains:spam", changed + changed) == 1
        assert add_entries(s, "domains:spam", []) == 0
    with db.transaction() as s:
        loaded = load_entries(s, "domains:spam")
    assert [(e.entry_id, e.value, e.label) for e in loaded] == [
        ("a", "alpha.com", "x"),
        ("b", "b.com", None),
        ("c", "c.com", None),
    ]
    assert loaded[0].data == {"src": "t"} and loaded[0].enabled
    assert loaded[0].added_at is not None and loaded[0].added_at.tzinfo is not None


def test_same_entry_id_in_two_banks_is_two_entries(db: Database) -> None:
    with db.transaction() as s:
        assert add_entries(s, "phrases:spam", [BankEntry("1", "free followers")]) == 1
        assert add_entries(s, "phrases:scam", [BankEntry("1", "free money")]) == 1


def test_disable_and_enable(db: Database) -> None:
    with db.transaction() as s:
        add_entries(s, "text", [BankEntry("a", "one text"), BankEntry("b", "two text")])
    with db.transaction() as s:
        assert disable_entry(s, "text", "a") is True
        assert disable_entry(s, "text", "missing") is False
        assert disable_entry(s, "phrases:x", "a") is False
    with db.transaction() as s:
        assert [e.entry_id for e in load_entries(s, "text")] == ["b"]
        # Re-adding a disabled entry changes nothing: it stays disabled.
        assert add_entries(s, "text", [BankEntry("a", "one text")]) == 0
        assert [e.entry_id for e in load_entries(s, "text")] == ["b"]
        page, total = list_entries(s, "text", include_disabled=True)
        assert total == 2 and [e.enabled for e in page] == [False, True]
        assert bank_counts(s) == [("text", 1, 1)]
        assert set_enabled(s, "text", "a", True) is True
        assert {b: [e.entry_id for e in v] for b, v in load_all_enabled(s).items()} == {
            "text": ["a", "b"]
        }


def test_paging(db: Database) -> None:
    with db.transaction() as s:
        add_entries(s, "text", [BankEntry(f"e{i:03d}", f"text {i}") for i in range(25)])
        page, total = list_entries(s, "text", limit=10, offset=20)
    assert total == 25 and [e.entry_id for e in page] == [f"e{i:03d}" for i in range(20, 25)]


@pytest.mark.parametrize("bank", ["", "texts", "domains:", "domains:Spam", "other:x", "x" * 70])
def test_invalid_bank_names(db: Database, bank: str) -> None:
    with db.transaction() as s, pytest.raises(InvalidBankError):
        add_entries(s, bank, [BankEntry("a", "v")])


def test_large_batch(db: Database) -> None:
    with db.transaction() as s:
        entries = [BankEntry(f"e{i}", f"d{i}.com") for i in range(1200)]
        assert add_entries(s, "domains:big", entries) == 1200
        assert add_entries(s, "domains:big", entries) == 0


def _all_detectors_run(registry_detectors: list[OnlineDetector]) -> None:
    item = make_item("Free followers at http://bit.ly/x — the moon landing was filmed in a studio")
    for detector in registry_detectors:
        check_result(detector, detector.detect(item))
        check_result(detector, detector.reference(item))
        check_result(detector, detector.detect(make_item("")))


def test_build_registry_without_db_uses_bundled_lists() -> None:
    registry = build_registry(None)
    assert sorted(d.name for d in registry) == [
        "account_integrity",
        "ai_text",
        "claim_match",
        "community_note",
        "language",
        "media_match",
        "phrase_match",
        "provenance",
        "spam_behaviour",
        "spam_text",
        "text_match",
        "url_reputation",
    ]
    schema = registry.signal_schema()
    for key in (
        "signals.text_match.matched",
        "signals.url_reputation.worst_list",
        "signals.phrase_match.categories",
        "signals.language.code",
    ):
        assert key in schema
    _all_detectors_run(registry.online())
    url = registry.get("url_reputation")
    assert isinstance(url, OnlineDetector)
    out = url.detect(make_item("see https://bit.ly/abc")).outputs
    assert out["lists"] == ["shortener"]


def test_build_registry_from_db(db: Database) -> None:
    with db.transaction() as s:
        add_entries(
            s,
            "text",
            [BankEntry("moon", "The moon landing was filmed in a studio", label="false_claim")],
        )
        add_entries(s, "domains:malware", [BankEntry("m1", "evil.net")])
        add_entries(s, "domains:malware", [BankEntry("m2", "gone.net")])
        disable_entry(s, "domains:malware", "m2")
        add_entries(s, "phrases:election", [BankEntry("p1", "#StopTheSteal")])
    registry = build_registry(db, Settings())
    _all_detectors_run(registry.online())
    item = make_item(
        "THE MOON LANDING WAS FILMED IN A STUDIO!! http://x.evil.net http://gone.net #stopthesteal"
    )
    results = {d.name: d.detect(item) for d in registry.online()}
    assert results["text_match"].outputs["label"] == "false_claim"
    assert results["url_reputation"].outputs["lists"] == ["malware"]
    assert results["url_reputation"].outputs["listed_domains"] == ["x.evil.net"]
    assert results["phrase_match"].outputs["categories"] == ["election"]
    assert results["language"].outputs["code"] == "en"


def test_config_without_bundled_lists_and_from_settings() -> None:
    registry = build_registry(None, config=DetectConfig(bundled_lists=False))
    url = registry.get("url_reputation")
    assert isinstance(url, OnlineDetector)
    assert url.detect(make_item("https://bit.ly/x")).outputs["listed"] is False

    class Custom(Settings):
        detect_text_match_threshold: float = 0.9
        detect_domain_severities: dict[str, float] = {"shortener": 0.05}

    config = DetectConfig.from_settings(Custom())
    assert config.text_match_threshold == 0.9
    assert config.domain_severities == {"shortener": 0.05}
    assert DetectConfig.from_settings(Settings()) == DetectConfig()


def test_construction_is_fast_with_full_banks() -> None:
    banks = {
        "text": [
            BankEntry(f"t{i}", f"claim number {i} about topic {i % 13} " * 3) for i in range(1000)
        ],
        **{
            f"domains:list{k}": [BankEntry(f"d{i}", f"site{i}.dom{k}.com") for i in range(250)]
            for k in range(4)
        },
        **{
            f"phrases:cat{k}": [BankEntry(f"p{i}", f"phrase {k} number {i}") for i in range(100)]
            for k in range(5)
        },
    }
    from veracity.detect.defaults import build_detectors

    build_detectors({})  # loads the language model once
    start = time.perf_counter()
    detectors = build_detectors(banks)
    assert time.perf_counter() - start < 2.0
    _all_detectors_run(detectors)
