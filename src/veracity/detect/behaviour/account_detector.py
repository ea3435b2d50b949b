"""The ``account_integrity`` online detector: calibrated probability that the posting account is
fake or automated, from its profile (``account_features``) and, when the store has them, its
recent posts (posting regularity, content reuse).

It judges the author, not the item, so it needs the author's profile from the pipeline's
``DetectionContext``; without a profile on record, or without a trained model (none ships:
``veracity train accounts`` writes ``Settings.accounts_model_path``, default
``var/models/accounts.npz``), ``scored`` is false. Each author is scored once per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from veracity.config import Settings
from veracity.detect.base import (
    DetectionContext,
    DetectorResult,
    OnlineDetector,
    OutputSpec,
    OutputType,
)
from veracity.detect.behaviour.account_features import FEATURES, Activity, account_vector
from veracity.detect.behaviour.account_model import AccountModel
from veracity.domain.entities import AccountIn, ContentIn

DEFAULT_MODEL_PATH = Path("var/models/accounts.npz")


class AccountIntegrityDetector(OnlineDetector):
    name = "account_integrity"
    version = "1.0.0"
    description = "Probability that the posting account is fake or automated (learned model)."
    inputs = ("account_id",)
    outputs = (
        OutputSpec("probability", OutputType.DOUBLE, "calibrated P(fake or automated), 0..1"),
        OutputSpec("scored", OutputType.BOOL, "a model judged the account (profile on record)"),
    )

    def __init__(
        self,
        model: AccountModel | None,
        *,
        unavailable_reason: str = "no account model installed; run `veracity train accounts`",
    ) -> None:
        self.model = model
        self.unavailable_reason = unavailable_reason

    def _unscored(self, reason: str) -> DetectorResult:
        return DetectorResult({"probability": 0.0, "scored": False}, {"reason": reason})

    def detect(self, item: ContentIn) -> DetectorResult:
        """Outside the pipeline there is no profile to judge."""
        if self.model is None:
            return self._unscored(self.unavailable_reason)
        return self._unscored("no account profile in context")

    def reference(self, item: ContentIn) -> DetectorResult:
        return self.detect(item)

    def _activity(self, account: AccountIn, context: DetectionContext) -> Activity | None:
        if context.recent_posts is None:
            return None
        posts = context.recent_posts([account.id]).get(account.id, ())
        return Activity(post_times=[p.at for p in posts], texts=[p.text for p in posts])

    def _evidence(self, row: list[float]) -> dict[str, Any]:
        known = {
            name: round(value, 4)
            for name, value in zip(FEATURES, row, strict=True)
            if value == value  # not NaN
        }
        assert self.model is not None
        return {"features": known, "trained_at": self.model.card.get("trained_at", "")}

    def detect_in_context(
        self, items: Sequence[ContentIn], context: DetectionContext
    ) -> list[DetectorResult]:
        if self.model is None:
            return [self._unscored(self.unavailable_reason) for _ in items]
        authors = sorted({i.account_id for i in items if i.account_id in context.accounts})
        if context.recent_posts is not None and authors:
            context.recent_posts(authors)  # one query for the batch; later calls hit the cache
        rows = [
            account_vector(
                context.accounts[a],
                _aware(context.now),
                self._activity(context.accounts[a], context),
            )
            for a in authors
        ]
        scores: dict[str, DetectorResult] = {}
        if rows:
            probabilities = self.model.probabilities(np.array(rows, dtype=np.float64))
            for author, row, p in zip(authors, rows, probabilities, strict=True):
                scores[author] = DetectorResult(
                    {"probability": float(p), "scored": True}, self._evidence(row)
                )
        unknown = self._unscored("account profile not on record")
        return [scores.get(item.account_id, unknown) for item in items]

    def reference_in_context(self, item: ContentIn, context: DetectionContext) -> DetectorResult:
        """One account, each tree walked in plain Python, the Platt map applied by hand."""
        if self.model is None:
            return self._unscored(self.unavailable_reason)
        account = context.accounts.get(item.account_id)
        if account is None:
            return self._unscored("account profile not on record")
        row = account_vector(account, _aware(context.now), self._activity(account, context))
        raw = self.model.trees.reference_raw_score(row)
        return DetectorResult(
            {"probability": self.model.platt.one(raw), "scored": True}, self._evidence(row)
        )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def model_path(settings: Settings | None) -> Path:
    value = getattr(settings, "accounts_model_path", None) if settings is not None else None
    return Path(value) if value else DEFAULT_MODEL_PATH


def build_account_detector(settings: Settings | None = None) -> AccountIntegrityDetector:
    """With the trained model from settings; unscored (not failing) when none is trained. A
    present but unreadable model file is an error, never ignored."""
    path = model_path(settings)
    if not path.exists():
        return AccountIntegrityDetector(
            None, unavailable_reason=f"no account model at {path}; run `veracity train accounts`"
        )
    return AccountIntegrityDetector(AccountModel.load(path))
