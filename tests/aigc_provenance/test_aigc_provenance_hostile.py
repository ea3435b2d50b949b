"""Hostile media: a clear error in bounded time and memory, and the worker keeps going."""

from __future__ import annotations

import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest
from provenance_testkit import textured_image, write_jpeg

from veracity.detect.aigc.analysis import AnalysisConfig, analyse_media
from veracity.detect.aigc.isolated import analyse_isolated
from veracity.detect.aigc.limits import MediaLimits


def png_bomb(path: Path, side: int = 30_000) -> Path:
    """A tiny PNG that claims side x side pixels (the IDAT stream is a few KB of zeros)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1) * 64, 9)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture()
def good_jpeg(tmp_path: Path) -> Path:
    return write_jpeg(tmp_path / "good.jpg", textured_image(300, 300))


def test_each_kind_of_bad_file_gets_a_clear_reason(tmp_path: Path, good_jpeg: Path) -> None:
    data = good_jpeg.read_bytes()
    cases = {
        "truncated.jpg": (data[: len(data) // 2], "unreadable"),
        "header-only.jpg": (data[:20], "unreadable image"),
        "random.bin": (bytes(range(256)) * 8, "unsupported media type"),
        "empty.jpg": (b"", "empty media file"),
        # Without ffmpeg a video is reported "not analysed" with that reason, never guessed at.
        "fake.mp4": (
            b"\x00\x00\x00\x18ftypisom" + b"\xff" * 200,
            "ffprobe" if shutil.which("ffprobe") else "ffmpeg is not installed",
        ),
    }
    for name, (content, reason) in cases.items():
        (tmp_path / name).write_bytes(content)
        started = time.perf_counter()
        result = analyse_media(tmp_path / name)
        assert time.perf_counter() - started < 10
        assert not result.analysed and reason in result.reason, (name, result.reason)


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = png_bomb(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 100_000
    started = time.perf_counter()
    result = analyse_media(bomb)
    assert time.perf_counter() - started < 2
    assert not result.analysed and "bomb" in result.reason
    under_pillow_limit = analyse_media(png_bomb(tmp_path / "b2.png", side=8000))
    assert "too large: 8000x8000" in under_pillow_limit.reason


def test_size_cap(tmp_path: Path, good_jpeg: Path) -> None:
    config = AnalysisConfig(limits=MediaLimits(max_bytes=1000))
    result = analyse_media(good_jpeg, config)
    assert not result.analysed and "too large" in result.reason


def test_isolated_child_reports_results_and_survives_limits(
    tmp_path: Path, good_jpeg: Path
) -> None:
    ok = analyse_isolated(good_jpeg, timeout_s=30)
    assert ok.status == "ok" and ok.summary["analysed"] and ok.peak_rss_kib > 0
    bomb = analyse_isolated(png_bomb(tmp_path / "b.png"), timeout_s=30)
    assert bomb.status == "ok" and not bomb.summary["analysed"]
    # a memory cap too small for the child ends in a reported failure, not an exception here
    starved = analyse_isolated(good_jpeg, timeout_s=30, memory_bytes=64 * 1024**2)
    assert starved.status in ("ok", "crash")
    if starved.status == "ok":
        assert not starved.summary["analysed"]


def test_command_report_both_modes(tmp_path: Path, good_jpeg: Path) -> None:
    from veracity.detect.aigc.commands import analyse_media_report

    missing = tmp_path / "missing.jpg"
    plain = analyse_media_report([good_jpeg, missing], evidence=True)
    assert plain[0]["analysed"] and plain[0]["evidence"]["mime_type"] == "image/jpeg"
    assert not plain[1]["analysed"] and "not found" in plain[1]["reason"]
    isolated = analyse_media_report([good_jpeg], isolated=True)
    assert isolated[0]["status"] == "ok" and isolated[0]["analysed"]
