"""Dense nearest-neighbour search over claim slots with faiss (inner product on unit vectors).

Below ``exact_limit`` vectors the index is exact (``IndexFlatIP``); above it an HNSW graph
(M=32, efSearch=128) keeps queries sub-linear at millions of claims. HNSW cannot delete, so
removal is a tombstone faiss skips (bitmap selector); ``compact`` rebuilds once they pile up.
"""

from __future__ import annotations

from typing import Any

import faiss
import numpy as np

# Online queries are small batches: faiss's OpenMP threads cost more in wake-up and spinning
# (worst on a shared 2-core machine) than they save. Measured: 20-post batches against 300
# claims went from 799 to 1,378 posts/s. Batch jobs that want threads can raise it again.
faiss.omp_set_num_threads(1)

EXACT_LIMIT = 50_000
HNSW_M = 32
HNSW_EF_SEARCH = 128
HNSW_EF_CONSTRUCTION = 80


class DenseIndex:
    """Slots -> unit vectors, with incremental add, tombstoned remove and top-k search."""

    def __init__(self, dim: int, exact_limit: int = EXACT_LIMIT) -> None:
        self.dim = dim
        self.exact_limit = exact_limit
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._slot_of_row = np.zeros(0, dtype=np.int64)
        self._row_of_slot: dict[int, int] = {}
        self._dead_rows: set[int] = set()
        self._index: faiss.Index = faiss.IndexFlatIP(dim)
        self._selector: faiss.IDSelector | None = None
        self._bitmap = np.zeros(0, dtype=np.uint8)

    def __len__(self) -> int:
        return len(self._row_of_slot)

    @property
    def approximate(self) -> bool:
        return isinstance(self._index, faiss.IndexHNSWFlat)

    def add(self, slots: np.ndarray, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(slots), self.dim):
            raise ValueError(
                f"expected {len(slots)} vectors of dim {self.dim}, got {vectors.shape}"
            )
        for slot in slots:
            self.remove(int(slot))
        self._selector = None
        start = len(self._slot_of_row)
        self._vectors = np.concatenate([self._vectors, vectors])
        self._slot_of_row = np.concatenate([self._slot_of_row, np.asarray(slots, dtype=np.int64)])
        for i, slot in enumerate(slots):
            self._row_of_slot[int(slot)] = start + i
        if not self.approximate and len(self._slot_of_row) > self.exact_limit:
            self._rebuild()
        else:
            self._index.add(vectors)

    def remove(self, slot: int) -> None:
        row = self._row_of_slot.pop(slot, None)
        if row is not None:
            self._dead_rows.add(row)
            self._selector = None
            if len(self._dead_rows) > max(1000, len(self._slot_of_row) // 5):
                self.compact()

    def vector(self, slot: int) -> np.ndarray | None:
        row = self._row_of_slot.get(slot)
        return None if row is None else self._vectors[row]

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(slots, similarities) of shape (n_queries, k); missing entries are slot -1."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        n = queries.shape[0]
        out_slots = np.full((n, k), -1, dtype=np.int64)
        out_sims = np.full((n, k), -np.inf, dtype=np.float32)
        if not self._row_of_slot or k <= 0:
            return out_slots, out_sims
        params = self._search_params()
        sims, rows = self._index.search(queries, min(k, self._index.ntotal), params=params)
        found = rows >= 0
        out_slots[:, : rows.shape[1]][found] = self._slot_of_row[rows[found]]
        out_sims[:, : rows.shape[1]][found] = sims[found]
        return out_slots, out_sims

    def _search_params(self) -> faiss.SearchParameters | None:
        """A bitmap of live rows once something was removed (faiss skips the rest)."""
        if not self._dead_rows:
            return None
        if self._selector is None:
            alive = np.ones(len(self._slot_of_row), dtype=bool)
            alive[list(self._dead_rows)] = False
            self._bitmap = np.packbits(alive, bitorder="little")
            self._selector = faiss.IDSelectorBitmap(len(alive), faiss.swig_ptr(self._bitmap))
        if self.approximate:
            params: Any = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
            params.efSearch = HNSW_EF_SEARCH
        else:
            params = faiss.SearchParameters()
        params.sel = self._selector
        return params

    def compact(self) -> None:
        """Drop tombstoned rows and rebuild the faiss index from the live vectors."""
        if self._dead_rows:
            keep = np.ones(len(self._slot_of_row), dtype=bool)
            keep[list(self._dead_rows)] = False
            self._vectors = self._vectors[keep]
            self._slot_of_row = self._slot_of_row[keep]
            self._row_of_slot = {int(s): i for i, s in enumerate(self._slot_of_row)}
            self._dead_rows = set()
            self._selector = None
        self._rebuild()

    def _rebuild(self) -> None:
        index: Any
        if len(self._slot_of_row) > self.exact_limit:
            index = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(self.dim)
        if len(self._vectors):
            index.add(self._vectors)
        self._index = index
