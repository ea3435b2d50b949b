"""schema.org ClaimReview in every shape fact-checkers publish it, read into ``FactCheckIn``.

Accepted: a single ClaimReview object, an array of them, a JSON-LD ``@graph``, a schema.org
``DataFeed`` (``dataFeedElement[].item[]``), HTML pages carrying JSON-LD script blocks, and the
Google Fact Check Tools feed (``claims[].claimReview[]``, where ``textualRating`` is the verdict
and the claim text sits on the parent). Objects of other types in a graph (WebPage,
Organization) are skipped; a ClaimReview that cannot be read is reported with its JSON path,
and the rest of the document goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from veracity.detect.misinfo.factchecks.model import FactCheckIn, FactCheckStatus
from veracity.ingest.bulk import describe_validation_error

SOURCE = "claimreview"
FACT_CHECK_TOOLS_SOURCE = "factchecktools"
_LD_SCRIPT = re.compile(
    r"<script[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Parsed:
    """One ClaimReview found in a document: the record, or why it could not be read."""

    path: str
    record: FactCheckIn | None = None
    error: str | None = None


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", ())
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values}


def _text(value: Any) -> str | None:
    """A name out of a string, an object with ``name``, or the first of a list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for key in ("name", "alternateName", "legalName", "@id", "url"):
            found = _text(value.get(key))
            if found:
                return found
        return None
    if isinstance(value, list):
        for element in value:
            found = _text(element)
            if found:
                return found
    return None


def _number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got a boolean")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise ValueError(f"{name} must be a number, got {value!r}") from None
    raise ValueError(f"{name} must be a number, got {type(value).__name__}")


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _text(value)


def _appearances(item: dict[str, Any]) -> list[str]:
    urls: list[str] = []
    for key in ("appearance", "firstAppearance"):
        value = item.get(key)
        for element in value if isinstance(value, list) else [value]:
            url = element.get("url") if isinstance(element, dict) else element
            if isinstance(url, str) and url:
                urls.append(url)
    return urls


def _status(obj: dict[str, Any]) -> str:
    raw = obj.get("creativeWorkStatus") or obj.get("status") or FactCheckStatus.ACTIVE.value
    # schema.org's creativeWorkStatus is free text ("Published", "Retracted", "Withdrawn").
    text = str(raw).strip().lower()
    withdrawn = "retract" in text or "withdrawn" in text
    return (FactCheckStatus.RETRACTED if withdrawn else FactCheckStatus.ACTIVE).value


def from_claimreview(obj: dict[str, Any]) -> FactCheckIn:
    """One schema.org ClaimReview object as a fact-check; ValueError names what is wrong."""
    rating = obj.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    if rating is not None and not isinstance(rating, dict):
        raise ValueError("reviewRating must be an object (schema.org Rating)")
    rating = rating or {}
    item = obj.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    item = item if isinstance(item, dict) else {}
    claimant = _text(item.get("author"))
    metadata: dict[str, Any] = {}
    if claimant:
        metadata["claimant"] = claimant
    appearances = _appearances(item)
    if appearances:
        metadata["appearances"] = appearances[:20]
    fields = {
        "claim_text": obj.get("claimReviewed"),
        "title": _text(obj.get("headline")) or _text(obj.get("name")) or "",
        "rating": _text(rating.get("alternateName")) or _text(rating.get("name")),
        "rating_value": _number(rating.get("ratingValue"), "reviewRating.ratingValue"),
        "best_rating": _number(rating.get("bestRating"), "reviewRating.bestRating"),
        "worst_rating": _number(rating.get("worstRating"), "reviewRating.worstRating"),
        "language": _language(obj.get("inLanguage")),
        "publisher": _text(obj.get("author")) or _text(obj.get("publisher")),
        "url": obj.get("url"),
        "claim_date": item.get("datePublished"),
        "review_date": obj.get("datePublished") or obj.get("dateModified"),
        "status": _status(obj),
        "source": SOURCE,
        "metadata": metadata,
    }
    if fields["claim_text"] is None:
        raise ValueError("claimReviewed is missing (the claim the review rates)")
    return FactCheckIn.model_validate(fields)


def from_fact_check_tools(claim: dict[str, Any], review: dict[str, Any]) -> FactCheckIn:
    """One ``claims[i].claimReview[j]`` of the Google Fact Check Tools API."""
    metadata: dict[str, Any] = {}
    if claim.get("claimant"):
        metadata["claimant"] = str(claim["claimant"])
    fields = {
        "claim_text": claim.get("text"),
        "title": review.get("title") or "",
        "rating": review.get("textualRating"),
        "language": review.get("languageCode"),
        "publisher": _text(review.get("publisher")),
        "url": review.get("url"),
        "claim_date": claim.get("claimDate"),
        "review_date": review.get("reviewDate"),
        "status": _status(review),
        "source": FACT_CHECK_TOOLS_SOURCE,
        "metadata": metadata,
    }
    if fields["claim_text"] is None:
        raise ValueError("claims[].text is missing (the claim the review rates)")
    return FactCheckIn.model_validate(fields)


def _parse(build: Any, path: str, *args: Any) -> Parsed:
    try:
        return Parsed(path, record=build(*args))
    except ValidationError as exc:
        return Parsed(path, error=describe_validation_error(exc))
    except ValueError as exc:
        return Parsed(path, error=str(exc))


def walk(document: Any, path: str = "$") -> Iterator[Parsed]:
    """Every ClaimReview in a parsed JSON(-LD) document, with its JSON path."""
    if isinstance(document, list):
        for index, element in enumerate(document):
            yield from walk(element, f"{path}[{index}]")
        return
    if not isinstance(document, dict):
        return
    if "ClaimReview" in _types(document) or (
        "claimReviewed" in document and "@type" not in document
    ):
        yield _parse(from_claimreview, path, document)
        return
    claims = document.get("claims")
    if isinstance(claims, list):
        for i, claim in enumerate(claims):
            where = f"{path}.claims[{i}]"
            if not isinstance(claim, dict):
                yield Parsed(where, error=f"expected an object, got {type(claim).__name__}")
                continue
            reviews = claim.get("claimReview")
            if not isinstance(reviews, list) or not reviews:
                yield Parsed(where, error="claimReview is missing or not a list")
                continue
            for j, review in enumerate(reviews):
                at = f"{where}.claimReview[{j}]"
                if not isinstance(review, dict):
                    yield Parsed(at, error=f"expected an object, got {type(review).__name__}")
                    continue
                yield _parse(from_fact_check_tools, at, claim, review)
    for key in ("@graph", "dataFeedElement", "item", "mainEntity", "hasPart"):
        if key in document:
            yield from walk(document[key], f"{path}.{key}")


def documents_in_html(html: str) -> Iterator[tuple[str, Any]]:
    """The JSON-LD blocks of an HTML page: (label, parsed or the JSON error text)."""
    for index, match in enumerate(_LD_SCRIPT.finditer(html)):
        label = f"script[{index}]"
        try:
            yield label, json.loads(match.group(1))
        except json.JSONDecodeError as exc:
            yield label, exc
