"""Memory does not grow with the number of events: the event log is streamed hour by hour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from veracity.sim.measure import main

_PROBE = """
import resource, sys
from pathlib import Path

import pytest

from veracity.sim.measure import main
from veracity.sim import simulate
simulate(Path(sys.argv[1]), seed=1, scale="tiny", events=int(sys.argv[2]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_rss_kib(out: Path, events: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), str(events)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return int(done.stdout.strip().splitlines()[-1])


def test_peak_memory_is_flat_in_the_event_count(tmp_path: Path) -> None:
    few = _peak_rss_kib(tmp_path / "few", 10_000)
    many = _peak_rss_kib(tmp_path / "many", 200_000)
    written = (tmp_path / "many" / "events.jsonl").stat().st_size
    assert written > 30 * 1024 * 1024  # holding these lines would cost far more than the margin
    assert many - few < 12 * 1024, f"peak RSS grew from {few} KiB to {many} KiB"


def test_measure_reports_speed_and_memory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--scale", "tiny", "--events", "2000"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["events"] == 2000 and result["events_per_s"] > 0
    assert result["peak_rss_mib"] > 0 and result["bytes_written"] > 0
    assert main(["--scale", "nope"]) == 2
