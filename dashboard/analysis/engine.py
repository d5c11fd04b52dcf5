"""``analyze``: one article in, one explained ``Analysis`` out. Pure and offline."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from functools import cache
from itertools import combinations
from pathlib import Path

from .actors import find_actors
from .language import detect_language, normalise_language
from .text import split_sentences, tokenize
from .threat import score_threat
from .tone import score_tone
from .types import ActorMention, ActorSummary, Analysis, Dyad

_DATA = Path(__file__).parent / "data"


@cache
def analyzer_version() -> str:
    """Changes whenever a lexicon, gazetteer or this package's code changes (drives ``rescore``)."""
    digest = hashlib.sha256()
    for path in sorted([*_DATA.rglob("*.*"), *Path(__file__).parent.glob("*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def compose_text(text: str, title: str | None) -> str:
    """The exact string every offset of an ``Analysis`` refers to."""
    title = (title or "").strip()
    return f"{title}\n\n{text}" if title else text


def analyze(text: str, *, title: str | None = None, language: str | None = None) -> Analysis:
    full = compose_text(text, title)
    if language:
        language, confidence = normalise_language(language), 1.0
    else:
        language, confidence = detect_language(full)
    sentences = split_sentences(full)
    tokens = tokenize(full, sentences, language)
    tone = score_tone(full, tokens, sentences, language)
    threat = score_threat(full, tokens, sentences, language)
    found = find_actors(full, sentences)
    mentions = tuple(m for m in found if m.type != "media")
    sentence_tones = tone.sentence_tones if tone.scored else None
    return Analysis(
        text=full,
        language=language,
        language_confidence=confidence,
        scored=tone.scored,
        sentences=sentences,
        tone=tone,
        threat=threat,
        mentions=mentions,
        actors=_summarise(mentions, sentence_tones),
        dyads=_dyads(mentions, sentence_tones),
        media=tuple(m for m in found if m.type == "media"),
    )


def _mean_tone(sentences: set[int], sentence_tones: tuple[float, ...] | None) -> float | None:
    if sentence_tones is None or not sentences:
        return None
    return sum(sentence_tones[i] for i in sentences) / len(sentences)


def _summarise(
    mentions: tuple[ActorMention, ...], sentence_tones: tuple[float, ...] | None
) -> tuple[ActorSummary, ...]:
    by_actor: dict[str, list[ActorMention]] = defaultdict(list)
    for m in mentions:
        by_actor[m.actor_id].append(m)
    summaries = []
    for actor_id, ms in by_actor.items():
        sentences = {m.sentence for m in ms}
        first = ms[0]
        summaries.append(
            ActorSummary(
                actor_id=actor_id,
                name=first.name,
                type=first.type,
                country=first.country,
                mentions=len(ms),
                sentences=len(sentences),
                tone=_mean_tone(sentences, sentence_tones),
            )
        )
    summaries.sort(key=lambda s: (-s.mentions, s.actor_id))
    return tuple(summaries)


def _dyads(
    mentions: tuple[ActorMention, ...], sentence_tones: tuple[float, ...] | None
) -> tuple[Dyad, ...]:
    """Pairs of actors named in one sentence; a person and their own country are not a dyad."""
    country_of = {m.actor_id: m.country for m in mentions}
    per_sentence: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        per_sentence[m.sentence].add(m.actor_id)
    pair_sentences: dict[tuple[str, str], set[int]] = defaultdict(set)
    for sentence, ids in per_sentence.items():
        for a, b in combinations(sorted(ids), 2):
            if country_of[a] != b and country_of[b] != a:
                pair_sentences[(a, b)].add(sentence)
    return tuple(
        Dyad(a, b, len(sents), _mean_tone(sents, sentence_tones))
        for (a, b), sents in sorted(pair_sentences.items())
    )
