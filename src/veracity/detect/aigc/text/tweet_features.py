"""Surface features of short social posts, for the second-stage (boosted) AI-text model.

Bot tweets in TweepFake (GPT-2, RNN and Markov generators trained on one account's posts)
differ from the humans they imitate in ways a tweet shows at its edges rather than in its word
statistics: humans open with a mention and close with a link or an emoji, generators stop in
mid-word, repeat a word, leave a bracket or quote open, or Title Case a whole line. Emoji may
arrive as real characters or as ``<U+1F62D>`` escapes (the TweepFake export); both count.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

import numpy as np

from veracity.detect.aigc.text.features import URL_RE, WORD_RE, words

EMOJI_ESCAPE_RE = re.compile(r"<U\+[0-9A-Fa-f]{4,8}>")
CHAR_RUN_RE = re.compile(r"(.)\1{2,}")

TWEET_FEATURES: tuple[str, ...] = (
    "emoji_rate",
    "starts_with_mention",
    "ends_with_url",
    "curly_apostrophe_share",
    "adjacent_repeat_ratio",
    "max_char_run_log",
    "allcaps_word_ratio",
    "starts_lowercase",
    "lowercase_i_ratio",
    "unbalanced_brackets",
    "odd_quotes",
    "starts_with_quote",
    "question_run",
    "title_case_ratio",
    "ends_with_letter",
    "contraction_ratio",
    "hashtag_at_end",
    "ends_with_hellip",
)


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or code == 0xFE0F


def tweet_vector(text: str) -> list[float]:
    """The tweet block for one text, in ``TWEET_FEATURES`` order."""
    stripped = text.strip()
    toks = words(stripped)
    nw = max(len(toks), 1)
    raw_words = WORD_RE.findall(stripped)
    plain = EMOJI_ESCAPE_RE.sub("", stripped)
    emoji = len(EMOJI_ESCAPE_RE.findall(stripped)) + sum(1 for c in plain if _is_emoji(c))
    body = URL_RE.sub("", plain).rstrip()
    body_tokens = body.split()
    tokens = stripped.split()
    curly, straight = stripped.count("\u2019"), stripped.count("'")
    longest_run = max((len(m.group()) for m in CHAR_RUN_RE.finditer(stripped)), default=0)
    first_letter = next((c for c in body if c.isalpha()), "")
    return [
        emoji / nw,
        1.0 if stripped.startswith("@") else 0.0,
        1.0 if tokens and URL_RE.search(tokens[-1]) else 0.0,
        curly / (curly + straight) if curly + straight else 0.5,
        sum(1 for a, b in itertools.pairwise(toks) if a == b) / nw,
        math.log1p(longest_run),
        sum(1 for w in raw_words if len(w) > 1 and w.isupper()) / nw,
        1.0 if first_letter.islower() else 0.0,
        sum(1 for w in raw_words if w == "i") / nw,
        1.0 if stripped.count("(") != stripped.count(")") else 0.0,
        1.0 if stripped.count('"') % 2 else 0.0,
        1.0 if stripped[:1] in ('"', "\u201c") else 0.0,
        1.0 if "??" in stripped else 0.0,
        sum(1 for w in raw_words if w[:1].isupper() and w[1:].islower()) / nw,
        1.0 if body[-1:].isalpha() else 0.0,
        sum(1 for w in toks if "'" in w) / nw,
        1.0 if body_tokens and body_tokens[-1].startswith("#") else 0.0,
        1.0 if body.endswith("\u2026") else 0.0,
    ]


def tweet_matrix(texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, len(TWEET_FEATURES)))
    return np.array([tweet_vector(t) for t in texts], dtype=np.float64)
