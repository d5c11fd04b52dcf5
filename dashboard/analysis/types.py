"""Typed results of the analysis engine.

Every offset is a character offset into ``Analysis.text`` (the title, a blank line, then the body),
so the UI can highlight exactly the words that produced a number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import NamedTuple

THREAT_CATEGORIES = (
    "war_threats",
    "peace_threats",
    "military_buildups",
    "nuclear_threats",
    "terror_threats",
    "beginning_of_war",
    "escalation_of_war",
    "terror_acts",
)
"""The eight Caldara-Iacoviello geopolitical risk categories: five threats, then three acts."""

ACTOR_TYPES = ("country", "person", "organisation", "media")


class Sentence(NamedTuple):  # NamedTuple: built once per sentence/word on the hot path
    index: int
    start: int
    end: int


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lemma: str  # lower-cased lemma (simplemma) for en/id, else the lower-cased text
    sentence: int


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text that contributed to a score."""

    start: int
    end: int
    text: str
    label: str  # lexicon lemma, threat category, actor id, ...
    weight: float = 0.0
    note: str = ""  # e.g. "negated", "intensified", "excluded: sports"


@dataclass(frozen=True, slots=True)
class ToneResult:
    scored: bool
    tone: float | None  # document tone in [-1, 1]; None when the language is not scored
    positive: float  # GDELT-style: % of words that hit a positive entry
    negative: float  # % of words that hit a negative entry
    polarity: float  # positive + negative
    word_count: int
    spans: tuple[Span, ...] = ()
    sentence_tones: tuple[float, ...] = ()  # one per sentence, in [-1, 1] (0.0 when unscored)


@dataclass(frozen=True, slots=True)
class ThreatHit:
    category: str  # one of THREAT_CATEGORIES
    kind: str  # "threat" or "act"
    topic: Span  # the topic words (e.g. "senjata nuklir")
    trigger: Span  # the threat/act word near it (e.g. "ancam")
    sentence: int


@dataclass(frozen=True, slots=True)
class ThreatResult:
    hits: tuple[ThreatHit, ...]
    counts: dict[str, int]  # category -> hits, every category present
    intensity: float  # 0-100
    excluded: tuple[Span, ...] = ()  # contexts that suppressed would-be hits


@dataclass(frozen=True, slots=True)
class ActorMention:
    actor_id: str
    name: str  # canonical English name
    type: str  # one of ACTOR_TYPES
    country: str | None  # actor id of the country a person/agency belongs to
    start: int
    end: int
    text: str
    sentence: int


@dataclass(frozen=True, slots=True)
class ActorSummary:
    actor_id: str
    name: str
    type: str
    country: str | None
    mentions: int
    sentences: int
    tone: float | None  # mean tone of the sentences that mention the actor


@dataclass(frozen=True, slots=True)
class Dyad:
    """Two actors named in the same sentence(s); ``a < b``."""

    a: str
    b: str
    sentences: int
    tone: float | None


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    language: str
    language_confidence: float
    scored: bool
    sentences: tuple[Sentence, ...]
    tone: ToneResult
    threat: ThreatResult
    mentions: tuple[ActorMention, ...]
    actors: tuple[ActorSummary, ...]
    dyads: tuple[Dyad, ...]
    media: tuple[ActorMention, ...] = field(default=())  # news agencies cited as sources

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (the text itself is left out)."""
        d = asdict(self)
        d.pop("text")
        return d
