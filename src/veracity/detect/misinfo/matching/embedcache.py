"""An on-disk cache of claim embeddings, so a restart does not re-embed the whole claim base.

MiniLM embeds ~30-140 claims/s on 2 cores: 14k claims take minutes at every start (and every
`veracity train claims` / `eval claims` run). Set ``VERACITY_EMBEDDING_CACHE`` to a folder and
document vectors (never post vectors: those are what throughput measures) are stored there,
keyed by a hash of the embedder name and the exact text, in append-only ``.npz`` shards.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ENV = "VERACITY_EMBEDDING_CACHE"


def _key(name: str, text: str) -> str:
    return hashlib.sha1(f"{name}\x00{text}".encode()).hexdigest()


class CachedEmbedder:
    """Wraps an embedder: document vectors come from the cache folder when present."""

    def __init__(self, inner: object, folder: str | Path) -> None:
        self._inner = inner
        self.name: str = inner.name  # type: ignore[attr-defined]
        self.dim: int = inner.dim  # type: ignore[attr-defined]
        self._folder = Path(folder)
        self._folder.mkdir(parents=True, exist_ok=True)
        self._vectors: dict[str, np.ndarray] = {}
        for shard in sorted(self._folder.glob(f"{self.name}-*.npz")):
            with np.load(shard) as data:
                if data["vectors"].shape[1:] == (self.dim,):
                    self._vectors.update(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def encode(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        if query:
            return self._inner.encode(texts, query=True)  # type: ignore[attr-defined]
        keys = [_key(self.name, t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            new = self._inner.encode([text_of[k] for k in missing])  # type: ignore[attr-defined]
            self._vectors.update(zip(missing, new, strict=True))
            shard = self._folder / f"{self.name}-{uuid.uuid4().hex}.npz"
            tmp = shard.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.asarray(missing), vectors=np.asarray(new, dtype=np.float32))
            os.replace(tmp, shard)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32, copy=False)


def cache_folder() -> str | None:
    """The cache folder from the environment, or None when caching is off."""
    return os.environ.get(ENV) or None
