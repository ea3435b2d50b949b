"""The two-stage cascade: which posts escalate, index upkeep in both stages, the model file."""

import json

import numpy as np
import pytest

from veracity.detect.misinfo.matching import (
    CascadeMatcher,
    CascadeModel,
    ClaimMatcher,
    ClaimRecord,
    MatcherConfig,
    ModelFileError,
    build_matcher,
    load_any_model,
)
from veracity.detect.misinfo.matching.fusion import fixed_model
from veracity.detect.misinfo.matching.training import choose_thresholds

CLAIMS = [
    ClaimRecord("c-vaccine", "The COVID-19 vaccine causes infertility in women.", "Infertility"),
    ClaimRecord("c-moon", "The 1969 moon landing was filmed in a Hollywood studio.", "Moon"),
    ClaimRecord("c-5g", "5G towers spread the coronavirus.", "5G and COVID"),
    ClaimRecord("c-shark", "A photo shows a shark swimming on a flooded highway.", "Shark"),
]
ENGLISH = MatcherConfig(multilingual=False)
POSTS = [
    "they admit the covid vaccine makes women infertile, share before deleted",
    "what a lovely afternoon at the beach with my dog",
]


def _cascade(lo: float, hi: float) -> CascadeModel:
    # Two WordLlama stages that differ in breadth, so the test needs no optional extra; the
    # strong stage is recognisable by its shortlist.
    return CascadeModel(fixed_model(shortlist=2), fixed_model(shortlist=4), lo, hi)


def test_escalates_only_posts_inside_the_band():
    fast = ClaimMatcher.build(CLAIMS, fixed_model(shortlist=2), ENGLISH)
    p = [hits[0].probability for hits in fast.search(POSTS)]
    lo, hi = sorted(p)[0] + 1e-9, 1.0  # the beach post is below the band, the vaccine inside
    matcher = CascadeMatcher.build(CLAIMS, _cascade(lo, hi), ENGLISH)
    hits = matcher.search(POSTS)
    assert hits[0][0].claim_id == "c-vaccine"
    assert hits[0][0].scores.get("cascade_stage") == 2.0
    assert "cascade_stage" not in hits[1][0].scores
    assert (matcher.escalated, matcher.searched) == (1, 2)


def test_a_closed_band_never_escalates():
    matcher = CascadeMatcher.build(CLAIMS, _cascade(0.5, 0.5), ENGLISH)
    matcher.search(POSTS)
    assert matcher.escalated == 0


def test_add_and_remove_reach_both_stages():
    matcher = CascadeMatcher.build(CLAIMS[:2], _cascade(0.0, 1.0), ENGLISH)
    matcher.add([CLAIMS[2]])
    assert len(matcher) == 3 and len(matcher.strong) == 3 and "c-5g" in matcher
    assert matcher.remove(["c-5g"]) == 1
    assert "c-5g" not in matcher.fast and "c-5g" not in matcher.strong
    with pytest.raises(KeyError):
        matcher.remove(["c-5g"])
    hits = matcher.search(["5G towers spread the coronavirus"])
    assert all(h.claim_id != "c-5g" for h in hits[0])


def test_model_file_round_trip_and_dispatch(tmp_path):
    model = _cascade(0.05, 0.9)
    model.card = {"name": "test"}
    path = tmp_path / "cascade.json"
    model.save(path)
    loaded = load_any_model(path)
    assert isinstance(loaded, CascadeModel)
    assert (loaded.escalate_from, loaded.accept_from) == (0.05, 0.9)
    assert (loaded.fast.shortlist, loaded.strong.shortlist) == (2, 4)
    assert isinstance(build_matcher(CLAIMS, loaded, ENGLISH), CascadeMatcher)
    plain = tmp_path / "plain.json"
    fixed_model().save(plain)
    assert isinstance(build_matcher(CLAIMS, load_any_model(plain), ENGLISH), ClaimMatcher)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(escalate_from=0.9, accept_from=0.1), "thresholds"),
        (lambda d: d.pop("strong"), "incomplete"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d["fast"].update(features=["x"]), "fast stage"),
    ],
)
def test_bad_cascade_files_are_refused(tmp_path, change, message):
    data = _cascade(0.1, 0.9).to_dict()
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match=message):
        load_any_model(path)
    path.write_text("[1, 2]")
    with pytest.raises(ModelFileError):
        load_any_model(path)


def test_threshold_choice_escalates_only_where_the_fast_stage_errs():
    qrels = {f"q{i}": {f"c{i}"} for i in range(10)}
    strong = {q: [next(iter(rel))] for q, rel in qrels.items()}  # always right
    fast = dict(strong)
    top1 = dict.fromkeys(qrels, 0.97)
    for q in ("q1", "q2"):  # wrong and unsure
        fast[q] = ["other"]
        top1[q] = 0.55
    band = choose_thresholds(fast, top1, strong, qrels, tolerance=0.0)
    assert band["holdout_map@5"] == 1.0
    assert band["holdout_escalated"] == pytest.approx(0.2)
    assert band["escalate_from"] <= 0.55 < band["accept_from"] <= 0.97
    assert band["holdout_fast_map@5"] == pytest.approx(0.8)


def test_threshold_choice_falls_back_to_always_escalating():
    qrels = {"q0": {"c0"}, "q1": {"c1"}}
    strong = {"q0": ["c0"], "q1": ["c1"]}
    fast = {"q0": ["x"], "q1": ["y"]}
    top1 = {"q0": 1.0, "q1": 1.0}  # confidently wrong: no band below 1.0 catches them
    band = choose_thresholds(fast, top1, strong, qrels, tolerance=0.0)
    assert (band["escalate_from"], band["accept_from"]) == (0.0, 1.0)
    assert np.isclose(band["holdout_escalated"], 1.0)
