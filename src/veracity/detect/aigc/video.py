"""Keyframes of a video, extracted by ffmpeg in a bounded child process.

ffmpeg parses hostile containers, so it runs as a separate process with a wall-clock timeout, a
CPU-time limit and an address-space limit; a crash or hang there is an error for this file,
never for the worker. Without ffmpeg, videos are reported as not analysed, with that reason.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from veracity.detect.aigc.limits import MediaError, MediaLimits


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    duration_s: float
    codec: str


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def _limiter(limits: MediaLimits) -> Callable[[], None]:
    def apply() -> None:
        memory = limits.subprocess_memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(limits.video_timeout_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _run(args: list[str], limits: MediaLimits, what: str) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(
            args,
            capture_output=True,
            timeout=limits.video_timeout_s,
            preexec_fn=_limiter(limits),  # no threads run before exec
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MediaError(f"{what} timed out after {limits.video_timeout_s:g} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1][:200] if message else f"exit status {done.returncode}"
        raise MediaError(f"{what} failed: {detail}")
    return done


def probe(path: Path, limits: MediaLimits) -> VideoInfo:
    """Dimensions, duration and codec of the first video stream, or ``MediaError``."""
    done = _run(
        [
            "ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=width,height,codec_name:format=duration",
            "-of", "json", str(path),
        ],
        limits,
        "ffprobe",
    )  # fmt: skip
    try:
        data = json.loads(done.stdout or b"{}")
        stream = (data.get("streams") or [{}])[0]
        width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
        duration = float((data.get("format") or {}).get("duration") or 0.0)
    except (ValueError, TypeError, IndexError, AttributeError):
        raise MediaError("ffprobe returned unreadable stream information") from None
    if width <= 0 or height <= 0:
        raise MediaError("no video stream with a known frame size")
    if width * height > limits.max_pixels:
        raise MediaError(
            f"video frame too large: {width}x{height} pixels, the limit is {limits.max_pixels}"
        )
    if duration > limits.video_max_seconds:
        raise MediaError(
            f"video too long: {duration:.0f} s, the limit is {limits.video_max_seconds:g}"
        )
    return VideoInfo(width, height, duration, str(stream.get("codec_name") or ""))


def keyframes(path: Path, limits: MediaLimits, workdir: Path) -> list[Path]:
    """Up to ``limits.video_keyframes`` keyframes as lossless PNG files in ``workdir``."""
    _run(
        [
            "ffmpeg", "-v", "error", "-nostdin", "-threads", "2",
            "-skip_frame", "nokey", "-i", str(path),
            "-map", "0:v:0", "-fps_mode", "passthrough", "-frames:v", str(limits.video_keyframes),
            str(workdir / "key-%03d.png"),
        ],
        limits,
        "ffmpeg keyframe extraction",
    )  # fmt: skip
    frames = sorted(workdir.glob("key-*.png"))
    if not frames:
        raise MediaError("no keyframe could be decoded")
    return frames


def with_keyframes(path: Path, limits: MediaLimits, use: Callable[[list[Path]], None]) -> VideoInfo:
    """Probe the video, extract keyframes to a temporary folder and hand them to ``use``."""
    if not ffmpeg_available():
        raise MediaError("video not analysed: ffmpeg is not installed")
    info = probe(path, limits)
    with tempfile.TemporaryDirectory(prefix="veracity-frames-") as tmp:
        use(keyframes(path, limits, Path(tmp)))
    return info
