"""The one JSON object ``veracity eval accounts`` and ``veracity eval spam`` print."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from veracity.detect.aigc.text import metrics


def report(labels: ArrayLike, probabilities: ArrayLike, threshold: float = 0.5) -> dict[str, Any]:
    """Accuracy and F1 of the positive class (fake account, spam) at ``threshold``, AUROC of
    the probabilities, and the counts they came from."""
    y = np.asarray(labels, dtype=np.int64)
    p = np.asarray(probabilities, dtype=np.float64)
    predicted = (p >= threshold).astype(np.int64)
    both = 0 < int(y.sum()) < len(y)
    return {
        "accuracy": round(metrics.accuracy(y, predicted), 4),
        "f1": round(metrics.f1(y, predicted), 4),
        "auroc": round(metrics.auroc(y, p), 4) if both else None,
        "n": len(y),
        "n_positive": int(y.sum()),
        "threshold": threshold,
    }
