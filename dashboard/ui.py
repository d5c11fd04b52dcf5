"""The Streamlit app's helpers: filters <-> URL, cached store and queries, highlighting, "why".

The pure functions at the top are what tests/test_ui.py checks; the Streamlit-bound wrappers (the
only caching in the project) follow. Pages call these and stay free of logic.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.analysis import analyze
from dashboard.analysis.types import ACTOR_TYPES, THREAT_CATEGORIES, Analysis
from dashboard.ingest import pipeline
from dashboard.store import queries
from dashboard.store.db import Store, default_db_path
from dashboard.store.queries import Filters

# Results are cleared after every ingest from the app; 5 minutes bounds staleness after CLI ingests.
QUERY_TTL_SECONDS = 300
# Cached query results kept: the 11 queries for a few dozen filter combinations (a few MB).
QUERY_CACHE_ENTRIES = 512

# Actor types a user filters by: media are reported-by sources, not actors (schema.py).
FILTER_ACTOR_TYPES = tuple(t for t in ACTOR_TYPES if t != "media")

# URL query parameter for each Filters field; list fields repeat the parameter (?actor=a&actor=b).
_PARAMS = {
    "actors": "actor",
    "start": "from",
    "end": "to",
    "languages": "lang",
    "sources": "source",
    "categories": "threat",
    "actor_types": "type",
    "rollup": "rollup",
}
ARTICLE_PARAM = "article"  # the article open on the Articles page

# What the user would relax, per Filters field (start and end are one "date range").
_FILTER_NAMES = {
    "actors": "the actor selection",
    "start": "the date range",
    "end": "the date range",
    "languages": "the language filter",
    "sources": "the source filter",
    "categories": "the threat category filter",
    "actor_types": "the actor type filter",
    "rollup": "the roll-up toggle",
}


# --------------------------------------------------------------------------- filters <-> URL


def filters_to_params(f: Filters) -> dict[str, list[str]]:
    """Query parameters for ``f``; fields at their default are left out to keep the URL short."""
    out: dict[str, list[str]] = {}
    for field in fields(Filters):
        value = getattr(f, field.name)
        if value == field.default:
            continue
        key = _PARAMS[field.name]
        if isinstance(value, tuple):
            out[key] = list(value)
        elif isinstance(value, date):
            out[key] = [value.isoformat()]
        elif isinstance(value, bool):
            out[key] = ["1"]
    return out


def filters_from_params(params: Mapping[str, Sequence[str]]) -> Filters:
    """Filters from query parameters; values that cannot be valid (bad dates, unknown categories or
    actor types) are dropped rather than failing the page a shared link opens."""

    def values(name: str) -> tuple[str, ...]:
        raw = params.get(_PARAMS[name], ())
        raw = [raw] if isinstance(raw, str) else raw
        return tuple(dict.fromkeys(v.strip() for v in raw if v and v.strip()))

    def day(name: str) -> date | None:
        for v in reversed(values(name)):
            try:
                return date.fromisoformat(v)
            except ValueError:
                continue
        return None

    start, end = day("start"), day("end")
    if start and end and start > end:
        start, end = end, start
    return Filters(
        actors=values("actors"),
        start=start,
        end=end,
        languages=values("languages"),
        sources=values("sources"),
        categories=tuple(c for c in values("categories") if c in THREAT_CATEGORIES),
        actor_types=tuple(t for t in values("actor_types") if t in FILTER_ACTOR_TYPES),
        rollup=values("rollup")[-1:] in (("1",), ("true",)),
    )


def build_filters(
    *,
    actors: Iterable[str],
    dates: Sequence[date],
    bounds: tuple[date | None, date | None],
    languages: Iterable[str] = (),
    sources: Iterable[str] = (),
    categories: Iterable[str] = (),
    actor_types: Iterable[str] = (),
    rollup: bool = False,
    country_of: Mapping[str, str | None] | None = None,
) -> Filters:
    """Filters from the sidebar widgets' values.

    ``dates`` is the date input's value (one date while the user is still picking the second);
    a bound equal to the data's own first/last day means "open" (so new articles stay in view).
    With ``rollup`` a selected person/agency stands for its country (``country_of``).
    """
    start = dates[0] if len(dates) > 0 else None
    end = dates[1] if len(dates) > 1 else None
    if start is not None and start == bounds[0]:
        start = None
    if end is not None and end == bounds[1]:
        end = None
    ids = tuple(actors)
    if rollup and country_of:
        ids = tuple(country_of.get(a) or a for a in ids)
    return Filters(
        actors=tuple(dict.fromkeys(ids)),
        start=start,
        end=end,
        languages=tuple(languages),
        sources=tuple(sources),
        categories=tuple(categories),
        actor_types=tuple(actor_types),
        rollup=rollup,
    )


def active_filters(f: Filters) -> list[str]:
    """Names of the filters that narrow the view, in sidebar order, without repeats."""
    names = [_FILTER_NAMES[x.name] for x in fields(Filters) if getattr(f, x.name) != x.default]
    return [n for n in dict.fromkeys(names) if n != _FILTER_NAMES["rollup"]]


def filters_to_relax(f: Filters, count: Callable[[Filters], int]) -> list[str]:
    """The filters that, each cleared on its own, would bring back articles (``count`` = how many
    articles a Filters matches)."""
    defaults = {x.name: x.default for x in fields(Filters)}
    groups = {"actors": ("actors",), "start": ("start", "end")}
    groups |= {n: (n,) for n in ("languages", "sources", "categories", "actor_types")}
    out = []
    for first, names in groups.items():
        if all(getattr(f, n) == defaults[n] for n in names):
            continue
        if count(replace(f, **{n: defaults[n] for n in names})) > 0:
            out.append(_FILTER_NAMES[first])
    return out


def actor_label(name: str, type_: str, aliases: Iterable[str] | None, articles: int) -> str:
    """The actor option's label: name, type, article count, then every other name it goes by (and
    its plain-ASCII spelling), so typing any alias in any language ("Korut", "Pyongyang", "Cote")
    finds it."""
    names = [
        name,
        *(aliases if isinstance(aliases, Iterable) and not isinstance(aliases, str) else ()),
    ]
    seen = {name.casefold()}
    others = []
    for alias in (x for n in names if n for x in (n, _ascii(n))):
        if alias.casefold() not in seen:
            seen.add(alias.casefold())
            others.append(alias)
    label = f"{name} ({type_}, {articles} articles)"
    return f"{label} · {', '.join(others)}" if others else label


def _ascii(s: str) -> str:
    """Accents and typographic apostrophes dropped: "Côte d’Ivoire" -> "Cote d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", s.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def actor_ids_from_selection(selection: Any) -> list[str]:
    """Actor ids (customdata) of the points a user clicked in a Plotly chart's selection state."""
    try:
        points = selection["selection"]["points"]
    except (KeyError, TypeError):
        return []
    ids = []
    for point in points or ():
        data = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if isinstance(data, str) and data:
            ids.append(data)
    return list(dict.fromkeys(ids))


