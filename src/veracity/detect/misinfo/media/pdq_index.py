"""Indexes of PDQ hashes that answer "every banked hash within distance 31" (exact).

:class:`PdqIndex` is the fast path: multi-index hashing over compiled kernels
(:mod:`.mih_kernels`), sized from the number of hashes so a query reads a few thousand buckets
and candidates even at ten million hashes. :class:`BruteForcePdqIndex` compares the query with
every hash (numpy ``bitwise_count``); it is obviously right and the tests hold the fast index
to it, the python-threatexchange habit.

Both support incremental ``add`` and ``disable``. New hashes go to a tail that is scanned
linearly until it grows past ``max(MIN_TAIL, n / TAIL_FRACTION)``, then the tables are
rebuilt; disabled hashes stay in place, masked out.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import numpy as np
import numpy.typing as npt

from veracity.detect.misinfo.media.pdq_hash import BYTES, MATCH_THRESHOLD, to_array

T = TypeVar("T")

MIN_TAIL = 4096
TAIL_FRACTION = 8
MIN_BITS = 16
MAX_BITS = 23
HUGE_PAGE_MIN_BYTES = 8 * 1024 * 1024
MAX_FLIPS = 3  # probes per table grow as bits^flips; past this a linear scan is cheaper
MAX_OFFSETS_PER_HASH = 16  # 64 bytes of offsets beside ~350 bytes of table copies per hash
MIN_QUERIES_PER_THREAD = 32  # below this a batch runs on the calling thread


@dataclass(frozen=True)
class PdqMatch(Generic[T]):
    id: int
    distance: int
    payload: T


def _words(codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """``(n, 32)`` bytes -> ``(n, 4)`` big-endian uint64 words (hex digit order kept)."""
    if codes.ndim != 2 or codes.shape[1] != BYTES:
        raise ValueError(f"expected an (n, {BYTES}) uint8 array of PDQ hashes, got {codes.shape}")
    return np.ascontiguousarray(codes).view(">u8").astype(np.uint64)


def _huge_empty(shape: tuple[int, ...], dtype: type[np.generic]) -> npt.NDArray[Any]:
    """An array in memory the kernel may back with huge pages.

    The tables are read at random; with 4 KiB pages nearly every probe also misses the TLB.
    Linux backs an anonymous mapping with 2 MiB pages when asked (``MADV_HUGEPAGE``), which
    makes lookups markedly faster at millions of hashes. Elsewhere this is a plain array.
    """
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    advice = getattr(mmap, "MADV_HUGEPAGE", None)
    if size < HUGE_PAGE_MIN_BYTES or advice is None:
        return np.empty(shape, dtype=dtype)
    region = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    with contextlib.suppress(OSError):
        region.madvise(advice)
    return np.frombuffer(region, dtype=dtype).reshape(shape)


def table_shape(n: int, radius: int = MATCH_THRESHOLD) -> tuple[int, int]:
    """(substring bits, tables) for ``n`` hashes that minimise buckets probed plus candidates.

    With ``m = 256 // bits`` tables, a query probes ``m * sum(C(bits, k) for k <= radius // m)``
    buckets holding ``n / 2^bits`` hashes each; a probe and a candidate cost about one cache
    miss each (measured). Short keys (16 bits, one flip) win for small banks; from about a
    million hashes 23-bit keys with two flips read the fewest places (at 1M: 7,700 lookups/s
    against 5,200 with 21 bits). Keys stay short enough that the bucket offsets take at most
    ``MAX_OFFSETS_PER_HASH`` entries per hash.
    """
    best: tuple[float, int, int] | None = None
    for bits in range(MIN_BITS, MAX_BITS + 1):
        if bits > MIN_BITS and 2**bits > MAX_OFFSETS_PER_HASH * n:
            break  # bucket offsets would outweigh the hashes and their table copies
        tables = 256 // bits
        flips = radius // tables
        probes = tables * sum(math.comb(bits, k) for k in range(flips + 1))
        cost = probes * (1 + max(n, 1) / 2**bits)
        if best is None or cost < best[0]:
            best = (cost, bits, tables)
    assert best is not None
    return best[1], best[2]


class PdqIndexBase(Generic[T]):
    """Growable arrays of codes, live flags and payloads shared by both indexes."""

    def __init__(self) -> None:
        self._codes = np.zeros((0, 4), dtype=np.uint64)
        self._alive = np.zeros(0, dtype=np.bool_)
        self._payloads: list[T] | None = []
        self._n = 0

    def _append(self, codes: npt.NDArray[np.uint8], payloads: Sequence[T] | None) -> range:
        words = _words(codes)
        if payloads is not None and len(payloads) != len(words):
            raise ValueError(f"{len(words)} hashes but {len(payloads)} payloads")
        if payloads is None and self._n and self._payloads is not None:
            raise ValueError("this index keeps payloads; pass one per hash")
        if payloads is not None and self._payloads is None:
            raise ValueError("this index was built without payloads")
        need = self._n + len(words)
        if need > len(self._codes):
            cap = max(need, 2 * len(self._codes), 1024)
            grown = _huge_empty((cap, 4), np.uint64)
            grown[: self._n] = self._codes[: self._n]
            alive = np.zeros(cap, dtype=np.bool_)
            alive[: self._n] = self._alive[: self._n]
            grown[need:] = 0
            self._codes, self._alive = grown, alive
        self._codes[self._n : need] = words
        self._alive[self._n : need] = True
        if payloads is None:
            self._payloads = None
        elif self._payloads is not None:
            self._payloads.extend(payloads)
        added = range(self._n, need)
        self._n = need
        return added

    def add(self, hashes: Sequence[str], payloads: Sequence[T]) -> range:
        """Add hex hashes (validated) with one payload each; return their ids."""
        return self.add_codes(to_array(list(hashes)), payloads)

    def add_codes(self, codes: npt.NDArray[np.uint8], payloads: Sequence[T] | None = None) -> range:
        return self._append(codes, payloads)

    def disable(self, ids: Sequence[int] | range) -> int:
        """Mask hashes out of every later query; return how many were live."""
        idx = np.asarray(list(ids), dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= self._n):
            raise IndexError(f"id out of range 0..{self._n - 1}")
        was = int(self._alive[idx].sum())
        self._alive[idx] = False
        return was

    def __len__(self) -> int:
        """Live hashes."""
        return int(self._alive[: self._n].sum())

    def payload(self, i: int) -> T:
        if self._payloads is None:
            raise LookupError("this index was built without payloads")
        return self._payloads[i]

    def _matches(
        self, lims: npt.NDArray[np.int64], ids: npt.NDArray[np.int64], dists: npt.NDArray[np.int32]
    ) -> list[list[PdqMatch[T]]]:
        payloads = self._payloads
        out: list[list[PdqMatch[T]]] = []
        for q in range(len(lims) - 1):
            row: list[PdqMatch[T]] = []
            for k in range(int(lims[q]), int(lims[q + 1])):
                i = int(ids[k])
                payload = payloads[i] if payloads is not None else cast(T, None)
                row.append(PdqMatch(i, int(dists[k]), payload))
            out.append(row)
        return out

    def search_codes(
        self, queries: npt.NDArray[np.uint8], threshold: int = MATCH_THRESHOLD
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        raise NotImplementedError

    def query_many(
        self, hashes: Sequence[str], threshold: int = MATCH_THRESHOLD
    ) -> list[list[PdqMatch[T]]]:
        """For each hex hash, the live hashes within ``threshold``, nearest first."""
        return self._matches(*self.search_codes(to_array(list(hashes)), threshold))

    def query(self, hex_hash: str, threshold: int = MATCH_THRESHOLD) -> list[PdqMatch[T]]:
        return self.query_many([hex_hash], threshold)[0]


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 0 <= threshold <= 256:
        raise ValueError(f"threshold must be an integer 0..256, got {threshold!r}")
    return threshold


class BruteForcePdqIndex(PdqIndexBase[T]):
    """Reference: XOR and popcount against every hash. Slow, obviously right."""

    def search_codes(
        self, queries: npt.NDArray[np.uint8], threshold: int = MATCH_THRESHOLD
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        _check_threshold(threshold)
        q_words = _words(queries)
        codes = self._codes[: self._n]
        live = np.flatnonzero(self._alive[: self._n])
        lims = [0]
        all_ids: list[npt.NDArray[np.int64]] = []
        all_d: list[npt.NDArray[np.int32]] = []
        for q in q_words:
            d = np.bitwise_count(codes[live] ^ q).sum(axis=1, dtype=np.int32)
            hit = d <= threshold
            ids, dist = live[hit], d[hit]
            order = np.lexsort((ids, dist))
            all_ids.append(ids[order].astype(np.int64))
            all_d.append(dist[order])
            lims.append(lims[-1] + int(hit.sum()))
        return (
            np.asarray(lims, dtype=np.int64),
            np.concatenate(all_ids) if all_ids else np.zeros(0, dtype=np.int64),
            np.concatenate(all_d) if all_d else np.zeros(0, dtype=np.int32),
        )


def default_threads() -> int:
    """CPUs this process may run on (batches are split across them)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class PdqIndex(PdqIndexBase[T]):
    """Exact range search by multi-index hashing; a fraction of a millisecond at ten million.

    Memory is about ``(32 * (tables + 1) + 4 * tables) * n`` bytes plus the bucket offsets:
    each table keeps the codes in its own order (see :mod:`.mih_kernels`), ~5.5 GB at ten
    million hashes. Batches of queries are split over ``threads`` threads (the kernel releases
    the GIL); one query runs on the calling thread.
    """

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        self.threads = default_threads() if threads is None else max(1, int(threads))
        self._bits, self._tables = table_shape(0)
        self._ids = np.zeros((self._tables, 0), dtype=np.int32)
        self._tcodes = np.zeros((self._tables, 0, 4), dtype=np.uint64)
        self._offsets = np.zeros((self._tables, (1 << self._bits) + 1), dtype=np.int32)
        self._indexed = 0
        self._mask_cache: dict[tuple[int, int], npt.NDArray[np.int64]] = {}

    @property
    def layout(self) -> dict[str, int]:
        """Table layout, for benchmarks and evidence."""
        return {
            "bits": self._bits,
            "tables": self._tables,
            "indexed": self._indexed,
            "tail": self._n - self._indexed,
        }

    def _append(self, codes: npt.NDArray[np.uint8], payloads: Sequence[T] | None) -> range:
        added = super()._append(codes, payloads)
        if self._n - self._indexed > max(MIN_TAIL, self._indexed // TAIL_FRACTION):
            self.rebuild()
        return added

    def _masks(self, flips: int) -> npt.NDArray[np.int64]:
        from veracity.detect.misinfo.media.mih_kernels import flip_masks

        key = (self._bits, flips)
        if key not in self._mask_cache:
            self._mask_cache[key] = flip_masks(np.int64(self._bits), np.int64(flips))
        return self._mask_cache[key]

    def rebuild(self) -> None:
        """Re-sort every hash into tables sized for the current count."""
        from veracity.detect.misinfo.media.mih_kernels import fill_table_codes, substring_keys

        n = self._n
        if n >= 2**31:
            raise ValueError("a PDQ index holds at most 2^31 - 1 hashes")
        bits, tables = table_shape(n)
        keys = substring_keys(self._codes[:n], np.int64(tables), np.int64(bits))
        ids = _huge_empty((tables, n), np.int32)
        offsets = _huge_empty((tables, (1 << bits) + 1), np.int32)
        offsets[:, 0] = 0
        for t in range(tables):
            ids[t] = np.argsort(keys[t], kind="stable")
            np.cumsum(np.bincount(keys[t], minlength=1 << bits), out=offsets[t, 1:])
        del keys
        self._tcodes = np.zeros((0, 0, 4), dtype=np.uint64)  # free the old copies first
        tcodes = _huge_empty((tables, n, 4), np.uint64)
        fill_table_codes(self._codes[:n], ids, tcodes)
        self._bits, self._tables = bits, tables
        self._ids, self._offsets, self._tcodes, self._indexed = ids, offsets, tcodes, n

    def search_codes(
        self, queries: npt.NDArray[np.uint8], threshold: int = MATCH_THRESHOLD
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        """faiss-style ``(lims, ids, distances)`` for a ``(q, 32)`` uint8 array of queries."""
        _check_threshold(threshold)
        q_words = _words(queries)
        n_threads = min(self.threads, len(q_words) // MIN_QUERIES_PER_THREAD)
        if n_threads <= 1:
            return self._search_words(q_words, threshold)
        parts = np.array_split(q_words, n_threads)
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            done = list(pool.map(lambda part: self._search_words(part, threshold), parts))
        lims = [np.zeros(1, dtype=np.int64)]
        base = 0
        for part_lims, part_ids, _ in done:
            lims.append(part_lims[1:] + base)
            base += len(part_ids)
        return (
            np.concatenate(lims),
            np.concatenate([d[1] for d in done]),
            np.concatenate([d[2] for d in done]),
        )

    def _search_words(
        self, q_words: npt.NDArray[np.uint64], threshold: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        from veracity.detect.misinfo.media.mih_kernels import range_search

        flips = threshold // self._tables
        tables = self._tables if flips <= MAX_FLIPS else 0  # beyond: scan everything
        lims, ids, dists = range_search(
            self._codes,
            self._tcodes,
            self._alive,
            self._ids,
            self._offsets,
            np.int64(tables),
            np.int64(self._bits),
            np.int64(self._indexed),
            np.int64(self._n),
            q_words,
            np.int64(threshold),
            self._masks(min(flips, MAX_FLIPS)),
        )
        return lims, ids, dists
