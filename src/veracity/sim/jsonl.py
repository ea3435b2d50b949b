"""Line-oriented output: JSONL files written as the simulator goes, and the clock they share."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np


def dumps(obj: Any) -> str:
    """Compact, stable JSON (insertion order, UTF-8 kept) so equal inputs give equal bytes."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class JsonlWriter:
    """Appends one JSON document per line and counts them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh = path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20)

    def write(self, obj: Any) -> None:
        self._fh.write(dumps(obj))
        self._fh.write("\n")
        self.count += 1

    def write_lines(self, lines: list[str]) -> None:
        """Lines already encoded as JSON, without their newlines."""
        if lines:
            self._fh.write("\n".join(lines))
            self._fh.write("\n")
            self.count += len(lines)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Clock:
    """Turns seconds since the period start into ISO-8601 UTC strings."""

    def __init__(self, start: datetime) -> None:
        utc = start.astimezone(UTC).replace(tzinfo=None)
        self._start = np.datetime64(utc, "s")
        self._epoch = int(start.timestamp())

    def iso(self, t: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._epoch + int(t)))

    def iso_many(self, t: np.ndarray) -> list[str]:
        stamps = np.datetime_as_string(self._start + t.astype("timedelta64[s]"), unit="s")
        return [f"{s}Z" for s in stamps.tolist()]
