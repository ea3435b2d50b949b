"""The routing file: the bundled one loads, and a bad one fails at load with the entry named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from veracity.config import Settings
from veracity.policy.safe_yaml import parse_yaml
from veracity.review.config import (
    DEFAULT_CONFIG,
    ReviewConfigError,
    configured,
    configured_or_bundled,
    load_config,
    parse_config,
)
from veracity.review.intake import route


def _bundled() -> dict[str, Any]:
    data = parse_yaml(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_bundled_config_loads_and_routes() -> None:
    config = load_config()
    assert config.appeals_queue == "appeals"
    assert config.queue("appeals").roles == ["senior_reviewer"]
    assert config.appeal_window_days >= 183
    assert route(config, subject="content", route_queue="security").queue == "security"
    assert route(config, subject="content", policies=["spam"]).policy_area == "spam"
    assert route(config, subject="narrative").queue == "fact-check"
    assert route(config, subject="content").queue == "general"  # the default route
    assert config.language_of("en-GB") == "en"
    assert config.language_of("sw") == "other"
    assert config.language_of(None) == "other"
    assert config.region_of("de") == "EU"
    assert config.region_of("JP") == "global"
    # An unknown (legacy) queue is worked by reviewers.
    assert config.queue("legacy-queue").roles == ["reviewer", "senior_reviewer"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["queues"]["misinfo"].update(roles=["janitor"]), "queues.misinfo.roles"),
        (lambda d: d["rules"][0].update(queue="nowhere"), "unknown queue 'nowhere'"),
        (lambda d: d["rules"].pop(), "last rule must have an empty `when`"),
        (lambda d: d.update(appeal_window_days=30), "appeal_window_days"),
        (
            lambda d: d["policy_tags"]["spam"].update(category="STATEMENT_CATEGORY_SPAM"),
            "unknown DSA category",
        ),
        (lambda d: d["policy_tags"]["spam"].update(keywords=["KEYWORD_NOPE"]), "KEYWORD_NOPE"),
        (lambda d: d["escalation"].update(senior="nowhere"), "escalation 'senior'"),
        (lambda d: d.update(surprise=1), "surprise"),
    ],
)
def test_bad_config_is_refused_with_the_entry_named(change: Any, message: str) -> None:
    data = _bundled()
    change(data)
    with pytest.raises(ReviewConfigError, match=message):
        parse_config(data, "test.yaml")


def test_unreadable_or_hostile_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReviewConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    with pytest.raises(ReviewConfigError, match="aliases"):
        load_config(bomb)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(ReviewConfigError, match="mapping"):
        load_config(listed)


def test_a_broken_file_fails_the_review_api_but_not_ingest_routing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "routing.yaml"
    bad.write_text("queues: {}\n", encoding="utf-8")
    settings = Settings(review_config=bad)
    with pytest.raises(ReviewConfigError, match="queues"):
        configured(settings)
    assert configured_or_bundled(settings).appeals_queue == "appeals"
    assert "routing with the bundled one" in caplog.text
