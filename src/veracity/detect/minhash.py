"""Character-shingle MinHash with LSH banding, in numpy, with fixed seeds.

* Shingles are the character k-grams of a normalised text (the whole text when it is shorter
  than k). Each is hashed with a polynomial over its code points (mod 2**64) followed by the
  splitmix64 finaliser, so a shingle's hash is the same in every process.
* Permutation ``i`` is ``x -> a_i * x + b_i (mod 2**32)`` with ``a_i`` odd, applied to the high
  32 bits of the (already well mixed) shingle hashes; the signature is the minimum over the
  shingles. 32-bit lanes halve the cost of the (shingles x permutations) product.
* LSH splits the signature into ``bands`` bands of ``rows`` rows; two texts become candidates
  when one band is equal. ``choose_banding`` picks the widest bands whose candidate probability at
  the threshold, ``1 - (1 - t**rows)**bands``, stays above the target recall.

Candidates are always verified by exact Jaccard over the shingle hashes, so LSH can only miss
matches (rarely), never invent them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

U64 = np.uint64
U32 = np.uint32
_POLY = U64(0x100000001B3)
_MIX1 = U64(0xBF58476D1CE4E5B9)
_MIX2 = U64(0x94D049BB133111EB)
_SHIFT30, _SHIFT27, _SHIFT31, _SHIFT32 = U64(30), U64(27), U64(31), U64(32)
_CHUNK_SHINGLES = 8192  # bounds the (shingles x permutations) temporary to 8 MiB


def shingle_strings(norm: str, k: int) -> set[str]:
    """The k-shingles of a normalised text as strings (the reference's definition)."""
    if not norm:
        return set()
    if len(norm) <= k:
        return {norm}
    return {norm[i : i + k] for i in range(len(norm) - k + 1)}


def shingle_hashes(norm: str, k: int) -> np.ndarray:
    """64-bit hashes of the k-shingles of ``norm``, in text order and possibly repeated (a
    repeat changes neither a minimum nor a set); empty for empty text."""
    if not norm:
        return np.empty(0, dtype=U64)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4").astype(U64)
    m = min(k, len(codes))
    n = len(codes) - m + 1
    h = codes[:n].copy()
    with np.errstate(over="ignore"):
        for j in range(1, m):
            h *= _POLY
            h += codes[j : j + n]
        h ^= h >> _SHIFT30
        h *= _MIX1
        h ^= h >> _SHIFT27
        h *= _MIX2
        h ^= h >> _SHIFT31
    return h


def choose_banding(
    num_perm: int, threshold: float, target_recall: float = 0.995
) -> tuple[int, int]:
    """(bands, rows) with the most rows per band whose candidate probability at ``threshold``
    is at least ``target_recall``; at worst one row per band."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        p = 1.0 - (1.0 - threshold**rows) ** bands
        if p >= target_recall:
            best = (bands, rows)
    return best


class MinHasher:
    def __init__(self, num_perm: int = 128, seed: int = 20240601) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = rng.integers(0, 2**31, size=num_perm, dtype=U32) * U32(2) + U32(1)
        self.b = rng.integers(0, 2**32, size=num_perm, dtype=U32)

    @staticmethod
    def _lanes(hashes: np.ndarray) -> np.ndarray:
        return (hashes >> _SHIFT32).astype(U32)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """MinHash signature (``num_perm`` uint32) of a non-empty array of shingle hashes."""
        lanes = self._lanes(hashes)
        out = np.full(self.num_perm, np.iinfo(U32).max, dtype=U32)
        with np.errstate(over="ignore"):
            for start in range(0, len(lanes), _CHUNK_SHINGLES):
                block = np.multiply.outer(lanes[start : start + _CHUNK_SHINGLES], self.a)
                block += self.b
                np.minimum(out, block.min(axis=0), out=out)
        return out

    def signatures(self, hash_sets: Sequence[np.ndarray]) -> np.ndarray:
        """Signatures of many non-empty hash arrays at once, (len, num_perm)."""
        out = np.empty((len(hash_sets), self.num_perm), dtype=U32)
        i = 0
        with np.errstate(over="ignore"):
            while i < len(hash_sets):
                j, total = i, 0
                while j < len(hash_sets) and (
                    j == i or total + len(hash_sets[j]) <= _CHUNK_SHINGLES
                ):
                    total += len(hash_sets[j])
                    j += 1
                if j == i + 1:
                    out[i] = self.signature(hash_sets[i])
                else:
                    group = hash_sets[i:j]
                    # (permutations x shingles), reduced along contiguous rows per text.
                    block = np.multiply.outer(self.a, self._lanes(np.concatenate(group)))
                    block += self.b[:, None]
                    starts = np.cumsum([0] + [len(g) for g in group[:-1]])
                    out[i:j] = np.minimum.reduceat(block, starts, axis=1).T
                i = j
        return out


class LSHIndex:
    """Band tables mapping a band's hash to the ids of the signatures that have it."""

    def __init__(self, num_perm: int, threshold: float, seed: int = 7) -> None:
        self.bands, self.rows = choose_banding(num_perm, threshold)
        rng = np.random.default_rng(seed)
        self._mult = rng.integers(0, 2**63, size=self.rows, dtype=U64) * U64(2) + U64(1)
        # Band keys mix the 32-bit rows into 64 bits: (row_j * mult_j) summed mod 2**64.
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(self.bands)]

    def _keys(self, signatures: np.ndarray) -> np.ndarray:
        used = signatures[..., : self.bands * self.rows]
        shaped = used.reshape(*signatures.shape[:-1], self.bands, self.rows).astype(U64)
        with np.errstate(over="ignore"):
            return (shaped * self._mult).sum(axis=-1, dtype=U64)

    def insert_many(self, ids: Iterable[int], signatures: np.ndarray) -> None:
        if len(signatures) == 0:
            return
        keys = self._keys(signatures).tolist()
        for ident, row in zip(ids, keys, strict=True):
            for table, key in zip(self._tables, row, strict=True):
                bucket = table.get(key)
                if bucket is None:
                    table[key] = [ident]
                else:
                    bucket.append(ident)

    def query(self, signature: np.ndarray) -> set[int]:
        found: set[int] = set()
        for table, key in zip(self._tables, self._keys(signature).tolist(), strict=True):
            bucket = table.get(key)
            if bucket is not None:
                found.update(bucket)
        return found
