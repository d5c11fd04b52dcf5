"""The dashboard's pure UI helpers: URL round trip, filters, highlighting, explanations, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from dashboard.analysis.types import (
    ActorMention,
    Analysis,
    Sentence,
    Span,
    ThreatHit,
    ThreatResult,
    ToneResult,
)
from dashboard.store.queries import Filters
from dashboard.ui import (
    Mark,
    actor_ids_from_selection,
    actor_label,
    build_filters,
    explain,
    explanation_lines,
    filters_from_params,
    filters_to_params,
    filters_to_relax,
    format_tone,
    highlight_html,
    marks_from_analysis,
    rebase_dates,
    split_url_lines,
    to_csv,
)

D1, D2, D3 = date(2024, 1, 1), date(2024, 6, 30), date(2024, 12, 31)


@pytest.mark.parametrize(
    "f",
    [
        Filters(),
        Filters(actors=("north_korea",)),
        Filters(actors=("north_korea", "united_states"), start=D1, end=D2),
        Filters(start=D1),
        Filters(end=D2, languages=("id", "en"), sources=("demo", "a,b & c.txt")),
        Filters(categories=("nuclear_threats", "war_threats"), actor_types=("person",)),
        Filters(actors=("china",), rollup=True),
    ],
)
def test_url_params_round_trip(f):
    params = filters_to_params(f)
    assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in params.values())
    assert filters_from_params(params) == f


def test_default_filters_make_an_empty_url():
    assert filters_to_params(Filters()) == {}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": ["not-a-date"], "to": ["2024-06-30"]}, Filters(end=D2)),
        ({"from": ["2024-06-30"], "to": ["2024-01-01"]}, Filters(start=D1, end=D2)),
        ({"threat": ["nuclear_threats", "DROP TABLE"]}, Filters(categories=("nuclear_threats",))),
        ({"type": ["media", "country"]}, Filters(actor_types=("country",))),
        ({"actor": ["china", "china", " ", ""]}, Filters(actors=("china",))),
        ({"actor": "china"}, Filters(actors=("china",))),
        ({"rollup": ["0"]}, Filters()),
        ({"rollup": ["1"]}, Filters(rollup=True)),
        ({"unknown": ["x"], "article": ["abc"]}, Filters()),
    ],
)
def test_bad_or_odd_url_values_are_dropped_or_normalised(params, expected):
    assert filters_from_params(params) == expected


@pytest.mark.parametrize(
    ("dates", "rollup", "expected"),
    [
        ((D1, D3), False, Filters(actors=("kim_jong_un", "china"))),  # full range = open
        ((D1, D2), False, Filters(actors=("kim_jong_un", "china"), end=D2)),
        ((D2,), False, Filters(actors=("kim_jong_un", "china"), start=D2)),  # still picking
        ((), False, Filters(actors=("kim_jong_un", "china"))),
        ((D2, D2), True, Filters(actors=("north_korea", "china"), start=D2, end=D2, rollup=True)),
    ],
)
def test_build_filters(dates, rollup, expected):
    f = build_filters(
        actors=["kim_jong_un", "china"],
        dates=dates,
        bounds=(D1, D3),
        rollup=rollup,
        country_of={"kim_jong_un": "north_korea", "china": None},
    )
    assert f == expected


def test_rollup_merges_a_person_with_an_already_selected_country():
    f = build_filters(
        actors=["north_korea", "kim_jong_un"],
        dates=(),
        bounds=(None, None),
        rollup=True,
        country_of={"kim_jong_un": "north_korea"},
    )
    assert f.actors == ("north_korea",)


@pytest.mark.parametrize(
    ("value", "old", "new", "expected"),
    [
        ((D1, D2), (D1, D2), (D1, D3), (D1, D3)),  # open end follows new data
        ((D1, D2), (D1, D3), (D1, D3), (D1, D2)),  # a chosen end stays
        ((D2,), (D2, D3), (D1, D3), (D1,)),
        ((D1, D3), (D1, D3), (D2, D3), (D2, D3)),  # clamped into the new bounds
    ],
)
def test_rebase_dates(value, old, new, expected):
    assert rebase_dates(value, old, new) == expected


# Articles as (actors, language, day): a tiny corpus for "which filter to relax".
CORPUS = [({"china"}, "en", D1), ({"north_korea"}, "id", D2)]


def _count(f: Filters) -> int:
    return sum(
        1
        for actors, language, day in CORPUS
        if (not f.actors or actors & set(f.actors))
        and (not f.languages or language in f.languages)
        and (f.start is None or day >= f.start)
        and (f.end is None or day <= f.end)
    )


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (
            Filters(actors=("china",), languages=("id",)),
            ["the actor selection", "the language filter"],
        ),
        (Filters(actors=("china",), start=D2), ["the actor selection", "the date range"]),
        (Filters(actors=("russia",), languages=("id",)), ["the actor selection"]),
        (Filters(actors=("russia",), languages=("de",)), []),  # no single filter is enough
    ],
)
def test_filters_to_relax_names_only_filters_that_bring_articles_back(f, expected):
    assert _count(f) == 0
    assert filters_to_relax(f, _count) == expected


@pytest.mark.parametrize("query", ["Korut", "pyongyang", "DPRK", "north korea"])
def test_actor_label_carries_every_alias_for_the_search_box(query):
    label = actor_label("North Korea", "country", ["Korea Utara", "Korut", "DPRK", "Pyongyang"], 7)
    assert label.startswith("North Korea (country, 7 articles)")
    assert query.casefold() in label.casefold()


@pytest.mark.parametrize("query", ["Cote d'Ivoire", "côte d’ivoire", "Pantai Gading"])
def test_actor_label_finds_accented_names_typed_without_accents(query):
    label = actor_label("Côte d’Ivoire", "country", ["Ivory Coast", "Pantai Gading"], 0)
    assert query.casefold() in label.casefold()


def test_actor_label_without_aliases_and_duplicate_aliases():
    assert actor_label("NATO", "organisation", None, 1) == "NATO (organisation, 1 articles)"
    assert actor_label("China", "country", ["china", "Cina", "CINA"], 2).count("Cina") == 1


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"selection": {"points": [{"customdata": "china"}]}}, ["china"]),
        (
            {"selection": {"points": [{"customdata": ["russia", 3]}, {"customdata": "russia"}]}},
            ["russia"],
        ),
        ({"selection": {"points": [{"x": 1}, {"customdata": None}]}}, []),
        ({"selection": {"points": []}}, []),
        (None, []),
        ({}, []),
    ],
)
def test_actor_ids_from_chart_selection(selection, expected):
    assert actor_ids_from_selection(selection) == expected


# --------------------------------------------------------------------------- highlighting

HOSTILE = 'Warning <script>alert("x")</script> & "threats" from A&B'


def test_highlight_escapes_every_piece_of_text_and_tooltip():
    start = HOSTILE.index("<script>")
    marks = [
        Mark(start, start + 8, "negative", 'note with "quotes" & <b>'),
        Mark(HOSTILE.index("A&B"), len(HOSTILE), "actor", "A&B (organisation)"),
    ]
    out = highlight_html(HOSTILE, marks)
    assert "<script>" not in out and "</script>" not in out
    assert "&lt;script&gt;" in out and "&amp;" in out
    assert 'title="note with &quot;quotes&quot; &amp; &lt;b&gt;"' in out
    # Removing the tags and unescaping gives the original text back.
    plain = re.sub(r"<[^>]+>", "", out)
    assert (
        plain.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
        == HOSTILE
    )


def _pieces(out: str) -> list[tuple[str, str]]:
    """(classes, text) of every <mark>, in document order."""
    return re.findall(r'<mark class="([^"]+)"[^>]*>([^<]*)</mark>', out)


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        # adjacent: two marks, no merge
        (
            [Mark(6, 11, "actor"), Mark(0, 6, "negative")],
            [("hl-negative", "North "), ("hl-actor", "Korea")],
        ),
        # overlapping: cut at every boundary, the overlap carries both kinds (in a fixed order)
        (
            [Mark(0, 11, "threat"), Mark(6, 17, "actor")],
            [("hl-threat", "North "), ("hl-actor hl-threat", "Korea"), ("hl-actor", " fires")],
        ),
        # nested
        (
            [Mark(0, 17, "negative"), Mark(6, 11, "actor")],
            [
                ("hl-negative", "North "),
                ("hl-actor hl-negative", "Korea"),
                ("hl-negative", " fires"),
            ],
        ),
        # out of range, empty, unknown kind: ignored
        ([Mark(5, 5, "actor"), Mark(10, 99, "actor"), Mark(0, 5, "bold")], []),
    ],
)
def test_highlight_span_order_with_overlapping_and_adjacent_marks(marks, expected):
    text = "North Korea fires"
    out = highlight_html(text, marks)
    assert _pieces(out) == expected
    assert re.sub(r"<[^>]+>", "", out) == text


def _analysis(text: str, *, scored: bool = True) -> Analysis:
    """A hand-built Analysis of ``text`` (offsets found with str.index)."""

    def span(word: str, label: str, weight: float = 0.0) -> Span:
        i = text.index(word)
        return Span(i, i + len(word), word, label, weight)

    tone_spans = (span("threatens", "threaten", -0.6), span("welcomes", "welcome", 0.4))
    tone_spans += (span("threatens", "threaten", -0.6),) if scored else ()
    hit = ThreatHit(
        "nuclear_threats", "threat", span("nuclear", "nuclear"), span("threatens", "x"), 0
    )
    i = text.index("North Korea")
    mention = ActorMention(
        "north_korea", "North Korea", "country", None, i, i + 11, "North Korea", 0
    )
    return Analysis(
        text=text,
        language="en" if scored else "de",
        language_confidence=1.0,
        scored=scored,
        sentences=(Sentence(0, 0, len(text)),),
        tone=ToneResult(
            scored=scored,
            tone=-0.3 if scored else None,
            positive=1.0,
            negative=2.0,
            polarity=3.0,
            word_count=9,
            spans=tone_spans if scored else (),
        ),
        threat=ThreatResult((hit,), {"nuclear_threats": 1}, 40.0),
        mentions=(mention,),
        actors=(),
        dyads=(),
    )


TEXT = "North Korea threatens a nuclear test & Seoul welcomes <talks>"


def test_marks_from_analysis_cover_actors_tone_and_threats():
    marks = marks_from_analysis(_analysis(TEXT))
    kinds = {(TEXT[m.start : m.end], m.kind) for m in marks}
    assert kinds == {
        ("North Korea", "actor"),
        ("threatens", "negative"),
        ("welcomes", "positive"),
        ("nuclear", "threat"),
        ("threatens", "threat"),
    }
    out = highlight_html(TEXT, marks)
    assert ("hl-threat hl-negative", "threatens") in _pieces(out)
    assert "&lt;talks&gt;" in out and " &amp; " in out


def test_explain_ranks_tone_words_and_lists_threats():
    e = explain(_analysis(TEXT))
    assert [(w.word, w.count) for w in e.negative] == [("threaten", 2)]
    assert e.negative[0].weight == pytest.approx(-1.2)
    assert [w.word for w in e.positive] == ["welcome"]
    assert [(t.category, t.phrase) for t in e.threats] == [
        ("nuclear_threats", "threatens a nuclear")
    ]
    assert e.tone == "-0.30"
    lines = explanation_lines(e)
    assert "Negative words: threaten ×2 (-1.20)" in lines
    assert "Positive words: welcome (+0.40)" in lines


def test_unscored_language_says_unscored_never_zero():
    lines = explanation_lines(explain(_analysis(TEXT, scored=False)))
    text = "\n".join(lines)
    assert "unscored" in text
    assert not re.search(r"Tone \*\*[+-]?0", text)
    assert format_tone(None) == "unscored" and format_tone(float("nan")) == "unscored"
    assert format_tone(0.0) == "+0.00"


def test_explanation_lines_escape_markdown_and_html():
    text = "North Korea threatens <b>*a*</b> nuclear test & Seoul welcomes talks"
    lines = explanation_lines(explain(_analysis(text)))
    threat_line = lines[-1]
    assert threat_line.startswith("nuclear threats (threat): threatens")
    assert "<" not in threat_line and "\\*a\\*" in threat_line


# --------------------------------------------------------------------------- ingest and export


def test_split_url_lines_keeps_only_http_urls():
    urls, rejected = split_url_lines(
        "https://example.org/a\n\n  http://example.org/feed.xml \n/etc/passwd\nfile:///x\n"
    )
    assert urls == ["https://example.org/a", "http://example.org/feed.xml"]
    assert [where.split(":")[0] for where, _ in rejected] == ["line 4", "line 5"]
    assert all("http" in reason for _, reason in rejected)


def test_csv_export_defuses_spreadsheet_formulas():
    import pandas as pd

    df = pd.DataFrame(
        {"title": ["=HYPERLINK(1)", "@cmd", "normal, with comma"], "tone": [-0.5, 0.1, None]}
    )
    rows = list(csv.DictReader(io.StringIO(to_csv(df).decode("utf-8"))))
    assert [r["title"] for r in rows] == ["'=HYPERLINK(1)", "'@cmd", "normal, with comma"]
    assert rows[0]["tone"] == "-0.5"
