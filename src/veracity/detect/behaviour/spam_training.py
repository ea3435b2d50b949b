"""Training and the measured experiments for the spam classifier on the shared spam data.

* Leave one video out (YouTube): train on the other videos' comments (plus, with ``with_sms``,
  the SMS collection), test on the left-out video; the issue asks for at least 0.95 on a video
  that was not trained on.
* SMS hold-out, the protocol of Almeida et al. 2011: the first 30 % of the messages (file
  order) train, the remaining 70 % test (published best: linear SVM, accuracy 0.9764).
"""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from veracity.detect.behaviour.report import report
from veracity.detect.behaviour.spam_convert import LabeledText, read_sms, read_youtube
from veracity.detect.behaviour.spam_model import DEFAULT_C, SpamModel, fit

SMS_FILE = Path("spam/sms-spam-collection/SMSSpamCollection")
YOUTUBE_DIR = Path("spam/youtube-spam-collection")
SMS_TRAIN_FRACTION = 0.3

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def load_shared(data_dir: Path) -> list[LabeledText]:
    """All SMS messages and all YouTube comments in the shared data folder."""
    for needed in (data_dir / SMS_FILE, data_dir / YOUTUBE_DIR):
        if not needed.exists():
            raise FileNotFoundError(f"{needed}: shared spam data not found (set VERACITY_DATA_DIR)")
    return read_sms(data_dir / SMS_FILE) + read_youtube(data_dir / YOUTUBE_DIR)


def train(
    records: Sequence[LabeledText], *, c: float = DEFAULT_C, description: str = ""
) -> SpamModel:
    if not records:
        raise ValueError("no training records")
    model = fit([r.text for r in records], [r.label for r in records], c=c)
    counts: dict[str, int] = {}
    for r in records:
        key = f"{r.meta.get('source', 'jsonl')}:{r.label}"
        counts[key] = counts.get(key, 0) + 1
    model.card = {
        "description": description or "spam (hashed TF-IDF words + chars, logistic, Platt)",
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_records": len(records),
        "training_counts": counts,
        "c": c,
        "python": platform.python_version(),
        "licence_note": "trained on CC BY 4.0 research data; cite the datasets",
    }
    return model


def evaluate(model: SpamModel, records: Sequence[LabeledText]) -> dict[str, Any]:
    if not records:
        raise ValueError("no evaluation records")
    probabilities = model.predict_proba([r.text for r in records])
    return report([r.label for r in records], probabilities)


def leave_one_video_out(
    data_dir: Path, *, with_sms: bool = False, c: float = DEFAULT_C, log: Log = _quiet
) -> dict[str, Any]:
    """Per YouTube video: a model trained without that video, evaluated on it."""
    comments = read_youtube(data_dir / YOUTUBE_DIR)
    extra = read_sms(data_dir / SMS_FILE) if with_sms else []
    videos = sorted({str(r.meta.get("video")) for r in comments})
    results = []
    for video in videos:
        train_records = [r for r in comments if r.meta.get("video") != video] + extra
        test = [r for r in comments if r.meta.get("video") == video]
        result = evaluate(train(train_records, c=c), test)
        result["video"] = video
        result["n_train"] = len(train_records)
        log(f"{video}: accuracy {result['accuracy']} f1 {result['f1']} auroc {result['auroc']}")
        results.append(result)
    return {
        "protocol": "leave one YouTube video out" + (" (+ SMS in training)" if with_sms else ""),
        "videos": results,
        "min_accuracy": min(r["accuracy"] for r in results),
        "mean_accuracy": round(float(np.mean([r["accuracy"] for r in results])), 4),
    }


def sms_holdout(data_dir: Path, *, c: float = DEFAULT_C) -> dict[str, Any]:
    """First 30 % of the SMS file trains, the last 70 % tests (Almeida et al. 2011)."""
    records = read_sms(data_dir / SMS_FILE)
    cut = int(len(records) * SMS_TRAIN_FRACTION)
    result = evaluate(train(records[:cut], c=c), records[cut:])
    result["protocol"] = "SMS: first 30% train, last 70% test (Almeida et al. 2011)"
    result["n_train"] = cut
    return result
