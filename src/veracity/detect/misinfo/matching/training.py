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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from veracity.detect.misinfo.matching.background import (
    DEFAULT_LIMIT,
    read_background,
    split_background,
)
from veracity.detect.misinfo.matching.cascade import (
    CascadeMatcher,
    CascadeModel,
    build_matcher,
    in_band,
    load_any_model,
)
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
from veracity.detect.misinfo.matching.records import ClaimRecord
from veracity.detect.misinfo.matching.student import distil
from veracity.detect.misinfo.matching.thresholds import DEFAULT_CONFIRMED, DEFAULT_SUGGESTED

RANKERS = ("logistic", "lambdarank")

ENGLISH_ONLY = MatcherConfig(multilingual=False)


TRAIN, HELD, BACKGROUND, BACKGROUND_HELD = range(4)


@dataclass
class _Table:
    """Feature rows of every shortlisted (post, claim) pair of a set of labelled posts."""

    x: np.ndarray
    y: np.ndarray
    owners: np.ndarray  # row -> post index
    claim_ids: list[str]
    post_ids: list[str]
    part: np.ndarray  # post -> TRAIN, HELD, BACKGROUND or BACKGROUND_HELD

    def rows(self, *parts: int) -> np.ndarray:
        return np.isin(self.part[self.owners], parts)

    def ranked(self, probs: np.ndarray, k: int = 5) -> tuple[np.ndarray, list[list[str]]]:
        """Per post: the top-1 probability and the ``k`` best claim ids under ``probs``."""
        top1 = np.zeros(len(self.post_ids))
        runs: list[list[str]] = [[] for _ in self.post_ids]
        order = np.lexsort((-probs, self.owners))
        for row in order:
            owner = int(self.owners[row])
            if not runs[owner]:
                top1[owner] = probs[row]
            if len(runs[owner]) < k:
                runs[owner].append(self.claim_ids[row])
        return top1, runs


def _table(
    matcher: ClaimMatcher,
    labelled: Sequence[tuple[Mapping[str, str], Mapping[str, set[str]], int]],
) -> tuple[_Table, dict[str, set[str]]]:
    """One candidate table over (texts, qrels, part) groups; background groups have empty qrels."""
    post_ids: list[str] = []
    texts: list[str] = []
    parts: list[int] = []
    rel: dict[str, set[str]] = {}
    for group_texts, group_rel, part in labelled:
        for qid, relevant in group_rel.items():
            if qid in group_texts:
                post_ids.append(qid)
                texts.append(group_texts[qid])
                parts.append(part)
                rel[qid] = relevant
    if not any(p == TRAIN for p in parts):
        raise ValueError("no query in the qrels has a text in the queries files")
    x, owners, claim_ids = matcher.candidate_table(texts)
    y = np.array([cid in rel[post_ids[o]] for o, cid in zip(owners, claim_ids, strict=True)])
    table = _Table(
        x,
        y.astype(np.float64),
        np.asarray(owners, dtype=np.int64),
        claim_ids,
        post_ids,
        np.asarray(parts, dtype=np.int64),
    )
    return table, rel


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
        "student": base.student,
    }
    if ranker == "lambdarank":
        return FusionModel.from_ranker(GbmRanker.fit(x, y, owners), **setup)
    return FusionModel.fit(x, y, l2=l2, **setup)


@dataclass
class _Stage:
    """A fitted configuration: its matcher, the model fitted without the holdout, the final."""

    matcher: ClaimMatcher
    table: _Table
    rel: dict[str, set[str]]
    first: FusionModel | None
    final: FusionModel
    card: dict[str, Any]
    fit_args: dict[str, Any]

    def out_of_fold(self, folds: int = 5) -> np.ndarray:
        """Each row's probability from a model fitted without its post (posts in ``folds``)."""
        t = self.table
        fold = (np.arange(len(t.post_ids)) % folds)[t.owners]
        probs = np.zeros(len(t.y))
        for f in range(folds):
            test = fold == f
            model = _fit(t.x[~test], t.y[~test], t.owners[~test], **self.fit_args)
            probs[test] = model.predict_proba(t.x[test])
        return probs


