"""`veracity train claims` and `veracity eval claims` on CheckThat! 2022 task 2A files.

Training fits the fusion on the shortlisted pairs of the training queries (positives the
shortlist missed are still absent at run time, so they are not added). Calibration is reported
on a held-out part: the model card records ECE and reliability of a model fitted without the
``holdout`` qrels, then the shipped model is refitted on everything given.

``ranker="logistic"`` fits the numpy logistic fusion; ``"lambdarank"`` a LightGBM LambdaRank
booster with cross-fitted Platt calibration (``ranker.py``). ``embedder`` drives dense
retrieval; ``second_embedder`` adds a third retriever and its features (e.g. WordLlama beside
MiniLM); ``shortlist`` is the candidates per retriever (recorded in the model).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from veracity.detect.misinfo.matching.clef import read_qrels, read_queries, read_vclaims
from veracity.detect.misinfo.matching.fusion import DEFAULT_SHORTLIST, FusionModel, fixed_model
from veracity.detect.misinfo.matching.matcher import ClaimMatcher, MatcherConfig
from veracity.detect.misinfo.matching.metrics import (
    expected_calibration_error,
    map_at_k,
    recall_at_k,
    reliability,
)
from veracity.detect.misinfo.matching.ranker import GbmRanker

RANKERS = ("logistic", "lambdarank")

ENGLISH_ONLY = MatcherConfig(multilingual=False)


def _labelled_pairs(
    matcher: ClaimMatcher, queries: Mapping[str, str], qrels: Mapping[str, set[str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, post index of each row) of every shortlisted pair."""
    qids = [q for q in qrels if q in queries]
    if not qids:
        raise ValueError("no query in the qrels has a text in the queries files")
    x, owners, claim_ids = matcher.candidate_table([queries[q] for q in qids])
    y = np.array([cid in qrels[qids[o]] for o, cid in zip(owners, claim_ids, strict=True)])
    return x, y.astype(np.float64), np.asarray(owners, dtype=np.int64)


def _fit(
    x: np.ndarray,
    y: np.ndarray,
    owners: np.ndarray,
    *,
    ranker: str,
    l2: float,
    base: FusionModel,
    card: dict[str, Any] | None = None,
) -> FusionModel:
    setup: dict[str, Any] = {
        "embedder": base.embedder,
        "second_embedder": base.second_embedder,
        "shortlist": base.shortlist,
        "card": card,
    }
    if ranker == "lambdarank":
        return FusionModel.from_ranker(GbmRanker.fit(x, y, owners), **setup)
    return FusionModel.fit(x, y, l2=l2, **setup)


