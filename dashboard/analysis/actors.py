"""Actors (countries, people, organisations, media) named in a text, from a YAML gazetteer.

Countries come from the CLDR names in babel (English and Indonesian); ``data/actors.yaml`` adds
ids, aliases, people, organisations and media, and the file named by ``TENSION_ACTORS`` is merged
over it. Matching runs one Aho-Corasick automaton, built once, over a folded copy of the text
(lower case, no accents, punctuation as spaces; same length, so offsets carry over) with every
name between spaces, so only whole words match; case-sensitive names ("AS", "US", "Chad") are then
checked against the original spelling. The longest match wins and matches never overlap.
"""

from __future__ import annotations

import os
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
import yaml
from babel import Locale

from .types import ACTOR_TYPES, ActorMention, Sentence

_DATA = Path(__file__).parent / "data"
BUILTIN_FILE = _DATA / "actors.yaml"
ENV_VAR = "TENSION_ACTORS"

# CLDR region codes that are not countries or territories (unions, aggregates, pseudo-locales).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AQ"})
_BABEL_LOCALES = ("en", "id")
# All-capital short forms up to this many letters are case-sensitive ("AS", "US", "WHO"), as the
# brief asks: in lower case most of them are ordinary words.
_SHORT_FORM_LETTERS = 3
_ID = re.compile(r"[a-z0-9_]+")
_TYPE_ORDER = {t: i for i, t in enumerate(("country", "organisation", "person", "media"))}
# Priorities of name sources: a later source takes a name over from an earlier one.
_BABEL, _BUILTIN, _EXTRA = 0, 1, 2
# libyaml's safe loader when PyYAML was built with it (10x faster), else the pure-Python one
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    type: str
    country: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    actors: dict[str, Actor]
    _automaton: Any = field(repr=False, compare=False)  # ahocorasick.Automaton, see _automaton()
    _index: tuple[tuple[Actor, tuple[str, ...]], ...] = field(repr=False, compare=False)

    def search(self, query: str) -> list[Actor]:
        """Actors whose name or an alias contains ``query`` (any case/accents), best first."""
        q = _normalise(query)
        if not q:
            return []
        ranked = []
        for actor, names in self._index:
            rank = min(_search_rank(q, n) for n in names)
            if rank < 4:
                ranked.append((rank, _TYPE_ORDER[actor.type], actor.name, actor))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked]


def _search_rank(q: str, name: str) -> int:
    """0 exact, 1 prefix, 2 prefix of a later word, 3 substring, 4 no match."""
    if name == q:
        return 0
    if name.startswith(q):
        return 1
    if f" {q}" in name:
        return 2
    return 3 if q in name else 4


# --- folding: same length as the input, so folded offsets are text offsets -----------------

# Characters below this code point that are not letters or digits fold to a space (word breaks).
# 0x3000 covers Latin, Greek, Cyrillic, Arabic and the general punctuation block.
_FOLD_RANGE = 0x3000
_NON_WORD = re.compile(r"[^\w ]|_")


@cache
def _fold_table() -> dict[int, str]:
    table = {cp: " " for cp in range(_FOLD_RANGE) if not chr(cp).isalnum()}
    table.update({ord("ı"): "i", ord("ø"): "o", ord("đ"): "d", ord("ł"): "l", ord("ħ"): "h"})
    for cp in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(cp))
        if len(base) > 1 and base[0].isascii() and base[0].isalpha():
            table.setdefault(cp, base[0].lower())
    return table


def _fold(text: str) -> str:
    """Lower-case, accents off, every other character than a letter or digit a space."""
    low = text.lower()
    if len(low) != len(text):  # a few letters lower-case to two characters ("İ")
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    folded = low.translate(_fold_table())
    if not folded.isascii():  # symbols beyond the table (emoji, CJK punctuation) break words too
        folded = _NON_WORD.sub(" ", folded)
    return folded


def _key(name: str) -> str:
    """The automaton key of a name: folded, between spaces, so only whole words match."""
    return f" {_fold(name.strip())} "


