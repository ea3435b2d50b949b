"""PDQ hashes: parsing, Hamming distance, and hashing image bytes with Meta's ``pdqhash``.

Conventions follow ThreatExchange / HMA: a hash is 256 bits written as 64 lowercase hex digits
(first hex digit = the most significant bits of the first byte); a hash with quality below
``QUALITY_CUTOFF`` is too unreliable to add to a bank or to match; two hashes match when their
Hamming distance is at most ``MATCH_THRESHOLD``.

Decoding refuses what could exhaust memory (files over ``MAX_IMAGE_BYTES``, images over
``MAX_IMAGE_PIXELS``) with :class:`ImageHashError` rather than letting Pillow try.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

BITS = 256
HEX_CHARS = BITS // 4
BYTES = BITS // 8
MATCH_THRESHOLD = 31  # ThreatExchange PDQ_CONFIDENT_MATCH_THRESHOLD
QUALITY_CUTOFF = 50  # ThreatExchange PdqSignal.QUALITY_THRESHOLD
NO_MATCH_DISTANCE = BITS  # what "nearest distance" reads when nothing matched

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 64_000_000

_HEX_RE = re.compile(r"^[0-9a-f]{64}$")


class InvalidHashError(ValueError):
    """A value that is not a 64-hex-digit PDQ hash."""


class ImageHashError(ValueError):
    """Bytes that cannot be hashed as an image (not an image, too large, corrupt)."""


@dataclass(frozen=True)
class PdqHash:
    hex: str
    quality: int

    @property
    def usable(self) -> bool:
        """Whether Meta's quality cut-off lets this hash be banked or matched."""
        return self.quality >= QUALITY_CUTOFF


def parse_hex(value: object) -> str:
    """The canonical (lowercase) form of a PDQ hex string; raise naming what is wrong."""
    if not isinstance(value, str):
        raise InvalidHashError(f"a PDQ hash must be a string, got {type(value).__name__}")
    text = value.strip().lower()
    if len(text) != HEX_CHARS:
        raise InvalidHashError(f"a PDQ hash has {HEX_CHARS} hex digits; got {len(text)} characters")
    if not _HEX_RE.match(text):
        raise InvalidHashError(f"a PDQ hash has only hex digits 0-9a-f; got {value!r}")
    return text


def check_quality(quality: object) -> int:
    """``quality`` as an int in 0..100; raise otherwise (bools are refused)."""
    if isinstance(quality, bool) or not isinstance(quality, int):
        raise InvalidHashError(f"PDQ quality must be an integer 0..100, got {quality!r}")
    if not 0 <= quality <= 100:
        raise InvalidHashError(f"PDQ quality must be in 0..100, got {quality}")
    return quality


def to_bytes(hex_hash: str) -> bytes:
    return bytes.fromhex(parse_hex(hex_hash))


def to_array(hex_hashes: list[str]) -> npt.NDArray[np.uint8]:
    """An ``(n, 32)`` uint8 array: the binary form faiss and the brute force work on."""
    if not hex_hashes:
        return np.zeros((0, BYTES), dtype=np.uint8)
    raw = b"".join(to_bytes(h) for h in hex_hashes)
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, BYTES).copy()


def from_bits(bits: npt.NDArray[np.integer]) -> str:
    """Hex of a 256-element 0/1 vector, most significant bit first (pdqhash's output)."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def distance(a: str, b: str) -> int:
    """Hamming distance of two PDQ hex hashes."""
    return (int(parse_hex(a), 16) ^ int(parse_hex(b), 16)).bit_count()


def _pixels(data: bytes) -> npt.NDArray[np.uint8]:
    """Decode to an RGB ``(h, w, 3)`` array, refusing oversized or non-image input."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImageHashError("empty file: no image to hash")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageHashError(
            f"image file is {len(data)} bytes; the limit is {MAX_IMAGE_BYTES} bytes"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ImageHashError(
                    f"image is {width}x{height} = {width * height} pixels; "
                    f"the limit is {MAX_IMAGE_PIXELS} pixels"
                )
            image.load()
    except ImageHashError:
        raise
    except UnidentifiedImageError as exc:
        raise ImageHashError("not an image Pillow can decode") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageHashError(f"image refused as too large: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageHashError(f"corrupt or truncated image: {exc}") from exc
    if image.mode != "RGB":
        # Greyscale, palette, alpha, CMYK, 16-bit and float modes all go through RGB, as the
        # reference hasher's inputs do.
        image = image.convert("RGB")
    return np.asarray(image, dtype=np.uint8)


def hash_image_bytes(data: bytes) -> PdqHash:
    """PDQ hash and quality of an encoded image (JPEG, PNG, WebP, GIF, ...)."""
    import pdqhash

    pixels = _pixels(data)
    bits, quality = pdqhash.compute(np.ascontiguousarray(pixels))
    return PdqHash(hex=from_bits(bits), quality=int(quality))


def hash_image_file(path: Path) -> PdqHash:
    """PDQ hash of an image file; the size limit is checked before reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageHashError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if size > MAX_IMAGE_BYTES:
        raise ImageHashError(f"{path} is {size} bytes; the limit is {MAX_IMAGE_BYTES} bytes")
    return hash_image_bytes(path.read_bytes())
