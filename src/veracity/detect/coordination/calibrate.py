"""Fit the per-trace calibration on labelled pairs (the simulator's planted groups).

One logistic regression of "both accounts belong to the same planted coordinated group" on the
pair's discounted weight in each trace: one coefficient per trace type, so a shared link and a
shared hashtag sequence count differently, and their evidence adds up on the log-odds scale.
The shipped ``config.DEFAULT_CALIBRATION`` came from this function on another seed than the
evaluation's.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from veracity.detect.coordination.config import CONTENT_TRACES, CoordinationConfig
from veracity.detect.coordination.graph import PairEdge


def pair_features(traces: dict[str, PairEdge]) -> list[float]:
    """One discounted weight per content trace (0 when the pair lacks that trace)."""
    return [traces[t].weight if t in traces else 0.0 for t in CONTENT_TRACES]


def fit_calibration(
    edges: Iterable[PairEdge], group_of: dict[str, str], config: CoordinationConfig
) -> dict[str, float]:
    """Intercept and one coefficient per trace; ``group_of`` maps planted accounts to groups.

    Coefficients are kept non-negative (sharing more is never evidence of independence)."""
    from sklearn.linear_model import LogisticRegression

    by_pair: dict[tuple[str, str], dict[str, PairEdge]] = {}
    for e in edges:
        if e.trace in CONTENT_TRACES:
            by_pair.setdefault((e.src, e.dst), {})[e.trace] = e
    keys = sorted(by_pair)
    x = np.array([pair_features(by_pair[k]) for k in keys])
    y = np.array(
        [int(group_of.get(a) is not None and group_of.get(a) == group_of.get(b)) for a, b in keys]
    )
    if len(set(y.tolist())) < 2:
        return dict(config.calibration)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    out = {"intercept": round(float(model.intercept_[0]), 3)}
    for trace, coef in zip(CONTENT_TRACES, model.coef_[0], strict=True):
        out[trace] = round(max(float(coef), 0.0), 3)
    return out
