"""The committed OpenAPI document is the one the app serves."""

from __future__ import annotations

import json
from pathlib import Path

from veracity.web.openapi_doc import render_openapi

DOC = Path(__file__).parents[2] / "docs" / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    assert DOC.is_file(), "run `veracity openapi` to create docs/openapi.json"
    committed = json.loads(DOC.read_text(encoding="utf-8"))
    current = json.loads(render_openapi())
    assert committed == current, "the API changed: run `veracity openapi` and commit the result"


def test_openapi_documents_ingestion_and_security() -> None:
    doc = json.loads(DOC.read_text(encoding="utf-8"))
    paths = doc["paths"]
    for route in ("/v1/content", "/v1/content/batch", "/v1/events/batch", "/v1/reports"):
        assert "post" in paths[route]
    content = doc["components"]["schemas"]["ContentIn"]
    assert content["additionalProperties"] is False
    assert content["properties"]["text"]["maxLength"] == 20_000
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert paths["/v1/content"]["post"]["security"] == [{"HTTPBearer": []}]
    batch = doc["components"]["schemas"]["ContentBatch"]
    assert batch["properties"]["items"]["maxItems"] == 1000
