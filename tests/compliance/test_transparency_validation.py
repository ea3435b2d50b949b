"""The validator against the Transparency Database's published rules: every valid case passes,
every invalid case is refused naming the right field, and the stand-in server (the database's
rules written again, independently) agrees wherever the real database would refuse too."""

from __future__ import annotations

import pytest
from tdb_cases import INVALID, VALID, base
from tdb_standin import laravel_errors

from veracity.compliance import transparency_schema as S
from veracity.compliance.transparency_db import validate_batch, validate_statement


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_statement_passes(name: str) -> None:
    body = VALID[name]
    assert validate_statement(body) == []
    assert laravel_errors(body) == {}, "the database's own rules accept it too"


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_statement_is_refused_naming_the_field(name: str) -> None:
    case = INVALID[name]
    found = validate_statement(case.body)
    assert case.field in {v.field for v in found}, found
    assert all(v.reason for v in found)
    server = laravel_errors(case.body)
    if case.server:
        assert server, "the database refuses this too"
    else:
        assert server == {}, "the database would accept (or silently drop) this"


def test_every_decision_ground_has_valid_and_invalid_cases() -> None:
    grounds_valid = {b["decision_ground"] for b in VALID.values()}
    grounds_invalid = {c.body.get("decision_ground") for c in INVALID.values()}
    assert grounds_valid == S.DECISION_GROUNDS
    assert grounds_invalid >= S.DECISION_GROUNDS
    assert {b["category"] for b in VALID.values()} == S.CATEGORIES
    assert {b["source_type"] for b in VALID.values()} == S.SOURCE_TYPES
    assert {b["automated_decision"] for b in VALID.values()} == S.AUTOMATED_DECISIONS


@pytest.mark.parametrize(
    ("ground", "required", "excluded"),
    [
        (
            S.GROUND_ILLEGAL,
            {"illegal_content_legal_ground", "illegal_content_explanation"},
            {"incompatible_content_ground", "incompatible_content_explanation"},
        ),
        (
            S.GROUND_INCOMPATIBLE,
            {"incompatible_content_ground", "incompatible_content_explanation"},
            {"illegal_content_legal_ground", "illegal_content_explanation"},
        ),
    ],
)
def test_ground_decides_required_and_excluded_fields(
    ground: str, required: set[str], excluded: set[str]
) -> None:
    body = base(ground)
    for f in required:
        body.pop(f)
    for f in excluded:
        body[f] = "text"
    blamed = {v.field: v.reason for v in validate_statement(body)}
    assert {f: blamed[f].startswith("required") for f in required} == dict.fromkeys(required, True)
    assert {f: blamed[f].startswith("only allowed") for f in excluded} == dict.fromkeys(
        excluded, True
    )


def test_every_violation_is_reported_at_once() -> None:
    found = validate_statement({})
    fields = {v.field for v in found}
    assert set(S.REQUIRED) | {"decision_visibility", "territorial_scope"} <= fields
    many = base(puid="bad puid", content_date="2026-5-1", category="X", automated_detection="y")
    assert {v.field for v in validate_statement(many)} == {
        "puid",
        "content_date",
        "category",
        "automated_detection",
    }


@pytest.mark.parametrize("body", [None, [], "statement", 7])
def test_non_object_is_a_violation_not_a_crash(body: object) -> None:
    assert [v.field for v in validate_statement(body)] == ["statement"]


def test_batch_rules_size_and_unique_puids() -> None:
    ok = [base(puid=f"sor-{i}") for i in range(S.MAX_BATCH)]
    assert all(v == [] for v in validate_batch(ok))
    twice = [base(puid="sor-a"), base(puid="sor-b"), base(puid="sor-a")]
    found = validate_batch(twice)
    assert found[0] == [] and found[1] == []
    assert [(v.field, v.reason) for v in found[2]] == [("puid", "repeats the puid of statement 0")]
    for size in (0, S.MAX_BATCH + 1):
        with pytest.raises(ValueError, match="1 to 100"):
            validate_batch([base(puid=f"p{i}") for i in range(size)])


def test_code_lists_match_the_published_schema() -> None:
    assert len(S.CATEGORIES) == 16
    assert len(S.DECISION_VISIBILITIES) == 7
    assert len(S.CONTENT_TYPES) == 8
    assert len(S.KEYWORDS) == 69
    assert len(S.EEA_COUNTRIES) == 30 and "GR" in S.EEA_COUNTRIES and "EL" not in S.EEA_COUNTRIES
    assert {"KEYWORD_MISINFORMATION_DISINFORMATION", "KEYWORD_INAUTHENTIC_ACCOUNTS"} <= S.KEYWORDS
    assert "KEYWORD_DANGEROUS_TOYS" not in S.KEYWORDS  # a constant, but not an accepted value


def test_hostile_values_give_short_bounded_reasons() -> None:
    body = base(
        content_type=["X" * 10_000] * 50_000,
        category={"nested": ["x"] * 1000},
        content_date=["2026-05-01"],
        decision_facts="a@" * 3000,
    )
    found = validate_statement(body)
    assert len(found) < 20
    assert max(len(v.reason) for v in found) < 1000  # the longest lists the 16 categories
    assert {"content_type", "category", "content_date", "decision_facts"} <= {
        v.field for v in found
    }
