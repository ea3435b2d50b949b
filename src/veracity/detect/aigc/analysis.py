"""One media file's provenance: C2PA, IPTC/XMP, generator tags and watermarks, combined.

``analyse_media(path)`` is the entry point for the CLI, the online detector and the fuzzer. It
never raises for bad media: a file it refuses or cannot read comes back with ``analysed`` false
and the reason, and whatever was established before the failure stays in the evidence.

Which sources count: a C2PA manifest only when it is valid or trusted (an invalid one is
``tampered``, its AI claim kept in the evidence but not believed); unsigned metadata and
watermarks count, and the evidence records which source said what.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from veracity.detect.aigc.c2pa_reader import C2paReport, C2paState, C2paValidator
from veracity.detect.aigc.limits import MediaError, MediaLimits, checked_file
from veracity.detect.aigc.metadata import MetadataClaim, find_xmp, image_tag_claims, xmp_claims
from veracity.detect.aigc.sniff import IMAGE_TYPES, VIDEO_TYPES, sniff_bytes
from veracity.detect.aigc.source_types import AiClaim, ai_claim, strongest
from veracity.detect.aigc.video import with_keyframes
from veracity.detect.aigc.watermark import (
    DEFAULT_KEYS,
    MIN_PIXELS,
    WatermarkKey,
    WatermarkMatch,
    detect_watermarks,
)

C2PA_TYPES = IMAGE_TYPES | {
    "video/mp4",
    "video/quicktime",
    "video/x-msvideo",
    "application/pdf",
    "font/ttf",
    "font/otf",
}

#: Order in which sources name the result's ``source``: signed first, self-declared last.
SOURCE_ORDER = ("c2pa", "watermark", "iptc", "exif", "disclosure")

WatermarkDetector = Callable[[np.ndarray, tuple[WatermarkKey, ...]], list[WatermarkMatch]]


@dataclass(frozen=True)
class AnalysisConfig:
    limits: MediaLimits = field(default_factory=MediaLimits)
    trust_anchors_pem: str | None = None
    watermark_keys: tuple[WatermarkKey, ...] = DEFAULT_KEYS
    watermark_max_pixels: int = 16_000_000  # larger images are not decoded for watermarks


@dataclass
class MediaAnalysis:
    """Everything found in one file, and the signal values derived from it."""

    path: str
    mime_type: str = ""
    analysed: bool = False
    reason: str = ""
    c2pa: C2paReport = field(default_factory=C2paReport)
    metadata: list[MetadataClaim] = field(default_factory=list)
    watermarks: list[WatermarkMatch] = field(default_factory=list)
    frames_checked: int = 0
    notes: list[str] = field(default_factory=list)

    # --- derived values -------------------------------------------------------------------
    def ai_sources(self) -> list[str]:
        """Sources that say the media is (partly) AI-made and are believed, strongest first."""
        found: set[str] = set()
        if self.c2pa.intact and self.c2pa.ai_claim is not AiClaim.NONE:
            found.add("c2pa")
        if self.watermarks:
            found.add("watermark")
        for claim in self.metadata:
            if claim.source == "iptc" and ai_claim(claim.value) is not AiClaim.NONE:
                found.add("iptc")
            elif claim.source == "exif" and claim.generator:
                found.add("exif")
        return [s for s in SOURCE_ORDER if s in found]

    @property
    def ai_generated(self) -> bool:
        return bool(self.ai_sources())

    @property
    def tampered(self) -> bool:
        return self.c2pa.state is C2paState.INVALID

    @property
    def digital_source_type(self) -> str:
        """The strongest declared source type: intact C2PA first, then unsigned IPTC/XMP."""
        if self.c2pa.intact and self.c2pa.source_types:
            return strongest(self.c2pa.source_types)
        return strongest([c.value for c in self.metadata if c.source == "iptc"])

    @property
    def generator(self) -> str:
        """The generator named by the strongest believed source."""
        for source in self.ai_sources():
            if source == "c2pa":
                return self.c2pa.generator
            if source == "watermark":
                return self.watermarks[0].generator
            if source == "exif":
                return next(c.generator for c in self.metadata if c.generator)
        return self.c2pa.generator if self.c2pa.intact else ""

    def to_evidence(self) -> dict[str, Any]:
        return {
            "file": Path(self.path).name,
            "mime_type": self.mime_type,
            "analysed": self.analysed,
            "reason": self.reason,
            "ai_sources": self.ai_sources(),
            "c2pa": self.c2pa.to_evidence(),
            "metadata": [c.to_evidence() for c in self.metadata[:32]],
            "watermarks": [w.to_evidence() for w in self.watermarks],
            "frames_checked": self.frames_checked,
            "notes": self.notes[:16],
        }

    def summary(self) -> dict[str, Any]:
        """The signal-level view: what a policy or an operator reads first."""
        return {
            "analysed": self.analysed,
            "reason": self.reason,
            "ai_generated": self.ai_generated,
            "source": (self.ai_sources() or ["none"])[0],
            "sources": self.ai_sources(),
            "c2pa_state": self.c2pa.state.value,
            "digital_source_type": self.digital_source_type,
            "generator": self.generator,
            "signer": self.c2pa.signer,
            "watermark": bool(self.watermarks),
            "watermark_payload": self.watermarks[0].payload_hex if self.watermarks else "",
            "tampered": self.tampered,
        }


@lru_cache(maxsize=8)
def _validator(trust_anchors_pem: str | None) -> C2paValidator:
    return C2paValidator(trust_anchors_pem)


def analyse_media(
    path: Path | str,
    config: AnalysisConfig | None = None,
    *,
    watermark_detector: WatermarkDetector = detect_watermarks,
) -> MediaAnalysis:
    """Provenance of one local file; never raises for bad media (see ``reason``)."""
    config = config or AnalysisConfig()
    result = MediaAnalysis(path=str(path))
    try:
        _analyse(Path(path), config, result, watermark_detector)
        result.analysed = True
    except MediaError as exc:
        result.reason = str(exc)
    except MemoryError:
        result.reason = "media needs more memory than allowed"
    except Exception as exc:  # a parser bug on hostile input is this file's error, not the worker's
        result.reason = f"media could not be analysed: {type(exc).__name__}: {exc}"[:300]
    return result


def _analyse(
    path: Path, config: AnalysisConfig, result: MediaAnalysis, detector: WatermarkDetector
) -> None:
    limits = config.limits
    checked_file(path, limits)
    raw = path.read_bytes()
    mime = sniff_bytes(raw[:32])
    if mime is None:
        raise MediaError("unsupported media type (not a known image or video format)")
    result.mime_type = mime
    if mime in C2PA_TYPES:
        result.c2pa = _validator(config.trust_anchors_pem).read(path, mime)
    xmp = find_xmp(raw, limits.max_metadata_bytes)
    if xmp:
        result.metadata.extend(xmp_claims(xmp))
    if mime in IMAGE_TYPES:
        _analyse_image(raw, config, result, detector)
    elif mime in VIDEO_TYPES:
        _analyse_video(path, config, result, detector)
    else:
        result.notes.append(f"{mime}: provenance metadata only, no pixels checked")


def _open_image(data: bytes, limits: MediaLimits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(f"decompression bomb refused: {exc}") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"unreadable image: {exc}"[:300]) from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise MediaError("image has no pixels")
    if width * height > limits.max_pixels:
        raise MediaError(
            f"image too large: {width}x{height} pixels, the limit is {limits.max_pixels}"
            " (decompression bomb guard)"
        )
    return image


def _pixels(image: Image.Image) -> np.ndarray:
    """BGR uint8 pixels of the first frame; truncated or corrupt data raise ``MediaError``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaError(f"image pixels unreadable: {exc}"[:300]) from None
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _check_watermark(
    bgr: np.ndarray, config: AnalysisConfig, result: MediaAnalysis, detector: WatermarkDetector
) -> None:
    pixels = bgr.shape[0] * bgr.shape[1]
    if pixels < MIN_PIXELS:
        result.notes.append("watermark not checked: under 256x256 pixels")
        return
    if pixels > config.watermark_max_pixels:
        result.notes.append(f"watermark not checked: over {config.watermark_max_pixels} pixels")
        return
    result.frames_checked += 1
    for match in detector(bgr, config.watermark_keys):
        if all(m.key != match.key for m in result.watermarks):
            result.watermarks.append(match)


def _analyse_image(
    raw: bytes, config: AnalysisConfig, result: MediaAnalysis, detector: WatermarkDetector
) -> None:
    image = _open_image(raw, config.limits)
    with image:
        result.metadata.extend(image_tag_claims(image, config.limits.max_metadata_bytes))
        if not config.watermark_keys:
            return
        _check_watermark(_pixels(image), config, result, detector)


def _analyse_video(
    path: Path, config: AnalysisConfig, result: MediaAnalysis, detector: WatermarkDetector
) -> None:
    def check(frames: list[Path]) -> None:
        for frame in frames:
            with _open_image(frame.read_bytes(), config.limits) as image:
                _check_watermark(_pixels(image), config, result, detector)

    info = with_keyframes(path, config.limits, check)
    result.notes.append(f"video {info.width}x{info.height}, {info.duration_s:.1f} s, {info.codec}")