def format_tone(tone: float | None) -> str:
    """A tone for people: signed with two decimals; a language we cannot score says so."""
    return "unscored" if tone is None or pd.isna(tone) else f"{tone:+.2f}"


def format_category(category: str) -> str:
    return category.replace("_", " ")


# --------------------------------------------------------------------------- highlighting

HIGHLIGHT_KINDS = ("actor", "media", "threat", "negative", "positive", "excluded")

# Translucent backgrounds and underlines over the theme's own text colour: readable on light and
# dark backgrounds alike (no fixed text colour that could vanish).
HIGHLIGHT_CSS = """
<style>
.tension-article { white-space: pre-wrap; line-height: 1.7; }
.tension-article mark { color: inherit; background: transparent; border-radius: 3px;
  padding: 0 1px; }
mark.hl-negative { background: rgba(220, 38, 38, 0.30); }
mark.hl-positive { background: rgba(37, 99, 235, 0.30); }
mark.hl-threat { box-shadow: inset 0 -0.5em 0 rgba(234, 88, 12, 0.50); }
mark.hl-actor { border-bottom: 2px solid rgba(22, 163, 74, 0.95); font-weight: 600; }
mark.hl-media { border-bottom: 2px dotted rgba(128, 128, 128, 0.95); }
mark.hl-excluded { text-decoration: line-through rgba(128, 128, 128, 0.95); }
</style>
"""