def train_claims(
    vclaims: str | Path,
    queries: Sequence[str | Path],
    qrels: Sequence[str | Path],
    out: str | Path,
    *,
    holdout_qrels: Sequence[str | Path] = (),
    embedder: str = "wordllama",
    l2: float = 1.0,
    second_embedder: str | None = None,
    ranker: str = "logistic",
    shortlist: int = DEFAULT_SHORTLIST,
) -> dict[str, Any]:
    """Fit the fusion model and write it to ``out``; returns the model card.

    ``qrels`` are the training labels; ``holdout_qrels`` (optional, e.g. the dev qrels) are
    left out of a first fit to measure calibration, then included in the final fit.
    """
    if ranker not in RANKERS:
        raise ValueError(f"unknown ranker {ranker!r}; choose one of {RANKERS}")
    if second_embedder == embedder:
        raise ValueError("the second embedder must differ from the first")
    claims = read_vclaims(vclaims)
    texts = read_queries(queries)
    train_rel = read_qrels(qrels)
    held_rel = read_qrels(holdout_qrels) if holdout_qrels else {}
    overlap = set(train_rel) & set(held_rel)
    if overlap:
        raise ValueError(f"{len(overlap)} queries are in both training and holdout qrels")
    base = fixed_model(embedder, second_embedder, shortlist)  # features do not depend on it
    matcher = ClaimMatcher.build(claims, base, ENGLISH_ONLY)
    x_train, y_train, o_train = _labelled_pairs(matcher, texts, train_rel)
    card: dict[str, Any] = {
        "name": "claim-fusion-lr" if ranker == "logistic" else "claim-lambdarank-platt",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data": {
            "vclaims": str(vclaims),
            "queries": [str(q) for q in queries],
            "qrels": [str(q) for q in qrels],
            "holdout_qrels": [str(q) for q in holdout_qrels],
            "claims": len(claims),
            "training_queries": len(train_rel),
            "training_pairs": len(y_train),
        },
        "embedder": embedder,
        "second_embedder": second_embedder,
        "ranker": ranker,
        "shortlist": matcher.shortlist,
    }
    fit_args: dict[str, Any] = {"ranker": ranker, "l2": l2, "base": base}
    if held_rel:
        x_held, y_held, o_held = _labelled_pairs(matcher, texts, held_rel)
        first = _fit(x_train, y_train, o_train, **fit_args)
        matcher.model = first
        runs = _rank(matcher, texts, held_rel)
        p_held = first.predict_proba(x_held)
        card["holdout_metrics"] = {
            "queries": len(held_rel),
            "map@5": round(map_at_k(runs, held_rel, 5), 4),
            "ece": round(expected_calibration_error(p_held, y_held.astype(int).tolist()), 4),
            "reliability": reliability(p_held, y_held.astype(int).tolist()),
        }
        x_train = np.vstack([x_train, x_held])
        y_train = np.concatenate([y_train, y_held])
        o_train = np.concatenate([o_train, o_held + o_train.max() + 1])
        card["training_data"]["training_pairs"] = len(y_train)
    model = _fit(x_train, y_train, o_train, card=card, **fit_args)
    model.save(out)
    return card


def _rank(
    matcher: ClaimMatcher, texts: Mapping[str, str], qrels: Mapping[str, set[str]], k: int = 5
) -> dict[str, list[str]]:
    qids = [q for q in qrels if q in texts]
    hits = matcher.search([texts[q] for q in qids], k=k)
    return {q: [h.claim_id for h in hs] for q, hs in zip(qids, hits, strict=True)}


def eval_claims(
    vclaims: str | Path,
    queries: Sequence[str | Path],
    qrels: Sequence[str | Path],
    *,
    model: str | Path | None = None,
    config: MatcherConfig | None = None,
) -> dict[str, Any]:
    """MAP@1/5, recall@5, ECE and throughput of a model on one CheckThat! split."""
    claims = read_vclaims(vclaims)
    texts = read_queries(queries)
    rel = read_qrels(qrels)
    missing = [q for q in rel if q not in texts]
    if missing:
        raise ValueError(f"{len(missing)} qrels queries have no text, e.g. {missing[:3]}")
    fusion = FusionModel.load(model) if model is not None else None
    cfg = config or ENGLISH_ONLY
    t0 = time.perf_counter()
    matcher = ClaimMatcher.build(claims, fusion, cfg)
    build_s = time.perf_counter() - t0
    qids = list(rel)
    t0 = time.perf_counter()
    hits = matcher.search([texts[q] for q in qids], k=5)
    search_s = time.perf_counter() - t0
    runs = {q: [h.claim_id for h in hs] for q, hs in zip(qids, hits, strict=True)}
    top_probs = [hs[0].probability if hs else 0.0 for hs in hits]
    top_correct = [
        int(bool(hs) and hs[0].claim_id in rel[q]) for q, hs in zip(qids, hits, strict=True)
    ]
    return {
        "map@1": round(map_at_k(runs, rel, 1), 4),
        "map@3": round(map_at_k(runs, rel, 3), 4),
        "map@5": round(map_at_k(runs, rel, 5), 4),
        "recall@5": round(recall_at_k(runs, rel, 5), 4),
        "queries": len(qids),
        "queries_per_s": round(len(qids) / search_s, 1),
        "build_s": round(build_s, 2),
        "top1_ece": round(expected_calibration_error(top_probs, top_correct), 4),
        "model": str(model) if model is not None else matcher.model.card.get("name", "fixed"),
    }
