"""AI label coverage: the definition (pure) and GET /v1/aigc/label-coverage through the real API.

The API case ingests one item per evidence source into an app whose aigc policy has its
watermark rule in shadow mode, so one AI-evidenced item stays unlabelled and the expected
counts are known exactly.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import pytest
from fastapi.testclient import TestClient
from imwatermark import WatermarkEncoder
from provenance_testkit import make_signing_chain, sign_image, textured_image, write_jpeg
from scipy.stats import binomtest

from aigc_text.aitext_helpers import human_text, machine_text, tiny_model
from veracity.config import Settings
from veracity.detect.aigc.coverage import (
    DEFAULT_DETECTION_THRESHOLD,
    DETECTION_ONLY,
    ItemOutcome,
    evidence_source,
    summarise,
    wilson_interval,
)
from veracity.detect.aigc.text.detector import AiTextDetector
from veracity.detect.aigc.text.model import AiTextModel
from veracity.detect.aigc.watermark import DEFAULT_KEYS
from veracity.domain.decisions import RuleMode
from veracity.domain.entities import ContentIn
from veracity.policy.model import Policy
from veracity.runtime import build_runtime
from veracity.store.db import Database
from veracity.web.app import create_app

TOKEN = "coverage-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROUTE = "/v1/aigc/label-coverage"
SDXL = next(k for k in DEFAULT_KEYS if k.name == "sgm-sdxl")
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/'
    'trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta>'
)


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (3, 10), (47, 50), (500, 1000)])
def test_wilson_interval_matches_scipy(k: int, n: int) -> None:
    ours = wilson_interval(k, n)
    assert ours is not None
    theirs = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert ours == pytest.approx((theirs.low, theirs.high), abs=1e-9)
    assert wilson_interval(0, 0) is None


def test_evidence_source_follows_policy_belief_order() -> None:
    def prov(*sources: str, **extra: Any) -> dict[str, Any]:
        return {"ai_generated": bool(sources), "sources": list(sources)} | extra

    text = {"scored": True, "probability": 0.97}
    assert evidence_source(prov("c2pa", "disclosure", disclosed=True), text) == "creator"
    assert evidence_source(prov("c2pa", "iptc", c2pa_state="trusted"), None) == "c2pa_trusted"
    assert evidence_source(prov("c2pa", c2pa_state="valid"), None) == "c2pa_valid"
    assert evidence_source(prov("watermark", "exif"), None) == "watermark"
    assert evidence_source(prov("exif"), None) == "metadata"
    assert evidence_source(prov(), text) == DETECTION_ONLY
    assert evidence_source(prov(), text, detection_threshold=0.99) is None
    assert evidence_source(None, {"scored": False, "probability": 1.0}) is None


def test_summarise_separates_detection_only() -> None:
    outcomes = [
        ItemOutcome("a", "creator", ("creator",), False),
        ItemOutcome("b", "c2pa_valid", ("provenance",), True),
        ItemOutcome("c", "c2pa_valid", (), False),
        ItemOutcome("d", DETECTION_ONLY, (), True),
        ItemOutcome("e", DETECTION_ONLY, (), False),
    ]
    report = summarise(outcomes, content_items=9)
    assert (report.ai_evidenced, report.labelled) == (3, 2)
    assert report.coverage.rate == pytest.approx(2 / 3)
    assert report.by_source["c2pa_valid"].hits == 1 and report.by_source["c2pa_valid"].items == 2
    assert report.by_source["watermark"].rate is None
    assert report.label_sources == {"creator": 1, "provenance": 1}
    assert report.detection_only.items == 2 and report.detection_only.routed_to_review.hits == 1


def _watermark_shadowed(policies: list[Policy]) -> list[Policy]:
    """The default policies, with the aigc watermark rule observed but not acted on."""

    def rules(p: Policy) -> list[Any]:
        return [
            r.model_copy(update={"mode": RuleMode.SHADOW}) if r.id == "watermark-ai" else r
            for r in p.rules
        ]

    return [p.model_copy(update={"rules": rules(p)}) if p.id == "aigc" else p for p in policies]


@pytest.fixture(scope="module")
def model() -> AiTextModel:
    return tiny_model()


def _scored(model: AiTextModel, make: Callable[[random.Random], str], wanted: bool) -> str:
    """A generated text the model puts on the wanted side of the review threshold."""
    detector, rng = AiTextDetector(model), random.Random(7)
    for _ in range(50):
        t = make(rng)
        item = ContentIn.model_validate({"id": "x", "account_id": "a", "kind": "post", "text": t})
        if (detector.detect(item).outputs["probability"] >= DEFAULT_DETECTION_THRESHOLD) == wanted:
            return t
    raise AssertionError("the tiny model never scored a text on the wanted side")


@pytest.fixture
def client(db: Database, tmp_path: Path, model: AiTextModel) -> Iterator[TestClient]:
    media = tmp_path / "media"
    media.mkdir()
    trusted, other = make_signing_chain(), make_signing_chain()
    anchors = tmp_path / "anchors.pem"
    anchors.write_text(trusted.root_pem, encoding="utf-8")
    source = write_jpeg(tmp_path / "src.jpg", textured_image(240, 320))
    sign_image(source, media / "trusted.jpg", trusted)
    sign_image(source, media / "valid.jpg", other)
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", list(SDXL.bits))
    cv2.imwrite(str(media / "marked.png"), encoder.encode(textured_image(), "dwtDct"))
    jpeg = source.read_bytes()
    body = b"http://ns.adobe.com/xap/1.0/\x00" + XMP.encode()
    segment = b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body
    (media / "xmp.jpg").write_bytes(jpeg[:2] + segment + jpeg[2:])
    write_jpeg(media / "plain.jpg", textured_image(120, 160, seed=3))
    model_path = tmp_path / "aitext.npz"
    model.save(model_path)
    settings = Settings(
        database_url=db.url,
        media_root=media,
        aigc_trust_anchors=anchors,
        aitext_model_path=model_path,
    )
    runtime = build_runtime(db, settings)
    runtime = build_runtime(db, settings, policies=_watermark_shadowed(runtime.policies))
    app = create_app(settings, db=db, runtime=runtime, api_tokens=[TOKEN])
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, cid: str, text: str = "", *files: str, **meta: Any) -> list[str]:
    body = {
        "id": cid,
        "account_id": "acct-1",
        "kind": "image" if files else "post",
        "text": text,
        "media": [{"url": name, "mime_type": "image/jpeg"} for name in files],
        "metadata": meta,
    }
    response = client.post("/v1/content", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    actions: list[str] = response.json()["results"][0]["actions"]
    return actions


def test_label_coverage_requires_a_token(client: TestClient) -> None:
    assert client.get(ROUTE).status_code == 401
    assert client.get(ROUTE, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_label_coverage_counts_every_source_exactly(client: TestClient, model: AiTextModel) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    _post(client, "disclosed", "my render", ai_disclosed=True)
    _post(client, "c2pa-trusted", "", "trusted.jpg")
    _post(client, "c2pa-valid", "", "valid.jpg")
    _post(client, "c2pa-civic", "", "valid.jpg", depicts_real_person=True, context="election")
    assert not any("label" in a for a in _post(client, "marked", "", "marked.png"))
    _post(client, "xmp", "", "xmp.jpg")
    routed = _post(client, "machine", _scored(model, machine_text, wanted=True))
    assert "route(queue=ai-text-review)" in routed
    _post(client, "human", _scored(model, human_text, wanted=False))
    _post(client, "plain", "a photo", "plain.jpg")

    response = client.get(ROUTE, params={"since": started.isoformat()}, headers=AUTH)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["content_items"] == 9
    assert (report["ai_evidenced"], report["labelled"]) == (6, 5)
    assert report["coverage"]["rate"] == pytest.approx(5 / 6)
    low, high = report["coverage"]["ci95"]
    assert (low, high) == pytest.approx(wilson_interval(5, 6))
    by_source = {k: (v["hits"], v["items"]) for k, v in report["by_source"].items()}
    assert by_source == {
        "creator": (1, 1),
        "c2pa_trusted": (1, 1),
        "c2pa_valid": (2, 2),
        "watermark": (0, 1),
        "metadata": (1, 1),
    }
    assert report["label_sources"] == {"creator": 1, "provenance": 4}
    detection = report["detection_only"]
    assert detection["items"] == 1 and detection["labelled"] == 0
    assert detection["routed_to_review"]["hits"] == 1

    later = client.get(
        ROUTE, params={"since": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, headers=AUTH
    ).json()
    assert (later["content_items"], later["ai_evidenced"]) == (0, 0)
    assert later["coverage"]["rate"] is None and later["coverage"]["ci95"] is None
    before = {"since": "2030-01-02T00:00:00", "until": "2030-01-01T00:00:00"}
    assert client.get(ROUTE, params=before, headers=AUTH).status_code == 422
