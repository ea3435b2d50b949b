"""IPTC digital source types: which of them say "made by generative AI".

C2PA actions, IPTC photo metadata and XMP all carry a digitalSourceType URI from the IPTC
controlled vocabulary (specs.md 3.2). Policies read the short code, so URIs are normalised here.
"""

from __future__ import annotations

from enum import StrEnum

IPTC_PREFIX = "http://cv.iptc.org/newscodes/digitalsourcetype/"
C2PA_PREFIX = "http://c2pa.org/digitalsourcetype/"

#: The IPTC list (plus the C2PA extension c2pa-python maps), short code -> meaning.
KNOWN_SOURCE_TYPES: dict[str, str] = {
    "algorithmicallyEnhanced": "edited with algorithmic enhancement",
    "algorithmicMedia": "created by an algorithm without training data",
    "composite": "composite of several elements",
    "compositeCapture": "composite of captures",
    "compositeSynthetic": "composite with at least one synthetic element",
    "compositeWithTrainedAlgorithmicMedia": "contains elements made by generative AI",
    "computationalCapture": "captured with computational processing",
    "dataDrivenMedia": "produced from data",
    "digitalCapture": "captured by a digital camera or recorder",
    "digitalCreation": "created digitally by a person",
    "humanEdits": "edited by a person",
    "negativeFilm": "scanned from negative film",
    "positiveFilm": "scanned from positive film",
    "print": "scanned from a print",
    "screenCapture": "screen capture",
    "trainedAlgorithmicMedia": "created by generative AI",
    "trainedAlgorithmicData": "data created by generative AI",
    "virtualRecording": "recording of a virtual event",
}


class AiClaim(StrEnum):
    """What a source type says about AI involvement, strongest last."""

    NONE = "none"
    MODIFIED = "modified"  # part of the media is synthetic (in/out-painting, composites)
    GENERATED = "generated"  # the whole media was made by a generative model


_GENERATED = frozenset({"trainedAlgorithmicMedia", "trainedAlgorithmicData"})
_MODIFIED = frozenset({"compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"})


def short_code(value: str) -> str:
    """The code of an IPTC/C2PA URI (or of a bare code); unknown strings come back stripped."""
    text = value.strip()
    for prefix in (IPTC_PREFIX, C2PA_PREFIX, "https://cv.iptc.org/newscodes/digitalsourcetype/"):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def ai_claim(code: str) -> AiClaim:
    """How strongly a source type (URI or short code) claims generative AI."""
    short = short_code(code)
    if short in _GENERATED:
        return AiClaim.GENERATED
    if short in _MODIFIED:
        return AiClaim.MODIFIED
    return AiClaim.NONE


def strongest(codes: list[str]) -> str:
    """The code that claims most AI involvement (first wins ties); empty when there is none."""
    order = {AiClaim.NONE: 0, AiClaim.MODIFIED: 1, AiClaim.GENERATED: 2}
    best, rank = "", -1
    for code in codes:
        value = order[ai_claim(code)]
        if value > rank:
            best, rank = short_code(code), value
    return best
