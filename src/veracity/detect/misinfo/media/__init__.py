"""Known-media matching: PDQ / vPDQ hash banks, an exact multi-index-hashing index, the
``media_match`` online detector, and ThreatExchange-compatible import and export."""

from veracity.detect.misinfo.media.detector import MediaMatchDetector, build_media_detector
from veracity.detect.misinfo.media.pdq_hash import (
    MATCH_THRESHOLD,
    QUALITY_CUTOFF,
    ImageHashError,
    InvalidHashError,
    PdqHash,
    hash_image_bytes,
    hash_image_file,
)
from veracity.detect.misinfo.media.pdq_index import BruteForcePdqIndex, PdqIndex, PdqMatch

__all__ = [
    "MATCH_THRESHOLD",
    "QUALITY_CUTOFF",
    "BruteForcePdqIndex",
    "ImageHashError",
    "InvalidHashError",
    "MediaMatchDetector",
    "PdqHash",
    "PdqIndex",
    "PdqMatch",
    "build_media_detector",
    "hash_image_bytes",
    "hash_image_file",
]
