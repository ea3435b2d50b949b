"""Shared helpers for the known-media tests: synthetic images and hash perturbations."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def image_bytes(seed: int, size: int = 128, fmt: str = "PNG") -> bytes:
    """A smooth random image with enough structure for a high PDQ quality."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    image = Image.fromarray(small).resize((size, size), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def flat_image_bytes(size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (120, 120, 120)).save(out, format="PNG")
    return out.getvalue()


def flip_bits(hex_hash: str, count: int, seed: int = 0) -> str:
    """``hex_hash`` with exactly ``count`` distinct bits flipped."""
    rng = np.random.default_rng(seed)
    value = int(hex_hash, 16)
    for bit in rng.choice(256, size=count, replace=False):
        value ^= 1 << int(bit)
    return f"{value:064x}"


def random_hash(rng: np.random.Generator) -> str:
    return rng.integers(0, 256, 32, dtype=np.uint8).tobytes().hex()