def _normalise(name: str) -> str:
    """The folded form of a name or search query, single-spaced."""
    return " ".join(_fold(name).split())


def _is_short_form(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= _SHORT_FORM_LETTERS and all(c.isupper() for c in letters)


# --- reading the gazetteer -------------------------------------------------------------------


@dataclass
class _Entry:
    id: str
    name: str | None = None
    type: str | None = None
    country: str | None = None
    names: list[tuple[str, int]] = field(default_factory=list)  # (name, source priority)
    exact: list[tuple[str, int]] = field(default_factory=list)
    source: str = "CLDR (babel)"  # the last file that defined or changed the entry


def _read_file(path: Path) -> dict:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read actor gazetteer: {exc}") from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a mapping with 'actors', 'ignore', 'ignore_templates'")
    unknown = set(doc) - {"actors", "ignore", "ignore_templates"}
    if unknown:
        raise ValueError(f"{path}: unknown top-level keys {sorted(unknown)}")
    for key in ("actors", "ignore", "ignore_templates"):
        if not isinstance(doc.get(key, []), list):
            raise ValueError(f"{path}: '{key}' must be a list")
    for i, template in enumerate(doc.get("ignore_templates", [])):
        if not isinstance(template, str) or template.count("{}") != 1:
            raise ValueError(f"{path}: ignore_templates #{i + 1} must contain '{{}}' once")
    return doc


def _strings(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: '{key}' must be a list of non-empty names")
    return [v.strip() for v in value]


def _region_ids(docs: list[tuple[Path, dict]]) -> dict[str, str]:
    """Region code -> actor id, for countries whose id is given in a file."""
    ids: dict[str, str] = {}
    for path, doc in docs:
        for raw in doc.get("actors", []):
            if isinstance(raw, dict) and "region" in raw:
                code, actor_id = str(raw["region"]).upper(), raw.get("id")
                if code in ids and ids[code] != actor_id:
                    raise ValueError(f"{path}: region {code} given to {ids[code]} and {actor_id}")
                ids[code] = actor_id
    return ids


@cache
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale(locale).territories)


def _babel_names(code: str, locale: str) -> list[str]:
    """Usable names of one CLDR region in one locale: "Myanmar (Burma)" -> Myanmar, Burma."""
    name = _territories(locale).get(code)
    if not name:
        return []
    name = re.sub(r"\s+(SAR|DAK)\b.*$", "", name)  # "Hong Kong SAR China" -> "Hong Kong"
    names = [name]
    paren = re.fullmatch(r"(.+?)\s*\((.+)\)(.*)", name)
    if paren:
        head, inner, tail = paren.groups()
        names = [f"{head}{tail}".strip()] + ([inner] if not tail else [])
    conjunction = "and" if locale == "en" else "dan"
    for n in list(names):
        variants = [
            n.replace("&", conjunction),
            n.replace("St. ", "Saint "),
            n.replace("Kep. ", "Kepulauan "),
        ]
        names += [v for v in variants if v != n]
    return names


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower().replace(".", "")).strip("_")


def _babel_entries(region_ids: dict[str, str]) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for code in _territories("en"):
        if code.isdigit() or code in _NOT_COUNTRIES:
            continue
        en = _babel_names(code, "en")
        entry = _Entry(region_ids.get(code) or _slug(en[0]), name=en[0], type="country")
        entry.names = [(n, _BABEL) for loc in _BABEL_LOCALES for n in _babel_names(code, loc)]
        entries[entry.id] = entry
    return entries


