"""vPDQ: PDQ hashes of a video's frames, with Meta's ``vpdq`` package when it is installed.

``vpdq`` needs ffmpeg's libraries at build time; where it is absent, :func:`available` is False
and hashing a video raises :class:`VideoHashError`. Platforms can always send frame hashes
they computed themselves (``MediaRef.frame_pdqs``), which the detector matches without vpdq.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from veracity.detect.misinfo.media.pdq_hash import QUALITY_CUTOFF, parse_hex

MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024


class VideoHashError(ValueError):
    """A video that cannot be hashed (no vpdq, unreadable, not a video)."""


@dataclass(frozen=True)
class FrameHash:
    frame: int
    quality: int
    hex: str
    timestamp_s: float


def available() -> bool:
    """Whether the ``vpdq`` package (and so video hashing) is installed."""
    return importlib.util.find_spec("vpdq") is not None


def hash_video_file(path: Path, *, seconds_per_hash: float = 1.0) -> list[FrameHash]:
    """One PDQ hash per ``seconds_per_hash`` of video (0 = every frame), as vpdq samples."""
    if not available():
        raise VideoHashError("video hashing needs the 'vpdq' package (built against ffmpeg)")
    if seconds_per_hash < 0:
        raise VideoHashError(f"seconds_per_hash must be >= 0, got {seconds_per_hash}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise VideoHashError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if size == 0:
        raise VideoHashError(f"{path} is empty")
    if size > MAX_VIDEO_BYTES:
        raise VideoHashError(f"{path} is {size} bytes; the limit is {MAX_VIDEO_BYTES} bytes")
    import vpdq

    try:
        features = vpdq.computeHash(str(path), seconds_per_hash=seconds_per_hash)
    except Exception as exc:  # vpdq raises plain ValueError/RuntimeError from ffmpeg
        raise VideoHashError(f"cannot hash {path} as a video: {exc}") from exc
    if not features:
        raise VideoHashError(f"{path} has no decodable video frames")
    return [
        FrameHash(int(f.frame_number), int(f.quality), parse_hex(f.hex), float(f.timestamp))
        for f in features
    ]


def distinct_frames(
    frames: list[FrameHash], *, min_quality: int = QUALITY_CUTOFF
) -> list[FrameHash]:
    """Frames worth banking: quality at the cut-off or above, each distinct hash once.

    vPDQ matching (ThreatExchange ``vpdq_util``) also de-duplicates identical frame hashes and
    drops low-quality frames before comparing.
    """
    seen: set[str] = set()
    out: list[FrameHash] = []
    for frame in frames:
        if frame.quality < min_quality or frame.hex in seen:
            continue
        seen.add(frame.hex)
        out.append(frame)
    return out
