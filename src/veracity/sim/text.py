"""Text builders: organic posts, claim paraphrases, hard negatives, spam and campaign variants.

Paraphrases are kept inside a lexical-similarity band by construction (rejection with a bounded
number of tries and a guaranteed fallback), so the claim-matching oracle has a known difficulty:
repeats are close but never identical, hard negatives share the topic but stay below the band.
"""

from __future__ import annotations

import random
import re

from veracity.sim.vocab import (
    BENIGN_DOMAINS,
    EMOJI,
    MALWARE_DOMAINS,
    SHORTENER_DOMAINS,
    SPAM_DOMAINS,
    Vocabulary,
)

REPEAT_JACCARD_MIN = 0.3
REPEAT_JACCARD_MAX = 0.95
_WORD = re.compile(r"(?<![#\w])\w[\w'-]*")
_URL = re.compile(r"https?://\S+")
_MAX_TRIES = 20


def word_set(text: str) -> frozenset[str]:
    """Lower-cased words of a text; links, hashtags and emoji are not words."""
    return frozenset(_WORD.findall(_URL.sub(" ", text.lower())))


def jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the word sets of two texts."""
    wa, wb = word_set(a), word_set(b)
    if not wa and not wb:
        return 1.0
    return len(wa & wb) / len(wa | wb)


def claim_text(vocab: Vocabulary, subject: int, predicate: int, qualifier: int) -> str:
    """The canonical wording of a claim."""
    subj = vocab.subjects[subject]
    words = f"{subj[0].upper()}{subj[1:]} {vocab.false_predicates[predicate]}"
    qual = vocab.qualifiers[qualifier]
    return f"{words} {qual}." if qual else f"{words}."


def _decorate(rng: random.Random, text: str, vocab: Vocabulary) -> str:
    """Emoji, hashtags and casing: the noise real reposts carry."""
    roll = rng.random()
    if roll < 0.12:
        text = text.upper()
    elif roll < 0.3:
        text = text.lower()
    if rng.random() < 0.5:
        text = f"{text} {''.join(rng.choices(EMOJI, k=rng.randint(1, 3)))}"
    if rng.random() < 0.4:
        text = f"{text} {' '.join(rng.sample(vocab.hashtags, k=rng.randint(1, 2)))}"
    return text


def _rewrite(rng: random.Random, vocab: Vocabulary, claim: str) -> str:
    body = claim.rstrip(".")
    qualifier = next((q for q in vocab.qualifiers if q and body.endswith(" " + q)), "")
    if qualifier and rng.random() < 0.5:  # reorder: front the qualifier
        body = body[: -len(qualifier) - 1]
        body = f"{qualifier[0].upper()}{qualifier[1:]}, {body[0].lower()}{body[1:]}"
    words = body.split(" ")
    changed = False
    for i, w in enumerate(words):
        alternatives = vocab.synonyms.get(w)
        if alternatives and rng.random() < 0.5:
            words[i] = rng.choice(alternatives)
            changed = True
    if not changed or rng.random() < 0.5:
        words.insert(rng.randint(1, len(words)), rng.choice(vocab.fillers))
    text = " ".join(words)
    if rng.random() < 0.35:
        text = f"{rng.choice(vocab.prefixes)} {text}"
    text += "!" if rng.random() < 0.3 else "."
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(vocab.suffixes)}"
    return _decorate(rng, text, vocab)


def paraphrase(rng: random.Random, vocab: Vocabulary, claim: str) -> str:
    """A repeat of ``claim`` in other words; its Jaccard to the claim lies in the repeat band."""
    for _ in range(_MAX_TRIES):
        text = _rewrite(rng, vocab, claim)
        if REPEAT_JACCARD_MIN <= jaccard(text, claim) <= REPEAT_JACCARD_MAX:
            return text
    # Fallback that always lands in the band: add fillers until it is not identical.
    words = claim.rstrip(".").split(" ")
    fillers = list(vocab.fillers)
    rng.shuffle(fillers)
    for filler in fillers:
        words.insert(rng.randint(1, len(words)), filler)
        text = " ".join(words) + "!"
        if jaccard(text, claim) <= REPEAT_JACCARD_MAX:
            return text
    raise RuntimeError(f"cannot paraphrase claim {claim!r} within the repeat band")


def related_text(rng: random.Random, vocab: Vocabulary, subject: int, claim: str) -> str:
    """Same topic as ``claim`` but not a repeat: its Jaccard stays below the repeat band."""
    subj = vocab.subjects[subject]
    options = [f"{subj[0].upper()}{subj[1:]} {p}." for p in vocab.related_predicates]
    rng.shuffle(options)
    for text in options:
        if jaccard(text, claim) < REPEAT_JACCARD_MIN:
            return _decorate(rng, text, vocab) if rng.random() < 0.5 else text
    text = min(options, key=lambda t: jaccard(t, claim))
    while jaccard(text, claim) >= REPEAT_JACCARD_MIN:
        text = f"{text} {organic_post(rng, vocab)}"
    return text


def organic_post(rng: random.Random, vocab: Vocabulary) -> str:
    """An everyday post from the language's templates."""
    text = rng.choice(vocab.post_templates).format(
        topic=rng.choice(vocab.topics), place=rng.choice(vocab.places), time=rng.choice(vocab.times)
    )
    if rng.random() < 0.08:
        text = f"{text} https://{rng.choice(BENIGN_DOMAINS)}/{_slug(rng)}"
    if rng.random() < 0.5:
        text = f"{text} {' '.join(rng.sample(vocab.hashtags, k=rng.randint(1, 3)))}"
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(EMOJI)}"
    return text


