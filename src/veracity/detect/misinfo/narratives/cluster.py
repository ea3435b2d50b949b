"""Group posts into candidate narratives: connected components of claim, text and media links.

Pure python/numpy over plain records, so the job, tests and the evaluation share it. Text links
are found by MinHash LSH over normalised text and verified by the exact Jaccard of the shingle
hashes (as ``text_match`` does), so LSH can miss a link, rarely, but never invent one. PDQ near
matches use the pigeonhole principle: two 256-bit hashes within 15 bits agree on at least one of
16 aligned 16-bit chunks, so chunk equality finds every candidate exactly.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from veracity.detect.minhash import MinHasher, choose_banding, shingle_hashes
from veracity.detect.misinfo.narratives.config import NarrativeConfig
from veracity.detect.textnorm import normalise_for_match

_PDQ_CHUNKS = 16
_TARGET_RECALL = 0.97  # per pair at the threshold; chains of links recover most misses


@dataclass
class PostRecord:
    """What clustering needs to know about one post."""

    id: str
    account_id: str
    time: int  # seconds since the epoch
    text: str = ""
    sha256: tuple[str, ...] = ()
    pdq: tuple[str, ...] = ()
    claim: str | None = None
    rating: str | None = None
    anchor_of: list[str] = field(default_factory=list)  # narrative keys this post anchors


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _link_equal(uf: _UnionFind, keys: Sequence[Sequence[str]]) -> None:
    first: dict[str, int] = {}
    for i, values in enumerate(keys):
        for value in values:
            j = first.setdefault(value, i)
            if j != i:
                uf.union(i, j)


def _link_pdq_near(uf: _UnionFind, posts: Sequence[PostRecord], max_distance: int) -> None:
    owners: dict[str, int] = {}
    for i, post in enumerate(posts):
        for h in post.pdq:
            owners.setdefault(h, i)
    if max_distance <= 0 or len(owners) < 2:
        return
    hashes = list(owners)
    raw = b"".join(bytes.fromhex(h) for h in hashes)
    as_bytes = np.frombuffer(raw, dtype=np.uint8).reshape(len(hashes), 32)
    chunks = as_bytes.view(">u2")  # (n, 16) aligned 16-bit chunks
    buckets: dict[tuple[int, int], list[int]] = {}
    for c in range(_PDQ_CHUNKS):
        for i, v in enumerate(chunks[:, c].tolist()):
            buckets.setdefault((c, v), []).append(i)
    for members in buckets.values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                ia, ib = owners[hashes[a]], owners[hashes[b]]
                if uf.find(ia) == uf.find(ib):
                    continue
                distance = int(np.unpackbits(as_bytes[a] ^ as_bytes[b]).sum())
                if distance <= max_distance:
                    uf.union(ia, ib)


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) 64-bit keys; equal key in a band = candidate pair."""
    mult = np.random.default_rng(7).integers(0, 2**63, size=rows, dtype=np.uint64) * np.uint64(2)
    mult += np.uint64(1)
    used = signatures[:, : bands * rows].reshape(len(signatures), bands, rows).astype(np.uint64)
    with np.errstate(over="ignore"):
        keys: np.ndarray = (used * mult).sum(axis=-1, dtype=np.uint64)
    return keys


def _link_text(uf: _UnionFind, posts: Sequence[PostRecord], config: NarrativeConfig) -> None:
    owners: dict[bytes, int] = {}
    norms: list[str] = []
    for i, post in enumerate(posts):
        norm = normalise_for_match(post.text)
        if len(norm) < config.min_text_chars:
            continue
        digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=16).digest()
        j = owners.setdefault(digest, i)
        if j == i:
            norms.append(norm)
        else:
            uf.union(i, j)
    if len(norms) < 2:
        return
    owner = list(owners.values())
    hashes = [shingle_hashes(n, config.shingle_size) for n in norms]
    sets = [frozenset(h.tolist()) for h in hashes]
    signatures = MinHasher(config.num_perm).signatures(hashes)
    bands, rows = choose_banding(config.num_perm, config.text_threshold, _TARGET_RECALL)
    keys = _band_keys(signatures, bands, rows)

    def similar(a: int, b: int) -> bool:
        inter = len(sets[a] & sets[b])
        return inter / (len(sets[a]) + len(sets[b]) - inter) >= config.text_threshold

    for band in range(bands):
        order = np.argsort(keys[:, band], kind="stable")
        column = keys[order, band]
        starts = np.flatnonzero(np.r_[True, column[1:] != column[:-1], True])
        for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
            if hi - lo < 2:
                continue
            members = order[lo:hi].tolist()
            head = members[0]
            for prev, m in itertools.pairwise(members):
                if uf.find(owner[m]) == uf.find(owner[head]):
                    continue
                if similar(head, m):
                    uf.union(owner[m], owner[head])
                elif prev != head and similar(prev, m):
                    uf.union(owner[m], owner[prev])


def cluster_posts(posts: Sequence[PostRecord], config: NarrativeConfig) -> list[list[int]]:
    """Connected components (lists of indices into ``posts``), largest first, then by index."""
    uf = _UnionFind(len(posts))
    _link_equal(uf, [(f"claim:{p.claim}",) if p.claim else () for p in posts])
    _link_equal(uf, [tuple(f"sha256:{h}" for h in p.sha256) for p in posts])
    _link_equal(uf, [tuple(f"pdq:{h}" for h in p.pdq) for p in posts])
    _link_pdq_near(uf, posts, config.pdq_max_distance)
    _link_text(uf, posts, config)
    groups: dict[int, list[int]] = {}
    for i in range(len(posts)):
        groups.setdefault(uf.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))
