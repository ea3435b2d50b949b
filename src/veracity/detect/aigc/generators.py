"""Software names of known generative-AI tools, as they appear in metadata.

Generators write their name into EXIF ``Software``, XMP ``CreatorTool``, PNG text chunks or a
C2PA claim generator. The list is deliberately small and literal: a match is evidence of the
tool's involvement, recorded with where it was found, never a verdict on its own.
"""

from __future__ import annotations

import re

#: Display name -> case-insensitive pattern of how the tool names itself.
KNOWN_GENERATORS: dict[str, str] = {
    "Adobe Firefly": r"\bfirefly\b",
    "DALL-E": r"\bdall[\s\-·]?e\b",
    "OpenAI": r"\bopenai\b|\bgpt-4o\b|\bchatgpt\b",
    "Midjourney": r"\bmidjourney\b",
    "Stable Diffusion": r"\bstable[\s\-_]?diffusion\b|\bsdxl\b",
    "Google Imagen": r"\bgoogle imagen\b|\bimagen[\s\-]?[234]\b",
    "Google Gemini": r"\bgoogle gemini\b|\bgemini[\s\-](\d|flash|pro)\b",
    "Bing Image Creator": r"\bbing image creator\b|\bdesigner\.microsoft\b",
    "Leonardo.Ai": r"\bleonardo\.?ai\b",
    "Ideogram": r"\bideogram\b",
    "Flux": r"\bflux(\.1)?[\s\-_](dev|schnell|pro)\b|black forest labs",
    "NovelAI": r"\bnovelai\b",
    "Runway": r"\brunwayml?\b",
    "ComfyUI": r"\bcomfyui\b",
    "AUTOMATIC1111": r"\bautomatic1111\b|\bstable-diffusion-webui\b",
    "InvokeAI": r"\binvokeai\b",
    "Craiyon": r"\bcraiyon\b",
}

_COMPILED = [
    (name, re.compile(pattern, re.IGNORECASE)) for name, pattern in KNOWN_GENERATORS.items()
]


def match_generator(text: str) -> str | None:
    """The display name of the first known generator a software string names, if any."""
    if not text:
        return None
    sample = text[:2048]
    for name, pattern in _COMPILED:
        if pattern.search(sample):
            return name
    return None
