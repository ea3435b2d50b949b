"""The ``provenance`` online detector: creator disclosure plus the media checks of ``analysis``.

Media references are read only as local files: a ``file://`` URL (or a bare relative path) that
resolves inside the configured media root. Remote URLs are never fetched at ingest; such media,
and media without a readable file, yield ``analysed`` false with the reason, so a policy can tell
"checked and clean" from "not checked".

Settings read (all optional): ``media_root`` (no root: media are not analysed),
``aigc_trust_anchors`` (PEM file of C2PA trust anchors), ``aigc_max_media_bytes``,
``aigc_max_image_pixels``, ``aigc_video_timeout_s``, ``aigc_video_keyframes``,
``aigc_watermark_max_pixels``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from veracity.detect.aigc.analysis import SOURCE_ORDER, AnalysisConfig, MediaAnalysis, analyse_media
from veracity.detect.aigc.limits import MediaLimits
from veracity.detect.aigc.source_types import ai_claim, strongest
from veracity.detect.aigc.watermark import detect_watermarks
from veracity.detect.aigc.watermark_reference import library_detect_watermarks
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.domain.entities import ContentIn, MediaRef

DISCLOSURE_KEY = "ai_disclosed"
C2PA_STATE_RANK = {"trusted": 3, "valid": 2, "invalid": 1, "none": 0}


class MediaRefError(ValueError):
    """A media reference that may not be read (remote, outside the root, malformed)."""


@dataclass(frozen=True)
class ProvenanceConfig:
    media_root: Path | None = None
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)

    @classmethod
    def from_settings(cls, settings: Any) -> ProvenanceConfig:
        """Read the ``aigc_*`` settings when present; missing ones keep their defaults."""

        def get(name: str) -> Any:
            return getattr(settings, f"aigc_{name}", None) if settings is not None else None

        limits = MediaLimits()
        overrides = {
            "max_bytes": get("max_media_bytes"),
            "max_pixels": get("max_image_pixels"),
            "video_timeout_s": get("video_timeout_s"),
            "video_keyframes": get("video_keyframes"),
        }
        limits = replace(limits, **{k: v for k, v in overrides.items() if v is not None})
        anchors_path = get("trust_anchors")
        anchors = Path(anchors_path).read_text(encoding="utf-8") if anchors_path else None
        analysis = AnalysisConfig(limits=limits, trust_anchors_pem=anchors)
        if get("watermark_max_pixels") is not None:
            analysis = replace(analysis, watermark_max_pixels=int(get("watermark_max_pixels")))
        root = getattr(settings, "media_root", None) if settings is not None else None
        return cls(media_root=Path(root) if root else None, analysis=analysis)


def resolve_media_path(ref: MediaRef, root: Path | None) -> Path:
    """The local file a reference names, inside ``root``; ``MediaRefError`` otherwise."""
    if root is None:
        raise MediaRefError("no media root configured (VERACITY_MEDIA_ROOT)")
    parsed = urlparse(ref.url)
    if parsed.scheme not in ("file", ""):
        raise MediaRefError(f"remote media not fetched ({parsed.scheme} URL)")
    if parsed.netloc not in ("", "localhost"):
        raise MediaRefError("file URL names another host")
    relative = unquote(parsed.path)
    base = root.resolve()
    candidate = Path(relative)
    target = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if not target.is_relative_to(base):
        raise MediaRefError("media path is outside the media root")
    return target


class ProvenanceDetector(OnlineDetector):
    name = "provenance"
    version = "1.0.0"
    inputs = ("media", "metadata")
    description = "AI-generation provenance: disclosure, C2PA, IPTC/EXIF tags, watermarks."
    outputs = (
        OutputSpec("analysed", OutputType.BOOL, "every media file was read and checked"),
        OutputSpec("reason", OutputType.STRING, "why a file was not analysed; empty when all were"),
        OutputSpec("ai_generated", OutputType.BOOL, "a believed source says AI made or edited it"),
        OutputSpec("source", OutputType.STRING, "c2pa|watermark|iptc|exif|disclosure|none"),
        OutputSpec("sources", OutputType.STRING_LIST, "every believed source, strongest first"),
        OutputSpec("c2pa_state", OutputType.STRING, "none|invalid|valid|trusted"),
        OutputSpec(
            "digital_source_type", OutputType.STRING, "IPTC code, e.g. trainedAlgorithmicMedia"
        ),
        OutputSpec("generator", OutputType.STRING, "the generating tool named by the source"),
        OutputSpec("signer", OutputType.STRING, "issuer of the C2PA signing certificate"),
        OutputSpec("watermark", OutputType.BOOL, "a known generator watermark was decoded"),
        OutputSpec("watermark_payload", OutputType.STRING, "decoded watermark payload (hex)"),
        OutputSpec("tampered", OutputType.BOOL, "a C2PA manifest failed validation"),
        OutputSpec("disclosed", OutputType.BOOL, "the creator declared the media AI-generated"),
        OutputSpec("media_count", OutputType.INT, "media files analysed"),
    )

    def __init__(self, config: ProvenanceConfig | None = None) -> None:
        self.config = config or ProvenanceConfig()

    def detect(self, item: ContentIn) -> DetectorResult:
        return self._run(item, reference=False)

    def reference(self, item: ContentIn) -> DetectorResult:
        """The same checks with the watermark library's own (slow, per-block) decoder."""
        return self._run(item, reference=True)

    def _run(self, item: ContentIn, *, reference: bool) -> DetectorResult:
        detector = library_detect_watermarks if reference else detect_watermarks
        analyses: list[MediaAnalysis] = []
        refused: list[dict[str, str]] = []
        for ref in item.media:
            try:
                path = resolve_media_path(ref, self.config.media_root)
            except MediaRefError as exc:
                refused.append({"url": ref.url[:200], "reason": str(exc)})
                continue
            analyses.append(analyse_media(path, self.config.analysis, watermark_detector=detector))
        disclosed, disclosure_note = _disclosure(item.metadata)
        return _combine(analyses, refused, disclosed, disclosure_note)


