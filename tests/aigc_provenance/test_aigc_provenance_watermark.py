"""DWT-DCT watermarks: the vectorised decoder equals the library; what re-encodes survive."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from imwatermark import WatermarkEncoder
from provenance_testkit import textured_image

from veracity.detect.aigc.watermark import (
    DEFAULT_KEYS,
    Method,
    WatermarkKey,
    decode_bits,
    detect_watermarks,
)
from veracity.detect.aigc.watermark_reference import library_bits, library_detect_watermarks

SDXL = next(k for k in DEFAULT_KEYS if k.name == "sgm-sdxl")
SD1 = next(k for k in DEFAULT_KEYS if k.name == "sd-v1")


def embed(bgr: np.ndarray, key: WatermarkKey, method: str | None = None) -> np.ndarray:
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", list(key.bits))
    return encoder.encode(bgr.copy(), method or key.method.value)


def jpeg(bgr: np.ndarray, quality: int) -> np.ndarray:
    ok, buffer = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buffer, cv2.IMREAD_COLOR)


def errors(bgr: np.ndarray, key: WatermarkKey, method: Method) -> int:
    bits = decode_bits(bgr, method, len(key.bits))
    return int(np.count_nonzero(bits != np.asarray(key.bits)))


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize("seed", [0, 1])
def test_vectorised_decoder_equals_the_library(method: Method, seed: int) -> None:
    clean = textured_image(300, 420, seed=seed)
    for image in (clean, embed(clean, SDXL, method.value), jpeg(embed(clean, SD1), 80)):
        for length in (32, 48, 136):
            assert np.array_equal(
                decode_bits(image, method, length), library_bits(image, method.value, length)
            )


def test_known_keys_are_detected_and_payload_decoded() -> None:
    clean = textured_image(seed=2)
    assert detect_watermarks(clean) == []
    for key in DEFAULT_KEYS:
        found = detect_watermarks(embed(clean, key))
        assert [m.key for m in found] == [key.name]
        assert found[0].bit_errors <= 2 and found[0].generator == key.generator
    sd1 = detect_watermarks(embed(clean, SD1))[0]
    read = bytes.fromhex(sd1.payload_hex)
    assert sum(a == b for a, b in zip(read, b"StableDiffusionV1", strict=True)) >= 15
    assert detect_watermarks(embed(clean, SDXL))[0].payload_hex == "b3ec907bb19e"


def test_reference_detector_agrees() -> None:
    marked = embed(textured_image(300, 400, seed=6), SDXL)
    assert library_detect_watermarks(marked) == detect_watermarks(marked)


def test_no_false_positives_on_clean_images() -> None:
    for seed in range(10, 22):
        image = textured_image(320, 320, seed=seed)
        assert detect_watermarks(image) == [], seed
    flat = np.full((300, 300, 3), 128, dtype=np.uint8)
    assert detect_watermarks(flat) == []


def test_what_survives_re_encoding() -> None:
    """dwtDct (the generators' method) survives lossless storage and JPEG q95; dwtDctSvd
    survives JPEG down to q70. Neither survives resizing; dwtDct does not survive JPEG q90."""
    clean = textured_image(seed=7)
    dct = embed(clean, SDXL, "dwtDct")
    _ok, png = cv2.imencode(".png", dct)
    assert errors(cv2.imdecode(png, cv2.IMREAD_COLOR), SDXL, Method.DWT_DCT) == 0
    assert errors(jpeg(dct, 95), SDXL, Method.DWT_DCT) <= SDXL.max_errors
    assert errors(jpeg(dct, 90), SDXL, Method.DWT_DCT) > SDXL.max_errors
    svd = embed(clean, SDXL, "dwtDctSvd")
    for quality in (95, 90, 80, 70):
        assert errors(jpeg(svd, quality), SDXL, Method.DWT_DCT_SVD) <= SDXL.max_errors, quality
    half = cv2.resize(dct, (dct.shape[1] // 2, dct.shape[0] // 2))
    assert errors(half, SDXL, Method.DWT_DCT) > SDXL.max_errors
    svd_key = WatermarkKey("own", "Platform", Method.DWT_DCT_SVD, SDXL.bits)
    assert [m.key for m in detect_watermarks(jpeg(svd, 90), (svd_key,))] == ["own"]


def test_small_images_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="256x256"):
        decode_bits(np.zeros((100, 100, 3), dtype=np.uint8), Method.DWT_DCT, 48)
