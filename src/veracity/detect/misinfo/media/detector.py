"""``media_match``: does an item's image or video repeat media already banked as false?

Reads the PDQ hashes the platform sends on each media ref (``pdq`` and ``pdq_quality`` for
images, ``frame_pdqs`` for video frames) and looks them up in every ``pdq:<name>`` bank. It
never fetches a URL. With a ``media_root`` configured, an image ref whose URL is
``file://<path>`` under that root and which has no ``pdq`` is hashed from disk.

Conventions are Meta's: an image whose ``pdq_quality`` is below the cut-off (50) is not
matched (reported in the evidence instead); a hash matches an entry at Hamming distance 31 or
less. For videos the evidence gives, per ref, the share of distinct frame hashes that matched,
and ``video_match_percent`` the largest such share, as vPDQ's "query match percent".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from veracity.detect.banks import PDQ_PREFIX, BankEntry
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.misinfo.media.pdq_hash import (
    MATCH_THRESHOLD,
    NO_MATCH_DISTANCE,
    QUALITY_CUTOFF,
    ImageHashError,
    hash_image_file,
)
from veracity.detect.misinfo.media.pdq_index import BruteForcePdqIndex, PdqIndex, PdqIndexBase
from veracity.domain.entities import ContentIn, MediaRef

MAX_EVIDENCE_MATCHES = 20


@dataclass(frozen=True)
class BankedHash:
    bank: str
    entry: BankEntry
    order: int  # position in build order: ties in distance go to the earliest entry


@dataclass(frozen=True)
class _Query:
    media_index: int
    kind: str  # "image" or "frame"
    frame: int | None
    hex: str


def pdq_banks(banks: Mapping[str, Sequence[BankEntry]]) -> dict[str, Sequence[BankEntry]]:
    """The ``pdq:`` banks among all banks."""
    return {b: e for b, e in banks.items() if b.startswith(PDQ_PREFIX)}


class MediaMatchDetector(OnlineDetector):
    name = "media_match"
    version = "1"
    inputs = ("media.pdq", "media.pdq_quality", "media.frame_pdqs")
    description = "Images and video frames near (PDQ) media in the pdq:<name> banks."
    outputs: ClassVar[tuple[OutputSpec, ...]] = (
        OutputSpec("matched", OutputType.BOOL, "some media is within the distance of a bank"),
        OutputSpec("min_distance", OutputType.INT, "nearest Hamming distance; 256 if none"),
        OutputSpec("entry_id", OutputType.STRING, "the nearest banked entry"),
        OutputSpec("label", OutputType.STRING, "label of the nearest entry (e.g. a rating)"),
        OutputSpec("bank", OutputType.STRING, "bank of the nearest entry"),
        OutputSpec("match_count", OutputType.INT, "distinct banked entries matched"),
        OutputSpec("labels", OutputType.STRING_LIST, "distinct labels of matched entries"),
        OutputSpec(
            "video_match_percent",
            OutputType.DOUBLE,
            "largest share (0-100) of a video's distinct frame hashes that matched",
        ),
    )

    def __init__(
        self,
        banks: Mapping[str, Sequence[BankEntry]],
        *,
        threshold: int = MATCH_THRESHOLD,
        quality_cutoff: int = QUALITY_CUTOFF,
        media_root: Path | None = None,
    ) -> None:
        self.threshold = threshold
        self.quality_cutoff = quality_cutoff
        self.media_root = media_root.resolve() if media_root else None
        hashes: list[str] = []
        payloads: list[BankedHash] = []
        for bank in sorted(pdq_banks(banks)):
            for entry in banks[bank]:
                if not entry.enabled:
                    continue
                quality = (entry.data or {}).get("quality")
                if isinstance(quality, int) and quality < quality_cutoff:
                    continue
                payloads.append(BankedHash(bank, entry, len(payloads)))
                hashes.append(entry.value)
        self._fast: PdqIndex[BankedHash] = PdqIndex()
        self._fast.add(hashes, payloads)
        self._fast.rebuild()
        self._hashes, self._payloads = hashes, payloads

    def __len__(self) -> int:
        return len(self._payloads)

    @property
    def index(self) -> PdqIndex[BankedHash]:
        """The fast index over every banked hash (payload: bank and entry)."""
        return self._fast

    def detect(self, item: ContentIn) -> DetectorResult:
        return self._run(item, self._fast)

    def reference(self, item: ContentIn) -> DetectorResult:
        ref: BruteForcePdqIndex[BankedHash] = BruteForcePdqIndex()
        ref.add(self._hashes, self._payloads)
        return self._run(item, ref)

    def _file_hash(self, ref: MediaRef) -> tuple[str | None, int | None, str | None]:
        """(hex, quality, error) for a ``file://`` image under ``media_root``."""
        if self.media_root is None or not ref.url.startswith("file://"):
            return None, None, None
        if ref.mime_type and not ref.mime_type.startswith("image/"):
            return None, None, None
        path = Path(ref.url.removeprefix("file://")).resolve()
        if not path.is_relative_to(self.media_root):
            return None, None, "file is outside the media root"
        try:
            digest = hash_image_file(path)
        except ImageHashError as exc:
            return None, None, str(exc)
        return digest.hex, digest.quality, None

    def _queries(self, item: ContentIn) -> tuple[list[_Query], list[dict[str, Any]]]:
        queries: list[_Query] = []
        skipped: list[dict[str, Any]] = []
        for n, ref in enumerate(item.media):
            pdq, quality = ref.pdq, ref.pdq_quality
            if pdq is None and not ref.frame_pdqs:
                pdq, quality, error = self._file_hash(ref)
                if error:
                    skipped.append({"media_index": n, "reason": error})
            if pdq is not None:
                if quality is not None and quality < self.quality_cutoff:
                    skipped.append(
                        {
                            "media_index": n,
                            "reason": f"quality {quality} below cut-off {self.quality_cutoff}",
                        }
                    )
                else:
                    queries.append(_Query(n, "image", None, pdq))
            seen: set[str] = set()
            for k, frame_hash in enumerate(ref.frame_pdqs or []):
                if frame_hash not in seen:
                    seen.add(frame_hash)
                    queries.append(_Query(n, "frame", k, frame_hash))
        return queries, skipped

    def _run(self, item: ContentIn, index: PdqIndexBase[BankedHash]) -> DetectorResult:
        queries, skipped = self._queries(item)
        if not queries or not self._payloads:
            result = self.empty_result()
            result.outputs["min_distance"] = NO_MATCH_DISTANCE
            if skipped:
                result.evidence["skipped"] = skipped
            return result
        found = index.query_many([q.hex for q in queries], self.threshold)
        hits: list[tuple[int, int, _Query, BankedHash]] = []
        frames_total: dict[int, int] = {}
        frames_hit: dict[int, int] = {}
        for query, matches in zip(queries, found, strict=True):
            if query.kind == "frame":
                frames_total[query.media_index] = frames_total.get(query.media_index, 0) + 1
                if matches:
                    frames_hit[query.media_index] = frames_hit.get(query.media_index, 0) + 1
            for m in matches:
                hits.append((m.distance, m.payload.order, query, m.payload))
        video_percent = max(
            (100.0 * frames_hit.get(i, 0) / total for i, total in frames_total.items()),
            default=0.0,
        )
        evidence: dict[str, Any] = {"threshold": self.threshold, "queried_hashes": len(queries)}
        if skipped:
            evidence["skipped"] = skipped
        if frames_total:
            evidence["videos"] = [
                {
                    "media_index": i,
                    "distinct_frames": total,
                    "matched_frames": frames_hit.get(i, 0),
                    "match_percent": round(100.0 * frames_hit.get(i, 0) / total, 2),
                }
                for i, total in sorted(frames_total.items())
            ]
        if not hits:
            result = self.empty_result()
            result.outputs["min_distance"] = NO_MATCH_DISTANCE
            result.evidence.update(evidence)
            return result
        hits.sort(key=lambda h: (h[0], h[1], h[2].media_index, h[2].frame or 0))
        best_distance, _, _, best = hits[0]
        entries: dict[tuple[str, str], BankedHash] = {}
        for _, _, _, banked in hits:
            entries.setdefault((banked.bank, banked.entry.entry_id), banked)
        labels = sorted({b.entry.label for b in entries.values() if b.entry.label})
        evidence["matches"] = [
            {
                "media_index": q.media_index,
                "url": item.media[q.media_index].url,
                "kind": q.kind,
                "frame": q.frame,
                "query_hash": q.hex,
                "bank": b.bank,
                "entry_id": b.entry.entry_id,
                "label": b.entry.label,
                "distance": d,
                "content_id": (b.entry.data or {}).get("content_id"),
            }
            for d, _, q, b in hits[:MAX_EVIDENCE_MATCHES]
        ]
        evidence["match_total"] = len(hits)
        return DetectorResult(
            outputs={
                "matched": True,
                "min_distance": best_distance,
                "entry_id": best.entry.entry_id,
                "label": best.entry.label or "",
                "bank": best.bank,
                "match_count": len(entries),
                "labels": labels,
                "video_match_percent": round(video_percent, 2),
            },
            evidence=evidence,
        )


def build_media_detector(
    banks: Mapping[str, Sequence[BankEntry]],
    *,
    threshold: int = MATCH_THRESHOLD,
    quality_cutoff: int = QUALITY_CUTOFF,
    media_root: Path | None = None,
) -> MediaMatchDetector:
    """The ``media_match`` detector over the ``pdq:`` banks among ``banks`` (others ignored)."""
    return MediaMatchDetector(
        banks, threshold=threshold, quality_cutoff=quality_cutoff, media_root=media_root
    )
