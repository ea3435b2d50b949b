"""Salted-hash assignment: deterministic across processes, splits by weight, holdouts."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from veracity.experiments.assign import assign


def test_same_unit_same_variant_in_another_process() -> None:
    units = [f"acct-{i}" for i in range(50)]
    here = [assign("salt-1", u, ["a", "b"], [1, 1], 1.0) for u in units]
    code = (
        "from veracity.experiments.assign import assign;"
        f"print(','.join(str(assign('salt-1', u, ['a','b'], [1,1], 1.0)) for u in {units!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out.split(",") == here


def test_split_follows_weights_and_salts_are_independent() -> None:
    units = [f"u{i}" for i in range(20_000)]
    counts = Counter(assign("s", u, ["c", "t1", "t2"], [2, 1, 1], 1.0) for u in units)
    assert abs(counts["c"] / 20_000 - 0.5) < 0.015
    assert abs(counts["t1"] / 20_000 - 0.25) < 0.015
    a = [assign("s1", u, ["c", "t"], [1, 1], 1.0) for u in units[:4000]]
    b = [assign("s2", u, ["c", "t"], [1, 1], 1.0) for u in units[:4000]]
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / 4000
    assert 0.46 < agree < 0.54


def test_holdout_and_widening_coverage_keeps_variants() -> None:
    units = [f"u{i}" for i in range(10_000)]
    narrow = [assign("s", u, ["c", "t"], [1, 1], 0.2) for u in units]
    wide = [assign("s", u, ["c", "t"], [1, 1], 0.6) for u in units]
    held = sum(v is None for v in narrow) / len(units)
    assert abs(held - 0.8) < 0.02
    moved = [1 for n, w in zip(narrow, wide, strict=True) if n is not None and n != w]
    assert moved == []
