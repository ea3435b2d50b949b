"""C2PA Content Credentials: validation state, actions, digital source type, signer, generator.

Wraps c2pa-python's Reader (the Rust c2pa-rs core). The reader runs offline: remote manifest
fetching and OCSP are switched off, so a manifest stored only at a remote URL is reported as
such, never fetched. Trust is checked against the anchors configured here (PEM); without anchors
an intact manifest is ``valid`` and only a chain to an anchor makes it ``trusted``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import c2pa

from veracity.detect.aigc.generators import match_generator
from veracity.detect.aigc.source_types import AiClaim, ai_claim, short_code

ACTIONS_LABELS = ("c2pa.actions", "c2pa.actions.v2")
IPTC_LABELS = ("stds.iptc", "stds.iptc.photo-metadata")
TRUST_FAILURE = "signingCredential.untrusted"
MAX_MANIFESTS = 64  # ingredient graphs deeper or wider than this are not walked further


class C2paState(StrEnum):
    NONE = "none"  # no manifest (or a format the reader does not support)
    INVALID = "invalid"  # a manifest that fails validation: tampered or broken
    VALID = "valid"  # intact, signer not on the configured trust list
    TRUSTED = "trusted"  # intact and chains to a configured trust anchor


@dataclass(frozen=True)
class C2paAction:
    manifest: str
    action: str
    digital_source_type: str  # short IPTC code, "" when absent
    software_agent: str
    when: str


@dataclass
class C2paReport:
    """What the Content Credentials of one asset say, for evidence and signals."""

    state: C2paState = C2paState.NONE
    supported: bool = True
    remote_manifest: bool = False
    active_manifest: str = ""
    claim_generator: str = ""
    signer: str = ""
    signer_common_name: str = ""
    signed_at: str = ""
    title: str = ""
    actions: list[C2paAction] = field(default_factory=list)
    source_types: list[str] = field(default_factory=list)  # active manifest first, then ingredients
    ingredients: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    error: str = ""
    active_source_count: int = 0  # how many of source_types the active manifest declared

    @property
    def present(self) -> bool:
        return self.state is not C2paState.NONE

    @property
    def intact(self) -> bool:
        return self.state in (C2paState.VALID, C2paState.TRUSTED)

    @property
    def ai_claim(self) -> AiClaim:
        """The strongest AI claim the manifests make (intact or not; callers check ``intact``).

        A generative action in the active manifest means the asset is AI-generated; in an
        ingredient only, that it was edited from AI media (modified)."""
        claim = AiClaim.NONE
        for index, code in enumerate(self.source_types):
            found = ai_claim(code)
            if found is AiClaim.GENERATED and index >= self.active_source_count:
                found = AiClaim.MODIFIED
            if found is AiClaim.GENERATED:
                return found
            if found is AiClaim.MODIFIED:
                claim = found
        return claim

    @property
    def generator(self) -> str:
        """The generator named by the active manifest: an action's software agent first."""
        for action in self.actions:
            if action.manifest == self.active_manifest and action.software_agent:
                return action.software_agent
        return self.claim_generator

    def to_evidence(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "supported": self.supported,
            "remote_manifest": self.remote_manifest,
            "active_manifest": self.active_manifest,
            "claim_generator": self.claim_generator,
            "known_generator": match_generator(self.generator) or "",
            "signer": self.signer,
            "signer_common_name": self.signer_common_name,
            "signed_at": self.signed_at,
            "actions": [a.__dict__ for a in self.actions[:32]],
            "digital_source_types": self.source_types[:32],
            "ingredients": self.ingredients[:32],
            "failures": self.failures[:32],
            "error": self.error,
        }


def reader_settings(trust_anchors_pem: str | None) -> dict[str, Any]:
    """c2pa-rs settings: offline (no remote manifests, no OCSP) and trust checked."""
    settings: dict[str, Any] = {
        "verify": {
            "verify_trust": True,
            "remote_manifest_fetch": False,
            "ocsp_fetch": False,
        },
    }
    if trust_anchors_pem:
        settings["trust"] = {"trust_anchors": trust_anchors_pem}
    return settings


class C2paValidator:
    """Reads and validates Content Credentials; one per process, safe to share across threads."""

    def __init__(self, trust_anchors_pem: str | None = None) -> None:
        self._settings = reader_settings(trust_anchors_pem)
        self._local = threading.local()

    def _context(self) -> c2pa.Context:
        ctx = getattr(self._local, "context", None)
        if ctx is None:
            ctx = c2pa.Context(c2pa.Settings.from_dict(self._settings))
            self._local.context = ctx
        return ctx

    def read(self, path: Path, mime_type: str) -> C2paReport:
        """The report for one file; raises only ``OSError`` for an unreadable file."""
        try:
            with (
                path.open("rb") as stream,
                c2pa.Reader(mime_type, stream, context=self._context()) as reader,
            ):
                store = json.loads(reader.json())
                state = reader.get_validation_state()
                results = reader.get_validation_results() or {}
        except c2pa.C2paError.ManifestNotFound:
            return C2paReport()
        except c2pa.C2paError.NotSupported as exc:
            return C2paReport(supported=False, error=f"format not supported by C2PA: {exc}")
        except c2pa.C2paError.RemoteManifest as exc:
            return C2paReport(remote_manifest=True, error=f"remote manifest not fetched: {exc}")
        except c2pa.C2paError as exc:
            if _has_jumbf(path):
                return C2paReport(
                    state=C2paState.INVALID,
                    failures=["manifest.unreadable"],
                    error=f"manifest present but unreadable: {type(exc).__name__}: {exc}"[:500],
                )
            return C2paReport(error=f"no readable manifest: {exc}"[:500])
        return parse_store(store, str(state or ""), results)


