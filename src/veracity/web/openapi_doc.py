"""The OpenAPI document as committed in docs/openapi.json: stable key order, no run-time state."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from veracity.config import Settings


def render_openapi() -> str:
    """Build the app against a throw-away database and render its OpenAPI document."""
    from veracity.store.db import Database
    from veracity.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="veracity-openapi-") as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'openapi.db'}")
        try:
            app = create_app(Settings(database_url=db.url), db=db, api_tokens=["unused"])
            document = app.openapi()
        finally:
            db.dispose()
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
