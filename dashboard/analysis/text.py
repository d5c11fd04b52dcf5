"""Sentences, tokens and lemmas with character offsets, offline (simplemma), for any language."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import cache, partial
from itertools import accumulate, repeat
from operator import itemgetter
from typing import Any, NamedTuple

import simplemma

from .types import Sentence, Token

LEMMA_LANGUAGES = frozenset({"en", "id"})

# A word: letters/digits joined by inner hyphens or apostrophes ("negara-negara", "don't").
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")

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


# Distinct words a WordTable keeps; it starts afresh when it is full. The size the lemma cache had
# (an lru_cache of 200k words) before the tables replaced it.
WORD_TABLE_SIZE = 200_000


class WordTable(dict):
    """word -> ``compute(word)``, computed on first use: per-word facts (lemma, lexicon lookups)
    that the per-token loops would otherwise recompute for every occurrence."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> Any:
        if len(self) >= WORD_TABLE_SIZE:
            self.clear()
        value = self[word] = self.compute(word)
        return value


def _lemmatise(word: str, language: str) -> str:
    low = word.lower()
    if language not in LEMMA_LANGUAGES:
        return low
    return simplemma.lemmatize(low, lang=language).lower()


@cache
def _lemmas(language: str) -> WordTable:
    return WordTable(partial(_lemmatise, language=language))


def lemma(word: str, language: str) -> str:
    """Lower-cased lemma of ``word`` (en/id); other languages keep the lower-cased word."""
    return _lemmas(language)[word]


class Columns(NamedTuple):
    """The fields of a text's tokens as parallel lists: inner loops index lists faster than they
    read fields of tuples."""

    texts: list[str]
    lowers: list[str]  # lower-cased texts
    lemmas: list[str]
    sentences: list[int]


class Tokens(tuple):
    """What ``tokenize`` returns: a tuple of ``Token`` that also carries its ``Columns``, built
    once and read by both the tone and the threat scorer."""

    columns: Columns


def columns(tokens: tuple[Token, ...]) -> Columns:
    """The ``Columns`` of ``tokens`` (from ``tokenize``, or built here from any tuple)."""
    if isinstance(tokens, Tokens):
        return tokens.columns
    texts = list(map(itemgetter(2), tokens))
    return Columns(
        texts,
        list(map(str.lower, texts)),
        list(map(itemgetter(3), tokens)),
        list(map(itemgetter(4), tokens)),
    )


_new_token = partial(tuple.__new__, Token)


def tokenize(text: str, sentences: tuple[Sentence, ...], language: str) -> Tokens:
    """Word tokens (punctuation dropped) with offsets, lemma and sentence index."""
    if not sentences:
        tokens = Tokens()
        tokens.columns = Columns([], [], [], [])
        return tokens
    # Hot path, one step per word of every article, so every step is a C-level map. Only
    # whitespace lies outside the sentences and a sentence ends where no word can go on, so the
    # words of the whole text are those of the sentences, each in the last sentence that starts
    # at or before it.
    first = sentences[0].start
    # [gap, word, gap, word, ..., gap]: the offset of each piece is the sum of the lengths before it
    pieces = _WORD_SPLIT.split(text[first : sentences[-1].end])
    offsets = list(accumulate(map(len, pieces), initial=first))
    texts = pieces[1::2]
    starts = offsets[1:-1:2]
    lemmas = list(map(_lemmas(language).__getitem__, texts))
    sents = list(map(bisect_right, repeat([s.start for s in sentences[1:]]), starts))
    ends = offsets[2::2]
    tokens = Tokens(map(_new_token, zip(starts, ends, texts, lemmas, sents, strict=True)))
    tokens.columns = Columns(texts, list(map(str.lower, texts)), lemmas, sents)
    return tokens
