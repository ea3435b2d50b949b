"""The provenance detector: media refs under a root, disclosure, metadata sources, video."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import cv2
import pytest
from imwatermark import WatermarkEncoder
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from provenance_testkit import make_signing_chain, sign_image, textured_image, write_jpeg

from veracity.detect.aigc import video
from veracity.detect.aigc.analysis import analyse_media
from veracity.detect.aigc.detector import (
    ProvenanceConfig,
    ProvenanceDetector,
    build_provenance_detector,
)
from veracity.detect.aigc.metadata import xmp_claims
from veracity.detect.aigc.watermark import DEFAULT_KEYS
from veracity.detect.registry import DetectorRegistry
from veracity.domain.entities import ContentIn

SDXL = next(k for k in DEFAULT_KEYS if k.name == "sgm-sdxl")
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/'
    'trainedAlgorithmicMedia" xmp:CreatorTool="Midjourney v6"/></rdf:RDF></x:xmpmeta>'
)


def with_xmp(jpeg: bytes, xmp: str) -> bytes:
    body = b"http://ns.adobe.com/xap/1.0/\x00" + xmp.encode()
    segment = b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body
    return jpeg[:2] + segment + jpeg[2:]


def item(*urls: str, **metadata: Any) -> ContentIn:
    media = [{"url": u, "mime_type": "image/jpeg"} for u in urls]
    return ContentIn.model_validate(
        {"id": "c1", "account_id": "a1", "kind": "image", "media": media, "metadata": metadata}
    )


@pytest.fixture()
def detector(tmp_path: Path) -> ProvenanceDetector:
    return ProvenanceDetector(ProvenanceConfig(media_root=tmp_path))


def test_registers_and_declares_outputs() -> None:
    registry = DetectorRegistry([build_provenance_detector(None)])
    schema = registry.signal_schema()
    assert schema["signals.provenance.c2pa_state"].type.value == "string"
    assert schema["signals.provenance.ai_generated"].type.value == "bool"


def test_disclosure_without_media(detector: ProvenanceDetector) -> None:
    out = detector.detect(item(ai_disclosed=True)).outputs
    assert out["ai_generated"] and out["source"] == "disclosure" and out["disclosed"]
    assert not out["analysed"] and out["reason"] == "no media"
    bad = detector.detect(item(ai_disclosed="yes"))
    assert not bad.outputs["disclosed"] and "ignored" in bad.evidence["disclosure"]["note"]


def test_signed_file_ref_and_reference_agree(tmp_path: Path, detector: ProvenanceDetector) -> None:
    src = write_jpeg(tmp_path / "src.jpg", textured_image(300, 400))
    sign_image(src, tmp_path / "ai.jpg", make_signing_chain())
    content = item(f"file://{tmp_path / 'ai.jpg'}", ai_disclosed=False)
    result = detector.detect(content)
    out = result.outputs
    assert out["analysed"] and out["media_count"] == 1
    assert out["ai_generated"] and out["source"] == "c2pa" and out["c2pa_state"] == "valid"
    assert out["generator"] == "Stable Diffusion XL 1.0" and not out["disclosed"]
    assert result.evidence["said"][0]["source"] == "c2pa"
    assert detector.reference(content).outputs == out
    relative = detector.detect(item("ai.jpg")).outputs
    assert relative["c2pa_state"] == "valid"


def test_remote_and_escaping_refs_are_not_read(
    tmp_path: Path, detector: ProvenanceDetector
) -> None:
    (tmp_path.parent / "secret.jpg").write_bytes(b"x")
    for url, reason in [
        ("https://cdn.example/i/1.jpg", "remote media not fetched"),
        ("file:///etc/passwd", "outside the media root"),
        ("../secret.jpg", "outside the media root"),
        ("file://otherhost/x.jpg", "another host"),
        ("missing.jpg", "not found"),
    ]:
        out = detector.detect(item(url)).outputs
        assert not out["analysed"] and reason in out["reason"], url
    no_root = ProvenanceDetector(ProvenanceConfig(media_root=None)).detect(item("a.jpg"))
    assert "no media root" in no_root.outputs["reason"]


def test_xmp_source_type_and_generator_tags(tmp_path: Path, detector: ProvenanceDetector) -> None:
    claims = xmp_claims(XMP)
    assert [(c.source, c.value) for c in claims] == [
        ("iptc", "trainedAlgorithmicMedia"),
        ("exif", "Midjourney v6"),
    ]
    _ok, buf = cv2.imencode(".jpg", textured_image(300, 300))
    (tmp_path / "x.jpg").write_bytes(with_xmp(buf.tobytes(), XMP))
    out = detector.detect(item("x.jpg")).outputs
    assert out["sources"] == ["iptc", "exif"] and out["c2pa_state"] == "none"
    assert out["digital_source_type"] == "trainedAlgorithmicMedia"
    assert out["generator"] == "Midjourney"

    exif = Image.Exif()
    exif[0x0131] = "Adobe Firefly 3"
    Image.new("RGB", (64, 64)).save(tmp_path / "e.jpg", exif=exif.tobytes())
    assert detector.detect(item("e.jpg")).outputs["generator"] == "Adobe Firefly"
    info = PngInfo()
    info.add_text("parameters", "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1")
    Image.new("RGB", (64, 64)).save(tmp_path / "p.png", pnginfo=info)
    png = detector.detect(item("p.png")).outputs
    assert png["source"] == "exif" and png["generator"] == "Stable Diffusion"
    camera = Image.Exif()
    camera[0x0131] = "Camera App 3.1"
    Image.new("RGB", (64, 64)).save(tmp_path / "c.jpg", exif=camera.tobytes())
    assert not detector.detect(item("c.jpg")).outputs["ai_generated"]


def test_watermarked_png_is_detected(tmp_path: Path, detector: ProvenanceDetector) -> None:
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", list(SDXL.bits))
    cv2.imwrite(str(tmp_path / "w.png"), encoder.encode(textured_image(), "dwtDct"))
    out = detector.detect(item("w.png")).outputs
    assert out["watermark"] and out["source"] == "watermark"
    assert out["watermark_payload"] == "b3ec907bb19e" and out["generator"] == "Stable Diffusion XL"


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
def test_video_keyframes_are_checked(tmp_path: Path) -> None:
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", list(SDXL.bits))
    for i in range(3):
        frame = encoder.encode(textured_image(288, 352, seed=i), "dwtDct")
        cv2.imwrite(str(tmp_path / f"f{i:02d}.png"), frame)
    clip = tmp_path / "clip.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-framerate", "2", "-i", str(tmp_path / "f%02d.png"),
         "-c:v", "ffv1", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    result = analyse_media(clip)
    assert result.analysed, result.reason
    assert result.frames_checked == 3
    assert [w.key for w in result.watermarks] == ["sgm-sdxl"]


def test_video_without_ffmpeg_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video, "ffmpeg_available", lambda: False)
    clip = tmp_path / "v.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
    result = analyse_media(clip)
    assert not result.analysed and "ffmpeg is not installed" in result.reason