def _fit_stage(
    claims: list[ClaimRecord],
    texts: Mapping[str, str],
    train_rel: Mapping[str, set[str]],
    held_rel: Mapping[str, set[str]],
    *,
    embedder: str,
    second_embedder: str | None,
    ranker: str,
    shortlist: int,
    l2: float,
    card: dict[str, Any],
    background: tuple[list[str], list[str]] = ([], []),
    student: str | None = None,
) -> _Stage:
    """Fit on ``train_rel``, measure on ``held_rel`` (if any), then refit on both.

    ``background`` holds (training, held-out) posts that repeat no claim: negatives for the
    fit, and on the held-out ones the share of ordinary posts the model would label.
    """
    if ranker not in RANKERS:
        raise ValueError(f"unknown ranker {ranker!r}; choose one of {RANKERS}")
    if second_embedder == embedder:
        raise ValueError("the second embedder must differ from the first")
    # the features do not depend on the fusion's weights, so any model with this setup will do
    base = fixed_model(embedder, second_embedder, shortlist, student=student)
    matcher = ClaimMatcher.build(claims, base, ENGLISH_ONLY)
    groups: list[tuple[Mapping[str, str], Mapping[str, set[str]], int]] = [
        (texts, train_rel, TRAIN),
        (texts, held_rel, HELD),
    ]
    for part, posts in ((BACKGROUND, background[0]), (BACKGROUND_HELD, background[1])):
        ids = {f"\x00background-{part}-{i}": t for i, t in enumerate(posts)}
        groups.append((ids, {key: set[str]() for key in ids}, part))
    table, rel = _table(matcher, groups)
    card = {
        **card,
        "embedder": embedder,
        "second_embedder": second_embedder,
        "ranker": ranker,
        "shortlist": matcher.shortlist,
        "student": Path(student).name if student else None,
    }
    card["training_data"] = {
        **card.get("training_data", {}),
        "training_pairs": int(table.rows(TRAIN, BACKGROUND).sum()),
        "background_posts": len(background[0]) + len(background[1]),
    }
    fit_args: dict[str, Any] = {"ranker": ranker, "l2": l2, "base": base}
    first = None
    if held_rel:
        fit_rows = table.rows(TRAIN, BACKGROUND)
        first = _fit(table.x[fit_rows], table.y[fit_rows], table.owners[fit_rows], **fit_args)
        card["holdout_metrics"] = _holdout_metrics(table, rel, first.predict_proba(table.x))
        card["training_data"]["training_pairs"] = len(table.y)
    final = _fit(table.x, table.y, table.owners, card=card, **fit_args)
    return _Stage(matcher, table, rel, first, final, card, fit_args)


def _holdout_metrics(
    table: _Table, rel: Mapping[str, set[str]], probs: np.ndarray
) -> dict[str, Any]:
    """MAP@5 and calibration on the held-out queries; match rates on held-out background."""
    top1, runs = table.ranked(probs)
    held = [i for i, part in enumerate(table.part) if part == HELD]
    held_rel = {table.post_ids[i]: rel[table.post_ids[i]] for i in held}
    rows = table.rows(HELD)
    labels = table.y[rows].astype(int).tolist()
    out: dict[str, Any] = {
        "queries": len(held),
        "map@5": round(map_at_k({table.post_ids[i]: runs[i] for i in held}, held_rel, 5), 4),
        "ece": round(expected_calibration_error(probs[rows], labels), 4),
        "reliability": reliability(probs[rows], labels),
    }
    background = top1[table.part == BACKGROUND_HELD]
    if len(background):
        out.update(
            {
                "background_posts": len(background),
                "background_top1_p50": round(float(np.median(background)), 4),
                "background_suggested_share": round(
                    float((background >= DEFAULT_SUGGESTED).mean()), 4
                ),
                "background_confirmed_share": round(
                    float((background >= DEFAULT_CONFIRMED).mean()), 4
                ),
            }
        )
    return out


def _background(paths: Sequence[str | Path], limit: int) -> tuple[list[str], list[str]]:
    return split_background(read_background([Path(p) for p in paths], limit)) if paths else ([], [])


def _training_card(
    name: str,
    vclaims: str | Path,
    queries: Sequence[str | Path],
    qrels: Sequence[str | Path],
    holdout_qrels: Sequence[str | Path],
    claims: int,
    training_queries: int,
) -> dict[str, Any]:
    return {
        "name": name,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data": {
            "vclaims": str(vclaims),
            "queries": [str(q) for q in queries],
            "qrels": [str(q) for q in qrels],
            "holdout_qrels": [str(q) for q in holdout_qrels],
            "claims": claims,
            "training_queries": training_queries,
        },
    }