HIGHLIGHT_LEGEND = (
    '<span class="tension-article"><mark class="hl-actor">actor</mark> '
    '<mark class="hl-negative">negative word</mark> '
    '<mark class="hl-positive">positive word</mark> '
    '<mark class="hl-threat">threat phrase</mark> '
    '<mark class="hl-media">news agency</mark> '
    '<mark class="hl-excluded">not counted (excluded context)</mark></span>'
)


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted piece of the article: ``text[start:end]``, its kind and a tooltip."""

    start: int
    end: int
    kind: str  # one of HIGHLIGHT_KINDS
    note: str = ""


def marks_from_analysis(a: Analysis) -> list[Mark]:
    """Every span that explains a number: actors, media, tone words, threat phrases, exclusions."""
    marks = [Mark(m.start, m.end, "actor", f"{m.name} ({m.type})") for m in a.mentions]
    marks += [Mark(m.start, m.end, "media", f"{m.name} (news agency)") for m in a.media]
    for s in a.tone.spans:
        if s.weight:
            kind = "negative" if s.weight < 0 else "positive"
            note = f"{s.label} {s.weight:+.2f}" + (f" ({s.note})" if s.note else "")
            marks.append(Mark(s.start, s.end, kind, note))
    for hit in a.threat.hits:
        note = f"{format_category(hit.category)} ({hit.kind})"
        marks += [Mark(sp.start, sp.end, "threat", note) for sp in (hit.topic, hit.trigger)]
    marks += [Mark(s.start, s.end, "excluded", s.note or "excluded") for s in a.threat.excluded]
    return marks


def highlight_html(text: str, marks: Iterable[Mark]) -> str:
    """``text`` as escaped HTML with each marked piece wrapped in ``<mark class="hl-KIND">``.

    Overlapping marks are cut at every boundary, so each piece carries all the kinds covering it
    (``hl-actor hl-negative``) and tags always nest correctly; adjacent marks stay separate.
    Marks outside the text or empty are ignored.
    """
    order = {k: i for i, k in enumerate(HIGHLIGHT_KINDS)}
    valid = [
        m
        for m in marks
        if m.kind in order and 0 <= m.start < m.end <= len(text) and text[m.start : m.end]
    ]
    cuts = sorted({0, len(text), *(m.start for m in valid), *(m.end for m in valid)})
    parts = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[lo:hi])
        covering = sorted(
            (m for m in valid if m.start <= lo and hi <= m.end), key=lambda m: order[m.kind]
        )
        if not covering:
            parts.append(piece)
            continue
        kinds = " ".join(dict.fromkeys(f"hl-{m.kind}" for m in covering))
        notes = "; ".join(dict.fromkeys(m.note for m in covering if m.note))
        title = f' title="{html.escape(notes, quote=True)}"' if notes else ""
        parts.append(f'<mark class="{kinds}"{title}>{piece}</mark>')
    return '<div class="tension-article">' + "".join(parts) + "</div>"


# --------------------------------------------------------------------------- why this score


@dataclass(frozen=True, slots=True)
class WordWeight:
    word: str
    weight: float  # summed signed weight of every occurrence
    count: int


@dataclass(frozen=True, slots=True)
class ThreatLine:
    category: str
    kind: str
    phrase: str  # topic ... trigger, as written


@dataclass(frozen=True, slots=True)
class Explanation:
    language: str
    scored: bool
    tone: str  # format_tone(): "unscored" when the language is not scored
    negative: tuple[WordWeight, ...]
    positive: tuple[WordWeight, ...]
    threats: tuple[ThreatLine, ...]
    threat_intensity: float


def explain(a: Analysis, *, top: int = 8) -> Explanation:
    """The "why this score" summary: top weighted tone words each way, every threat hit."""
    totals: dict[str, list[float]] = {}
    for s in a.tone.spans:
        word = s.label or s.text.lower()
        total = totals.setdefault(word, [0.0, 0])
        total[0] += s.weight
        total[1] += 1
    words = [WordWeight(w, t[0], int(t[1])) for w, t in totals.items() if t[0]]
    negative = sorted((w for w in words if w.weight < 0), key=lambda w: (w.weight, w.word))
    positive = sorted((w for w in words if w.weight > 0), key=lambda w: (-w.weight, w.word))
    threats = []
    for hit in a.threat.hits:
        first, second = sorted((hit.topic, hit.trigger), key=lambda s: s.start)
        phrase = a.text[first.start : second.end]
        if len(phrase) > 80:  # far-apart topic and trigger: show both words, not the stretch
            phrase = f"{first.text} … {second.text}"
        threats.append(ThreatLine(hit.category, hit.kind, phrase))
    return Explanation(
        language=a.language,
        scored=a.scored,
        tone=format_tone(a.tone.tone if a.scored else None),
        negative=tuple(negative[:top]),
        positive=tuple(positive[:top]),
        threats=tuple(threats),
        threat_intensity=a.threat.intensity,
    )


def explanation_lines(e: Explanation) -> list[str]:
    """The explanation as short Markdown bullet lines (user words escaped for Markdown)."""

    def words(ws: Sequence[WordWeight]) -> str:
        return ", ".join(f"{_md(w.word)}{_times(w.count)} ({w.weight:+.2f})" for w in ws) or "none"

    lines = [f"Language **{_md(e.language)}**, " + ("scored" if e.scored else "**unscored**")]
    if e.scored:
        lines += [
            f"Tone **{e.tone}**",
            f"Negative words: {words(e.negative)}",
            f"Positive words: {words(e.positive)}",
        ]
    else:
        lines.append("Tone **unscored**: no lexicon for this language, so no tone (not 0)")
    lines.append(f"Threat intensity **{e.threat_intensity:.0f}**/100, {len(e.threats)} hit(s)")
    lines += [f"{format_category(t.category)} ({t.kind}): {_md(t.phrase)}" for t in e.threats]
    return lines


def _times(count: int) -> str:
    return f" ×{count}" if count > 1 else ""


def _md(s: str) -> str:
    """Text shown through st.markdown: Markdown and HTML special characters made literal."""
    escaped = html.escape(s.replace("\n", " "))
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|~<>" else c for c in escaped)


# --------------------------------------------------------------------------- Streamlit edge

_QUERIES: dict[str, Callable[..., Any]] = {
    "filter_options": queries.filter_options,
    "overview": queries.overview,
    "tension_index": queries.tension_index,
    "actor_mentions": queries.actor_mentions,
    "actor_timeline": queries.actor_timeline,
    "dyad_matrix": queries.dyad_matrix,
    "threat_timeline": queries.threat_timeline,
    "top_phrases": queries.top_phrases,
    "articles_table": queries.articles_table,
    "article_detail": queries.article_detail,
    "export_articles": queries.export_articles,
}


def db_path() -> str:
    return str(default_db_path())


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> Store:
    return Store(path)


@st.cache_resource(show_spinner="First start: analysing the default articles (seeds and samples)…")
def _ensure_default_data(path: str) -> str | None:
    report = pipeline.ensure_default_data(get_store(path))
    return ingest_summary(report) if report is not None else None


def load_default_data() -> None:
    """Fill an empty database with seeds/ and data/samples/ (once per process) and say so once
    per session."""
    summary = _ensure_default_data(db_path())
    if summary and not st.session_state.get("default_data_announced"):
        st.session_state["default_data_announced"] = True
        st.toast(f"First start, default articles added: {summary}")


@st.cache_data(ttl=QUERY_TTL_SECONDS, show_spinner=False, max_entries=QUERY_CACHE_ENTRIES)
def _run_query(path: str, name: str, *args: Any, **kwargs: Any) -> Any:
    with get_store(path).read() as con:
        return _QUERIES[name](con, *args, **kwargs)


def query(name: str, *args: Any, **kwargs: Any) -> Any:
    """A query of dashboard.store.queries on the app's database, cached by its arguments."""
    return _run_query(db_path(), name, *args, **kwargs)


