"""Fixtures for the coordination job: simulated platforms and their prepared Parquet inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("igraph")

from veracity.detect.coordination.config import CoordinationConfig
from veracity.detect.coordination.prepare import Prepared, prepare_jsonl
from veracity.sim.simulate import simulate


def simulate_and_prepare(root: Path, scale: str, seed: int) -> tuple[Path, Prepared]:
    data = root / f"{scale}-{seed}"
    simulate(data, seed=seed, scale=scale)
    prepared = prepare_jsonl(
        data / "events.jsonl",
        data / "content.jsonl",
        root / f"in-{scale}-{seed}",
        CoordinationConfig(),
    )
    return data, prepared


@pytest.fixture(scope="session")
def small_platform(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Prepared]:
    """The default scenario (small scale, default seed 7)."""
    return simulate_and_prepare(tmp_path_factory.mktemp("coord"), "small", 7)


@pytest.fixture(scope="session")
def tiny_platform(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Prepared]:
    """The smallest preset: one campaign, one lockstep group; keeps the Spark test short."""
    return simulate_and_prepare(tmp_path_factory.mktemp("coord"), "tiny", 7)
