"""Sentences, tokens and lemmas with character offsets, offline (simplemma), for any language."""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma

from .types import Sentence, Token

LEMMA_LANGUAGES = frozenset({"en", "id"})

# A word: letters/digits joined by inner hyphens or apostrophes ("negara-negara", "don't").
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")

# A candidate sentence end: terminal punctuation (and closing quotes/brackets) followed by space,
# or a blank line.
_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+|\n\s*\n")

# Words that end in a full stop without ending the sentence (en + id titles, initials, dotted
# acronyms). Compared lower-cased, without the final dot.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen lt col capt sgt gov sen rep rev vol fig vs etc approx inc "
    "ltd corp co jan feb mar apr jun jul aug sep sept oct nov dec bpk ir drs dra hj kh sdr yth "
    "u.s u.k u.n a.s e.g i.e p.m a.m".split()
)
_TOKEN_BEFORE_DOT = re.compile(r"([\w.]+)\.[\"'”’)\]]*\s*$")


def _is_abbreviation(head: str) -> bool:
    m = _TOKEN_BEFORE_DOT.search(head[-24:])
    if not m:
        return False
    word = m.group(1).lower()
    # single-letter initials ("Kim J. Un") and known abbreviations
    return len(word) == 1 or word in _ABBREVIATIONS


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences; leading/trailing whitespace is not part of a sentence."""
    sentences: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        gap = m.group()
        if "\n" not in gap and (
            text[m.end() : m.end() + 1].islower() or _is_abbreviation(text[start : m.start() + 1])
        ):
            continue  # "musuh.... kata", "Mr. Smith"
        end = m.start() + len(gap.rstrip())
        _append(sentences, text, start, end)
        start = m.end()
    _append(sentences, text, start, len(text))
    return tuple(sentences)


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(len(out), start, end))


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """Lower-cased lemma of ``word`` (en/id); other languages keep the lower-cased word."""
    low = word.lower()
    if language not in LEMMA_LANGUAGES:
        return low
    return simplemma.lemmatize(low, lang=language).lower()


def tokenize(text: str, sentences: tuple[Sentence, ...], language: str) -> tuple[Token, ...]:
    """Word tokens (punctuation dropped) with offsets, lemma and sentence index."""
    tokens: list[Token] = []
    append = tokens.append  # hot path: one call per word of every article
    for s in sentences:
        for m in _WORD.finditer(text, s.start, s.end):
            word = m.group()
            start, end = m.span()
            append(Token(start, end, word, lemma(word, language), s.index))
    return tuple(tokens)
