"""Phrases, hashtags and keywords per category, matched on word boundaries.

Text and phrases are NFKC-normalised and case-folded, then split into tokens: a token is a
maximal run of word characters (letters, digits, underscore, combining marks), prefixed with
``#`` when a ``#`` immediately precedes it (a hashtag). A phrase matches where its tokens occur
consecutively in the text's tokens; whatever lies between two tokens (spaces, punctuation,
emoji) does not matter. So ``free followers`` matches "FREE followers!!" and "free-followers",
but not "freefollowers" or "free #followers"; ``#scam`` matches the hashtag only and ``scam``
the word only. Scripts written without spaces (Chinese, Japanese, Thai) match whole runs only.

The fast path runs an Aho-Corasick automaton over token ids; the reference scans the text with
one regular expression per phrase. Offsets in evidence are into the normalised text.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from veracity.detect.banks import BankEntry
from veracity.detect.base import DetectorResult, OnlineDetector, OutputSpec, OutputType
from veracity.detect.textnorm import WORD_CHARS, clip, fold
from veracity.domain.entities import ContentIn

_TOKEN_RE = re.compile(f"#?[{WORD_CHARS}]+")
_TOKEN_RE_ASCII = re.compile(r"#?\w+")
MAX_PHRASES_OUT = 50
_EVIDENCE_MATCHES = 20


def tokens(text: str) -> list[str]:
    """Tokens of already folded text."""
    return (_TOKEN_RE_ASCII if text.isascii() else _TOKEN_RE).findall(text)


def token_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in (_TOKEN_RE_ASCII if text.isascii() else _TOKEN_RE).finditer(text)]


def phrase_key(phrase: str) -> str:
    """The normalised form of a phrase (its tokens joined by spaces); empty if it has none."""
    return " ".join(tokens(fold(phrase)))


def phrase_regex(key: str) -> re.Pattern[str]:
    """The reference's definition of a match of ``key``, written as one regular expression.

    A plain token must not be preceded by a word character or ``#`` (else it would be part of
    a longer token or a hashtag); every token must not be followed by a word character; between
    tokens only non-word characters may occur. Wrapped in a lookahead to find overlapping
    occurrences; group 1 is the match.
    """
    pieces = []
    for token in key.split(" "):
        if token.startswith("#"):
            pieces.append(re.escape(token) + f"(?![{WORD_CHARS}])")
        else:
            pieces.append(f"(?<![{WORD_CHARS}#])" + re.escape(token) + f"(?![{WORD_CHARS}])")
    return re.compile("(?=(" + f"[^{WORD_CHARS}]*?".join(pieces) + "))")


@dataclass
class Phrase:
    key: str
    length: int  # tokens
    categories: set[str] = field(default_factory=set)
    entry_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PhraseHit:
    phrase: int  # index into the detector's phrases
    start: int  # character offsets in the folded text
    end: int


class TokenAhoCorasick:
    """Aho-Corasick over token ids: goto tables, failure links, and output sets that already
    include the outputs reachable through failure links."""

    def __init__(self, sequences: list[tuple[int, ...]]) -> None:
        self.goto: list[dict[int, int]] = [{}]
        self.out: list[tuple[int, ...]] = [()]
        self.fail: list[int] = [0]
        for index, seq in enumerate(sequences):
            state = 0
            for symbol in seq:
                nxt = self.goto[state].get(symbol)
                if nxt is None:
                    nxt = len(self.goto)
                    self.goto[state][symbol] = nxt
                    self.goto.append({})
                    self.out.append(())
                    self.fail.append(0)
                state = nxt
            self.out[state] = (*self.out[state], index)
        queue = deque(self.goto[0].values())
        while queue:
            state = queue.popleft()
            for symbol, nxt in self.goto[state].items():
                queue.append(nxt)
                f = self.fail[state]
                while f and symbol not in self.goto[f]:
                    f = self.fail[f]
                target = self.goto[f].get(symbol, 0)
                self.fail[nxt] = target if target != nxt else 0
                if self.out[self.fail[nxt]]:
                    self.out[nxt] = self.out[nxt] + self.out[self.fail[nxt]]

    def search(self, symbols: Iterable[int | None]) -> list[tuple[int, int]]:
        """(sequence index, position of its last symbol) for every occurrence; ``None`` is a
        symbol that no sequence contains."""
        goto, fail, out = self.goto, self.fail, self.out
        state = 0
        found: list[tuple[int, int]] = []
        for pos, symbol in enumerate(symbols):
            if symbol is None:
                state = 0
                continue
            while state and symbol not in goto[state]:
                state = fail[state]
            state = goto[state].get(symbol, 0)
            if out[state]:
                found.extend((index, pos) for index in out[state])
        return found


class PhraseMatchDetector(OnlineDetector):
    name = "phrase_match"
    version = "1.0.0"
    description = "Phrases, hashtags and keywords of the phrase banks, on word boundaries."
    inputs = ("text", "on_screen_text", "transcript")
    outputs = (
        OutputSpec("matched", OutputType.BOOL, "at least one phrase occurs"),
        OutputSpec("categories", OutputType.STRING_LIST, "categories of the phrases found"),
        OutputSpec("phrases", OutputType.STRING_LIST, "normalised phrases found (at most 50)"),
        OutputSpec("count", OutputType.INT, "occurrences of phrases in the text"),
    )

    def __init__(self, categories: Mapping[str, Iterable[BankEntry]] | None = None) -> None:
        self.phrases: list[Phrase] = []
        self.skipped: list[tuple[str, str]] = []
        by_key: dict[str, Phrase] = {}
        for category, entries in (categories or {}).items():
            for entry in entries:
                key = phrase_key(entry.value)
                if not key:
                    self.skipped.append((category, entry.entry_id))
                    continue
                phrase = by_key.get(key)
                if phrase is None:
                    phrase = by_key[key] = Phrase(key, key.count(" ") + 1)
                    self.phrases.append(phrase)
                phrase.categories.add(category)
                phrase.entry_ids.append(entry.entry_id)
        self.vocab: dict[str, int] = {}
        sequences = []
        for phrase in self.phrases:
            sequences.append(
                tuple(self.vocab.setdefault(t, len(self.vocab)) for t in phrase.key.split(" "))
            )
        self._automaton = TokenAhoCorasick(sequences)
        self._regexes: list[re.Pattern[str]] | None = None

    # -- matching -------------------------------------------------------------------------

    def find(self, folded: str) -> list[PhraseHit]:
        """Fast path over already folded text, hits sorted by (start, phrase)."""
        if not self.phrases:
            return []
        toks = tokens(folded)
        vocab = self.vocab
        found = self._automaton.search([vocab.get(t) for t in toks])
        if not found:
            return []
        spans = token_spans(folded)
        hits = [
            PhraseHit(p, spans[pos - self.phrases[p].length + 1][0], spans[pos][1])
            for p, pos in found
        ]
        return sorted(hits, key=lambda h: (h.start, h.phrase))

    def reference_find(self, folded: str) -> list[PhraseHit]:
        """Brute force: every phrase's regular expression over the whole text."""
        if self._regexes is None:
            self._regexes = [phrase_regex(p.key) for p in self.phrases]
        hits = []
        for index, regex in enumerate(self._regexes):
            for m in regex.finditer(folded):
                hits.append(PhraseHit(index, m.start(1), m.end(1)))
        return sorted(hits, key=lambda h: (h.start, h.phrase))

    # -- detector interface ---------------------------------------------------------------

    def _result(self, hits: list[PhraseHit]) -> DetectorResult:
        if not hits:
            return self.empty_result()
        found = sorted({h.phrase for h in hits}, key=lambda i: self.phrases[i].key)
        categories = sorted({c for i in found for c in self.phrases[i].categories})
        by_category: dict[str, int] = {}
        for hit in hits:
            for category in self.phrases[hit.phrase].categories:
                by_category[category] = by_category.get(category, 0) + 1
        outputs = {
            "matched": True,
            "categories": categories,
            "phrases": [self.phrases[i].key for i in found][:MAX_PHRASES_OUT],
            "count": len(hits),
        }
        evidence: dict[str, Any] = {
            "offsets": "characters of the NFKC-normalised, case-folded text",
            "by_category": dict(sorted(by_category.items())),
            "matches": [
                {
                    "phrase": clip(self.phrases[h.phrase].key, 120),
                    "categories": sorted(self.phrases[h.phrase].categories),
                    "entry_ids": self.phrases[h.phrase].entry_ids[:3],
                    "start": h.start,
                    "end": h.end,
                }
                for h in hits[:_EVIDENCE_MATCHES]
            ],
        }
        if len(hits) > _EVIDENCE_MATCHES:
            evidence["more_matches"] = len(hits) - _EVIDENCE_MATCHES
        return DetectorResult(outputs, evidence)

    def detect(self, item: ContentIn) -> DetectorResult:
        return self._result(self.find(fold(item.all_text())))

    def reference(self, item: ContentIn) -> DetectorResult:
        return self._result(self.reference_find(fold(item.all_text())))