def _disclosure(metadata: dict[str, Any]) -> tuple[bool, str]:
    """The creator's declaration at upload; a non-boolean value is noted, not believed."""
    if DISCLOSURE_KEY not in metadata:
        return False, ""
    value = metadata[DISCLOSURE_KEY]
    if isinstance(value, bool):
        return value, ""
    return False, f"{DISCLOSURE_KEY} ignored: expected true or false, got {type(value).__name__}"


def _combine(
    analyses: list[MediaAnalysis],
    refused: list[dict[str, str]],
    disclosed: bool,
    disclosure_note: str,
) -> DetectorResult:
    sources: set[str] = {s for a in analyses for s in a.ai_sources()}
    if disclosed:
        sources.add("disclosure")
    ordered = [s for s in SOURCE_ORDER if s in sources]
    reasons = [r["reason"] for r in refused] + [a.reason for a in analyses if not a.analysed]
    best = max(analyses, key=lambda a: C2PA_STATE_RANK[a.c2pa.state.value], default=None)
    generator = next((a.generator for a in analyses if a.ai_generated and a.generator), "")
    source_types = [a.digital_source_type for a in analyses if a.digital_source_type]
    marked = [w for a in analyses for w in a.watermarks]
    outputs = {
        "analysed": bool(analyses) and not reasons,
        "reason": "; ".join(dict.fromkeys(reasons))[:500]
        if reasons
        else ("" if analyses else "no media"),
        "ai_generated": bool(ordered),
        "source": ordered[0] if ordered else "none",
        "sources": ordered,
        "c2pa_state": best.c2pa.state.value if best else "none",
        "digital_source_type": strongest(source_types) if source_types else "",
        "generator": generator,
        "signer": best.c2pa.signer if best else "",
        "watermark": bool(marked),
        "watermark_payload": marked[0].payload_hex if marked else "",
        "tampered": any(a.tampered for a in analyses),
        "disclosed": disclosed,
        "media_count": sum(1 for a in analyses if a.analysed),
    }
    evidence: dict[str, Any] = {
        "media": [a.to_evidence() for a in analyses],
        "refused": refused,
        "disclosure": {"key": DISCLOSURE_KEY, "value": disclosed}
        | ({"note": disclosure_note} if disclosure_note else {}),
        "said": _who_said_what(analyses, disclosed),
    }
    return DetectorResult(outputs, evidence)


def _who_said_what(analyses: list[MediaAnalysis], disclosed: bool) -> list[dict[str, str]]:
    """One line per source that made an AI claim, believed or not, for reviewers."""
    said: list[dict[str, str]] = []
    if disclosed:
        said.append({"source": "disclosure", "says": "creator declared AI-generated"})
    for a in analyses:
        name = Path(a.path).name
        if a.c2pa.source_types and any(ai_claim(c).value != "none" for c in a.c2pa.source_types):
            believed = "believed" if a.c2pa.intact else f"not believed: manifest {a.c2pa.state}"
            said.append({"source": "c2pa", "file": name, "says": strongest(a.c2pa.source_types),
                         "generator": a.c2pa.generator, "status": believed})  # fmt: skip
        for w in a.watermarks:
            said.append(
                {"source": "watermark", "file": name, "says": w.key, "generator": w.generator}
            )
        for c in a.metadata:
            if c.generator or ai_claim(c.value).value != "none":
                said.append({"source": c.source, "file": name, "tag": c.tag, "says": c.value[:120]})
    return said


def build_provenance_detector(settings: Any = None) -> OnlineDetector:
    """The detector to register in ``detect/defaults.py`` (reads the ``aigc_*`` settings)."""
    return ProvenanceDetector(ProvenanceConfig.from_settings(settings))
