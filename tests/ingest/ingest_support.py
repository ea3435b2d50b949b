"""Constants shared by the ingestion tests."""

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FALSE_CLAIM = "drinking bleach cures the flu in two days according to doctors"
