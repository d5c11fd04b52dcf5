"""Threat language: the eight Caldara-Iacoviello geopolitical risk (GPR) categories, offline.

Like the GPR index's newspaper searches, a hit is a topic word (war, militer, nuclear, teror...)
within a few tokens of a threat word (threat, ancam, warn, khawatir...) or an act word (attack,
serang, launch, luncur...) in the same sentence. The words, the rules pairing them and the
contexts that rule a hit out (negation, sports, films, price wars, anniversaries) are data in
``data/threat.yaml``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, partial
from itertools import compress, count
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import yaml

from .text import WordTable, columns
from .text import lemma as word_lemma
from .types import THREAT_CATEGORIES, Sentence, Span, ThreatHit, ThreatResult, Token

_PATH = Path(__file__).parent / "data" / "threat.yaml"
LANGUAGES = ("en", "id")

# Max token distance between topic and trigger (1 = adjacent), same sentence only. GPR pairs its
# terms within a few words; 6 keeps a pair inside one clause ("mengerahkan lebih banyak aset
# militer seperti kapal selam bersenjata nuklir" is 6).
WINDOW = 6
# How far before a pair a negator still negates it ("not a threat of war": 2).
NEGATION_WINDOW = 3
# How far before an act trigger a marker makes it hypothetical ("war could soon break out": 2,
# "the threat of a terrorist attack": 4).
HYPOTHETICAL_WINDOW = 4

# Intensity weight per hit. Judgement, not fitted (the GPR index counts every category alike):
# realised acts count double a threat, nuclear threats and escalation a half more again.
CATEGORY_WEIGHTS = {
    "war_threats": 1.0,
    "peace_threats": 1.0,
    "military_buildups": 1.0,
    "nuclear_threats": 1.5,
    "terror_threats": 1.0,
    "beginning_of_war": 2.0,
    "escalation_of_war": 2.5,
    "terror_acts": 2.0,
}
# Articles up to this many words are not damped; longer ones divide their weighted hits by
# sqrt(words / REFERENCE_WORDS), so hits that grow with length count less. About one news
# article (the seed article has ~330 words).
REFERENCE_WORDS = 300
# intensity = 100 * (1 - exp(-weighted / INTENSITY_SCALE)): one threat ~12, 6 weighted ~53,
# 12 weighted ~78. Set so the seed article (13 threat hits, no acts) scores ~80 and a passing
# mention stays low.
INTENSITY_SCALE = 8.0

_THREAT_KINDS = frozenset(THREAT_CATEGORIES[:5])
_ORDER = {c: i for i, c in enumerate(THREAT_CATEGORIES)}

# What a phrase is, besides a topic or a trigger (bit flags: a word can be several).
_NEGATOR, _NOT_NEGATION, _BREAKER, _HYPOTHETICAL = 1, 2, 4, 8


class _Entry(NamedTuple):
    group: str  # topic group
    note: str  # the idiom's context ("commercial", "history"), "" for a plain topic
    label: str  # the entry as written in threat.yaml


class _Rule(NamedTuple):
    category: str
    triggers: frozenset[str]
    hypothetical: str | None


class _Node:
    """A trie of phrases, one word per level; what ends at this word, per role."""

    __slots__ = (
        "children",
        "topic",
        "trigger_groups",
        "trigger_label",
        "flags",
        "context",
        "patterns",
    )

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.topic: _Entry | None = None
        self.trigger_groups: frozenset[str] = frozenset()
        self.trigger_label = ""
        self.flags = 0
        self.context = ""  # sentence context ("sports")
        self.patterns: tuple[tuple[tuple[str, ...], str], ...] = ()  # (words, context) with ~N/*


@dataclass(frozen=True, slots=True)
class _Lexicon:
    root: dict[str, _Node]  # first word -> node
    rules: dict[str, tuple[_Rule, ...]]  # topic group -> rules
    gaps: dict[str, int]  # trigger group -> max topic distance
    reach: int  # the largest of gaps
    starters: WordTable  # word -> whether it (lower-cased or lemmatised) is a key of root


def _fail(where: str, reason: str) -> ValueError:
    return ValueError(f"{_PATH}: {where}: {reason}")


@cache
def _config() -> dict:
    config = yaml.safe_load(_PATH.read_text(encoding="utf-8"))
    sections = ("topics", "triggers", "rules", "idioms", "contexts", "negators", "not_negation")
    for key in (*sections, "negation_breakers", "hypothetical"):
        if not isinstance(config.get(key), dict | list):
            raise _fail(key, "missing section")
    for group, rules in config["rules"].items():
        if group not in config["topics"]:
            raise _fail(f"rules.{group}", "not a topic group")
        for rule in rules:
            if rule["category"] not in _ORDER:
                raise _fail(f"rules.{group}", f"unknown category {rule['category']!r}")
            if rule.get("hypothetical", "war_threats") not in _THREAT_KINDS:
                raise _fail(f"rules.{group}", f"{rule['hypothetical']!r} is not a threat category")
            for trigger in rule["triggers"]:
                if trigger not in config["triggers"]:
                    raise _fail(f"rules.{group}", f"unknown trigger group {trigger!r}")
    for idiom in config["idioms"]:
        if idiom["group"] not in config["topics"]:
            raise _fail(f"idioms.{idiom['context']}", f"unknown topic group {idiom['group']!r}")
    return config


def _is_pattern(word: str) -> bool:
    return word.startswith("~") or word.endswith("*")


def _words(phrase: object, where: str, patterns: bool = False) -> tuple[str, ...]:
    """The words of one entry; ``patterns`` allows "~N" and "word*" after the first word."""
    if not isinstance(phrase, str):  # YAML reads a bare no/yes/on as a boolean: quote it
        raise _fail(where, f"entry {phrase!r} is not a string")
    words = tuple(phrase.lower().split())
    if (
        not words
        or _is_pattern(words[0])
        or (not patterns and any(_is_pattern(w) for w in words))
        or any(w.startswith("~") and not w[1:].isdigit() for w in words)
    ):
        raise _fail(where, f"bad entry {phrase!r}")
    return words


def _insert(root: dict[str, _Node], words: tuple[str, ...]) -> _Node:
    """The trie node of the last of ``words``, created as needed."""
    node = root.setdefault(words[0], _Node())
    for word in words[1:]:
        node = node.children.setdefault(word, _Node())
    return node


@cache
def _lexicon(language: str) -> _Lexicon:
    config = _config()
    root: dict[str, _Node] = {}

    def phrases(items: dict, where: str, patterns: bool = False):
        for phrase in items.get(language) or ():
            yield phrase, _words(phrase, where, patterns)

    def add_topic(items: dict, where: str, group: str, note: str) -> None:
        for phrase, words in phrases(items, where):
            node = _insert(root, words)
            if node.topic is not None:
                raise _fail(where, f"{phrase!r} is already a topic of {node.topic.group!r}")
            node.topic = _Entry(group, note, phrase)

    for group, items in config["topics"].items():
        add_topic(items, f"topics.{group}", group, "")
    for idiom in config["idioms"]:
        add_topic(idiom, f"idioms.{idiom['context']}", idiom["group"], idiom["context"])
    for group, items in config["triggers"].items():
        for phrase, words in phrases(items, f"triggers.{group}"):
            node = _insert(root, words)
            node.trigger_groups |= {group}
            node.trigger_label = node.trigger_label or phrase
    for key, flag in (
        ("negators", _NEGATOR),
        ("not_negation", _NOT_NEGATION),
        ("negation_breakers", _BREAKER),
        ("hypothetical", _HYPOTHETICAL),
    ):
        for _, words in phrases(config[key], key):
            _insert(root, words).flags |= flag
    for context, items in config["contexts"].items():
        for _, words in phrases(items, f"contexts.{context}", patterns=True):
            if any(_is_pattern(w) for w in words):
                first = _insert(root, words[:1])
                first.patterns += ((words, context),)
            else:
                _insert(root, words).context = context
    rules = {
        group: tuple(
            _Rule(r["category"], frozenset(r["triggers"]), r.get("hypothetical")) for r in rs
        )
        for group, rs in config["rules"].items()
    }
    gaps = {g: int(items.get("max_gap", WINDOW)) for g, items in config["triggers"].items()}
    return _Lexicon(
        root=root,
        rules=rules,
        gaps=gaps,
        reach=max(gaps.values()),
        starters=WordTable(partial(_starts_phrase, root=root, language=language)),
    )


class _Trigger(NamedTuple):
    first: int  # token index
    end: int  # token index after the last word
    groups: frozenset[str]  # a word can trigger several groups ("launch": begin and attack)
    label: str


class _Scan(NamedTuple):
    topics: list[tuple[int, int, _Entry]]  # (first token, end token, entry)
    triggers: dict[int, list[_Trigger]]  # by sentence
    negators: list[int]
    protected: set[int]  # tokens that look like negators but are not ("tidak dapat dihindari")
    breakers: list[int]
    hypothetical: list[int]
    contexts: dict[int, str]  # sentence -> first context found in it


def _match(
    words: tuple[str, ...], w: int, j: int, lemmas: list[str], lowers: list[str], sents: list[int]
) -> int:
    """End token of ``words[w:]`` matched from token ``j`` in sentence ``sents[j - 1]``, or -1."""
    if w == len(words):
        return j
    word = words[w]
    if word[0] == "~":
        for skip in range(int(word[1:]) + 1):
            if j + skip - 1 < len(sents) and sents[j + skip - 1] != sents[j - 1]:
                return -1
            end = _match(words, w + 1, j + skip, lemmas, lowers, sents)
            if end >= 0:
                return end
        return -1
    if j >= len(lemmas) or sents[j] != sents[j - 1]:
        return -1
    if word[-1] == "*":
        ok = lowers[j].startswith(word[:-1])
    else:
        ok = word == lemmas[j] or word == lowers[j]
    return _match(words, w + 1, j + 1, lemmas, lowers, sents) if ok else -1


def _starts_phrase(word: str, root: dict[str, _Node], language: str) -> bool:
    """Whether ``word`` (lower-cased or lemmatised) is the first word of a threat.yaml entry."""
    return word.lower() in root or word_lemma(word, language) in root


def _scan(tokens: tuple[Token, ...], language: str) -> _Scan:
    """Every topic, trigger, negator... in one pass; longest phrase first, topics and triggers
    each without overlaps."""
    lex = _lexicon(language)
    root = lex.root
    texts, lowers, lemmas, sents = columns(tokens)
    n = len(lemmas)
    scan = _Scan([], defaultdict(list), [], set(), [], [], {})
    topic_until = trigger_until = 0
    # Most words start no phrase: find the few that do at C speed, then walk the trie from each.
    starts = compress(count(), map(lex.starters.__getitem__, texts))
    for i in starts:
        lemma, lower = lemmas[i], lowers[i]
        by_lemma = root.get(lemma)
        by_lower = root.get(lower) if lower != lemma else None
        if by_lemma is None:
            if by_lower is None:
                continue
            stack = [(by_lower, i + 1)]
        else:
            stack = (
                [(by_lemma, i + 1)] if by_lower is None else [(by_lemma, i + 1), (by_lower, i + 1)]
            )
        sentence = sents[i]
        topic: _Entry | None = None
        topic_end = trigger_end = protect_end = flags = 0
        groups: frozenset[str] = frozenset()
        label = ""
        while stack:
            node, end = stack.pop()
            if node.topic is not None and end > topic_end:
                topic, topic_end = node.topic, end
            if node.trigger_groups:
                if end > trigger_end:
                    trigger_end, groups, label = end, node.trigger_groups, node.trigger_label
                elif end == trigger_end:
                    groups |= node.trigger_groups
            if node.flags:
                flags |= node.flags
                if node.flags & _NOT_NEGATION:
                    protect_end = max(protect_end, end)
            if node.context:
                scan.contexts.setdefault(sentence, node.context)
            for words, context in node.patterns:
                if _match(words, 1, i + 1, lemmas, lowers, sents) >= 0:
                    scan.contexts.setdefault(sentence, context)
            if node.children and end < n and sents[end] == sentence:
                child = node.children.get(lemmas[end])
                if child is not None:
                    stack.append((child, end + 1))
                if lowers[end] != lemmas[end]:
                    child = node.children.get(lowers[end])
                    if child is not None:
                        stack.append((child, end + 1))
        if topic is not None and i >= topic_until:
            scan.topics.append((i, topic_end, topic))
            topic_until = topic_end
        if groups and i >= trigger_until:
            scan.triggers[sentence].append(_Trigger(i, trigger_end, groups, label))
            scan.protected.update(range(i, trigger_end))
            trigger_until = trigger_end
        if protect_end:
            scan.protected.update(range(i, protect_end))
        if flags & _NEGATOR:
            scan.negators.append(i)
        if flags & _BREAKER:
            scan.breakers.append(i)
        if flags & _HYPOTHETICAL:
            scan.hypothetical.append(i)
    # A trigger word inside a longer topic is part of its name: "bom" in "bom nuklir", "strike"
    # in "air strike".
    inside = {k: te for ts, te, _ in scan.topics if te - ts > 1 for k in range(ts, te)}
    for triggers in scan.triggers.values():
        triggers[:] = [g for g in triggers if inside.get(g.first, -1) < g.end]
    return scan


def _negated(scan: _Scan, lo: int, hi: int, sentence: int, sents: list[int]) -> bool:
    """A negator shortly before or inside token range [lo, hi), not undone by a breaker."""
    for k in scan.negators:
        if (
            lo - NEGATION_WINDOW <= k < hi
            and sents[k] == sentence
            and k not in scan.protected
            and not any(k < b < hi for b in scan.breakers)
        ):
            return True
    return False


class _Pair(NamedTuple):
    topic: tuple[int, int, _Entry]
    sentence: int
    rule: _Rule
    trigger: _Trigger
    distance: int


def _pairs(scan: _Scan, lex: _Lexicon, sents: list[int]) -> list[_Pair]:
    """Per topic and rule, the nearest trigger in reach (same sentence, within the window)."""
    pairs = []
    group_at = {ts: entry.group for ts, _, entry in scan.topics}
    for topic in scan.topics:
        ts, te, entry = topic
        rules = lex.rules.get(entry.group)
        if not rules:
            continue
        sentence = sents[ts]
        near: list[tuple[int, _Trigger]] = []
        for trigger in scan.triggers.get(sentence, ()):
            if trigger.end <= ts:
                distance = ts - trigger.end + 1
            elif trigger.first >= te:
                distance = trigger.first - te + 1
            else:
                continue  # overlapping words
            # "serangan itu balasan atas serangan": an attack is not the act word of another one
            if distance <= lex.reach and group_at.get(trigger.first) != entry.group:
                near.append((distance, trigger))
        near.sort(key=itemgetter(0))  # nearest first, the earlier one on ties
        for rule in rules:
            for distance, trigger in near:
                groups = trigger.groups & rule.triggers
                if groups and distance <= max(lex.gaps[g] for g in groups):
                    pairs.append(_Pair(topic, sentence, rule, trigger, distance))
                    break
    return pairs


def _span(text: str, tokens: tuple[Token, ...], first: int, end: int, label: str, w: float) -> Span:
    start, stop = tokens[first].start, tokens[end - 1].end
    return Span(start, stop, text[start:stop], label, w)


def _intensity(hits: list[ThreatHit], word_count: int) -> float:
    if not hits:
        return 0.0
    weighted = sum(CATEGORY_WEIGHTS[h.category] for h in hits)
    weighted /= math.sqrt(max(word_count, REFERENCE_WORDS) / REFERENCE_WORDS)
    return 100.0 * (1.0 - math.exp(-weighted / INTENSITY_SCALE))


def score_threat(
    text: str, tokens: tuple[Token, ...], sentences: tuple[Sentence, ...], language: str
) -> ThreatResult:
    """Threat hits per GPR category in ``text`` (en/id); other languages get no hits.

    ``sentences`` is part of the analyzer interface; the sentence of each word comes with its token.
    """
    counts = dict.fromkeys(THREAT_CATEGORIES, 0)
    if language not in LANGUAGES or not tokens:
        return ThreatResult(hits=(), counts=counts, intensity=0.0)
    lex = _lexicon(language)
    sents = columns(tokens).sentences
    scan = _scan(tokens, language)
    pairs = _pairs(scan, lex, sents)
    # An act word that is an acting topic itself ("fighting intensified") is no act word for a
    # topic further away: in "Russian forces advanced as fighting intensified" the act is the
    # fighting's. Right next to it, it is ("serangan teroris": a terror attack).
    acting = {p.topic[0] for p in pairs if p.rule.category not in _THREAT_KINDS}
    pairs = [p for p in pairs if p.distance == 1 or p.trigger.first not in acting]
    # An act word belongs to the nearest topic it can act on: in "the war escalated as Israel
    # launched airstrikes", "launched" goes with "airstrikes", not with "war".
    act_reach: dict[int, int] = {}
    for _, _, rule, trigger, distance in pairs:
        if rule.category not in _THREAT_KINDS:
            act_reach[trigger.first] = min(distance, act_reach.get(trigger.first, distance))
    # A topic word that is the act word of an adjacent topic is part of that act: "terrorist
    # attack" is one terror act, not also an attack of its own.
    consumed = {t for t, reach in act_reach.items() if reach == 1}
    hits: list[ThreatHit] = []
    excluded: list[Span] = []
    seen: set[tuple[int, str]] = set()
    for (ts, te, topic), sentence, rule, trigger, distance in pairs:
        if ts in consumed:
            continue
        category = rule.category
        if category not in _THREAT_KINDS:
            if distance > act_reach[trigger.first]:
                continue
            gs = trigger.first
            if rule.hypothetical and any(
                gs - HYPOTHETICAL_WINDOW <= h < gs and sents[h] == sentence
                for h in scan.hypothetical
            ):
                category = rule.hypothetical
        if (ts, category) in seen:
            continue
        seen.add((ts, category))
        lo, hi = min(ts, trigger.first), max(te, trigger.end)
        note = topic.note or scan.contexts.get(sentence, "")
        if note:
            note = f"excluded: {note}"
        elif _negated(scan, lo, hi, sentence, sents):
            note = "negated"
        if note:
            start, end = tokens[lo].start, tokens[hi - 1].end
            excluded.append(Span(start, end, text[start:end], category, 0.0, note))
            continue
        weight = CATEGORY_WEIGHTS[category]
        topic_span = _span(text, tokens, ts, te, topic.label, weight)
        trigger_span = _span(text, tokens, trigger.first, trigger.end, trigger.label, weight)
        kind = "threat" if category in _THREAT_KINDS else "act"
        hits.append(ThreatHit(category, kind, topic_span, trigger_span, sentence))
    hits.sort(key=lambda h: (h.topic.start, h.trigger.start, _ORDER[h.category]))
    for hit in hits:
        counts[hit.category] += 1
    return ThreatResult(
        hits=tuple(hits),
        counts=counts,
        intensity=_intensity(hits, len(tokens)),
        excluded=tuple(sorted(excluded, key=lambda s: (s.start, s.end, s.label))),
    )
