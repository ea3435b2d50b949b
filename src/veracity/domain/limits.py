"""Field-size limits shared by every boundary model.

They are deliberately fixed in the schema (and so in the OpenAPI document) rather than read from
settings at import time: a client must be able to rely on them.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, Field

MAX_ID_CHARS = 128
MAX_TEXT_CHARS = 20_000
MAX_SHORT_CHARS = 256
MAX_METADATA_BYTES = 16 * 1024
MAX_MEDIA_ITEMS = 32


def _metadata_within_limit(value: dict[str, Any]) -> dict[str, Any]:
    size = len(json.dumps(value, separators=(",", ":"), default=str))
    if size > MAX_METADATA_BYTES:
        raise ValueError(f"metadata is {size} bytes encoded; the limit is {MAX_METADATA_BYTES}")
    return value


Identifier = Annotated[
    str, Field(min_length=1, max_length=MAX_ID_CHARS, pattern=r"^[A-Za-z0-9_.:@\-]+$")
]
ShortText = Annotated[str, Field(max_length=MAX_SHORT_CHARS)]
LongText = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]
Metadata = Annotated[dict[str, Any], AfterValidator(_metadata_within_limit)]
MAX_BATCH_ITEMS = 1000
