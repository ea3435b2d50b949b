"""Training and the measured experiments for the account integrity model.

Age is measured to each record's ``observed_at`` (when the profile was captured) when it has one,
otherwise to the time of the run. ``shared_device_accounts`` and ``shared_network_accounts`` are
counted within the file, from the hashed identifiers in ``metadata`` (when present).
"""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from veracity.detect.behaviour.account_convert import LabeledAccount
from veracity.detect.behaviour.account_features import (
    Activity,
    matrix,
    shared_identifier_counts,
)
from veracity.detect.behaviour.account_model import AccountModel, TreeParams, fit
from veracity.detect.behaviour.report import report

Log = Callable[[str], None]
HOLDOUT_FRACTION = 0.3


def _quiet(_: str) -> None:
    return None


def features(records: Sequence[LabeledAccount], now: dt.datetime | None = None) -> np.ndarray:
    """The feature matrix of labelled records (row i is ``records[i]``)."""
    now = now or dt.datetime.now(dt.UTC)
    accounts = [r.account for r in records]
    devices = shared_identifier_counts(accounts, "device_hashes")
    networks = shared_identifier_counts(accounts, "network_hashes")
    activities = [
        Activity(shared_device_accounts=d, shared_network_accounts=n)
        for d, n in zip(devices, networks, strict=True)
    ]
    return matrix(accounts, [r.observed_at or now for r in records], activities)


def labels(records: Sequence[LabeledAccount]) -> np.ndarray:
    return np.array([r.label for r in records], dtype=np.int64)


def train(
    records: Sequence[LabeledAccount],
    *,
    description: str = "",
    params: TreeParams | None = None,
    log: Log = _quiet,
) -> AccountModel:
    """A calibrated model with its card, from labelled accounts."""
    if not records:
        raise ValueError("no training records")
    log(f"features for {len(records)} accounts")
    y = labels(records)
    model = fit(features(records), y, params)
    model.card = {
        "description": description or "account integrity (gradient-boosted trees, Platt)",
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_records": len(records),
        "training_positive": int(y.sum()),
        "features_used": list(model.used),
        "python": platform.python_version(),
        "licence_note": "trained on research-use data; do not redistribute the artefact",
    }
    return model


def evaluate(model: AccountModel, records: Sequence[LabeledAccount]) -> dict[str, Any]:
    if not records:
        raise ValueError("no evaluation records")
    return report(labels(records), model.probabilities(features(records)))


def cross_validate(
    records: Sequence[LabeledAccount],
    folds: int = 5,
    *,
    seed: int = 0,
    params: TreeParams | None = None,
    log: Log = _quiet,
) -> dict[str, Any]:
    """Stratified k-fold: every account scored by a model (calibrated within its own training
    folds) that never saw it; the report is over the pooled out-of-fold probabilities."""
    from sklearn.model_selection import StratifiedKFold

    x, y = features(records), labels(records)
    pooled = np.zeros(len(y))
    per_fold = []
    for k, (train_idx, test_idx) in enumerate(
        StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y)
    ):
        model = fit(x[train_idx], y[train_idx], params, seed=seed)
        pooled[test_idx] = model.probabilities(x[test_idx])
        fold = report(y[test_idx], pooled[test_idx])
        log(f"fold {k + 1}/{folds}: accuracy {fold['accuracy']} f1 {fold['f1']}")
        per_fold.append(fold["accuracy"])
    out = report(y, pooled)
    out.update({"protocol": f"stratified {folds}-fold CV (seed {seed})", "fold_accuracy": per_fold})
    return out


def holdout(
    records: Sequence[LabeledAccount],
    fraction: float = HOLDOUT_FRACTION,
    *,
    seed: int = 0,
    params: TreeParams | None = None,
) -> dict[str, Any]:
    """Train on a stratified ``1 - fraction`` of the records, report on the rest."""
    from sklearn.model_selection import train_test_split

    if not 0.0 < fraction < 1.0:
        raise ValueError("the held-out fraction must be between 0 and 1")
    x, y = features(records), labels(records)
    train_idx, test_idx = train_test_split(
        np.arange(len(y)), test_size=fraction, stratify=y, random_state=seed
    )
    model = fit(x[train_idx], y[train_idx], params, seed=seed)
    out = report(y[test_idx], model.probabilities(x[test_idx]))
    out.update({"protocol": f"stratified hold-out {fraction:.0%} (seed {seed})"})
    out["n_train"] = len(train_idx)
    return out