def _merge(entries: dict[str, _Entry], path: Path, doc: dict, priority: int) -> None:
    for i, raw in enumerate(doc.get("actors", []), start=1):
        where = f"{path}: actor #{i}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: expected a mapping with at least 'id'")
        unknown = set(raw) - {"id", "name", "type", "country", "region", "aliases", "exact"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        actor_id = raw.get("id")
        if not isinstance(actor_id, str) or not _ID.fullmatch(actor_id):
            raise ValueError(f"{where}: 'id' must be a slug of a-z, 0-9 and _ (got {actor_id!r})")
        where = f"{path}: actor {actor_id}"
        entry = entries.setdefault(actor_id, _Entry(actor_id))
        entry.source = str(path)
        for key in ("name", "type", "country"):
            if raw.get(key) is not None:
                if not isinstance(raw[key], str) or not raw[key].strip():
                    raise ValueError(f"{where}: '{key}' must be a non-empty string")
                setattr(entry, key, raw[key].strip())
        if entry.type is None and "region" in raw:
            entry.type = "country"
        entry.names += [(n, priority) for n in _strings(raw.get("aliases"), where, "aliases")]
        entry.exact += [(n, priority) for n in _strings(raw.get("exact"), where, "exact")]
        if raw.get("name"):
            entry.names.append((entry.name, priority))


def _source(priority: int, paths: dict[int, Path]) -> str:
    return str(paths[priority]) if priority in paths else "CLDR (babel)"


def _claim(owners: dict, key: str, raw: str, actor_id: str, priority: int, paths: dict) -> None:
    """Give ``key`` to ``actor_id`` unless a later source already gave it to another actor."""
    held = owners.get(key)
    if held is None or held[1] < priority:
        owners[key] = (actor_id, priority, raw)
    elif held[1] == priority and held[0] != actor_id:
        raise ValueError(
            f"{_source(priority, paths)}: the name {raw!r} is given to both {held[0]} and "
            f"{actor_id}; keep it on one actor (or add it to 'ignore')"
        )


@cache
def load_gazetteer() -> Gazetteer:
    """The built-in gazetteer merged with the file named by ``TENSION_ACTORS`` (if set)."""
    docs = [(BUILTIN_FILE, _read_file(BUILTIN_FILE))]
    paths = {_BUILTIN: BUILTIN_FILE}
    extra = os.environ.get(ENV_VAR)
    if extra:
        extra_path = Path(extra)
        if not extra_path.is_file():
            raise ValueError(f"{ENV_VAR}={extra}: no such actor gazetteer file")
        docs.append((extra_path, _read_file(extra_path)))
        paths[_EXTRA] = extra_path
    entries = _babel_entries(_region_ids(docs))
    for (path, doc), priority in zip(docs, (_BUILTIN, _EXTRA), strict=False):
        _merge(entries, path, doc, priority)
    for entry in entries.values():
        where = f"{entry.source}: actor {entry.id}"
        if not entry.name or entry.type not in ACTOR_TYPES:
            raise ValueError(f"{where}: needs a 'name' and a 'type' in {ACTOR_TYPES}")
        if entry.country is not None and entry.country not in entries:
            raise ValueError(f"{where}: 'country' {entry.country!r} is not an actor id")
    return _build(entries, docs, paths)


def _build(entries: dict[str, _Entry], docs: list[tuple[Path, dict]], paths: dict) -> Gazetteer:
    folded: dict[str, tuple] = {}  # folded name -> (actor id, priority, raw name)
    cased: dict[str, tuple] = {}  # exact name -> (actor id, priority, raw name)
    for entry in entries.values():
        exact = [(n, p) for n, p in entry.exact]
        exact += [(n.upper(), p) for n, p in entry.exact if not _is_short_form(n.upper())]
        exact += [(n, p) for n, p in entry.names if _is_short_form(n)]
        exact_keys = {_key(n) for n, _ in entry.exact}
        for name, priority in exact:
            _claim(cased, name, name, entry.id, priority, paths)
        for name, priority in entry.names:
            key = _key(name)
            if key.strip() and not _is_short_form(name) and key not in exact_keys:
                _claim(folded, key, name, entry.id, priority, paths)

    # ignored phrase -> priority of its file; it removes names from earlier files only
    ignored: dict[str, int] = {}
    countries = [raw for actor_id, _, raw in [*folded.values(), *cased.values()]
                 if entries[actor_id].type == "country"]  # fmt: skip
    for (_, doc), priority in zip(docs, (_BUILTIN, _EXTRA), strict=False):
        phrases = [*doc.get("ignore", [])]
        phrases += [
            t.replace("{}", raw) for t in doc.get("ignore_templates", []) for raw in countries
        ]
        ignored.update((_key(p), priority) for p in phrases)
    folded = {k: v for k, v in folded.items() if ignored.get(k, -1) <= v[1]}
    cased = {k: v for k, v in cased.items() if ignored.get(_key(k), -1) <= v[1]}

    aliases: dict[str, list[str]] = {actor_id: [] for actor_id in entries}
    for owner in (folded, cased):
        for actor_id, _, raw in owner.values():
            if raw != entries[actor_id].name and raw not in aliases[actor_id]:
                aliases[actor_id].append(raw)
    actors = {
        e.id: Actor(e.id, e.name, e.type, e.country, tuple(aliases[e.id]))
        for e in sorted(entries.values(), key=lambda e: e.id)
    }
    index = tuple(
        (a, tuple(dict.fromkeys(_normalise(n) for n in (a.name, *a.aliases))))
        for a in actors.values()
    )
    any_case = dict.fromkeys(ignored.keys() - folded.keys())
    any_case.update({k: v[0] for k, v in folded.items()})
    return Gazetteer(
        actors=actors,
        _automaton=_automaton(any_case, {k: v[0] for k, v in cased.items()}),
        _index=index,
    )


def _automaton(any_case: dict[str, str | None], cased: dict[str, str]) -> Any:
    """One automaton over folded text: key -> (name length, actor id for any spelling - None for
    an ignored phrase, "" for none -, {exact spelling: (actor id, is a short form)} or None)."""
    by_case: dict[str, dict[str, tuple[str, bool]]] = {}
    for raw, actor_id in cased.items():
        by_case.setdefault(_key(raw), {})[raw] = (actor_id, _is_short_form(raw))
    automaton = ahocorasick.Automaton()
    for key in any_case.keys() | by_case.keys():
        automaton.add_word(key, (len(key) - 2, any_case.get(key, ""), by_case.get(key)))
    automaton.make_automaton()
    return automaton


# --- matching --------------------------------------------------------------------------------


def _is_shouting(text: str, sentence: Sentence | None, start: int, end: int) -> bool:
    """The rest of the sentence is all capitals (a headline), so "AS"/"US" may be a plain word."""
    if sentence is None:
        return False
    rest = text[sentence.start : start] + text[end : sentence.end]
    return rest.upper() == rest and rest.lower() != rest


def find_actors(text: str, sentences: tuple[Sentence, ...]) -> tuple[ActorMention, ...]:
    """Every actor and media mention in ``text``, in text order, never overlapping."""
    gazetteer = load_gazetteer()
    n = len(text)
    candidates = []
    # a key " name " (name length k) ending at ``last`` of the padded text is text[last-k-1:last-1]
    for last, (length, any_case, by_case) in gazetteer._automaton.iter(f" {_fold(text)} "):
        start, end = last - length - 1, last - 1
        exact = by_case and by_case.get(text[start:end])
        if exact:
            actor_id, short_form = exact
            if short_form and end < n and text[end] == "$":
                continue  # "US$ 5 juta" is money
            candidates.append((start - end, start, end, actor_id, short_form))
        elif any_case != "":
            candidates.append((start - end, start, end, any_case, False))
    candidates.sort()  # longest first, then leftmost (a span has only one key: no ties)
    used = bytearray(n)
    starts = [s.start for s in sentences]
    chosen = []
    for _, start, end, actor_id, short_form in candidates:
        if used.find(1, start, end) != -1:
            continue
        used[start:end] = b"\x01" * (end - start)
        if actor_id is None:
            continue  # an ignored phrase: it only hides the names inside it
        i = bisect_right(starts, start) - 1
        sentence = sentences[i] if i >= 0 else None
        if not (short_form and _is_shouting(text, sentence, start, end)):
            chosen.append((start, end, actor_id, sentence.index if sentence else 0))
    chosen.sort()
    mentions = []
    for start, end, actor_id, sentence in chosen:
        a = gazetteer.actors[actor_id]
        mentions.append(
            ActorMention(a.id, a.name, a.type, a.country, start, end, text[start:end], sentence)
        )
    return tuple(mentions)
