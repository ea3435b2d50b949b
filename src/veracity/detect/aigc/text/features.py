"""Features of a text that separate machine from human writing without a language model.

Two blocks: hashed character n-grams (what words and spellings look like, case kept) and a
dense block of stylometry. The dense block stands in for the likelihood a language model would
give: machine text favours frequent words (high mean Zipf frequency, few rare words), even
sentence lengths (low burstiness), a steady function-word profile and compresses differently.

The word-frequency table is data, not code: the model artefact carries it (built from
``wordfreq`` at training time, see ``frequency_table``), so scoring needs no extra package.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

RIGHT_QUOTE = "\u2019"
WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)

# Closed-class English words; their relative rates are a classic authorship fingerprint.
FUNCTION_WORDS: tuple[str, ...] = (
    "the", "a", "an", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "as", "that", "this", "these", "those", "it", "its", "is", "are", "was",
    "were", "be", "been", "has", "have", "had", "do", "does", "did", "not", "no", "i", "you",
    "he", "she", "we", "they", "me", "my", "your", "our", "their", "his", "her", "which",
    "who", "what", "when", "where", "how", "so", "than", "then", "there", "also", "however",
    "moreover", "additionally", "furthermore", "overall", "can", "could", "would", "will",
    "may", "might", "should", "just", "very", "really", "all", "some", "more", "most",
)  # fmt: skip

PUNCTUATION = ",.;:!?'\"()-\u2013\u2014\u2026*/&@#"

STYLE_FEATURES: tuple[str, ...] = (
    "log_chars",
    "log_words",
    "mean_word_len",
    "std_word_len",
    "n_sentences_log",
    "mean_sentence_words",
    "std_sentence_words",
    "sentence_burstiness",
    "type_token_ratio",
    "windowed_ttr",
    "hapax_ratio",
    "upper_ratio",
    "digit_ratio",
    "space_ratio",
    "newline_ratio",
    "non_ascii_ratio",
    "url_rate",
    "mention_rate",
    "hashtag_rate",
    "compression_ratio",
    "repeated_bigram_ratio",
    "zipf_mean",
    "zipf_std",
    "zipf_p10",
    "zipf_p25",
    "zipf_median",
    "rare_word_ratio",
    "unknown_word_ratio",
    "common_word_ratio",
    "capitalised_word_ratio",
    "ends_with_terminal",
    "truncated_ellipsis",
)
DENSE_FEATURES: tuple[str, ...] = (
    STYLE_FEATURES
    + tuple(f"punct_{ord(c):x}" for c in PUNCTUATION)
    + tuple(f"fw_{w}" for w in FUNCTION_WORDS)
)

RARE_ZIPF = 3.0  # below ~1 occurrence per million words
COMMON_ZIPF = 5.0  # the few hundred most frequent words
TTR_WINDOW = 25


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters, with an inner apostrophe)."""
    return [w.lower().replace(RIGHT_QUOTE, "'") for w in WORD_RE.findall(text)]


def sentences(text: str) -> list[str]:
    return [s for s in (m.group().strip() for m in SENTENCE_RE.finditer(text)) if s]