def _has_jumbf(path: Path, limit: int = 16 * 1024 * 1024) -> bool:
    """Whether the file holds a C2PA JUMBF box (so a manifest was there but failed to parse)."""
    with path.open("rb") as handle:
        data = handle.read(limit)
    return b"jumb" in data and b"c2pa" in data


def parse_store(store: dict[str, Any], state: str, results: dict[str, Any]) -> C2paReport:
    """A report from the reader's manifest-store JSON, validation state and results."""
    manifests: dict[str, Any] = store.get("manifests") or {}
    active_label = str(store.get("active_manifest") or "")
    report = C2paReport(state=_state(state), active_manifest=active_label)
    active = manifests.get(active_label) or {}
    report.claim_generator = _claim_generator(active)
    report.title = str(active.get("title") or "")
    signature = active.get("signature_info") or {}
    report.signer = str(signature.get("issuer") or "")
    report.signer_common_name = str(signature.get("common_name") or "")
    report.signed_at = str(signature.get("time") or "")
    report.failures = _failure_codes(results)

    order = _walk(active_label, manifests)
    for position, label in enumerate(order):
        manifest = manifests.get(label) or {}
        for assertion in manifest.get("assertions") or []:
            if not isinstance(assertion, dict):
                continue
            kind = str(assertion.get("label") or "")
            data = assertion.get("data") or {}
            if kind.split("__")[0] in ACTIONS_LABELS and isinstance(data, dict):
                for action in data.get("actions") or []:
                    if isinstance(action, dict):
                        parsed = _action(label, action)
                        report.actions.append(parsed)
                        if parsed.digital_source_type:
                            report.source_types.append(parsed.digital_source_type)
            elif kind.split("__")[0] in IPTC_LABELS and isinstance(data, dict):
                value = data.get("Iptc4xmpExt:DigitalSourceType") or data.get("DigitalSourceType")
                if isinstance(value, str) and value:
                    report.source_types.append(short_code(value))
        if position == 0:
            report.active_source_count = len(report.source_types)
    for ingredient in active.get("ingredients") or []:
        if isinstance(ingredient, dict):
            report.ingredients.append(
                {
                    "title": str(ingredient.get("title") or ""),
                    "relationship": str(ingredient.get("relationship") or ""),
                    "manifest": str(ingredient.get("active_manifest") or ""),
                }
            )
    return report


def _state(value: str) -> C2paState:
    lowered = value.lower()
    if lowered == "trusted":
        return C2paState.TRUSTED
    if lowered == "valid":
        return C2paState.VALID
    return C2paState.INVALID  # a manifest was read, so anything else failed validation


def _failure_codes(results: dict[str, Any]) -> list[str]:
    """Validation failure codes of the active manifest and of ingredient deltas, deduplicated."""
    codes: list[str] = []
    active = results.get("activeManifest") or {}
    for item in active.get("failure") or []:
        codes.append(str(item.get("code") or ""))
    for delta in results.get("ingredientDeltas") or []:
        for item in ((delta or {}).get("validationDeltas") or {}).get("failure") or []:
            codes.append(f"ingredient:{item.get('code') or ''}")
    return list(dict.fromkeys(c for c in codes if c))


def _walk(active: str, manifests: dict[str, Any]) -> list[str]:
    """Manifest labels reachable from the active one through ingredients, breadth first."""
    order: list[str] = []
    queue = [active] if active in manifests else []
    while queue and len(order) < MAX_MANIFESTS:
        label = queue.pop(0)
        if label in order:
            continue
        order.append(label)
        for ingredient in manifests[label].get("ingredients") or []:
            child = (ingredient or {}).get("active_manifest")
            if isinstance(child, str) and child in manifests and child not in order:
                queue.append(child)
    return order


def _claim_generator(manifest: dict[str, Any]) -> str:
    info = manifest.get("claim_generator_info")
    if isinstance(info, list) and info and isinstance(info[0], dict):
        name = str(info[0].get("name") or "")
        version = str(info[0].get("version") or "")
        if name:
            return f"{name} {version}".strip()
    return str(manifest.get("claim_generator") or "")


def _action(manifest: str, action: dict[str, Any]) -> C2paAction:
    agent = action.get("softwareAgent")
    if isinstance(agent, dict):
        agent = f"{agent.get('name') or ''} {agent.get('version') or ''}".strip()
    source = action.get("digitalSourceType")
    return C2paAction(
        manifest=manifest,
        action=str(action.get("action") or ""),
        digital_source_type=short_code(source) if isinstance(source, str) else "",
        software_agent=str(agent or ""),
        when=str(action.get("when") or ""),
    )
