"""Watermark detection through the invisible-watermark library itself: slow, obviously correct.

The brute-force reference that tests compare the vectorised decoder with. The library is
installed without its dependencies (``pip install --no-deps invisible-watermark``): it needs only
numpy, OpenCV and PyWavelets for the DWT-DCT methods used here.
"""

from __future__ import annotations

import numpy as np

from veracity.detect.aigc.watermark import DEFAULT_KEYS, WatermarkKey, WatermarkMatch


def library_bits(bgr: np.ndarray, method: str, length: int) -> np.ndarray:
    from imwatermark import WatermarkDecoder

    bits = WatermarkDecoder("bits", length).decode(bgr, method)
    return np.asarray(bits, dtype=np.uint8)


def library_detect_watermarks(
    bgr: np.ndarray, keys: tuple[WatermarkKey, ...] = DEFAULT_KEYS
) -> list[WatermarkMatch]:
    matches = []
    for key in keys:
        bits = library_bits(bgr, key.method.value, len(key.bits))
        errors = int(np.count_nonzero(bits != np.asarray(key.bits, dtype=np.uint8)))
        if errors <= key.max_errors:
            payload = np.packbits(bits).tobytes()
            text = payload.decode("ascii", errors="replace")
            matches.append(
                WatermarkMatch(
                    key=key.name,
                    generator=key.generator,
                    method=key.method.value,
                    bit_errors=errors,
                    bits=len(key.bits),
                    payload_hex=payload.hex(),
                    payload_text=text if text.isprintable() and "\ufffd" not in text else "",
                )
            )
    return matches