def _windowed_ttr(tokens: Sequence[str], window: int = TTR_WINDOW) -> float:
    """Mean type-token ratio over fixed windows, so long and short texts compare."""
    if len(tokens) <= window:
        return len(set(tokens)) / len(tokens) if tokens else 0.0
    ratios = [
        len(set(tokens[i : i + window])) / window
        for i in range(0, len(tokens) - window + 1, window)
    ]
    return sum(ratios) / len(ratios)


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def style_vector(text: str, zipf: Mapping[str, float]) -> list[float]:
    """The dense block for one text, in ``DENSE_FEATURES`` order."""
    n_chars = len(text)
    chars = max(n_chars, 1)
    toks = words(text)
    n_words = len(toks)
    nw = max(n_words, 1)
    lengths = [len(t) for t in toks]
    sents = sentences(text)
    sent_words = [len(WORD_RE.findall(s)) for s in sents] or [0]
    mean_sent = statistics.fmean(sent_words)
    std_sent = statistics.pstdev(sent_words) if len(sent_words) > 1 else 0.0
    counts = Counter(toks)
    freqs = sorted(zipf.get(t, 0.0) for t in toks)
    bigrams = list(itertools.pairwise(toks))
    raw = text.encode("utf-8")
    compressed = len(zlib.compress(raw, 6)) if raw else 0
    char_counts = Counter(text)
    stripped = text.rstrip()
    values = [
        math.log1p(n_chars),
        math.log1p(n_words),
        statistics.fmean(lengths) if lengths else 0.0,
        statistics.pstdev(lengths) if len(lengths) > 1 else 0.0,
        math.log1p(len(sents)),
        mean_sent,
        std_sent,
        std_sent / mean_sent if mean_sent else 0.0,
        len(counts) / nw,
        _windowed_ttr(toks),
        sum(1 for c in counts.values() if c == 1) / nw,
        sum(1 for c in text if c.isupper()) / chars,
        sum(1 for c in text if c.isdigit()) / chars,
        char_counts[" "] / chars,
        char_counts["\n"] / chars,
        sum(1 for c in text if ord(c) > 127) / chars,
        len(URL_RE.findall(text)) / nw,
        text.count("@") / nw,
        text.count("#") / nw,
        compressed / len(raw) if raw else 0.0,
        (len(bigrams) - len(set(bigrams))) / max(len(bigrams), 1),
        statistics.fmean(freqs) if freqs else 0.0,
        statistics.pstdev(freqs) if len(freqs) > 1 else 0.0,
        _quantile(freqs, 0.10),
        _quantile(freqs, 0.25),
        _quantile(freqs, 0.50),
        sum(1 for f in freqs if 0.0 < f < RARE_ZIPF) / nw,
        sum(1 for f in freqs if f == 0.0) / nw,
        sum(1 for f in freqs if f >= COMMON_ZIPF) / nw,
        sum(1 for w in WORD_RE.findall(text) if w[:1].isupper()) / nw,
        1.0 if stripped[-1:] in (".", "!", "?", '"', "\u201d") else 0.0,
        1.0 if stripped.endswith(("\u2026", "...")) else 0.0,
    ]
    values.extend(char_counts[c] / chars for c in PUNCTUATION)
    values.extend(counts[w] / nw for w in FUNCTION_WORDS)
    return values


def frequency_table(max_words: int = 60_000) -> dict[str, float]:
    """English Zipf frequencies of the most frequent words, from ``wordfreq`` (needed only to
    train; the table is saved inside the model)."""
    try:
        import wordfreq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "training the AI-text model needs the 'wordfreq' package (pip install wordfreq)"
        ) from exc
    table: dict[str, float] = {}
    for word in wordfreq.iter_wordlist("en", wordlist="best"):
        if WORD_RE.fullmatch(word):
            table[word.replace(RIGHT_QUOTE, "'")] = wordfreq.zipf_frequency(
                word, "en", wordlist="best"
            )
            if len(table) >= max_words:
                break
    return table


@dataclass(frozen=True)
class HashSpec:
    """Hashed character n-grams within word boundaries; log(1 + count), then unit length."""

    n_features: int = 2**18
    min_n: int = 1
    max_n: int = 4

    def vectorizer(self) -> HashingVectorizer:
        return HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(self.min_n, self.max_n),
            n_features=self.n_features,
            alternate_sign=False,
            lowercase=False,
            norm=None,
        )

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        matrix = self.vectorizer().transform(texts).tocsr()
        np.log1p(matrix.data, out=matrix.data)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)

    def reference(self, text: str) -> dict[int, float]:
        """The same vector for one text, n-gram by n-gram in plain Python."""
        counts: Counter[int] = Counter()
        for word in text.split():
            padded = f" {word} "
            for n in range(self.min_n, self.max_n + 1):
                if len(padded) <= n:  # a short word is counted once, whole
                    counts[_bucket(padded, self.n_features)] += 1
                    break
                for i in range(len(padded) - n + 1):
                    counts[_bucket(padded[i : i + n], self.n_features)] += 1
        logged = {k: math.log1p(v) for k, v in counts.items()}
        norm = math.sqrt(sum(v * v for v in logged.values())) or 1.0
        return {k: v / norm for k, v in logged.items()}


def _bucket(ngram: str, n_features: int) -> int:
    h = int(murmurhash3_32(ngram, seed=0, positive=False))
    return (2**31 - 1 if h == -(2**31) else abs(h)) % n_features


def dense_matrix(texts: Sequence[str], zipf: Mapping[str, float]) -> np.ndarray:
    if not texts:
        return np.zeros((0, len(DENSE_FEATURES)))
    return np.array([style_vector(t, zipf) for t in texts], dtype=np.float64)
