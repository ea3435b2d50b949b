from __future__ import annotations

from pathlib import Path

import pytest
from media_helpers import flip_bits, image_bytes

from veracity.detect.banks import BankEntry
from veracity.detect.misinfo.media import build_media_detector, hash_image_bytes
from veracity.detect.misinfo.media.detector import MediaMatchDetector
from veracity.detect.registry import DetectorRegistry
from veracity.domain.entities import ContentIn, MediaRef

A = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"
B = "e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064"


def _item(*media: MediaRef) -> ContentIn:
    return ContentIn(id="c1", account_id="a1", kind="post", media=list(media))


@pytest.fixture
def detector() -> MediaMatchDetector:
    return build_media_detector(
        {
            "pdq:viral": [
                BankEntry("e-a", A, "false", {"quality": 100, "content_id": "old-1"}),
                BankEntry("e-b", B, "altered", {"quality": 90}),
                BankEntry("e-off", flip_bits(A, 2), "false", enabled=False),
                BankEntry("e-low", flip_bits(A, 1), "false", {"quality": 10}),
            ],
            "text": [BankEntry("t", "some claim")],  # not a PDQ bank: ignored
        }
    )


def test_declares_outputs_for_policies(detector: MediaMatchDetector) -> None:
    schema = DetectorRegistry([detector]).signal_schema()
    assert schema["signals.media_match.matched"].type == "bool"
    assert schema["signals.media_match.min_distance"].type == "int"
    assert schema["signals.media_match.labels"].type == "list<string>"
    assert len(detector) == 2  # disabled and low-quality entries are not loaded


def test_image_match_outputs_and_evidence(detector: MediaMatchDetector) -> None:
    near = flip_bits(A, 12, seed=3)
    item = _item(MediaRef(url="https://cdn/x.jpg", pdq=near, pdq_quality=90))
    result = detector.detect(item)
    assert result.outputs == {
        "matched": True,
        "min_distance": 12,
        "entry_id": "e-a",
        "label": "false",
        "bank": "pdq:viral",
        "match_count": 1,
        "labels": ["false"],
        "video_match_percent": 0.0,
    }
    match = result.evidence["matches"][0]
    assert match["url"] == "https://cdn/x.jpg" and match["content_id"] == "old-1"
    assert match["query_hash"] == near and match["distance"] == 12
    assert result == detector.reference(item)


def test_no_match_reads_256(detector: MediaMatchDetector) -> None:
    far = flip_bits(A, 40)
    for item in (_item(MediaRef(url="u", pdq=far)), _item(MediaRef(url="u")), _item()):
        result = detector.detect(item)
        assert result.outputs["matched"] is False
        assert result.outputs["min_distance"] == 256
        assert result.outputs["entry_id"] == "" and result.outputs["match_count"] == 0
        assert result == detector.reference(item)


def test_low_quality_query_is_not_matched_but_reported(detector: MediaMatchDetector) -> None:
    result = detector.detect(_item(MediaRef(url="u", pdq=A, pdq_quality=49)))
    assert result.outputs["matched"] is False
    assert result.evidence["skipped"] == [
        {"media_index": 0, "reason": "quality 49 below cut-off 50"}
    ]


def test_video_frames_and_several_media(detector: MediaMatchDetector) -> None:
    frames = [flip_bits(A, 5, seed=1), flip_bits(B, 40), flip_bits(B, 20, seed=2), A]
    item = _item(
        MediaRef(url="img", pdq=flip_bits(B, 25, seed=4), pdq_quality=80),
        MediaRef(url="vid", frame_pdqs=[*frames, A]),  # repeated frame counted once
    )
    result = detector.detect(item)
    assert result.outputs["matched"] is True
    assert result.outputs["min_distance"] == 0 and result.outputs["entry_id"] == "e-a"
    assert result.outputs["match_count"] == 2
    assert result.outputs["labels"] == ["altered", "false"]
    assert result.outputs["video_match_percent"] == 75.0
    assert result.evidence["videos"] == [
        {"media_index": 1, "distinct_frames": 4, "matched_frames": 3, "match_percent": 75.0}
    ]
    assert result == detector.reference(item)


def test_hashes_files_only_under_media_root(tmp_path: Path) -> None:
    data = image_bytes(11)
    digest = hash_image_bytes(data)
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.png").write_bytes(data)
    (tmp_path / "outside.png").write_bytes(data)
    (root / "bad.png").write_bytes(b"nope")
    detector = build_media_detector(
        {"pdq:x": [BankEntry("e", digest.hex, "false")]}, media_root=root
    )
    hit = detector.detect(_item(MediaRef(url=f"file://{root / 'a.png'}")))
    assert hit.outputs["matched"] is True and hit.outputs["min_distance"] == 0
    out = detector.detect(_item(MediaRef(url=f"file://{tmp_path / 'outside.png'}")))
    assert out.outputs["matched"] is False
    assert out.evidence["skipped"][0]["reason"] == "file is outside the media root"
    bad = detector.detect(_item(MediaRef(url=f"file://{root / 'bad.png'}")))
    assert "not an image" in bad.evidence["skipped"][0]["reason"]
    no_root = build_media_detector({"pdq:x": [BankEntry("e", digest.hex)]})
    assert (
        no_root.detect(_item(MediaRef(url=f"file://{root / 'a.png'}"))).outputs["matched"] is False
    )


def test_empty_banks() -> None:
    detector = build_media_detector({})
    result = detector.detect(_item(MediaRef(url="u", pdq=A)))
    assert result.outputs["matched"] is False and result.outputs["min_distance"] == 256
