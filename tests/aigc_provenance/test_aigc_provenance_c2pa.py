"""C2PA: conformance on the public test files, our own signed manifests, tampering, trust."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from provenance_testkit import make_signing_chain, sign_image, textured_image, write_jpeg

from veracity.detect.aigc.analysis import AnalysisConfig, analyse_media
from veracity.detect.aigc.c2pa_reader import C2paState, reader_settings

# Files where c2pa-python 0.38 (c2pa-rs 0.91) disagrees with the 2023 c2patool reports, and why.
KNOWN_MISMATCHES = {
    # Newer c2pa-rs checks that the data-hash exclusion covers exactly the manifest's location
    # ("data hash exclusion does not match the manifest location in the asset"); Truepic's 2023
    # libc2pa wrote a range the c2patool of the time accepted.
    "image/jpeg/truepic-20230212-camera.jpg": "invalid",
    "image/jpeg/truepic-20230212-landscape.jpg": "invalid",
    "image/jpeg/truepic-20230212-library.jpg": "invalid",
    # The Python wheel's c2pa-rs is built without font support: "type is unsupported".
    "font/ttf/monotype-20240712-monotype_sans.ttf": "unsupported",
}


@pytest.fixture(scope="module")
def chain():  # type: ignore[no-untyped-def]
    return make_signing_chain()


def test_reader_never_goes_online() -> None:
    verify = reader_settings(None)["verify"]
    assert verify["remote_manifest_fetch"] is False
    assert verify["ocsp_fetch"] is False


def test_public_testfiles_agree_with_expected_results(shared_data: Path) -> None:
    root = shared_data / "provenance" / "c2pa-public-testfiles"
    rows = list(csv.DictReader((root / "expected_results.tsv").open(), delimiter="\t"))
    assert len(rows) >= 28
    mismatches = {}
    for row in rows:
        asset = row["asset"]
        result = analyse_media(root / asset)
        present = row["manifest_present"] == "manifest"
        expected = ("valid" if not row["validation_status_codes(c2patool; empty=valid)"]
                    else "invalid") if present else "none"  # fmt: skip
        got = result.c2pa.state.value
        if not result.c2pa.supported:
            got = "unsupported"
        elif got == "trusted":
            got = "valid"
        if got != expected:
            mismatches[asset] = got
        if present and result.c2pa.supported and result.c2pa.signer_common_name:
            assert row["active_manifest_signer"]
    assert mismatches == KNOWN_MISMATCHES
    truepic = analyse_media(root / "image/jpeg/truepic-20230212-library.jpg").c2pa
    assert truepic.signed_at.startswith("2023-02-12") and truepic.signer == "Truepic"
    firefly = analyse_media(root / "pdf/adobe-20240110-single_manifest_store.pdf").summary()
    assert firefly["ai_generated"] and firefly["generator"] == "Adobe Firefly"


def test_own_signed_ai_manifest_is_read_back_as_ai_generated(tmp_path: Path, chain) -> None:  # type: ignore[no-untyped-def]
    src = write_jpeg(tmp_path / "gen.jpg", textured_image())
    signed = sign_image(src, tmp_path / "signed.jpg", chain)
    result = analyse_media(signed)
    summary = result.summary()
    assert result.c2pa.state is C2paState.VALID  # intact, signer not on a trust list
    assert "signingCredential.untrusted" in result.c2pa.failures
    assert summary["ai_generated"] and summary["source"] == "c2pa"
    assert summary["digital_source_type"] == "trainedAlgorithmicMedia"
    assert summary["generator"] == "Stable Diffusion XL 1.0"
    assert summary["signer"] == "Veracity Test"
    trusted = analyse_media(signed, AnalysisConfig(trust_anchors_pem=chain.root_pem))
    assert trusted.c2pa.state is C2paState.TRUSTED and trusted.c2pa.failures == []
    unrelated = make_signing_chain()
    other = analyse_media(signed, AnalysisConfig(trust_anchors_pem=unrelated.root_pem))
    assert other.c2pa.state is C2paState.VALID


def test_camera_capture_manifest_is_not_ai(tmp_path: Path, chain) -> None:  # type: ignore[no-untyped-def]
    src = write_jpeg(tmp_path / "cam.jpg", textured_image(seed=3))
    signed = sign_image(src, tmp_path / "s.jpg", chain, source_type="digitalCapture", agent="Cam")
    summary = analyse_media(signed).summary()
    assert summary["c2pa_state"] == "valid"
    assert not summary["ai_generated"] and summary["source"] == "none"
    assert summary["digital_source_type"] == "digitalCapture"


def test_composite_is_ai_modified(tmp_path: Path, chain) -> None:  # type: ignore[no-untyped-def]
    src = write_jpeg(tmp_path / "c.jpg", textured_image(seed=4))
    signed = sign_image(
        src, tmp_path / "s.jpg", chain, source_type="compositeWithTrainedAlgorithmicMedia"
    )
    summary = analyse_media(signed).summary()
    assert summary["ai_generated"]
    assert summary["digital_source_type"] == "compositeWithTrainedAlgorithmicMedia"


def test_tampered_pixels_make_the_manifest_invalid_and_not_believed(
    tmp_path: Path,
    chain,  # type: ignore[no-untyped-def]
) -> None:
    src = write_jpeg(tmp_path / "t.jpg", textured_image(seed=5))
    signed = sign_image(src, tmp_path / "s.jpg", chain)
    data = bytearray(signed.read_bytes())
    data[-200] ^= 0xFF  # inside the entropy-coded image data, after the manifest
    tampered = tmp_path / "tampered.jpg"
    tampered.write_bytes(bytes(data))
    result = analyse_media(tampered, AnalysisConfig(trust_anchors_pem=chain.root_pem))
    assert result.analysed
    assert result.c2pa.state is C2paState.INVALID and result.tampered
    assert "assertion.dataHash.mismatch" in result.c2pa.failures
    assert not result.ai_generated  # the AI claim of a broken manifest is not believed
    assert result.c2pa.ai_claim.value == "generated"  # but it is kept in the evidence