def clear_query_cache() -> None:
    _run_query.clear()


def current_filters() -> Filters:
    """The Filters the sidebar set on this run (app.py stores them before the page runs)."""
    return st.session_state.get("filters", Filters())


def article_count(f: Filters) -> int:
    return int(query("overview", f)["articles"])


def show_empty_state(f: Filters) -> bool:
    """Explain an empty view and return True when there is nothing to show."""
    if article_count(Filters()) == 0:
        st.info(
            "The database has no articles yet. Open **Add articles** to upload files or paste "
            "URLs/feeds, or run `python -m dashboard ingest PATH` and reload."
        )
        return True
    if article_count(f) > 0:
        return False
    relax = filters_to_relax(f, article_count)
    if relax:
        st.warning("No article matches these filters. Relax " + " or ".join(relax) + ".")
    else:
        names = active_filters(f)
        st.warning(
            "No article matches these filters together. Clear some of: " + ", ".join(names) + "."
        )
    return True


def add_actors_from_chart(chart_key: str, filter_key: str) -> None:
    """on_select callback: the clicked actors join the sidebar's actor filter."""
    clicked = actor_ids_from_selection(st.session_state.get(chart_key))
    known = set(st.session_state.get("actor_ids", ()))
    current = list(st.session_state.get(filter_key, []))
    st.session_state[filter_key] = current + [a for a in clicked if a in known and a not in current]