def organic_comment(rng: random.Random, vocab: Vocabulary) -> str:
    text = rng.choice(vocab.comments)
    return f"{text} {rng.choice(EMOJI)}" if rng.random() < 0.3 else text


def bio(rng: random.Random, vocab: Vocabulary) -> str:
    return rng.choice(vocab.bios).format(
        topic=rng.choice(vocab.topics), place=rng.choice(vocab.places)
    )


def _slug(rng: random.Random) -> str:
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=8))


def spam_text(rng: random.Random, vocab: Vocabulary) -> tuple[str, str, str]:
    """A spam message, the phrase it uses and the domain it links to."""
    if rng.random() < 0.8:
        phrase = rng.choice(vocab.spam)
        domain = rng.choice(SPAM_DOMAINS + SHORTENER_DOMAINS)
    else:
        phrase = rng.choice(vocab.scam)
        domain = rng.choice(MALWARE_DOMAINS + SHORTENER_DOMAINS)
    text = f"{phrase[0].upper()}{phrase[1:]} https://{domain}/{_slug(rng)}"
    if rng.random() < 0.5:
        text = f"{''.join(rng.choices(EMOJI, k=2))} {text}"
    return text, phrase, domain


def campaign_variant(rng: random.Random, vocab: Vocabulary, base: str) -> str:
    """A near-identical copy of a campaign message: one filler, emoji or casing at most."""
    text = base
    roll = rng.random()
    if roll < 0.3:
        words = text.split(" ")
        words.insert(rng.randint(1, max(1, len(words) - 3)), rng.choice(vocab.fillers))
        text = " ".join(words)
    elif roll < 0.5:
        text = f"{rng.choice(EMOJI)} {text}"
    elif roll < 0.6:  # shout the message, but links and hashtags must still match
        text = " ".join(w if w.startswith(("http", "#")) else w.upper() for w in text.split(" "))
    return text


def hashtag_from(text: str, suffix: str) -> str:
    """A campaign hashtag built from a phrase, e.g. ``#SmartMetersTruth``."""
    words = [w for w in _WORD.findall(text) if len(w) > 2][:3]
    return "#" + "".join(w[0].upper() + w[1:] for w in words) + suffix


def url(rng: random.Random, domain: str) -> str:
    return f"https://{domain}/{_slug(rng)}"
