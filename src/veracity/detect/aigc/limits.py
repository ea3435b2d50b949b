"""Bounds on the media analysis, and the error it raises for media it refuses.

Hostile uploads (decompression bombs, huge or truncated files, endless videos) must fail with a
clear message in bounded time and memory; every limit lives in ``MediaLimits`` so it is set once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class MediaError(ValueError):
    """Media that cannot be analysed; the message names the problem for the evidence."""


@dataclass(frozen=True)
class MediaLimits:
    max_bytes: int = 64 * 1024 * 1024
    max_pixels: int = 40_000_000  # decoded pixels of one image or frame (e.g. 8000 x 5000)
    max_metadata_bytes: int = 1024 * 1024  # XMP packet or text chunk scanned for tags
    video_timeout_s: float = 20.0
    video_keyframes: int = 4
    video_max_seconds: float = 4 * 3600.0
    subprocess_memory_bytes: int = 1024 * 1024 * 1024


def checked_file(path: Path, limits: MediaLimits) -> int:
    """The size of a regular, readable file within the size cap, or ``MediaError``."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise MediaError(f"media file not found: {path.name}") from None
    except OSError as exc:
        raise MediaError(f"media file unreadable: {path.name}: {exc.strerror}") from None
    if not path.is_file():
        raise MediaError(f"not a regular file: {path.name}")
    if stat.st_size == 0:
        raise MediaError(f"empty media file: {path.name}")
    if stat.st_size > limits.max_bytes:
        raise MediaError(
            f"media file too large: {stat.st_size} bytes, the limit is {limits.max_bytes}"
        )
    if not os.access(path, os.R_OK):
        raise MediaError(f"media file unreadable: {path.name}")
    return stat.st_size
