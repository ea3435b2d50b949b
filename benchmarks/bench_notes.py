"""Community-notes scorer: side by side with the published Community Notes scorer, and at scale.

``compare``: the same two-camp ratings (``veracity.notes.simulate``) go to Veracity's scorer and
to the published ``MFCoreScorer`` (prescore + final scoring, as its own ``run_scoring`` calls
them). Reports the agreement of final statuses (helpful / not helpful / needs more ratings;
the published NEEDS_YOUR_HELP and FIRM_REJECT count as needs more ratings), the Pearson
correlation of note intercepts, and wall times (the whole core scorer, and its
matrix-factorisation fits alone).

The published scorer is read from ``--cn-path``: a checkout (or the bare git directory that
``fetch`` leaves under /work/.mirror, from which ``scoring/`` is extracted to a temporary
folder). Nothing of it is copied into this repository. It needs pandas (< 3), pyarrow and
torch; ``--cn-libs`` adds a folder of such packages to the path (e.g. ``pip install --target``).
Its logging service (wandb) is replaced by a stand-in that does nothing. Without the path, or
when the imports fail, the comparison is skipped and the reason printed.

``scale``: N ratings (default 10 million) through the lockstep check and the full scorer,
with wall time and memory (peak of numpy allocations while scoring, and the process's peak RSS).

    .venv/bin/python benchmarks/bench_notes.py compare \
        --cn-path /work/.mirror/twitter+communitynotes/repo --cn-libs /tmp/cnlibs
    .venv/bin/python benchmarks/bench_notes.py scale --ratings 10000000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from pathlib import Path
from typing import Any

import numpy as np

from veracity.notes.integrity import check_integrity
from veracity.notes.rules import STATUS_NAMES
from veracity.notes.scorer import ScoringInput, score
from veracity.notes.simulate import CampConfig, SyntheticRatings, two_camp_ratings

CN_STATUS = {
    "CURRENTLY_RATED_HELPFUL": "helpful",
    "CURRENTLY_RATED_NOT_HELPFUL": "not_helpful",
}


def population(ratings: int, seed: int) -> CampConfig:
    """Raters and notes in the proportions of the published data (about 60 ratings per rater
    and 40 per note)."""
    return CampConfig(
        raters=max(50, ratings // 60), notes=max(20, ratings // 40), ratings=ratings, seed=seed
    )


def our_input(s: SyntheticRatings) -> ScoringInput:
    return ScoringInput(
        note=s.note,
        rater=s.rater,
        value=s.value,
        at=s.at,
        n_notes=s.n_notes,
        n_participants=s.n_participants,
        note_created_at=s.note_created_at,
        note_author=s.note_author,
        note_misleading=np.ones(s.n_notes, dtype=bool),
    )


# -- the published scorer ---------------------------------------------------------------------


def _scoring_src(cn_path: Path, work: Path) -> Path:
    """The folder holding the ``scoring`` package (extracted from a bare git dir if need be)."""
    for candidate in (cn_path / "scoring" / "src", cn_path / "src", cn_path):
        if (candidate / "scoring" / "mf_core_scorer.py").is_file():
            return candidate
    if (cn_path / "HEAD").is_file() and (cn_path / "objects").is_dir():
        archive = subprocess.run(
            ["git", f"--git-dir={cn_path}", "archive", "HEAD", "scoring"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
        return work / "scoring" / "src"
    raise FileNotFoundError(f"no scoring/src/scoring/mf_core_scorer.py under {cn_path}")


def _wandb_stand_in() -> types.ModuleType:
    """The published code imports wandb for optional run logging; this logs nothing."""
    module = types.ModuleType("wandb")

    class Run:
        summary: dict[str, Any] = {}

        def log(self, *_a: Any, **_k: Any) -> None:
            return None

        def finish(self, *_a: Any, **_k: Any) -> None:
            return None

    for name, value in {
        "Settings": lambda **_k: None,
        "login": lambda **_k: None,
        "init": lambda **_k: Run(),
        "wandb_run": types.SimpleNamespace(Run=Run),
        "Histogram": lambda **_k: None,
    }.items():
        setattr(module, name, value)
    return module


def load_published(cn_path: Path, libs: Path | None, work: Path) -> dict[str, Any]:
    src = _scoring_src(cn_path, work)
    if libs is not None:
        sys.path.insert(0, str(libs))
    sys.path.insert(0, str(src))
    sys.modules.setdefault("wandb", _wandb_stand_in())
    import logging

    logging.disable(logging.INFO)
    import pandas as pd
    import torch
    from scoring import constants as c
    from scoring.matrix_factorization import matrix_factorization as mf_module
    from scoring.mf_core_scorer import MFCoreScorer

    commit = None
    if (cn_path / "HEAD").is_file():
        with contextlib.suppress(subprocess.CalledProcessError):
            commit = subprocess.run(
                ["git", f"--git-dir={cn_path}", "rev-parse", "HEAD"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
    return {
        "pd": pd,
        "torch": torch,
        "c": c,
        "mf_module": mf_module,
        "MFCoreScorer": MFCoreScorer,
        "commit": commit,
    }


def published_frames(s: SyntheticRatings, cn: dict[str, Any]) -> dict[str, Any]:
    """The published scorer's inputs: ratings (preprocessed as its ``preprocess_data`` leaves
    them), note status history, user enrollment and note topics."""
    pd, c = cn["pd"], cn["c"]
    level = np.where(
        s.value == 1.0,
        c.helpfulValueTsv,
        np.where(s.value == 0.5, c.somewhatHelpfulValueTsv, c.notHelpfulValueTsv),
    )
    ratings = pd.DataFrame(
        {
            c.noteIdKey: s.note.astype(np.int64),
            c.raterParticipantIdKey: s.rater.astype(np.int64),
            c.helpfulNumKey: s.value.astype(np.float64),
            c.helpfulnessLevelKey: pd.Categorical(level),
            c.createdAtMillisKey: s.at.astype(np.int64) * 1000,
            c.ratingSourceBucketedKey: pd.Categorical(["DEFAULT"] * len(s)),
        }
    )
    for tag in c.helpfulTagsTSVOrder + c.notHelpfulTagsTSVOrder:
        ratings[tag] = np.zeros(len(s), dtype=np.int64)
    high = high_volume(s)
    ratings[c.highVolumeRaterKey] = high[s.rater]
    ratings[c.correlatedRaterKey] = False
    ratings = ratings.sort_values(
        [c.highVolumeRaterKey, c.correlatedRaterKey], kind="stable"
    ).reset_index(drop=True)
    history = pd.DataFrame(
        {
            c.noteIdKey: np.arange(s.n_notes, dtype=np.int64),
            c.createdAtMillisKey: s.note_created_at.astype(np.int64) * 1000,
            c.noteAuthorParticipantIdKey: s.note_author.astype(np.int64),
            c.classificationKey: [c.notesSaysTweetIsMisleadingKey] * s.n_notes,
            c.currentLabelKey: [c.needsMoreRatings] * s.n_notes,
            c.lockedStatusKey: [np.nan] * s.n_notes,
            c.timestampMillisOfNoteMostRecentNonNMRLabelKey: [np.nan] * s.n_notes,
        }
    )
    enrollment = pd.DataFrame(
        {c.participantIdKey: pd.Series([], dtype=np.int64), c.modelingGroupKey: []}
    )
    topics = pd.DataFrame({c.noteIdKey: pd.Series([], dtype=np.int64), c.noteTopicKey: []})
    return {"ratings": ratings, "history": history, "enrollment": enrollment, "topics": topics}


def high_volume(s: SyntheticRatings) -> np.ndarray:
    from veracity.notes.params import ScorerParams
    from veracity.notes.scorer import high_volume_raters

    return high_volume_raters(our_input(s), ScorerParams())


def run_published(s: SyntheticRatings, cn: dict[str, Any], threads: int, seed: int) -> dict:
    pd, c = cn["pd"], cn["c"]
    frames = published_frames(s, cn)
    mf_seconds = [0.0]
    original = cn["mf_module"].MatrixFactorization.run_mf

    def timed_run_mf(self: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            mf_seconds[0] += time.perf_counter() - t0

    cn["mf_module"].MatrixFactorization.run_mf = timed_run_mf
    try:
        scorer = cn["MFCoreScorer"](
            seed=seed, pseudoraters=False, useStableInitialization=False, threads=threads
        )
        t0 = time.perf_counter()
        pre = scorer.prescore(
            c.PrescoringArgs(
                noteTopics=frames["topics"],
                ratings=frames["ratings"],
                noteStatusHistory=frames["history"],
                userEnrollment=frames["enrollment"],
            )
        )
        t1 = time.perf_counter()
        note_out = pre.scoredNotes.copy()
        note_out[c.scorerNameKey] = scorer.get_name()
        rater_out = pre.helpfulnessScores.copy()
        rater_out[c.scorerNameKey] = scorer.get_name()
        final = scorer.score_final(
            c.FinalScoringArgs(
                noteTopics=frames["topics"],
                ratings=frames["ratings"],
                noteStatusHistory=frames["history"],
                userEnrollment=frames["enrollment"],
                prescoringNoteModelOutput=note_out,
                prescoringRaterModelOutput=rater_out,
                prescoringMetaOutput=c.PrescoringMetaOutput({scorer.get_name(): pre.metaScores}),
                empiricalTotals=None,
            )
        )
        t2 = time.perf_counter()
    finally:
        cn["mf_module"].MatrixFactorization.run_mf = original
    scored = final.scoredNotes
    status = np.array(["needs_more_ratings"] * s.n_notes, dtype=object)
    intercept = np.full(s.n_notes, np.nan)
    ids = scored[c.noteIdKey].to_numpy(dtype=np.int64)
    status[ids] = [CN_STATUS.get(x, "needs_more_ratings") for x in scored[c.coreRatingStatusKey]]
    intercept[ids] = scored[c.coreNoteInterceptKey].to_numpy(dtype=np.float64)
    del pd
    return {
        "status": status,
        "intercept": intercept,
        "seconds": {
            "prescore": round(t1 - t0, 2),
            "final": round(t2 - t1, 2),
            "total": round(t2 - t0, 2),
            "mf_fits": round(mf_seconds[0], 2),
        },
    }


def compare(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"mode": "compare", "ratings": args.ratings, "seed": args.seed}
    s = two_camp_ratings(population(args.ratings, args.seed))
    out["raters"], out["notes"] = s.n_raters, s.n_notes
    t0 = time.perf_counter()
    ours = score(our_input(s))
    ours_s = time.perf_counter() - t0
    fit_s = ours.report["seconds"]["first_fit"] + ours.report["seconds"]["final_fit"]
    our_status = np.array([STATUS_NAMES[int(x)] for x in ours.status], dtype=object)
    out["veracity"] = {
        "seconds": {"total": round(ours_s, 2), "mf_fits": round(fit_s, 2)},
        "statuses": ours.report["statuses"],
        "one_camp_helpful": int(np.sum((s.note_kind == 1) & (ours.status == 1))),
    }
    if args.cn_path is None:
        out["published"] = {"skipped": "no --cn-path given"}
        return out
    with tempfile.TemporaryDirectory(prefix="cn-scorer-") as work:
        try:
            cn = load_published(Path(args.cn_path), args.cn_libs, Path(work))
        except Exception as exc:  # any import problem: say exactly what it was
            out["published"] = {"skipped": f"{type(exc).__name__}: {exc}"}
            return out
        theirs = run_published(s, cn, args.threads, args.seed)
        out["published"] = {
            "commit": cn["commit"],
            "torch": cn["torch"].__version__,
            "pandas": cn["pd"].__version__,
            "seconds": theirs["seconds"],
            "statuses": {k: int(np.sum(theirs["status"] == k)) for k in STATUS_NAMES.values()},
        }
    agree = our_status == theirs["status"]
    both = ~np.isnan(ours.intercept) & ~np.isnan(theirs["intercept"])
    confusion: dict[str, int] = {}
    for a, b in zip(our_status, theirs["status"], strict=True):
        key = f"{a}|{b}"
        confusion[key] = confusion.get(key, 0) + 1
    out["agreement"] = {
        "status_agreement": round(float(agree.mean()), 4),
        "disagreements": int((~agree).sum()),
        "confusion_ours|published": dict(sorted(confusion.items())),
        "intercept_pearson": round(
            float(np.corrcoef(ours.intercept[both], theirs["intercept"][both])[0, 1]), 4
        ),
        "intercept_max_abs_diff": round(
            float(np.max(np.abs(ours.intercept[both] - theirs["intercept"][both]))), 4
        ),
        "notes_with_both_intercepts": int(both.sum()),
        "speed_ratio_total": round(theirs["seconds"]["total"] / ours_s, 2),
        "speed_ratio_mf_fits": round(theirs["seconds"]["mf_fits"] / max(fit_s, 1e-9), 2),
    }
    return out


def scale(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.perf_counter()
    s = two_camp_ratings(population(args.ratings, args.seed))
    gen_s = time.perf_counter() - t0
    rss_after_gen = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    t1 = time.perf_counter()
    checked = check_integrity(
        s.note, s.rater, s.value.astype(np.float64), s.at, s.note_author, s.n_participants
    )
    t2 = time.perf_counter()
    keep = checked.keep
    inp = ScoringInput(
        note=s.note[keep],
        rater=s.rater[keep],
        value=s.value[keep],
        at=s.at[keep],
        n_notes=s.n_notes,
        n_participants=s.n_participants,
        note_created_at=s.note_created_at,
        note_author=s.note_author,
        note_misleading=np.ones(s.n_notes, dtype=bool),
        correlated=checked.correlated,
    )
    result = score(inp)
    t3 = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "mode": "scale",
        "ratings": len(s),
        "raters": s.n_raters,
        "notes": s.n_notes,
        "cpus": os.cpu_count(),
        "generate_s": round(gen_s, 1),
        "integrity_s": round(t2 - t1, 1),
        "score_s": round(t3 - t2, 1),
        "total_s": round(t3 - t1, 1),
        "scorer": result.report,
        "integrity": checked.report,
        "peak_traced_mb": round(peak / 2**20),
        "rss_after_generate_mb": round(rss_after_gen),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("compare", help="side by side with the published MFCoreScorer")
    c.add_argument("--ratings", type=int, default=200_000)
    c.add_argument("--seed", type=int, default=7)
    c.add_argument("--threads", type=int, default=2, help="torch threads for the published one")
    c.add_argument("--cn-path", type=Path, default=None)
    c.add_argument("--cn-libs", type=Path, default=None)
    s = sub.add_parser("scale", help="N ratings through the lockstep check and the scorer")
    s.add_argument("--ratings", type=int, default=10_000_000)
    s.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    result = compare(args) if args.mode == "compare" else scale(args)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
