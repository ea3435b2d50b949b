"""Media analysis in a child process with memory and CPU limits and a wall-clock timeout.

For callers that must survive anything a hostile file can do to a native parser (a crash in
libjpeg, the C2PA core or OpenCV would otherwise take the worker down): the fuzzer, batch
re-scans, and the CLI. The child reports its result and its own peak memory through a pipe.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from veracity.detect.aigc.analysis import AnalysisConfig, analyse_media


@dataclass(frozen=True)
class IsolatedOutcome:
    status: str  # "ok" | "crash" | "timeout"
    summary: dict[str, Any]
    seconds: float
    peak_rss_kib: int
    detail: str = ""


def _child(conn: Connection, path: str, config: AnalysisConfig, memory: int, cpu_s: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    result = analyse_media(path, config)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    conn.send((result.summary(), peak))
    conn.close()


def analyse_isolated(
    path: Path | str,
    config: AnalysisConfig | None = None,
    *,
    timeout_s: float = 30.0,
    memory_bytes: int = 2 * 1024**3,
) -> IsolatedOutcome:
    """``analyse_media`` in a child process; a crash or hang is reported, never propagated."""
    config = config or AnalysisConfig()
    # A fork server, not a plain fork: forking a parent whose native libraries (OpenCV, the
    # C2PA core) run threads can deadlock the child on a lock held by a thread that is gone.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["veracity.detect.aigc.analysis"])
    parent, child = ctx.Pipe(duplex=False)
    started = time.perf_counter()
    process = ctx.Process(
        target=_child,
        args=(child, str(path), config, memory_bytes, int(timeout_s) + 1),
        daemon=True,
    )
    process.start()
    child.close()
    try:
        if parent.poll(timeout_s):
            summary, peak = parent.recv()
            process.join(5)
            return IsolatedOutcome("ok", summary, time.perf_counter() - started, int(peak))
        status, detail = "timeout", f"no result within {timeout_s:g} s"
    except EOFError:
        process.join(5)
        status, detail = "crash", f"child exited with status {process.exitcode}"
    finally:
        if process.is_alive():
            process.kill()
            process.join(5)
        parent.close()
    return IsolatedOutcome(status, {}, time.perf_counter() - started, 0, detail)
