"""The variable schema and the facts built for one item."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from policy_testkit import NOW, account, content, results

from veracity.detect.registry import DetectorRegistry
from veracity.policy.variables import FactsError, VariableSchema, VariableType, build_facts


def test_schema_has_entities_signals_and_presence(registry: DetectorRegistry) -> None:
    schema = VariableSchema(registry)
    v = schema.variables
    assert v["content.age_hours"].type is VariableType.DOUBLE
    assert v["content.metadata"].type is VariableType.MAP
    assert v["account.post_count"].type is VariableType.INT
    assert v["signals.url_reputation.lists"].type is VariableType.STRING_LIST
    assert v["signals.language.present"].type is VariableType.BOOL
    for name in registry.signal_schema():
        assert name in schema
    assert set(schema.cel_types()) == set(v)


def test_facts_are_complete_with_defaults(registry: DetectorRegistry) -> None:
    schema = VariableSchema(registry)
    facts = schema.build_facts(content(), None, {}, NOW)
    assert set(facts) == set(schema.variables)
    assert facts["account.known"] is False
    assert facts["account.id"] == "acc-1"
    assert facts["account.age_days"] == -1.0
    assert facts["account.post_count"] == -1
    assert facts["account.prior_strikes"] == 0
    assert facts["content.age_hours"] == -1.0
    assert facts["signals.text_match.present"] is False
    assert facts["signals.url_reputation.lists"] == []
    schema.check_facts(facts)


def test_entity_fields(registry: DetectorRegistry) -> None:
    item = content(
        text="héllo",
        kind="video",
        transcript="spoken words",
        media=[{"url": "https://cdn.example/a.mp4"}, {"url": "https://cdn.example/b.mp4"}],
        created_at=NOW - timedelta(hours=5),
        parent_id="post-0",
        region="DE",
        metadata={"ai_disclosed": True},
    )
    author = account(created_at=NOW - timedelta(days=3), verified=True, follower_count=12)
    facts = build_facts(registry, item, author, {}, NOW, {"account.prior_strikes": 2})
    assert facts["content.kind"] == "video"
    assert type(facts["content.kind"]) is str
    assert facts["content.text_length"] == 5
    assert facts["content.media_count"] == 2
    assert facts["content.has_transcript"] is True
    assert facts["content.is_reply"] is True
    assert facts["content.age_hours"] == pytest.approx(5.0)
    assert facts["content.region"] == "DE"
    assert facts["content.metadata"] == {"ai_disclosed": True}
    assert facts["account.known"] is True
    assert facts["account.age_days"] == pytest.approx(3.0)
    assert facts["account.verified"] is True
    assert facts["account.follower_count"] == 12
    assert facts["account.following_count"] == -1
    assert facts["account.prior_strikes"] == 2


def test_future_timestamps_count_as_age_zero(registry: DetectorRegistry) -> None:
    facts = build_facts(registry, content(created_at=NOW + timedelta(hours=1)), None, {}, NOW)
    assert facts["content.age_hours"] == 0.0


def test_detector_outputs_and_presence(registry: DetectorRegistry) -> None:
    facts = build_facts(
        registry,
        content(),
        None,
        results(text_match={"similarity": 1, "matched": True}, url_reputation={"lists": ("spam",)}),
        NOW,
    )
    assert facts["signals.text_match.present"] is True
    assert facts["signals.text_match.similarity"] == 1.0
    assert type(facts["signals.text_match.similarity"]) is float  # ints widen to double
    assert facts["signals.text_match.exact"] is False  # undeclared in result -> default
    assert facts["signals.url_reputation.lists"] == ["spam"]
    assert facts["signals.phrase_match.present"] is False


def test_facts_do_not_share_mutable_defaults(registry: DetectorRegistry) -> None:
    schema = VariableSchema(registry)
    first = schema.build_facts(content(), None, {}, NOW)
    first["signals.url_reputation.lists"].append("spam")
    assert schema.build_facts(content(), None, {}, NOW)["signals.url_reputation.lists"] == []


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ({"nope": {"x": 1}}, "detector 'nope' is not registered"),
        ({"text_match": {"score": 0.3}}, "no declared output 'score'"),
        ({"text_match": {"similarity": "high"}}, "must be double, got str"),
        ({"text_match": {"matched": 1}}, "must be bool, got int"),
        ({"url_reputation": {"url_count": True}}, "must be int, got bool"),
        ({"url_reputation": {"lists": ["spam", 3]}}, "must be list<string>"),
    ],
)
def test_bad_detector_results_are_refused(
    registry: DetectorRegistry, outputs: dict[str, dict[str, object]], message: str
) -> None:
    with pytest.raises(FactsError, match=message):
        build_facts(registry, content(), None, results(**outputs), NOW)


def test_bad_extra_facts_are_refused(registry: DetectorRegistry) -> None:
    with pytest.raises(
        FactsError, match=re.escape("extra fact 'account.strikes' is not a declared")
    ):
        build_facts(registry, content(), None, {}, NOW, {"account.strikes": 1})
    with pytest.raises(FactsError, match=re.escape("account.prior_strikes must be int")):
        build_facts(registry, content(), None, {}, NOW, {"account.prior_strikes": "2"})


def test_account_must_be_the_author(registry: DetectorRegistry) -> None:
    with pytest.raises(FactsError, match="not the author"):
        build_facts(registry, content(), account("acc-2"), {}, NOW)


def test_check_facts_names_missing_and_undeclared(registry: DetectorRegistry) -> None:
    schema = VariableSchema(registry)
    facts = schema.build_facts(content(), None, {}, NOW)
    del facts["content.kind"]
    facts["content.colour"] = "red"
    with pytest.raises(
        FactsError, match=re.escape("missing content.kind; undeclared content.colour")
    ):
        schema.check_facts(facts)
