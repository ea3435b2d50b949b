"""DuckDB and Spark run the same SQL and give the same campaigns (one Spark session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from veracity.detect.coordination.config import CoordinationConfig
from veracity.detect.coordination.engines import DuckDBEngine, SparkEngine, spark_available
from veracity.detect.coordination.job import run_on_engine
from veracity.detect.coordination.prepare import Prepared

pytestmark = pytest.mark.skipif(not spark_available(), reason="needs pyspark and java")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("veracity-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_same_campaigns_on_both_engines(spark: Any, tiny_platform: tuple[Path, Prepared]) -> None:
    _, prepared = tiny_platform
    config = CoordinationConfig()
    duck = DuckDBEngine(prepared.folder)
    try:
        expected = run_on_engine(duck, config)
    finally:
        duck.close()
    result = run_on_engine(SparkEngine(prepared.folder, session=spark), config)
    assert expected.campaigns, "the scenario plants campaigns; none found"
    assert (result.edges, result.pairs) == (expected.edges, expected.pairs)
    assert [c.as_json() for c in result.campaigns] == [c.as_json() for c in expected.campaigns]
