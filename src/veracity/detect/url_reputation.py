"""Domain reputation of the links in an item's text, against named domain lists.

Links are found in the text (URLs with a scheme, ``www.`` names, bare ``name.tld`` mentions; see
``veracity.detect.hosts``); media URLs are never fetched and shortened links are not followed.
A host is listed when it equals a list entry or is a subdomain of one, compared label by label
(``a.b.example.com`` matches ``example.com``; ``notexample.com`` and ``example.com.evil.net``
do not). IP literals match only the same address.

At most 500 links are read from one item (``url_count`` stops there; evidence says so).

``score`` is the highest severity among the lists hit (0 when none); ``worst_list`` is that list
(ties: the alphabetically first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from veracity.detect.banks import BankEntry
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.hosts import MAX_LINKS, Link, find_links, host_of_entry, is_ip
from veracity.detect.textnorm import clip
from veracity.domain.entities import ContentIn

DEFAULT_SEVERITIES: dict[str, float] = {
    "malware": 1.0,
    "phishing": 1.0,
    "scam": 0.9,
    "misinfo": 0.7,
    "spam": 0.5,
    "shortener": 0.2,
}
UNKNOWN_LIST_SEVERITY = 0.5
MAX_DOMAINS = 50
_EVIDENCE_LINKS = 10
_EVIDENCE_HITS = 20


@dataclass(frozen=True)
class DomainEntry:
    list_name: str
    entry_id: str
    host: str
    label: str


@dataclass(frozen=True)
class DomainHit:
    domain: str
    matched: str
    entry: DomainEntry

    def as_json(self, severity: float) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "matched": self.matched,
            "list": self.entry.list_name,
            "entry_id": self.entry.entry_id,
            "label": self.entry.label,
            "severity": severity,
        }


def _hit_key(hit: DomainHit) -> tuple[str, str, str]:
    return (hit.domain, hit.entry.list_name, hit.entry.entry_id)


class UrlReputationDetector(OnlineDetector):
    name = "url_reputation"
    version = "1.0.0"
    description = "Links in the text and whether their domains are on named domain lists."
    inputs = ("text", "on_screen_text", "transcript")
    outputs = (
        OutputSpec("url_count", OutputType.INT, "links found in the text (at most 500 read)"),
        OutputSpec("domains", OutputType.STRING_LIST, "distinct normalised hosts (at most 50)"),
        OutputSpec("listed", OutputType.BOOL, "a host is on at least one list"),
        OutputSpec("lists", OutputType.STRING_LIST, "names of the lists hit, sorted"),
        OutputSpec("listed_domains", OutputType.STRING_LIST, "hosts that are on a list"),
        OutputSpec("worst_list", OutputType.STRING, "the hit list with the highest severity"),
        OutputSpec("score", OutputType.DOUBLE, "highest severity among the lists hit, 0..1"),
    )

    def __init__(
        self,
        lists: Mapping[str, Iterable[BankEntry]] | None = None,
        *,
        severities: Mapping[str, float] | None = None,
        bare_tlds: Iterable[str] = (),
    ) -> None:
        self.severities = {**DEFAULT_SEVERITIES, **(severities or {})}
        for list_name, value in self.severities.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"severity of list {list_name!r} must be in [0, 1]")
        self.entries: list[DomainEntry] = []
        self.skipped: list[tuple[str, str]] = []
        self._by_host: dict[str, list[DomainEntry]] = {}
        seen: set[tuple[str, str]] = set()
        for list_name, entries in (lists or {}).items():
            for entry in entries:
                host = host_of_entry(entry.value)
                if host is None:
                    self.skipped.append((list_name, entry.entry_id))
                    continue
                if (list_name, host) in seen:
                    continue
                seen.add((list_name, host))
                domain_entry = DomainEntry(list_name, entry.entry_id, host, entry.label or "")
                self.entries.append(domain_entry)
                self._by_host.setdefault(host, []).append(domain_entry)
        self.bare_tlds = frozenset(t.lower() for t in bare_tlds) | {
            e.host.rsplit(".", 1)[-1] for e in self.entries if not is_ip(e.host)
        }

    def severity(self, list_name: str) -> float:
        return self.severities.get(list_name, UNKNOWN_LIST_SEVERITY)

    # -- matching -------------------------------------------------------------------------

    def links(self, text: str) -> list[Link]:
        return find_links(text, self.bare_tlds)

    def match_hosts(self, hosts: Iterable[str]) -> list[DomainHit]:
        """Fast path: look every label-suffix of each host up in a dict."""
        hits: list[DomainHit] = []
        by_host = self._by_host
        for host in hosts:
            if host in by_host:
                hits.extend(DomainHit(host, host, e) for e in by_host[host])
            if ":" in host or host[-1].isdigit():  # an IP literal: exact only
                continue
            dot = host.find(".")
            while dot >= 0:
                suffix = host[dot + 1 :]
                found = by_host.get(suffix)
                if found:
                    hits.extend(DomainHit(host, suffix, e) for e in found)
                dot = host.find(".", dot + 1)
        return sorted(hits, key=_hit_key)

    def reference_match_hosts(self, hosts: Iterable[str]) -> list[DomainHit]:
        """Brute force: compare each host with every entry, label by label."""
        hits: list[DomainHit] = []
        for host in hosts:
            host_is_ip = is_ip(host)
            host_labels = host.split(".")
            for entry in self.entries:
                if host_is_ip or is_ip(entry.host):
                    if host == entry.host:
                        hits.append(DomainHit(host, entry.host, entry))
                    continue
                entry_labels = entry.host.split(".")
                n = len(entry_labels)
                if len(host_labels) >= n and all(
                    a == b for a, b in zip(host_labels[-n:], entry_labels, strict=True)
                ):
                    hits.append(DomainHit(host, entry.host, entry))
        return sorted(hits, key=_hit_key)

    # -- detector interface ---------------------------------------------------------------

    def _result(self, links: list[Link], hits: list[DomainHit]) -> DetectorResult:
        domains = list(dict.fromkeys(link.host for link in links))
        lists = sorted({h.entry.list_name for h in hits})
        worst = min(lists, key=lambda n: (-self.severity(n), n)) if lists else ""
        outputs = {
            "url_count": len(links),
            "domains": domains[:MAX_DOMAINS],
            "listed": bool(hits),
            "lists": lists,
            "listed_domains": list(dict.fromkeys(h.domain for h in hits))[:MAX_DOMAINS],
            "worst_list": worst,
            "score": self.severity(worst) if worst else 0.0,
        }
        evidence: dict[str, Any] = {}
        if links:
            evidence["links"] = [
                {"text": clip(link.text, 120), "host": link.host, "kind": link.kind}
                for link in links[:_EVIDENCE_LINKS]
            ]
            if len(domains) > MAX_DOMAINS:
                evidence["domains_total"] = len(domains)
            if len(links) >= MAX_LINKS:
                evidence["links_truncated"] = True
        if hits:
            evidence["hits"] = [
                h.as_json(self.severity(h.entry.list_name)) for h in hits[:_EVIDENCE_HITS]
            ]
            if len(hits) > _EVIDENCE_HITS:
                evidence["more_hits"] = len(hits) - _EVIDENCE_HITS
            evidence["severities"] = {n: self.severity(n) for n in lists}
        return DetectorResult(outputs, evidence)

    def detect(self, item: ContentIn) -> DetectorResult:
        links = self.links(item.all_text())
        if not links:
            return self.empty_result()
        return self._result(links, self.match_hosts(dict.fromkeys(lk.host for lk in links)))

    def reference(self, item: ContentIn) -> DetectorResult:
        links = self.links(item.all_text())
        return self._result(
            links, self.reference_match_hosts(dict.fromkeys(lk.host for lk in links))
        )
