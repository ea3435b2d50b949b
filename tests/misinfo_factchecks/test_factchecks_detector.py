"""The claim_match detector over a fake matcher: outputs, thresholds, retraction, sync."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factcheck_fakes import FakeMatcher, fake_backend

from veracity.detect.misinfo.factchecks.detector import (
    ClaimMatchDetector,
    Thresholds,
    build_claim_detector,
)
from veracity.detect.misinfo.factchecks.model import FactCheck, FactCheckIn, FactCheckStatus
from veracity.detect.misinfo.factchecks.ratings import Rating
from veracity.detect.misinfo.factchecks.store import retract_fact_check, upsert_fact_checks
from veracity.detect.registry import DetectorRegistry
from veracity.domain.entities import ContentIn, ContentKind
from veracity.store.db import Database

T0 = datetime(2026, 11, 1, tzinfo=UTC)
BLEACH = FactCheck(
    id="fc-bleach",
    claim_text="drinking bleach cures the flu",
    rating=Rating.FALSE,
    original_rating="Pants on Fire",
    status=FactCheckStatus.ACTIVE,
    version=1,
    url="https://check.example/bleach",
    publisher="Example Checks",
    harmful=True,
)
MOON = FactCheck(
    id="fc-moon",
    claim_text="the moon landing was staged in a studio",
    rating=Rating.FALSE,
    original_rating="False",
    status=FactCheckStatus.ACTIVE,
    version=1,
)


def post(text: str, transcript: str | None = None, pid: str = "p1") -> ContentIn:
    return ContentIn(
        id=pid, account_id="a1", kind=ContentKind.POST, text=text, transcript=transcript
    )


def detector(*fcs: FactCheck, thresholds: Thresholds | None = None) -> ClaimMatchDetector:
    return ClaimMatchDetector(fake_backend(), fcs, thresholds or Thresholds(0.5, 0.85))


def test_confirmed_match_carries_the_fact_check() -> None:
    d = detector(BLEACH, MOON)
    result = d.detect(post("Drinking bleach cures the flu"))
    assert result.outputs == {
        "probability": 1.0,
        "suggested": True,
        "confirmed": True,
        "claim_id": "fc-bleach",
        "rating": "false",
        "url": "https://check.example/bleach",
        "publisher": "Example Checks",
        "harmful": True,
        "candidates": 1,
    }
    assert result.evidence["hits"][0] == {"claim_id": "fc-bleach", "probability": 1.0}


def test_suggested_but_not_confirmed_and_no_match() -> None:
    d = detector(BLEACH)
    # 4 shared words of 7: probability 4/7, between the thresholds.
    partial = d.detect(post("some say bleach cures the flu"))
    assert partial.outputs["suggested"] and not partial.outputs["confirmed"]
    assert partial.outputs["probability"] == pytest.approx(4 / 7)
    nothing = d.detect(post("lovely sunset tonight"))
    assert nothing.outputs == d.empty_result().outputs


def test_transcript_counts_and_empty_posts_are_not_searched() -> None:
    d = detector(BLEACH)
    assert d.detect(post("", transcript="drinking bleach cures the flu")).outputs["confirmed"]
    matcher = d._matcher
    assert isinstance(matcher, FakeMatcher)
    before = matcher.searches
    assert d.detect(post("   ")).outputs["probability"] == 0.0
    assert matcher.searches == before


def test_detect_many_agrees_with_reference() -> None:
    d = detector(BLEACH, MOON)
    posts = [
        post("drinking bleach cures the flu", pid="a"),
        post("the moon landing was staged", pid="b"),
        post("", pid="c"),
        post("bleach and the moon", pid="d"),
    ]
    assert d.detect_many(posts) == [d.reference(p) for p in posts]


def test_retraction_and_update_apply_incrementally() -> None:
    d = detector(BLEACH, MOON)
    retracted = FactCheck(**{**BLEACH.__dict__, "status": FactCheckStatus.RETRACTED, "version": 2})
    d.apply([retracted])
    assert d.indexed == 1
    assert d.detect(post("drinking bleach cures the flu")).outputs["confirmed"] is False
    updated = FactCheck(**{**MOON.__dict__, "rating": Rating.MISSING_CONTEXT, "version": 2})
    d.apply([updated])
    assert d.detect(post("the moon landing was staged in a studio")).outputs["rating"] == (
        "missing_context"
    )
    assert d.indexed == 1


def test_empty_store_builds_lazily() -> None:
    d = detector()
    assert d.detect(post("drinking bleach cures the flu")).outputs["probability"] == 0.0
    d.apply([BLEACH])
    assert d.detect(post("drinking bleach cures the flu")).outputs["confirmed"]


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError, match="suggested <= confirmed"):
        Thresholds(0.9, 0.5)


def test_outputs_are_policy_variables() -> None:
    schema = DetectorRegistry([detector()]).signal_schema()
    assert {"signals.claim_match.rating", "signals.claim_match.url"} <= set(schema)


def test_build_from_store_and_sync(db: Database) -> None:
    with db.transaction() as s:
        upsert_fact_checks(
            s,
            [
                FactCheckIn(id="fc-1", claim_text="drinking bleach cures the flu", rating="False"),
                FactCheckIn(id="fc-2", claim_text="the earth is flat", rating="False"),
            ],
            T0,
        )
        retract_fact_check(s, "fc-2", T0)
    d = build_claim_detector(db, backend=fake_backend())
    assert d.indexed == 1
    with db.transaction() as s:
        upsert_fact_checks(s, [FactCheckIn(id="fc-3", claim_text="x marks it", rating="True")], T0)
        retract_fact_check(s, "fc-1", datetime(2026, 11, 2, tzinfo=UTC))
    # fc-3 is stamped T0, the last change the detector had seen: a sync must not miss it.
    assert d.sync(db) >= 2
    assert d.detect(post("drinking bleach cures the flu")).outputs["probability"] == 0.0
    assert d.detect(post("x marks it")).outputs["claim_id"] == "fc-3"
    assert d.indexed == 1


def test_a_trained_model_file_is_what_the_real_matcher_scores_with(tmp_path) -> None:
    from veracity.config import Settings
    from veracity.detect.misinfo.factchecks.detector import backend_for
    from veracity.detect.misinfo.matching import ClaimRecord
    from veracity.detect.misinfo.matching.fusion import fixed_model

    trained = fixed_model(shortlist=7)
    path = tmp_path / "claims.json"
    trained.save(path)
    settings = Settings(claim_match_model_path=path)
    matcher = backend_for(settings).build([ClaimRecord("c1", "the moon landing was staged")])
    assert matcher.model.to_dict() == trained.to_dict()
    assert matcher.shortlist == 7
    default = backend_for(Settings()).build([ClaimRecord("c1", "the moon landing was staged")])
    assert default.shortlist != 7
    with pytest.raises(ValueError, match="no such file"):
        backend_for(Settings(claim_match_model_path=tmp_path / "missing.json"))