def _read_split(
    vclaims: str | Path,
    queries: Sequence[str | Path],
    qrels: Sequence[str | Path],
    holdout_qrels: Sequence[str | Path],
) -> tuple[list[ClaimRecord], dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    claims = read_vclaims(vclaims)
    texts = read_queries(queries)
    train_rel = read_qrels(qrels)
    held_rel = read_qrels(holdout_qrels) if holdout_qrels else {}
    overlap = set(train_rel) & set(held_rel)
    if overlap:
        raise ValueError(f"{len(overlap)} queries are in both training and holdout qrels")
    return claims, texts, train_rel, held_rel


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
    background: Sequence[str | Path] = (),
    background_limit: int = DEFAULT_LIMIT,
    student: bool = False,
    distil_texts: Sequence[str | Path] = (),
) -> dict[str, Any]:
    """Fit the fusion model and write it to ``out``; returns the model card.

    ``qrels`` are the training labels; ``holdout_qrels`` (optional, e.g. the dev qrels) are
    left out of a first fit to measure calibration, then included in the final fit.
    ``background`` files hold ordinary posts used as negatives (``background.py``).
    ``student`` distils ``embedder`` into a fast post encoder (``student.py``), written beside
    ``out`` as ``<name>.student.npz``, on the claims, the query and background texts and any
    ``distil_texts`` files (unlabelled posts in the background formats; never labels).
    """
    claims, texts, train_rel, held_rel = _read_split(vclaims, queries, qrels, holdout_qrels)
    name = "claim-fusion-lr" if ranker == "logistic" else "claim-lambdarank-platt"
    card = _training_card(name, vclaims, queries, qrels, holdout_qrels, len(claims), len(train_rel))
    bg = _background(background, background_limit)
    student_path = None
    if student:
        student_path = str(Path(out).resolve().with_suffix(".student.npz"))
        extra = read_background([Path(p) for p in distil_texts], DISTIL_LIMIT)
        posts = [*texts.values(), *bg[0], *bg[1], *extra]
        distilled = distil(embedder, [c.document for c in claims], posts)
        distilled.save(student_path)
        card["distillation"] = {"teacher": embedder, "texts": len(claims) + len(posts)}
    stage = _fit_stage(
        claims,
        texts,
        train_rel,
        held_rel,
        embedder=embedder,
        second_embedder=second_embedder,
        ranker=ranker,
        shortlist=shortlist,
        l2=l2,
        card=card,
        background=bg,
        student=student_path,
    )
    stage.final.save(out)
    return stage.card


# Most extra distillation texts (the student samples everything down to student.MAX_TEXTS)
DISTIL_LIMIT = 8000

# The stages of ``train_cascade``: the default WordLlama path, and MiniLM beside WordLlama (the
# configuration chosen on dev in benchmarks/RESULTS.md).
FAST_STAGE: dict[str, Any] = {
    "embedder": "wordllama",
    "second_embedder": None,
    "ranker": "logistic",
    "shortlist": DEFAULT_SHORTLIST,
}
STRONG_STAGE: dict[str, Any] = {
    "embedder": "minilm",
    "second_embedder": "wordllama",
    "ranker": "logistic",
    "shortlist": 20,
}
_ESCALATE_FROM = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
_ACCEPT_FROM = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.0)


