import math
from collections import Counter

import numpy as np
import pytest

from veracity.detect.misinfo.matching.ann import DenseIndex
from veracity.detect.misinfo.matching.lexical import K1, B, BM25Index


def _brute_bm25(docs: dict[int, list[str]], query: list[str]) -> dict[int, float]:
    n = len(docs)
    avgdl = sum(len(d) for d in docs.values()) / n
    out = {}
    for slot, doc in docs.items():
        tf = Counter(doc)
        score = 0.0
        for term, qtf in Counter(query).items():
            df = sum(1 for d in docs.values() if term in d)
            if tf[term]:
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                score += (
                    idf
                    * qtf
                    * tf[term]
                    * (K1 + 1)
                    / (tf[term] + K1 * (1 - B + B * len(doc) / avgdl))
                )
        if score > 0:
            out[slot] = score
    return out


def test_bm25_agrees_with_brute_force_through_add_and_remove():
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(40)]
    docs = {s: list(rng.choice(vocab, size=rng.integers(3, 15))) for s in range(200)}
    index = BM25Index()
    for slot, doc in docs.items():
        index.add(slot, doc)
    for slot in range(0, 200, 3):
        index.remove(slot)
        del docs[slot]
    index.add(500, ["w1", "w2", "w2"])
    docs[500] = ["w1", "w2", "w2"]
    for _ in range(20):
        query = list(rng.choice(vocab, size=4))
        slots, scores = index.scores(query)
        got = dict(zip(slots.tolist(), scores.tolist(), strict=True))
        want = _brute_bm25(docs, query)
        assert got.keys() == want.keys()
        for slot, value in want.items():
            assert got[slot] == pytest.approx(value, rel=1e-4)
    index.compact()
    assert len(index) == len(docs)


@pytest.mark.parametrize("exact_limit", [10_000, 100])  # flat, then HNSW
def test_dense_index_matches_exact_search(exact_limit):
    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(600, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = DenseIndex(16, exact_limit=exact_limit)
    index.add(np.arange(600), vecs)
    removed = set(range(0, 600, 7))
    for slot in removed:
        index.remove(slot)
    assert index.approximate is (exact_limit == 100)
    queries = vecs[:50] + 0.1 * rng.normal(size=(50, 16)).astype(np.float32)
    slots, _ = index.search(queries, 5)
    live = np.array([s for s in range(600) if s not in removed])
    exact = live[np.argsort(-(queries @ vecs[live].T), axis=1)[:, :5]]
    agreement = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(slots, exact, strict=True)])
    assert agreement >= (1.0 if exact_limit == 10_000 else 0.95)
    assert not (set(slots.ravel().tolist()) & removed)


def test_dense_index_replaces_and_compacts():
    index = DenseIndex(2)
    index.add(np.array([1, 2]), np.array([[1, 0], [0, 1]], dtype=np.float32))
    index.add(np.array([1]), np.array([[0, 1]], dtype=np.float32))  # update slot 1
    assert len(index) == 2
    slots, sims = index.search(np.array([[1, 0]], dtype=np.float32), 2)
    assert set(slots[0].tolist()) == {1, 2} and sims[0][0] == pytest.approx(0.0)
    index.compact()
    assert len(index) == 2
    with pytest.raises(ValueError):
        index.add(np.array([3]), np.zeros((1, 3), dtype=np.float32))
