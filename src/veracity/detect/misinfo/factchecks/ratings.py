"""One rating scale for every fact-checker's verdict, whatever its language or number scale.

Fact-checkers publish free-text verdicts ("Pants on Fire", "Falso", "Hors contexte") and
sometimes a number on their own scale. Policies need a closed set, so each verdict maps to one of
the ratings Meta's programme uses (false, altered, partly_false, missing_context, satire, true) or
to ``unrated`` when nothing fits; the original text is always kept beside it.

Text wins over numbers, because numeric scales differ between publishers while the words are
explicit. Phrases are matched on lower-cased, accent-free text, in an order that lets the more
specific verdict win ("mostly false" before "false", "not true" before "true").
"""

from __future__ import annotations

import math
import re
import unicodedata
from enum import StrEnum


class Rating(StrEnum):
    FALSE = "false"
    ALTERED = "altered"
    PARTLY_FALSE = "partly_false"
    MISSING_CONTEXT = "missing_context"
    SATIRE = "satire"
    TRUE = "true"
    UNRATED = "unrated"


# Verdicts that say "we could not tell"; they must not fall through to a keyword rule.
_UNRATED_PHRASES = (
    "unproven",
    "unverified",
    "no rating",
    "not rated",
    "research in progress",
    "legend",
    "undetermined",
    "sin evidencia suficiente",
    "inconclusive",
    "nao verificado",
    "non verifie",
    "unbelegt",
)

# Ordered: the first rating whose pattern occurs wins. Patterns are matched on whole words of
# normalised text (lower case, accents removed, punctuation as spaces).
_RULES: tuple[tuple[Rating, tuple[str, ...]], ...] = (
    (
        Rating.ALTERED,
        (
            "altered",
            "doctored",
            "manipulated",
            "manipulation",
            "photoshopped",
            "digitally edited",
            "edited video",
            "edited photo",
            "edited image",
            "deepfake",
            "deep fake",
            "synthetic media",
            "alterado",
            "alterada",
            "manipulado",
            "manipulada",
            "trucado",
            "trucada",
            "montaje",
            "montagem",
            "altere",
            "alteree",
            "manipule",
            "manipulee",
            "truque",
            "truquee",
            "photomontage",
            "manipuliert",
            "gefalscht bild",
            "bildmanipulation",
            "fotomontage",
            "manipolato",
            "manipolata",
            "gemanipuleerd",
        ),
    ),
    (
        Rating.SATIRE,
        (
            "satire",
            "satirical",
            "parody",
            "satira",
            "satirico",
            "satirica",
            "parodia",
            "satirique",
            "parodie",
            "satirisch",
        ),
    ),
    (
        Rating.PARTLY_FALSE,
        (
            "partly false",
            "partially false",
            "mostly false",
            "half true",
            "half false",
            "mixture",
            "mixed",
            "partly true",
            "partially true",
            "three pinocchios",
            "two pinocchios",
            "exaggerated",
            "exaggeration",
            "inaccurate",
            "imprecise",
            "parcialmente falso",
            "parcialmente falsa",
            "parcialmente verdadero",
            "parcialmente verdadeiro",
            "en parte falso",
            "mayormente falso",
            "exagerado",
            "impreciso",
            "en partie faux",
            "partiellement faux",
            "plutot faux",
            "exagere",
            "teilweise falsch",
            "grosstenteils falsch",
            "uberwiegend falsch",
            "halb wahr",
            "teilweise richtig",
            "parzialmente falso",
            "in parte falso",
            "gedeeltelijk onwaar",
            "half waar",
            "czesciowo falsz",
        ),
    ),
    (
        Rating.FALSE,
        (
            "false",
            "fake",
            "not true",
            "untrue",
            "incorrect",
            "wrong",
            "hoax",
            "pants on fire",
            "four pinocchios",
            "fabricated",
            "fabrication",
            "baseless",
            "misattributed",
            "scam",
            "debunked",
            "falso",
            "falsa",
            "bulo",
            "no es cierto",
            "enganoso falso",
            "faux",
            "fausse",
            "intox",
            "infox",
            "falsch",
            "fake news",
            "unwahr",
            "onwaar",
            "nep",
            "falsz",
            "nieprawda",
            "yanlis",
            "sahte",
            "lozh",
            "ложь",
            "фейк",
            "неправда",
            "sai",
            "salah",
            "hoaks",
        ),
    ),
    (
        Rating.MISSING_CONTEXT,
        (
            "missing context",
            "lacks context",
            "lacking context",
            "needs context",
            "out of context",
            "misleading",
            "miscaptioned",
            "outdated",
            "cherry picked",
            "sin contexto",
            "fuera de contexto",
            "falta contexto",
            "enganoso",
            "enganosa",
            "fora de contexto",
            "sem contexto",
            "hors contexte",
            "sorti de son contexte",
            "manque de contexte",
            "trompeur",
            "trompeuse",
            "trompeur",
            "fehlender kontext",
            "ohne kontext",
            "aus dem zusammenhang",
            "irrefuhrend",
            "fuori contesto",
            "fuorviante",
            "contesto mancante",
            "misleidend",
            "zonder context",
            "wprowadza w blad",
        ),
    ),
    (
        Rating.TRUE,
        (
            "true",
            "correct",
            "accurate",
            "mostly true",
            "correct attribution",
            "geppetto checkmark",
            "verdadero",
            "verdadera",
            "cierto",
            "verdade",
            "verdadeiro",
            "verdadeira",
            "vrai",
            "vraie",
            "wahr",
            "richtig",
            "zutreffend",
            "vero",
            "vera",
            "corretto",
            "waar",
            "klopt",
            "prawda",
            "dogru",
            "правда",
        ),
    ),
)