def choose_thresholds(
    fast_runs: Mapping[str, Sequence[str]],
    fast_top1: Mapping[str, float],
    strong_runs: Mapping[str, Sequence[str]],
    qrels: Mapping[str, set[str]],
    *,
    tolerance: float = 0.005,
    background_top1: Sequence[float] = (),
) -> dict[str, float]:
    """The escalation band whose MAP@5 stays within ``tolerance`` of the strong model's alone
    and that escalates the fewest posts (ties: higher MAP@5).

    With held-out background posts, "fewest" is the mean of the escalated shares of the
    queries (posts that repeat a claim) and of the background (posts that do not): without
    them, escalating every unmatched-looking post costs nothing on CLEF queries and the band
    would open down to 0.
    """
    target = map_at_k(strong_runs, qrels, 5) - tolerance
    bg = np.asarray(background_top1, dtype=np.float64)
    best: tuple[float, float, float, float] | None = None  # (escalated, -map, lo, hi)
    for lo in _ESCALATE_FROM:
        for hi in _ACCEPT_FROM:
            if hi < lo:
                continue
            up = {q for q in qrels if in_band(fast_top1.get(q, 0.0), lo, hi)}
            runs = {q: (strong_runs if q in up else fast_runs).get(q, []) for q in qrels}
            score = map_at_k(runs, qrels, 5)
            if score < target:
                continue
            share = len(up) / len(qrels)
            if len(bg):
                share = (share + float(((bg >= lo) & ((bg < hi) | (hi >= 1.0))).mean())) / 2
            key = (share, -score, lo, hi)
            if best is None or key < best:
                best = key
    if best is None:  # nothing meets the target: always escalate
        best = (1.0, -map_at_k(strong_runs, qrels, 5), 0.0, 1.0)
    up_queries = [q for q in qrels if in_band(fast_top1.get(q, 0.0), best[2], best[3])]
    extra = {}
    if len(bg):
        inside = (bg >= best[2]) & ((bg < best[3]) | (best[3] >= 1.0))
        extra["holdout_background_escalated"] = round(float(inside.mean()), 4)
    return {
        "escalate_from": best[2],
        "accept_from": best[3],
        **extra,
        "holdout_escalated": round(len(up_queries) / len(qrels), 4),
        "holdout_map@5": round(-best[1], 4),
        "holdout_strong_map@5": round(target + tolerance, 4),
        "holdout_fast_map@5": round(map_at_k(fast_runs, qrels, 5), 4),
    }


def train_cascade(
    vclaims: str | Path,
    queries: Sequence[str | Path],
    qrels: Sequence[str | Path],
    holdout_qrels: Sequence[str | Path],
    out: str | Path,
    *,
    l2: float = 1.0,
    tolerance: float = 0.005,
    background: Sequence[str | Path] = (),
    background_limit: int = DEFAULT_LIMIT,
    folds: int = 5,
) -> dict[str, Any]:
    """Fit a fast and a strong stage and choose the escalation band; write both.

    The band is chosen on out-of-fold probabilities over every training and holdout query and
    background post (``folds`` folds by post): some 1,200 CLEF queries rather than the 199 of
    dev alone, where one query moves MAP@5 by 0.005. The stages themselves are fitted on
    everything, as ``train_claims`` does; the card keeps each stage's holdout metrics.
    """
    if not holdout_qrels:
        raise ValueError("a cascade needs holdout qrels to choose its escalation band")
    claims, texts, train_rel, held_rel = _read_split(vclaims, queries, qrels, holdout_qrels)
    card = _training_card(
        "claim-cascade", vclaims, queries, qrels, holdout_qrels, len(claims), len(train_rel)
    )
    bg = _background(background, background_limit)
    stages = [
        _fit_stage(claims, texts, train_rel, held_rel, l2=l2, card=card, background=bg, **cfg)
        for cfg in (FAST_STAGE, STRONG_STAGE)
    ]
    (top1, fast), (_, strong) = (s.table.ranked(s.out_of_fold(folds)) for s in stages)
    table, rel = stages[0].table, stages[0].rel
    queries_at = [i for i, part in enumerate(table.part) if part in (TRAIN, HELD)]
    ids = [table.post_ids[i] for i in queries_at]
    band = choose_thresholds(
        {q: fast[i] for q, i in zip(ids, queries_at, strict=True)},
        {q: float(top1[i]) for q, i in zip(ids, queries_at, strict=True)},
        {q: strong[i] for q, i in zip(ids, queries_at, strict=True)},
        {q: rel[q] for q in ids},
        tolerance=tolerance,
        background_top1=top1[np.isin(table.part, (BACKGROUND, BACKGROUND_HELD))].tolist(),
    )
    n_background = len(bg[0]) + len(bg[1])
    selection = f"{folds}-fold out-of-fold, {len(ids)} queries, {n_background} background posts"
    card = {
        **card,
        "cascade": {**band, "selection": selection},
        "stages": [s.card for s in stages],
    }
    model = CascadeModel(
        stages[0].final, stages[1].final, band["escalate_from"], band["accept_from"], card
    )
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
    fusion = load_any_model(model) if model is not None else None
    cfg = config or ENGLISH_ONLY
    t0 = time.perf_counter()
    matcher = build_matcher(claims, fusion, cfg)
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
        **_escalation(matcher),
    }


def _escalation(matcher: ClaimMatcher | CascadeMatcher) -> dict[str, float]:
    """A cascade's share of posts that went to its strong stage."""
    if not isinstance(matcher, CascadeMatcher) or not matcher.searched:
        return {}
    return {"escalated": round(matcher.escalated / matcher.searched, 4)}
