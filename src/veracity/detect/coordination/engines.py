"""Where the job's SQL runs: DuckDB in-process by default, Spark (``local[2]`` or a cluster).

Both read the same Parquet inputs and answer ``rows(sql)`` with plain tuples, so everything
after the SQL is shared code and the two engines can only differ in what the SQL returns.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from veracity.detect.coordination.prepare import EVENTS, POSTS, TRACES

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    name: str

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def register(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Make a small table (such as group memberships) visible to later queries."""
        ...

    def close(self) -> None: ...


def _write_parquet(path: Path, columns: Sequence[str], types: Sequence[str], rows: Any) -> None:
    """Small side tables go through CSV into Parquet with DuckDB, which every install has."""
    import duckdb

    csv_path = path.with_suffix(".csv")
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        w.writerows(rows)
    spec = ", ".join(f"'{c}': '{t}'" for c, t in zip(columns, types, strict=True))
    con = duckdb.connect()
    try:
        if path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        con.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, columns={{{spec}}}, "
            f"quote='\"', escape='\"')) TO '{path}' (FORMAT parquet)"
        )
    finally:
        con.close()
        csv_path.unlink()


def _types(rows: Sequence[Sequence[Any]], width: int) -> list[str]:
    first = rows[0] if rows else ["" for _ in range(width)]
    return ["BIGINT" if isinstance(v, int) else "VARCHAR" for v in first]


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, folder: Path, threads: int | None = None, memory_limit: str | None = None):
        import duckdb

        self.folder = folder
        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute("SET preserve_insertion_order = false")
        for view, file in (("events", EVENTS), ("traces", TRACES), ("posts", POSTS)):
            self.con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet('{folder / file}')")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.con.execute(sql).fetchall()]

    def register(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        path = self.folder / f"{name}.parquet"
        _write_parquet(path, columns, _types(rows, len(columns)), rows)
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{path}')")

    def close(self) -> None:
        self.con.close()


def spark_available() -> bool:
    """pyspark importable and a Java runtime on PATH (Spark needs both)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


class SparkEngine:
    """Spark SQL over the same files. ``master`` defaults to ``$VERACITY_SPARK_MASTER``, else
    ``local[2]``; a cluster master (``spark://host:7077``, ``yarn``) needs the Parquet folder
    on storage every executor can read."""

    name = "spark"

    def __init__(self, folder: Path, master: str | None = None, session: Any = None):
        from pyspark.sql import SparkSession

        master = master or os.environ.get("VERACITY_SPARK_MASTER") or "local[2]"

        self.folder = folder
        self._serial = 0
        self._own = session is None
        self.spark = session or (
            SparkSession.builder.master(master)
            .appName("veracity-coordination")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        for view, file in (("events", EVENTS), ("traces", TRACES), ("posts", POSTS)):
            self.spark.read.parquet(str(folder / file)).createOrReplaceTempView(view)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def register(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._serial += 1  # a fresh file: Spark caches what it listed before
        path = self.folder / f"{name}-{self._serial}.parquet"
        _write_parquet(path, columns, _types(rows, len(columns)), rows)
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def close(self) -> None:
        if self._own:
            self.spark.stop()


def open_engine(name: str, folder: Path, **kwargs: Any) -> Engine:
    if name == "duckdb":
        return DuckDBEngine(folder, **kwargs)
    if name == "spark":
        if not spark_available():
            raise ValueError("the spark engine needs pyspark (extra 'spark') and java on PATH")
        return SparkEngine(folder, **kwargs)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
