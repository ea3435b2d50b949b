"""The default online detectors, built from the database banks and the bundled lists.

``build_registry`` reads every enabled bank entry in one query, merges in the small lists that
ship in ``veracity/detect/data`` (``domains.<list>.txt``, ``phrases.<category>.txt``, and
``tlds.bare.txt`` for bare-domain recognition), builds each detector's index once and registers
the four detectors. Banks changed later (through the API) take effect when the registry is
built again.

Tunables are read from ``Settings`` when it has them (``detect_text_match_threshold``,
``detect_language_min_letters``, ``detect_language_max_chars``, ``detect_domain_severities``,
``detect_bundled_lists``); otherwise the defaults below apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from veracity.config import Settings
from veracity.detect.banks import (
    DOMAINS_PREFIX,
    PDQ_PREFIX,
    PHRASES_PREFIX,
    TEXT_BANK,
    BankEntry,
)
from veracity.detect.base import OnlineDetector
from veracity.detect.language import DEFAULT_MAX_CHARS, DEFAULT_MIN_LETTERS, LanguageDetector
from veracity.detect.phrase_match import PhraseMatchDetector
from veracity.detect.registry import DetectorRegistry
from veracity.detect.text_match import DEFAULT_THRESHOLD, TextMatchDetector
from veracity.detect.url_reputation import UrlReputationDetector
from veracity.store.db import Database

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_LABEL = "bundled"


@dataclass(frozen=True)
class DetectConfig:
    text_match_threshold: float = DEFAULT_THRESHOLD
    language_min_letters: int = DEFAULT_MIN_LETTERS
    language_max_chars: int = DEFAULT_MAX_CHARS
    domain_severities: Mapping[str, float] = field(default_factory=dict)
    bundled_lists: bool = True

    @classmethod
    def from_settings(cls, settings: Settings | None) -> DetectConfig:
        if settings is None:
            return cls()
        base = cls()

        def get(name: str, default: Any) -> Any:
            value = getattr(settings, f"detect_{name}", None)
            return default if value is None else value

        return cls(
            text_match_threshold=float(get("text_match_threshold", base.text_match_threshold)),
            language_min_letters=int(get("language_min_letters", base.language_min_letters)),
            language_max_chars=int(get("language_max_chars", base.language_max_chars)),
            domain_severities=dict(get("domain_severities", {})),
            bundled_lists=bool(get("bundled_lists", base.bundled_lists)),
        )


def _lines(path: Path, *, hashtags: bool) -> list[str]:
    """Non-comment lines. Phrase files may hold hashtags, so there only a line that is ``#`` or
    starts with ``# `` is a comment; in other files ``#`` starts a comment anywhere."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if hashtags:
            line = line.strip()
            if line == "#" or line.startswith("# "):
                continue
        else:
            line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=1)
def bundled_banks() -> dict[str, tuple[BankEntry, ...]]:
    """The lists shipped with Veracity, as banks (``domains:<list>``, ``phrases:<category>``)."""
    banks: dict[str, tuple[BankEntry, ...]] = {}
    for path in sorted(DATA_DIR.glob("*.txt")):
        kind, _, rest = path.name.partition(".")
        name = rest.removesuffix(".txt")
        if kind not in ("domains", "phrases") or not name:
            continue
        values = _lines(path, hashtags=kind == "phrases")
        banks[f"{kind}:{name}"] = tuple(
            BankEntry(entry_id=f"bundled:{v}"[:128], value=v, label=BUNDLED_LABEL) for v in values
        )
    return banks


@lru_cache(maxsize=1)
def bare_tlds() -> frozenset[str]:
    return frozenset(
        t.lower()
        for line in _lines(DATA_DIR / "tlds.bare.txt", hashtags=False)
        for t in line.split()
    )


def build_detectors(
    banks: Mapping[str, Sequence[BankEntry]],
    config: DetectConfig | None = None,
) -> list[OnlineDetector]:
    """The four online detectors over the given banks (plus the bundled lists if configured)."""
    config = config or DetectConfig()
    merged: dict[str, list[BankEntry]] = {}
    if config.bundled_lists:
        for bank, bundled in bundled_banks().items():
            merged.setdefault(bank, []).extend(bundled)
    for bank, entries in banks.items():
        merged.setdefault(bank, []).extend(entries)
    domains = {
        b.removeprefix(DOMAINS_PREFIX): e for b, e in merged.items() if b.startswith(DOMAINS_PREFIX)
    }
    phrases = {
        b.removeprefix(PHRASES_PREFIX): e for b, e in merged.items() if b.startswith(PHRASES_PREFIX)
    }
    return [
        TextMatchDetector(merged.get(TEXT_BANK, []), threshold=config.text_match_threshold),
        UrlReputationDetector(domains, severities=config.domain_severities, bare_tlds=bare_tlds()),
        PhraseMatchDetector(phrases),
        LanguageDetector(
            min_letters=config.language_min_letters, max_chars=config.language_max_chars
        ),
    ]


def load_banks(db: Database) -> dict[str, list[BankEntry]]:
    from veracity.detect.banks import load_all_enabled

    with db.transaction() as session:
        return load_all_enabled(session)


def build_registry(
    db: Database | None = None,
    settings: Settings | None = None,
    *,
    config: DetectConfig | None = None,
) -> DetectorRegistry:
    """A registry of the default online detectors; with ``db=None``, bundled lists only."""
    from veracity.detect.aigc.detector import build_provenance_detector
    from veracity.detect.aigc.text.detector import build_aitext_detector
    from veracity.detect.behaviour.account_detector import build_account_detector
    from veracity.detect.behaviour.spam_behaviour import SpamBehaviourDetector
    from veracity.detect.behaviour.spam_detector import build_spam_detector
    from veracity.detect.misinfo.factchecks.detector import (
        ClaimMatchDetector,
        Thresholds,
        backend_for,
        build_claim_detector,
    )
    from veracity.detect.misinfo.media import build_media_detector

    config = config or DetectConfig.from_settings(settings)
    banks = load_banks(db) if db is not None else {}
    detectors: list[OnlineDetector] = build_detectors(banks, config)
    detectors.append(
        build_media_detector(
            {b: e for b, e in banks.items() if b.startswith(PDQ_PREFIX)},
            media_root=settings.media_root if settings is not None else None,
        )
    )
    if db is not None:
        detectors.append(build_claim_detector(db, settings))
    else:  # no store: the detector is declared (policies may read it) but matches nothing
        detectors.append(
            ClaimMatchDetector(backend_for(settings), (), Thresholds.from_settings(settings))
        )
    detectors.append(build_provenance_detector(settings))
    detectors.append(build_aitext_detector(settings))
    detectors.append(build_account_detector(settings))
    detectors.append(build_spam_detector(settings))
    detectors.append(SpamBehaviourDetector(bare_tlds()))
    from veracity.notes.detector import build_note_detector

    detectors.append(build_note_detector(db))
    return DetectorRegistry(detectors)