def normalise_text(text: str) -> str:
    """Lower case, accents stripped, punctuation and dashes as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # German sharp s folds to "ss" under casefold; keep words, drop everything else.
    return " ".join(re.findall(r"\w+", stripped))


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted({normalise_text(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


_UNRATED = _compile(_UNRATED_PHRASES)
_COMPILED: tuple[tuple[Rating, re.Pattern[str]], ...] = tuple(
    (rating, _compile(phrases)) for rating, phrases in _RULES
)


def rating_from_text(text: str | None) -> Rating | None:
    """The rating a textual verdict names, or None when it names none we know."""
    if not text:
        return None
    norm = normalise_text(text)
    if not norm:
        return None
    if _UNRATED.search(norm):
        return Rating.UNRATED
    for rating, pattern in _COMPILED:
        if pattern.search(norm):
            return rating
    return None


def rating_from_scale(
    value: float | None, best: float | None = None, worst: float | None = None
) -> Rating | None:
    """Map a numeric verdict onto the scale, ClaimReview style (``bestRating`` = most true).

    Without ``bestRating``/``worstRating`` the schema.org defaults (5 and 1) apply. A value
    outside the declared range (fact-checkers use -1 for "no rating") gives None.
    """
    if value is None:
        return None
    best = 5.0 if best is None else best
    worst = 1.0 if worst is None else worst
    if not all(math.isfinite(x) for x in (value, best, worst)) or best == worst:
        return None
    low, high = min(best, worst), max(best, worst)
    if not low <= value <= high:
        return None
    position = (value - worst) / (best - worst)  # 0 = most false, 1 = most true
    if position < 0.125:
        return Rating.FALSE
    if position < 0.625:
        return Rating.PARTLY_FALSE
    return Rating.TRUE


def normalise_rating(
    text: str | None,
    value: float | None = None,
    best: float | None = None,
    worst: float | None = None,
) -> Rating:
    """The one rating for a verdict: from its text if that maps, else its number, else unrated."""
    from_text = rating_from_text(text)
    if from_text is not None and from_text is not Rating.UNRATED:
        return from_text
    from_scale = rating_from_scale(value, best, worst)
    if from_text is Rating.UNRATED or from_scale is None:
        return Rating.UNRATED
    return from_scale
