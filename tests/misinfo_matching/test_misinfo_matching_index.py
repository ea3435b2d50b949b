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
    df = {term: sum(1 for d in docs.values() if term in d) for term in set(query)}
    for slot, doc in docs.items():
        tf = Counter(doc)
        score = 0.0
        for term, qtf in Counter(query).items():
            if tf[term]:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
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


def _zipf_docs(rng: np.random.Generator, n: int, vocab: int) -> dict[int, list[str]]:
    weights = 1.0 / np.arange(1, vocab + 1)
    weights /= weights.sum()
    words = np.array([f"w{i}" for i in range(vocab)])
    return {s: list(rng.choice(words, size=int(rng.integers(3, 16)), p=weights)) for s in range(n)}


@pytest.mark.parametrize("k", [1, 5, 50])
def test_bm25_top_k_is_the_full_ranking_with_pruning(k: int) -> None:
    rng = np.random.default_rng(3)
    docs = _zipf_docs(rng, 3_000, 400)
    index = BM25Index()
    for slot in rng.permutation(list(docs)):  # slots added out of order
        index.add(int(slot), docs[int(slot)])
    for slot in range(0, 3_000, 7):
        index.remove(slot)
        del docs[slot]
    pruned = 0
    for trial in range(40):
        query = list(docs[int(rng.choice(list(docs)))][:6]) if trial % 2 else []
        query += [f"w{i}" for i in rng.integers(0, 400, size=3)]
        want = _brute_bm25(docs, query)
        ranked = sorted(want.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        slots, scores = index.top(query, k)
        assert slots.tolist() == [s for s, _ in ranked]
        assert scores.tolist() == pytest.approx([v for _, v in ranked], rel=1e-4)
        total = sum(len(index._postings[t].slots) for t in set(query) if t in index._postings)
        pruned += index.last_postings_read < total
        some = np.array([*rng.choice(list(docs), size=5), 0, 7, 10_000])  # incl. dead and unknown
        got = index.score_slots(query, some)
        assert got.tolist() == pytest.approx([want.get(int(s), 0.0) for s in some], rel=1e-4)
    assert pruned > 10  # postings were skipped, and the ranking still equals the full scan


def test_bm25_refuses_to_reuse_a_slot() -> None:
    index = BM25Index()
    index.add(0, ["a", "b"])
    index.remove(0)
    with pytest.raises(ValueError, match="already used"):
        index.add(0, ["c"])
    assert index.top(["a"], 3)[0].tolist() == []
