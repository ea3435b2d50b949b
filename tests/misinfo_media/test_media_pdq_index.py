from __future__ import annotations

import numpy as np
import pytest
from media_helpers import flip_bits, random_hash

from veracity.detect.misinfo.media.pdq_hash import InvalidHashError
from veracity.detect.misinfo.media.pdq_index import (
    BruteForcePdqIndex,
    PdqIndex,
    PdqIndexBase,
    table_shape,
)


def _pair(hashes: list[str]) -> tuple[PdqIndex[int], BruteForcePdqIndex[int]]:
    fast: PdqIndex[int] = PdqIndex()
    ref: BruteForcePdqIndex[int] = BruteForcePdqIndex()
    fast.add(hashes, list(range(len(hashes))))
    ref.add(hashes, list(range(len(hashes))))
    return fast, ref


def _same(fast: PdqIndexBase[int], ref: PdqIndexBase[int], queries: list[str], t: int) -> int:
    got = fast.query_many(queries, t)
    want = ref.query_many(queries, t)
    assert [[(m.id, m.distance) for m in row] for row in got] == [
        [(m.id, m.distance) for m in row] for row in want
    ]
    return sum(len(row) for row in got)


@pytest.mark.parametrize("n", [1, 300, 20_000])
def test_index_equals_brute_force_around_the_threshold(n: int) -> None:
    rng = np.random.default_rng(n)
    hashes = [random_hash(rng) for _ in range(n)]
    fast, ref = _pair(hashes)
    fast.rebuild()
    planted = [
        flip_bits(hashes[int(rng.integers(n))], int(d), seed=k)
        for k, d in enumerate(rng.integers(24, 40, size=300))
    ]
    queries = planted + [random_hash(rng) for _ in range(50)]
    found = _same(fast, ref, queries, 31)
    assert found > 50  # the planted near-duplicates within 31 bits are found
    for threshold in (0, 10, 45, 70):  # other radii, incl. the linear-scan fallback
        _same(fast, ref, queries[:40], threshold)


def test_exact_at_the_boundary() -> None:
    base = "0" * 64
    index: PdqIndex[str] = PdqIndex()
    index.add([flip_bits(base, d, seed=d) for d in (30, 31, 32)], ["30", "31", "32"])
    index.rebuild()
    assert [m.payload for m in index.query(base)] == ["30", "31"]
    assert [m.distance for m in index.query(base, 32)] == [30, 31, 32]


def test_incremental_add_goes_to_tail_then_rebuilds_and_disable_masks() -> None:
    rng = np.random.default_rng(7)
    hashes = [random_hash(rng) for _ in range(5000)]
    fast, ref = _pair(hashes)
    assert fast.layout["tail"] == 0 or fast.layout["indexed"] == 5000
    extra = [flip_bits(h, 20, seed=i) for i, h in enumerate(hashes[:100])]
    ids_fast = fast.add(extra, list(range(5000, 5100)))
    ref.add(extra, list(range(5000, 5100)))
    assert list(ids_fast) == list(range(5000, 5100))
    assert fast.layout["tail"] == 100  # scanned linearly until the tail grows
    _same(fast, ref, hashes[:150], 31)
    disabled = list(range(0, 100, 3))
    assert fast.disable(disabled) == len(disabled)
    assert fast.disable(disabled) == 0  # already off
    ref.disable(disabled)
    assert len(fast) == 5100 - len(disabled)
    _same(fast, ref, hashes[:150], 31)
    more = [random_hash(rng) for _ in range(5000)]
    fast.add(more, list(range(5100, 10100)))
    ref.add(more, list(range(5100, 10100)))
    assert fast.layout["tail"] == 0 and fast.layout["indexed"] == 10100
    _same(fast, ref, hashes[:50] + more[:50], 31)


def test_duplicate_hashes_are_all_reported_once_each() -> None:
    h = "ab" * 32
    index: PdqIndex[str] = PdqIndex()
    index.add([h, h, flip_bits(h, 3)], ["a", "b", "c"])
    index.rebuild()
    assert [(m.payload, m.distance) for m in index.query(h)] == [("a", 0), ("b", 0), ("c", 3)]


def test_bad_input() -> None:
    index: PdqIndex[int] = PdqIndex()
    with pytest.raises(InvalidHashError):
        index.add(["xyz"], [1])
    with pytest.raises(ValueError, match="1 hashes but 2 payloads"):
        index.add(["0" * 64], [1, 2])
    with pytest.raises(ValueError, match="threshold"):
        index.query("0" * 64, -1)
    with pytest.raises(IndexError):
        index.disable([3])
    assert index.query("0" * 64) == []


def test_table_shape_is_exact_for_radius_31() -> None:
    for n in (0, 1000, 10**6, 10**7, 10**9):
        bits, tables = table_shape(n)
        assert bits * tables <= 256
        assert tables * (31 // tables + 1) > 31  # pigeonhole: a substring within r flips


def test_batches_split_over_threads_give_the_same_answer_as_one_thread() -> None:
    rng = np.random.default_rng(11)
    hashes = [random_hash(rng) for _ in range(5_000)]
    queries = [flip_bits(h, 20, seed=k) for k, h in enumerate(hashes[:150])]
    queries += [random_hash(rng) for _ in range(50)]
    answers = []
    for threads in (1, 3):
        index: PdqIndex[int] = PdqIndex(threads=threads)
        index.add(hashes, list(range(len(hashes))))
        index.rebuild()
        index.add(hashes[:10], list(range(10)))  # a tail scanned linearly, duplicated ids
        rows = index.query_many(queries)
        answers.append([[(m.id, m.distance) for m in row] for row in rows])
    assert answers[0] == answers[1]
    assert all(any(m[0] == k for m in answers[0][k]) for k in range(150))