def plotly_chart(fig: Any, *, key: str, click_to_filter: bool = False) -> None:
    """A Plotly figure in the theme; with ``click_to_filter`` a clicked actor joins the filter."""
    if click_to_filter:
        st.plotly_chart(
            fig,
            key=key,
            on_select=lambda: add_actors_from_chart(key, "f_actors"),
            selection_mode="points",
        )
    else:
        st.plotly_chart(fig, key=key)


# --------------------------------------------------------------------------- sidebar filters


def rebase_dates(
    value: Sequence[date], old: tuple[date, date], new: tuple[date, date]
) -> tuple[date, ...]:
    """Keep an open end open when the data's first/last day moves (e.g. after an ingest)."""
    out = list(value)
    if out and out[0] == old[0]:
        out[0] = new[0]
    if len(out) > 1 and out[1] == old[1]:
        out[1] = new[1]
    return tuple(min(max(d, new[0]), new[1]) for d in out)


def _restore_from_url(options: dict, actor_ids: Sequence[str]) -> None:
    """First run of a session: the URL's filters become the widgets' values."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    f = filters_from_params(params)
    known = set(actor_ids)
    state = st.session_state
    state["f_actors"] = [a for a in f.actors if a in known]
    state["f_languages"] = [x for x in f.languages if x in options["languages"]]
    state["f_sources"] = [x for x in f.sources if x in options["sources"]]
    state["f_categories"] = list(f.categories)
    state["f_actor_types"] = list(f.actor_types)
    state["f_rollup"] = f.rollup
    lo, hi = options["min_day"], options["max_day"]
    if lo is not None and hi is not None:
        state["f_dates"] = rebase_dates((f.start or lo, f.end or hi), (lo, hi), (lo, hi))
        state["f_dates_bounds"] = (lo, hi)


def _write_url(f: Filters) -> None:
    wanted = filters_to_params(f)
    for key in _PARAMS.values():
        if key in wanted:
            if st.query_params.get_all(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def sidebar_filters() -> Filters:
    """Draw the filters in the sidebar (restored from the URL on a session's first run), mirror
    them into the URL, and return them (also kept for the pages as ``current_filters()``)."""
    options = query("filter_options")
    actors = options["actors"]
    ids = list(actors["id"])
    labels = {
        row.id: actor_label(row.name, row.type, row.aliases, int(row.articles))
        for row in actors.itertuples(index=False)
    }
    country_of = {
        a: c for a, c in zip(actors["id"], actors["country"], strict=True) if isinstance(c, str)
    }
    state = st.session_state
    state["actor_ids"] = ids
    if "f_restored" not in state:
        state["f_restored"] = True
        _restore_from_url(options, ids)
    lo, hi = options["min_day"], options["max_day"]
    with st.sidebar:
        st.header("Filters")
        st.multiselect(
            "Actors",
            ids,
            format_func=lambda a: labels.get(a, a),
            key="f_actors",
            filter_mode="contains",
            select_all=False,
            placeholder="Type any name: Korut, Pyongyang, Putin…",
            help="Countries, leaders and organisations by any of their names, in any language. "
            "An article counts when it mentions at least one of them. Click an actor in a chart "
            "to add it here.",
        )
        dates: Sequence[date] = ()
        if lo is not None and hi is not None:
            if "f_dates" not in state:
                state["f_dates"] = (lo, hi)
            elif state.get("f_dates_bounds") != (lo, hi):
                state["f_dates"] = rebase_dates(state["f_dates"], state["f_dates_bounds"], (lo, hi))
            state["f_dates_bounds"] = (lo, hi)
            dates = st.date_input("Dates", min_value=lo, max_value=hi, key="f_dates")
        st.multiselect("Language", options["languages"], key="f_languages")
        st.multiselect("Source", options["sources"], key="f_sources")
        st.multiselect(
            "Threat category",
            THREAT_CATEGORIES,
            format_func=format_category,
            key="f_categories",
            help="Only articles with at least one threat hit in these categories.",
        )
        st.multiselect(
            "Actor type",
            FILTER_ACTOR_TYPES,
            key="f_actor_types",
            help="Which kinds of actor the actor charts count (all when empty).",
        )
        rollup = st.toggle(
            "Roll people up into their country",
            key="f_rollup",
            help="Count leaders and agencies (Kim Jong Un, Kremlin) as their country.",
        )
    f = build_filters(
        actors=state.get("f_actors", []),
        dates=tuple(dates) if isinstance(dates, tuple | list) else (dates,),
        bounds=(lo, hi),
        languages=state.get("f_languages", []),
        sources=state.get("f_sources", []),
        categories=state.get("f_categories", []),
        actor_types=state.get("f_actor_types", []),
        rollup=bool(rollup),
        country_of=country_of,
    )
    state["filters"] = f
    _write_url(f)
    return f


# --------------------------------------------------------------------------- ingest and export


def ingest_summary(report: Any) -> str:
    """An IngestReport's counts in one line (its rejections are listed separately)."""
    return (
        f"read {report.read:,}, stored {report.stored:,} ({report.replaced:,} replaced), "
        f"{report.duplicates:,} duplicates, {len(report.rejected):,} rejected"
    )


def split_url_lines(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The pasted lines that are http(s) URLs, and the rejected others with the reason (the web
    app never reads server paths)."""
    urls, rejected = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.lower().startswith(("http://", "https://")):
            urls.append(line)
        else:
            rejected.append((f"line {number}: {line[:80]}", "not an http(s) URL or feed"))
    return urls, rejected


def run_ingest(sources: list, progress: Callable[[int, int], None]) -> Any:
    """Ingest uploads/URLs into the app's database, then drop every cached query result."""
    report = pipeline.ingest(get_store(db_path()), sources, progress=progress)
    clear_query_cache()
    return report


def export_csv(name: str, f: Filters) -> Callable[[], bytes]:
    """A download's data, built only when the user clicks (a full export can be large)."""
    path = db_path()

    def build() -> bytes:
        with Store(path).read() as con:
            return to_csv(_QUERIES[name](con, f))

    return build


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV; text cells that a spreadsheet would run as a formula are quoted with a leading
    apostrophe (article titles are untrusted)."""
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return safe.to_csv(index=False).encode("utf-8")


# --------------------------------------------------------------------------- articles page

ARTICLE_COLUMNS = ("day", "source", "language", "title", "tone", "threat_intensity", "actors")


def article_column_config() -> dict:
    return {
        "day": st.column_config.DateColumn("date"),
        "title": st.column_config.TextColumn("title", width=360),
        "tone": st.column_config.NumberColumn(
            "tone", format="%+.2f", help="-1 hostile … +1 friendly; blank = unscored language"
        ),
        "threat_intensity": st.column_config.ProgressColumn(
            "threat", min_value=0, max_value=100, format="%.0f", help="Threat intensity, 0-100"
        ),
        "actors": st.column_config.TextColumn("actors", width=300),
    }


def articles_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """The articles table as shown: an article without a title says so instead of "None"."""
    return table.assign(title=table["title"].fillna("(untitled)"))


def selected_article(table: pd.DataFrame, rows: Sequence[int]) -> str | None:
    """The article to open: the selected row (also written to the URL so the view can be shared),
    else the URL's article until the user clears a selection they made."""
    state = st.session_state
    if rows and 0 <= rows[0] < len(table):
        article_id = str(table.iloc[rows[0]]["id"])
        st.query_params[ARTICLE_PARAM] = article_id
        state["article_selected"] = True
        return article_id
    if state.pop("article_selected", False) and ARTICLE_PARAM in st.query_params:
        del st.query_params[ARTICLE_PARAM]
    return st.query_params.get(ARTICLE_PARAM)


def analyse_article(detail: Mapping[str, Any]) -> Analysis:
    """Re-run the engine on a stored article: the spans behind its stored numbers."""
    language = detail.get("language")
    return analyze(
        detail["text"],
        title=detail.get("title"),
        language=language if language and language != "und" else None,
    )


def article_meta(detail: Mapping[str, Any]) -> str:
    """One Markdown line about where and when an article came from (every value escaped)."""
    published = detail.get("published")
    when = (
        f"published {published:%Y-%m-%d}"
        if published is not None and not pd.isna(published)
        else f"no date found, ingested {detail['ingested']:%Y-%m-%d}"
    )
    parts = [when, f"source {_md(str(detail.get('source') or 'unknown'))}"]
    parts.append(f"language {_md(str(detail.get('language')))}")
    if detail.get("url"):
        parts.append(_md(str(detail["url"])))
    return " · ".join(parts)


# The aggregates offered on the Export page: query name -> button label.
EXPORTS = {
    "tension_index": "Daily tension index (CSV)",
    "actor_mentions": "Actors: mentions and tone (CSV)",
    "actor_timeline": "Actors over time (CSV)",
    "dyad_matrix": "Actor pairs (CSV)",
    "threat_timeline": "Threat hits per category and day (CSV)",
    "top_phrases": "Top threat phrases (CSV)",
}
