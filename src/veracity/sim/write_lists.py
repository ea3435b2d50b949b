"""The reference lists a deployment would load: claims, domain lists and phrase lists."""

from __future__ import annotations

from veracity.sim.claims import Claim
from veracity.sim.jsonl import JsonlWriter
from veracity.sim.vocab import (
    MALWARE_DOMAINS,
    MISINFO_DOMAINS,
    SHORTENER_DOMAINS,
    SPAM_DOMAINS,
    VOCABULARIES,
)


def write_claims(claims: list[Claim], out: JsonlWriter) -> None:
    for claim in claims:
        out.write(claim.as_record())


def write_domains(out: JsonlWriter) -> None:
    for name, domains in (
        ("misinfo", MISINFO_DOMAINS),
        ("spam", SPAM_DOMAINS),
        ("malware", MALWARE_DOMAINS),
        ("shortener", SHORTENER_DOMAINS),
    ):
        for domain in domains:
            out.write({"domain": domain, "list": name})


def write_phrases(languages: list[str], out: JsonlWriter) -> None:
    """Phrases per category, for every simulated language; misinfo markers are the stock
    openers and closers that paraphrased claims carry."""
    for language in languages:
        vocab = VOCABULARIES[language]
        for category, phrases in (
            ("spam", vocab.spam),
            ("scam", vocab.scam),
            ("engagement_bait", vocab.bait),
            ("misinfo_marker", vocab.prefixes + vocab.suffixes),
        ):
            for phrase in phrases:
                out.write({"phrase": phrase, "category": category})
