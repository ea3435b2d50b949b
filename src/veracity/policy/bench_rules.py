"""Synthetic but realistic rule sets for the engine benchmark ("50 live rules").

Each rule comes from one of a few templates that mirror the shipped policies (claim matches,
listed domains, phrases, account age, language, provenance metadata), with thresholds and list
names varied by index so every rule is distinct and a typical item matches only a few.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from veracity.policy.model import Policy

_LISTS = ("misinfo", "spam", "malware", "shortener")
_CATEGORIES = ("spam", "scam", "hate", "election")
_LANGUAGES = ("en", "es", "de", "fr", "pt")
_KINDS = ("video", "post", "comment", "image")
_GROUND = "Terms of Service 6.3: spam and platform manipulation (benchmark rule)"
_CATEGORY = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


def _restrictive(kind: str) -> dict[str, Any]:
    return {"actions": [{"type": kind}], "legal_ground": _GROUND, "dsa_category": _CATEGORY}


def _label(label: str) -> dict[str, Any]:
    return {"actions": [{"type": "label", "params": {"label": label}}]}


def _route(queue: str) -> dict[str, Any]:
    return {"actions": [{"type": "route", "params": {"queue": queue}}]}


def _claim(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f"signals.text_match.similarity >= {0.5 + i / 200:.3f} "
        f'&& signals.text_match.label in ["false", "altered"]',
        _label("false-information"),
    )


def _listed(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f'"{_LISTS[i % 4]}" in signals.url_reputation.lists '
        f"&& signals.url_reputation.url_count >= {1 + i // 4}",
        _route(f"{_LISTS[i % 4]}-review"),
    )


def _phrases(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f'"{_CATEGORIES[i % 4]}" in signals.phrase_match.categories '
        f"&& signals.phrase_match.count >= {1 + i // 4}",
        _restrictive("not_recommendable"),
    )


def _young_links(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f"account.age_days >= 0.0 && account.age_days < {1 + i}.0 "
        f"&& signals.url_reputation.url_count >= 1",
        _restrictive("reduce"),
    )


def _language(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f'signals.language.code == "{_LANGUAGES[i % 5]}" '
        f"&& signals.language.confidence >= {0.5 + i / 500:.3f} "
        f'&& content.kind == "{_KINDS[i % 4]}" && signals.text_match.matched',
        _route(f"fact-check-{_LANGUAGES[i % 5]}"),
    )


def _small_account(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f"account.follower_count >= 0 && account.follower_count < {10 + i} "
        f"&& signals.url_reputation.score >= {0.3 + (i % 7) / 10:.1f}",  # followers vary
        _route("spam-review"),
    )


def _repeat_offender(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f"account.prior_strikes >= {1 + i} && signals.url_reputation.listed",
        _restrictive("strike"),
    )


def _provenance(i: int) -> tuple[str, dict[str, Any]]:
    return (
        "has(content.metadata.ai_disclosed) && content.metadata.ai_disclosed == true "
        f"&& content.media_count >= {1 + i}",
        _label("ai-generated"),
    )


def _fresh_viral(i: int) -> tuple[str, dict[str, Any]]:
    return (
        f"content.age_hours >= 0.0 && content.age_hours < {1 + i}.0 "
        f"&& content.text_length > 20 && signals.text_match.matched",
        _route("fact-check"),
    )


_TEMPLATES: tuple[Callable[[int], tuple[str, dict[str, Any]]], ...] = (
    _claim,
    _listed,
    _phrases,
    _young_links,
    _language,
    _small_account,
    _repeat_offender,
    _provenance,
    _fresh_viral,
)


def generate_rules(n: int) -> Policy:
    """A policy of ``n`` live rules with distinct conditions, spread over every template."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rules = []
    for i in range(n):
        template = _TEMPLATES[i % len(_TEMPLATES)]
        condition, outcome = template(i // len(_TEMPLATES))
        rules.append(
            {
                "id": f"bench-{i:04d}-{template.__name__.strip('_').replace('_', '-')}",
                "description": f"benchmark rule {i}",
                "condition": condition,
                "mode": "live",
                "priority": i % 10,
                **outcome,
            }
        )
    return Policy.model_validate(
        {"id": "bench", "version": "1.0.0", "description": "generated", "rules": rules}
    )
