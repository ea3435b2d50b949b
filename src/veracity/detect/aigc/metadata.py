"""Provenance metadata outside C2PA: IPTC/XMP digital source type and generator software tags.

Generators and editors write the IPTC ``DigitalSourceType`` into XMP, and name themselves in EXIF
``Software``, XMP ``CreatorTool`` or PNG text chunks (the Stable Diffusion web UIs store their
generation parameters there). These tags are unsigned: anyone can add or strip them, so they are
evidence of a claim, recorded with the tag that made it, and weaker than a valid C2PA manifest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image

from veracity.detect.aigc.generators import match_generator
from veracity.detect.aigc.source_types import short_code

XMP_START = b"<x:xmpmeta"
XMP_END = b"</x:xmpmeta>"

_DST = re.compile(
    r"Iptc4xmpExt:DigitalSourceType(?:\s*=\s*\"([^\"]*)\""
    r"|\s+rdf:resource\s*=\s*\"([^\"]*)\""
    r"|\s*>\s*([^<\s][^<]*)<)"
)
_CREATOR_TOOL = re.compile(r"xmp:CreatorTool(?:\s*=\s*\"([^\"]*)\"|\s*>\s*([^<]*)<)")
_SOFTWARE_AGENT = re.compile(r"stEvt:softwareAgent(?:\s*=\s*\"([^\"]*)\"|\s*>\s*([^<]*)<)")

EXIF_SOFTWARE = 0x0131
EXIF_MAKE = 0x010F
EXIF_DESCRIPTION = 0x010E
EXIF_ARTIST = 0x013B


@dataclass(frozen=True)
class MetadataClaim:
    """One tag that said something: where it was found and its value."""

    source: str  # "iptc" (digital source type) or "exif" (a software/generator tag)
    tag: str  # e.g. "xmp:Iptc4xmpExt:DigitalSourceType", "exif:Software", "png:parameters"
    value: str
    generator: str = ""  # the known generator the value names, if any

    def to_evidence(self) -> dict[str, Any]:
        return {"source": self.source, "tag": self.tag, "value": self.value[:200]} | (
            {"generator": self.generator} if self.generator else {}
        )


def find_xmp(data: bytes, max_bytes: int) -> str:
    """The first XMP packet in the data (bounded), decoded leniently; empty when none."""
    start = data.find(XMP_START)
    if start < 0:
        return ""
    end = data.find(XMP_END, start, start + max_bytes)
    if end < 0:
        return ""
    return data[start : end + len(XMP_END)].decode("utf-8", errors="replace")


def xmp_claims(xmp: str) -> list[MetadataClaim]:
    """Digital source types and generator tools an XMP packet declares."""
    claims: list[MetadataClaim] = []
    for match in _DST.finditer(xmp):
        value = next((g for g in match.groups() if g), "").strip()
        if value:
            claims.append(
                MetadataClaim("iptc", "xmp:Iptc4xmpExt:DigitalSourceType", short_code(value))
            )
    for tag, pattern in (
        ("xmp:CreatorTool", _CREATOR_TOOL),
        ("xmp:softwareAgent", _SOFTWARE_AGENT),
    ):
        for match in pattern.finditer(xmp):
            value = next((g for g in match.groups() if g), "").strip()
            generator = match_generator(value)
            if generator:
                claims.append(MetadataClaim("exif", tag, value, generator))
    return claims


def image_tag_claims(image: Image.Image, max_bytes: int) -> list[MetadataClaim]:
    """Generator names in EXIF tags and PNG/WebP text chunks of an opened (not decoded) image."""
    claims: list[MetadataClaim] = []
    try:
        exif = image.getexif()
    except Exception as exc:  # a corrupt EXIF block must not hide the rest of the evidence
        claims.append(MetadataClaim("exif", "exif:error", f"unreadable EXIF: {exc}"[:200]))
        exif = None
    if exif:
        for tag_id, name in (
            (EXIF_SOFTWARE, "Software"),
            (EXIF_MAKE, "Make"),
            (EXIF_DESCRIPTION, "ImageDescription"),
            (EXIF_ARTIST, "Artist"),
        ):
            value = exif.get(tag_id)
            if isinstance(value, bytes):
                value = value.decode("utf-8", errors="replace")
            if isinstance(value, str):
                generator = match_generator(value)
                if generator:
                    claims.append(MetadataClaim("exif", f"exif:{name}", value.strip(), generator))
    for key, value in list(image.info.items())[:64]:
        if not isinstance(key, str) or not isinstance(value, str | bytes):
            continue
        text = value if isinstance(value, str) else value[:max_bytes].decode("utf-8", "replace")
        text = text[:max_bytes]
        generator = _text_chunk_generator(key, text)
        if generator:
            claims.append(MetadataClaim("exif", f"png:{key}", text[:200], generator))
    return claims


def _text_chunk_generator(key: str, text: str) -> str | None:
    lowered = key.lower()
    if lowered == "parameters" and "Steps:" in text and "Sampler:" in text:
        return match_generator(text) or "Stable Diffusion"
    if lowered in ("prompt", "workflow") and '"class_type"' in text:
        try:
            json.loads(text)
        except ValueError:
            return None
        return "ComfyUI"
    if lowered in ("invokeai_metadata", "sd-metadata", "dream"):
        return "InvokeAI"
    if lowered in ("software", "source", "comment", "description"):
        return match_generator(text)
    return None
