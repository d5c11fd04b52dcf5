"""Dashboard queries against a real in-memory DuckDB with a handful of hand-made rows."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from dashboard.store import queries as q
from dashboard.store.schema import create_schema

ACTORS = [
    ("north_korea", "North Korea", "country", None, ["Korea Utara", "Korut"]),
    ("united_states", "United States", "country", None, ["Amerika Serikat"]),
    ("south_korea", "South Korea", "country", None, ["Korea Selatan"]),
    ("china", "China", "country", None, ["Tiongkok"]),
    ("russia", "Russia", "country", None, ["Rusia"]),
    ("kim_jong_un", "Kim Jong Un", "person", "north_korea", []),
    ("un", "United Nations", "organisation", None, ["PBB"]),
    ("reuters", "Reuters", "media", None, []),
]

# id, day, language, source, tone (None = unscored), threat hits (category, topic, trigger)
ARTICLES = [
    ("a1", date(2024, 1, 1), "en", "reuters.com", -0.5,
     [("nuclear_threats", "Nuclear weapons", "threaten"), ("war_threats", "war", "warn")]),
    ("a2", date(2024, 1, 2), "id", "antaranews.com", 0.2, []),
    ("a3", date(2024, 1, 3), "en", "bbc.com", -0.2, [("military_buildups", "missile", "launch")]),
    ("a4", date(2024, 1, 5), "fr", "lemonde.fr", None, []),
    ("a5", date(2024, 2, 1), "id", "antaranews.com", 0.1,
     [("terror_threats", "serangan teror", "ancam"),
      ("nuclear_threats", "nuclear weapons", "threaten")]),
]  # fmt: skip

# article, actor, mentions, tone toward the actor
ARTICLE_ACTORS = [
    ("a1", "north_korea", 2, -0.6),
    ("a1", "united_states", 1, -0.4),
    ("a2", "south_korea", 1, 0.3),
    ("a2", "kim_jong_un", 3, 0.1),
    ("a3", "kim_jong_un", 1, -0.3),
    ("a3", "north_korea", 1, -0.1),
    ("a3", "china", 1, -0.2),
    ("a3", "united_states", 1, 0.0),
    ("a4", "russia", 2, None),
    ("a5", "un", 1, 0.1),
]

# article, actor_a, actor_b, sentences, tone
DYADS = [
    ("a1", "north_korea", "united_states", 2, -0.5),
    ("a2", "kim_jong_un", "south_korea", 1, 0.3),
    ("a3", "china", "north_korea", 1, -0.1),
    ("a3", "china", "kim_jong_un", 1, -0.3),
    ("a3", "north_korea", "united_states", 1, 0.4),
]


def _insert_actors(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?)", ACTORS)


def _key(article_id: str) -> int:
    """The integer key of a test article: "a3" -> 3 (the writer assigns them in real stores)."""
    return int(article_id[1:])


def _mean(values: list[float]) -> float | None:
    return statistics.mean(values) if values else None


def _insert_article(con, article_id, day, language, source, tone, hits, *, dated=True):
    at = datetime.combine(day, datetime.min.time()) + timedelta(hours=len(article_id))
    con.execute(
        "INSERT INTO articles VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            article_id, "h-" + article_id, f"Title {article_id}", "Body.",
            f"https://example.org/{article_id}", source, language, tone is not None,
            at if dated else None, at, day, tone, 1.0, 1.0, 2.0, 10, 10.0 * len(hits), len(hits),
            "test", _key(article_id),
        ],
    )  # fmt: skip
    for k, (category, topic, trigger) in enumerate(hits):
        con.execute(
            "INSERT INTO threat_hits VALUES (?, ?, 'threat', ?, 0, 1, ?, 2, 3, ?, ?, ?, ?)",
            [article_id, category, k, topic, trigger, day, dated, _key(article_id)],
        )


@pytest.fixture
def con():
    con = duckdb.connect(":memory:")
    create_schema(con)
    _insert_actors(con)
    days = {a[0]: a[1] for a in ARTICLES}
    threatening = {a[0]: bool(a[5]) for a in ARTICLES}
    country = {a[0]: a[3] for a in ACTORS}
    for article in ARTICLES:
        _insert_article(con, *article)
    con.executemany(
        "INSERT INTO article_actors VALUES (?, ?, ?, ?, ?, ?, ?, true, ?)",
        [
            (art, actor, country[actor] or actor, n, tone, days[art], threatening[art], _key(art))
            for art, actor, n, tone in ARTICLE_ACTORS
        ],
    )
    rolled: dict[tuple[str, str], list[tuple[int, float | None]]] = {}
    for art, actor, n, tone in ARTICLE_ACTORS:
        rolled.setdefault((art, country[actor] or actor), []).append((n, tone))
    con.executemany(
        "INSERT INTO article_rollups VALUES (?, ?, ?, ?, ?, ?, true, ?)",
        [
            (art, rid, sum(n for n, _ in group), _mean([t for _, t in group if t is not None]),
             days[art], threatening[art], _key(art))
            for (art, rid), group in rolled.items()
        ],
    )  # fmt: skip
    con.executemany(
        "INSERT INTO dyads VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*row, days[row[0]], _key(row[0])) for row in DYADS],
    )
    pairs: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
    for art, a, b, n, tone in DYADS:
        ra, rb = country[a] or a, country[b] or b
        if ra != rb:
            pairs.setdefault((art, min(ra, rb), max(ra, rb)), []).append((n, tone))
    con.executemany(
        "INSERT INTO dyad_rollups VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (art, a, b, sum(n for n, _ in group),
             sum(n * t for n, t in group) / sum(n for n, _ in group), sum(n for n, _ in group),
             days[art], _key(art))
            for (art, a, b), group in pairs.items()
        ],
    )  # fmt: skip
    yield con
    con.close()


def _ids(df) -> set[str]:
    return set(df["id"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (q.Filters(), {"a1", "a2", "a3", "a4", "a5"}),
        (q.Filters(actors=("north_korea",)), {"a1", "a3"}),
        (q.Filters(actors=("north_korea",), rollup=True), {"a1", "a2", "a3"}),
        (q.Filters(actors=("kim_jong_un",)), {"a2", "a3"}),
        (q.Filters(actors=("kim_jong_un",), rollup=True), set()),  # people are their country
        (q.Filters(actors=("russia", "un")), {"a4", "a5"}),
        (q.Filters(start=date(2024, 1, 2), end=date(2024, 1, 3)), {"a2", "a3"}),
        (q.Filters(start=date(2024, 1, 5)), {"a4", "a5"}),
        (q.Filters(end=date(2024, 1, 1)), {"a1"}),
        (q.Filters(languages=("id",)), {"a2", "a5"}),
        (q.Filters(sources=("reuters.com", "bbc.com")), {"a1", "a3"}),
        (q.Filters(categories=("nuclear_threats",)), {"a1", "a5"}),
        (q.Filters(categories=("military_buildups", "terror_threats")), {"a3", "a5"}),
        (q.Filters(actors=("north_korea",), languages=("en",), start=date(2024, 1, 2)), {"a3"}),
        (q.Filters(actors=("north_korea",), categories=("nuclear_threats",)), {"a1"}),
        # actor_types shape the actor views, not which articles pass
        (q.Filters(actor_types=("organisation",)), {"a1", "a2", "a3", "a4", "a5"}),
        # values are parameters: quotes and SQL in them match nothing and run nothing
        (q.Filters(actors=("x' OR '1'='1",)), set()),
        (q.Filters(sources=("reuters.com'); DROP TABLE articles; --",)), set()),
        (q.Filters(languages=("en' OR 1=1 --",), categories=("') OR ('a'='a",)), set()),
    ],
)
def test_filters_narrow_articles(con, filters, expected):
    assert _ids(q.articles_table(con, filters)) == expected
    assert _ids(q.export_articles(con, filters)) == expected
    assert q.overview(con, filters)["articles"] == len(expected)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ARTICLES)


def test_filters_accept_lists_and_sets():
    f = q.Filters(actors=["russia", "china"], languages={"id", "en"})
    assert f.actors == ("russia", "china") and f.languages == ("en", "id")
    assert f == q.Filters(actors=("russia", "china"), languages=("en", "id"))
    assert hash(f) == hash(q.Filters(actors=("russia", "china"), languages=("en", "id")))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"start": date(2024, 2, 1), "end": date(2024, 1, 1)}, ValueError, "after end"),
        ({"actors": ("china", float("nan"))}, TypeError, "Filters.actors: expected strings"),
        ({"sources": "reuters.com"}, TypeError, "Filters.sources: expected a tuple"),
    ],
)
def test_filters_reject_bad_values(kwargs, error, match):
    with pytest.raises(error, match=match):
        q.Filters(**kwargs)


def test_overview_counts_tone_and_threat_share(con):
    got = q.overview(con, q.Filters())
    scored = [a[4] for a in ARTICLES if a[4] is not None]
    assert got["articles"] == len(ARTICLES)
    assert got["scored"] == len(scored)
    assert got["mean_tone"] == pytest.approx(statistics.mean(scored))
    assert got["threat_share"] == pytest.approx(sum(bool(a[5]) for a in ARTICLES) / len(ARTICLES))
    assert got["actors"] == len({a[1] for a in ARTICLE_ACTORS})


@pytest.mark.parametrize(
    ("filters", "actors"),
    [
        (q.Filters(), 7),
        (q.Filters(rollup=True), 6),  # Kim Jong Un counts as North Korea
        (q.Filters(actor_types=("person",)), 1),
        (q.Filters(actor_types=("country", "organisation")), 6),
        (q.Filters(actors=("nobody",)), 0),
    ],
)
def test_overview_counts_actors_by_type_and_rollup(con, filters, actors):
    assert q.overview(con, filters)["actors"] == actors


def test_overview_of_nothing_has_no_tone_or_share(con):
    got = q.overview(con, q.Filters(actors=("nobody",)))
    assert got == {
        "articles": 0, "scored": 0, "undated": 0, "mean_tone": None, "threat_share": None,
        "actors": 0,
    }  # fmt: skip


def test_actor_mentions_counts_and_tone_interval(con):
    df = q.actor_mentions(con, q.Filters()).set_index("actor_id")
    assert list(df.columns) == [
        "name", "type", "articles", "mentions", "tone", "tone_low", "tone_high"
    ]  # fmt: skip
    tones = [t for _, actor, _, t in ARTICLE_ACTORS if actor == "north_korea"]
    nk = df.loc["north_korea"]
    assert (nk["articles"], nk["mentions"]) == (2, 3)
    assert nk["tone"] == pytest.approx(statistics.mean(tones))
    half = 1.96 * statistics.stdev(tones) / len(tones) ** 0.5
    assert (nk["tone_low"], nk["tone_high"]) == pytest.approx(
        (nk["tone"] - half, nk["tone"] + half)
    )
    # one article: the band collapses to the mean; unscored: no tone at all
    assert df.loc["china", "tone_low"] == df.loc["china", "tone_high"] == df.loc["china", "tone"]
    assert df.loc["russia", ["tone", "tone_low", "tone_high"]].isna().all()
    assert "reuters" not in df.index  # media are sources, not actors
    # most articles first
    assert list(df["articles"]) == sorted(df["articles"], reverse=True)


def test_rollup_merges_a_person_into_their_country(con):
    df = q.actor_mentions(con, q.Filters(rollup=True)).set_index("actor_id")
    assert "kim_jong_un" not in df.index
    nk = df.loc["north_korea"]
    # a1 (North Korea), a2 (Kim Jong Un) and a3 (both: one article, both mentions)
    assert (nk["articles"], nk["mentions"]) == (3, 2 + 3 + 2)
    assert nk["type"] == "country"
    per_article = [-0.6, 0.1, statistics.mean([-0.3, -0.1])]
    assert nk["tone"] == pytest.approx(statistics.mean(per_article))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (q.Filters(actor_types=("organisation",)), ["un"]),
        (q.Filters(actor_types=("person",)), ["kim_jong_un"]),
        (q.Filters(actor_types=("person",), rollup=True), ["north_korea"]),
        (q.Filters(actors=("russia",)), ["russia"]),
        # co-mentioned actors of the selected actor's articles show too
        (q.Filters(actors=("south_korea",)), ["kim_jong_un", "south_korea"]),
    ],
)
def test_actor_mentions_respects_types_and_actor_filter(con, filters, expected):
    assert sorted(q.actor_mentions(con, filters)["actor_id"]) == expected


def test_actor_mentions_limit(con):
    df = q.actor_mentions(con, q.Filters(), limit=2)
    assert list(df["actor_id"]) == ["kim_jong_un", "north_korea"]  # 2 articles each, then by id


def test_dyad_tone_is_the_mean_of_the_shared_sentences(con):
    df = q.dyad_matrix(con, q.Filters())
    row = df[(df["actor_a"] == "north_korea") & (df["actor_b"] == "united_states")].iloc[0]
    pairs = [(s, t) for _, a, b, s, t in DYADS if (a, b) == ("north_korea", "united_states")]
    assert row["sentences"] == sum(s for s, _ in pairs)
    assert row["articles"] == len(pairs)
    assert row["tone"] == pytest.approx(sum(s * t for s, t in pairs) / sum(s for s, _ in pairs))
    assert (row["name_a"], row["name_b"]) == ("North Korea", "United States")
    assert (df["actor_a"] < df["actor_b"]).all()


def test_dyad_rollup_maps_people_to_their_country(con):
    df = q.dyad_matrix(con, q.Filters(rollup=True)).set_index(["actor_a", "actor_b"])
    assert "kim_jong_un" not in set(df.index.get_level_values(0)) | set(
        df.index.get_level_values(1)
    )
    # a3: China-North Korea and China-Kim Jong Un are one article, two sentences
    assert df.loc[("china", "north_korea"), "articles"] == 1
    assert df.loc[("china", "north_korea"), "sentences"] == 2
    assert df.loc[("north_korea", "south_korea"), "articles"] == 1


def test_dyad_matrix_limits_the_actors(con):
    # co-mentioned articles: North Korea 3, then China and United States 2 each (tie: by id)
    df = q.dyad_matrix(con, q.Filters(), limit=2)
    assert set(df["actor_a"]) | set(df["actor_b"]) == {"china", "north_korea"}
    assert len(df) == 1


def test_threat_timeline_and_category_filter(con):
    df = q.threat_timeline(con, q.Filters())
    assert df["hits"].sum() == sum(len(a[5]) for a in ARTICLES)
    assert list(df["day"]) == sorted(df["day"])
    nuclear = q.threat_timeline(con, q.Filters(categories=("nuclear_threats",)))
    assert set(nuclear["category"]) == {"nuclear_threats"}
    assert nuclear["hits"].sum() == 2


def test_top_phrases_lowercase_topic_and_trigger(con):
    df = q.top_phrases(con, q.Filters())
    top = df.iloc[0]
    assert (top["category"], top["phrase"], top["hits"]) == (
        "nuclear_threats",
        "nuclear weapons threaten",
        2,
    )
    assert list(df["hits"]) == sorted(df["hits"], reverse=True)
    assert len(q.top_phrases(con, q.Filters(), limit=2)) == 2
    assert set(q.top_phrases(con, q.Filters(languages=("id",)))["phrase"]) == {
        "serangan teror ancam",
        "nuclear weapons threaten",
    }


def test_top_phrases_keep_text_order(con):
    # "... warned of a nuclear war": the trigger comes before the topic
    con.execute(
        "INSERT INTO threat_hits VALUES "
        "('a1', 'nuclear_threats', 'threat', 9, 20, 31, 'Nuclear War', 3, 9, 'Warned', ?, true, 1)",
        [ARTICLES[0][1]],
    )
    phrases = set(q.top_phrases(con, q.Filters())["phrase"])
    assert "warned nuclear war" in phrases
    assert "nuclear war warned" not in phrases


def test_articles_table_newest_first_with_actor_names(con):
    df = q.articles_table(con, q.Filters())
    assert list(df["id"]) == ["a5", "a4", "a3", "a2", "a1"]
    a2 = df.set_index("id").loc["a2"]
    assert a2["actors"] == "Kim Jong Un, South Korea"  # most mentioned first
    assert list(df.columns) == [
        "id", "day", "source", "language", "title", "tone", "threat_intensity", "actors"
    ]  # fmt: skip
    assert len(q.articles_table(con, q.Filters(), limit=2)) == 2


@pytest.mark.parametrize(
    ("filters", "limit", "expected"),
    [
        (q.Filters(actors=("north_korea",)), 1, ["a3"]),
        (q.Filters(actors=("north_korea",), end=date(2024, 1, 2)), 1, ["a1"]),
        (q.Filters(actors=("north_korea",), rollup=True), 2, ["a3", "a2"]),
        # a3 has a row for each of the two actors: the page still holds two articles
        (q.Filters(actors=("kim_jong_un", "united_states")), 2, ["a3", "a2"]),
        (q.Filters(actors=("kim_jong_un", "united_states")), 5, ["a3", "a2", "a1"]),
        (q.Filters(actors=("nobody",)), 5, []),
    ],
)
def test_articles_table_pages_of_an_actor_are_the_newest(con, filters, limit, expected):
    assert list(q.articles_table(con, filters, limit=limit)["id"]) == expected


def test_article_detail_and_export(con):
    detail = q.article_detail(con, "a3")
    assert detail["text"] == "Body."
    assert detail["url"] == "https://example.org/a3"
    assert detail["published"] is not None and detail["ingested"] is not None
    assert q.article_detail(con, "missing' OR '1'='1") is None
    export = q.export_articles(con, q.Filters())
    assert "text" not in export.columns
    assert {"id", "url", "tone", "threat_intensity", "published"} <= set(export.columns)


def test_filter_options(con):
    opts = q.filter_options(con)
    assert opts["languages"] == ["en", "fr", "id"]
    assert opts["sources"] == sorted({a[3] for a in ARTICLES})
    assert (opts["min_day"], opts["max_day"]) == (date(2024, 1, 1), date(2024, 2, 1))
    actors = opts["actors"].set_index("id")
    assert list(opts["actors"].columns) == ["id", "name", "type", "country", "aliases", "articles"]
    assert "reuters" not in actors.index
    assert actors.loc["north_korea", "articles"] == 2
    assert actors.loc["kim_jong_un", "country"] == "north_korea"
    assert actors.loc["north_korea", "country"] is None
    assert "Korut" in actors.loc["north_korea", "aliases"]


def test_filter_options_on_an_empty_store():
    con = duckdb.connect(":memory:")
    create_schema(con)
    opts = q.filter_options(con)
    assert opts["languages"] == [] and opts["min_day"] is None and opts["actors"].empty
    assert q.tension_index(con, q.Filters()).empty
    assert q.overview(con, q.Filters())["articles"] == 0


# --- the tension index over a constructed series --------------------------------------------------

SERIES_START = date(2024, 3, 1)
SPIKE_DAY = 14  # 4 of 4 articles threatening; other days alternate 1 and 2 of 4


def _threatening(d: int) -> int:
    return 4 if d == SPIKE_DAY else 1 + d % 2


@pytest.fixture
def series_con():
    con = duckdb.connect(":memory:")
    create_schema(con)
    _insert_actors(con)
    rows = []
    for d in range(20):
        day = SERIES_START + timedelta(days=d)
        for k in range(4):
            threatening = k < _threatening(d)
            rows.append((f"s{d}-{k}", "north_korea", "north_korea", 1, -0.1, day, threatening))
        # a quieter second actor with a flat series
        rows.append((f"r{d}", "russia", "russia", 1, 0.0, day, d % 2 == 0))
    con.executemany(
        "INSERT INTO article_actors VALUES (?, ?, ?, ?, ?, ?, ?, true, ?)",
        [(*row, key) for key, row in enumerate(rows, 1)],
    )
    yield con
    con.close()


def test_tension_index_finds_the_constructed_spike(series_con):
    df = q.tension_index(series_con, q.Filters(actors=("north_korea",)))
    assert list(df.columns) == [
        "day", "actor_id", "name", "articles", "threatening", "index", "baseline", "std", "spike"
    ]  # fmt: skip
    assert len(df) == 20 and set(df["actor_id"]) == {"north_korea"}
    assert (df["articles"] == 4).all()
    assert list(df["day"]) == sorted(df["day"])
    spike_day = SERIES_START + timedelta(days=SPIKE_DAY)
    assert list(df.loc[df["spike"], "day"].dt.date) == [spike_day]
    previous = [_threatening(d) / 4 for d in range(SPIKE_DAY - 7, SPIKE_DAY)]
    row = df[df["spike"]].iloc[0]
    assert row["index"] == 1.0
    assert (row["baseline"], row["std"]) == pytest.approx(
        (statistics.mean(previous), statistics.stdev(previous))
    )
    # the baseline is the mean of the previous 7 days, so the day after includes the spike
    after = df[df["day"].dt.date == spike_day + timedelta(days=1)].iloc[0]
    assert after["baseline"] == pytest.approx(statistics.mean([*previous[1:], 1.0]))
    # the first day has no history
    assert df.iloc[0]["baseline"] != df.iloc[0]["baseline"]  # NaN
    found = q.spikes(df)
    assert list(found["day"].dt.date) == [spike_day]


def test_tension_index_window_and_z_change_the_verdict(series_con):
    f = q.Filters(actors=("north_korea",))
    # threshold on the spike day: 0.375 + z * 0.134; z = 5 puts it above 1.0
    assert not q.tension_index(series_con, f, z=5.0)["spike"].any()
    assert q.tension_index(series_con, f, z=0.5)["spike"].sum() > 1
    # a one-day window has no spread (and too little history): never a spike
    assert not q.tension_index(series_con, f, window=1)["spike"].any()
    with pytest.raises(ValueError, match="window"):
        q.tension_index(series_con, f, window=0)


def test_tension_index_defaults_to_the_top_actors(series_con):
    df = q.tension_index(series_con, q.Filters())
    assert set(df["actor_id"]) == {"north_korea", "russia"}
    flat = df[df["actor_id"] == "russia"]
    assert set(flat["index"]) == {0.0, 1.0}
    assert len(df) == 40
    assert list(df["actor_id"].unique()) == ["north_korea", "russia"]


def test_tension_index_uses_categories_as_the_numerator(con):
    f = q.Filters(actors=("north_korea",))
    plain = q.tension_index(con, f)
    nuclear = q.tension_index(
        con, q.Filters(actors=("north_korea",), categories=("nuclear_threats",))
    )
    # a1 (nuclear) and a3 (military buildup only): both threatening, only a1 nuclear
    assert list(plain["index"]) == [1.0, 1.0]
    assert list(nuclear["index"]) == [1.0, 0.0]
    assert list(nuclear["articles"]) == list(plain["articles"])


def test_actor_timeline_matches_the_index(con):
    f = q.Filters(actors=("north_korea", "kim_jong_un"))
    df = q.actor_timeline(con, f)
    assert list(df.columns) == ["day", "actor_id", "name", "articles", "tone", "threat_share"]
    kim = df[df["actor_id"] == "kim_jong_un"]
    assert list(kim["tone"]) == pytest.approx([0.1, -0.3])
    assert list(kim["threat_share"]) == [0.0, 1.0]
    rolled = q.actor_timeline(con, q.Filters(actors=("north_korea",), rollup=True))
    assert set(rolled["actor_id"]) == {"north_korea"}
    assert list(rolled["articles"]) == [1, 1, 1]  # a3 names both but counts once
    assert list(rolled["tone"]) == pytest.approx([-0.6, 0.1, -0.2])


# --- synthetic corpus smoke test ------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_con():
    from dashboard.store.synthetic import populate_synthetic

    con = duckdb.connect(":memory:")
    populate_synthetic(con, 2000, days=120)
    yield con
    con.close()


def test_synthetic_corpus_is_consistent(synthetic_con):
    con = synthetic_con
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2000
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    ).fetchall()
    assert {"articles", "actors", "article_actors", "dyads", "threat_hits"} <= {
        t for (t,) in tables
    }
    for (table,) in tables:  # every table of the schema is filled
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table  # noqa: S608
    # every stored offset points at the stored words in title + blank line + text
    bad = con.execute(
        """
        SELECT count(*) FROM actor_mentions m JOIN articles a ON a.id = m.article_id
        WHERE substr(a.title || chr(10) || chr(10) || a.text, m.start + 1, m."end" - m.start)
              <> m.text
        """
    ).fetchone()[0]
    assert bad == 0
    bad = con.execute(
        """
        SELECT count(*) FROM threat_hits h JOIN articles a ON a.id = h.article_id
        WHERE substr(a.title || chr(10) || chr(10) || a.text, h.trigger_start + 1,
                     h.trigger_end - h.trigger_start) <> h.trigger
        """
    ).fetchone()[0]
    assert bad == 0
    # unscored articles have no tone; threatening flags agree with the hits
    assert (
        con.execute(
            "SELECT count(*) FROM articles WHERE NOT scored AND tone IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    mismatched = con.execute(
        """
        SELECT count(*) FROM article_actors aa JOIN articles a ON a.id = aa.article_id
        WHERE aa.threatening <> (a.threat_hits > 0) OR aa.day <> a.day
        """
    ).fetchone()[0]
    assert mismatched == 0
    for child in ("actor_mentions", "article_actors", "article_rollups", "dyads", "threat_hits"):
        wrong = con.execute(
            f"SELECT count(*) FROM {child} c JOIN articles a ON a.id = c.article_id "  # noqa: S608
            "WHERE c.article_key <> a.key"
        ).fetchone()[0]
        assert wrong == 0, child
    for child in ("article_actors", "article_rollups", "threat_hits"):
        wrong = con.execute(
            f"SELECT count(*) FROM {child} c JOIN articles a ON a.id = c.article_id "  # noqa: S608
            "WHERE c.dated <> (a.published IS NOT NULL)"
        ).fetchone()[0]
        assert wrong == 0, child
    assert (
        con.execute("SELECT count(*) FILTER (WHERE NOT dated) FROM article_actors").fetchone()[0]
        > 0
    )  # the corpus has undated articles, so the flags above were checked both ways
    # one rollup row per article and rollup id, summing its actors' mentions
    (wrong,) = con.execute(
        """
        SELECT count(*) FROM article_rollups r
        FULL JOIN (SELECT article_key, rollup_id, sum(mentions) AS mentions FROM article_actors
                   GROUP BY ALL) x USING (article_key, rollup_id)
        WHERE r.mentions IS DISTINCT FROM x.mentions
        """
    ).fetchone()
    assert wrong == 0


def test_synthetic_corpus_is_reproducible():
    from dashboard.store.synthetic import populate_synthetic

    tables = []
    for _ in range(2):
        con = duckdb.connect(":memory:")
        populate_synthetic(con, 300, seed=7, days=30)
        tables.append(
            con.execute("SELECT id, day, tone, text FROM articles ORDER BY id").fetchall()
        )
    assert tables[0] == tables[1]


@pytest.mark.parametrize(
    "filters",
    [
        q.Filters(),
        q.Filters(actors=("north_korea",)),
        q.Filters(actors=("north_korea",), rollup=True, start=date(2023, 2, 1)),
        q.Filters(languages=("id",), categories=("nuclear_threats", "war_threats")),
    ],
)
def test_every_query_runs_over_the_synthetic_corpus(synthetic_con, filters):
    con = synthetic_con
    assert q.overview(con, filters)["articles"] > 0
    index = q.tension_index(con, filters)
    assert 0 < index["actor_id"].nunique() <= (len(filters.actors) or q.DEFAULT_SERIES)
    assert index["index"].between(0, 1).all()
    found = q.spikes(index)
    assert found["spike"].all() and len(found) == index["spike"].sum()
    assert list(found["day"]) == sorted(found["day"], reverse=True)
    mentions = q.actor_mentions(con, filters)
    assert (mentions["tone_low"] <= mentions["tone_high"]).all()
    assert not q.actor_timeline(con, filters).empty
    dyads = q.dyad_matrix(con, filters)
    assert len(set(dyads["actor_a"]) | set(dyads["actor_b"])) <= 12
    assert not q.threat_timeline(con, filters).empty
    assert len(q.top_phrases(con, filters)) <= 20
    table = q.articles_table(con, filters)
    assert 0 < len(table) <= 500
    assert list(table["day"]) == sorted(table["day"], reverse=True)


# --- undated articles: in counts and tables, not in the daily series ------------------------------

UNDATED_DAY = date(2024, 6, 1)  # its ingest day: far after every dated article


def _add_undated_article(con) -> None:
    """a6: undated, about North Korea, with a nuclear threat hit, stored on its ingest day."""
    _insert_article(
        con, "a6", UNDATED_DAY, "en", "reuters.com", -0.4,
        [("nuclear_threats", "nuclear weapons", "threaten")], dated=False,
    )  # fmt: skip
    con.execute(
        "INSERT INTO article_actors VALUES ('a6', 'north_korea', 'north_korea', 1, -0.4, ?, true, "
        "false, 6)",
        [UNDATED_DAY],
    )
    con.execute(
        "INSERT INTO article_rollups VALUES ('a6', 'north_korea', 1, -0.4, ?, true, false, 6)",
        [UNDATED_DAY],
    )


SERIES = {
    "tension_index": q.tension_index,
    "actor_timeline": q.actor_timeline,
    "threat_timeline": q.threat_timeline,
}


@pytest.mark.parametrize("name", SERIES)
@pytest.mark.parametrize(
    "filters",
    [
        q.Filters(),
        q.Filters(actors=("north_korea",)),
        q.Filters(actors=("north_korea",), rollup=True),
        q.Filters(categories=("nuclear_threats",)),
    ],
)
def test_daily_series_leave_out_undated_articles(con, name, filters):
    before = SERIES[name](con, filters)
    assert not before.empty
    _add_undated_article(con)
    after = SERIES[name](con, filters)
    assert UNDATED_DAY not in set(after["day"].dt.date)
    pd.testing.assert_frame_equal(after, before)


@pytest.mark.parametrize(
    ("filters", "articles", "undated", "north_korea"),
    [
        (q.Filters(), 6, 1, 3),
        (q.Filters(actors=("north_korea",)), 3, 1, 3),
        (q.Filters(actors=("north_korea",), rollup=True), 4, 1, 4),  # a2 names Kim Jong Un
        (q.Filters(end=date(2024, 5, 31)), 5, 0, 2),  # the date range applies to its ingest day
    ],
)
def test_undated_articles_count_everywhere_else(con, filters, articles, undated, north_korea):
    _add_undated_article(con)
    summary = q.overview(con, filters)
    assert (summary["articles"], summary["undated"]) == (articles, undated)
    assert len(q.articles_table(con, filters)) == articles
    assert len(q.export_articles(con, filters)) == articles
    mentions = q.actor_mentions(con, filters).set_index("actor_id")
    assert mentions.loc["north_korea", "articles"] == north_korea


def test_top_phrases_count_undated_hits(con):
    f = q.Filters(categories=("nuclear_threats",))
    before = q.top_phrases(con, f).set_index("phrase")["hits"]
    _add_undated_article(con)
    after = q.top_phrases(con, f).set_index("phrase")["hits"]
    assert after["nuclear weapons threaten"] == before["nuclear weapons threaten"] + 1


# Selecting every actor type reads article_actors/dyads and merges a person into their country at
# query time; no type filter reads the precomputed rollup tables. Both must give the same answer.
EVERY_TYPE = ("country", "person", "organisation", "media")


@pytest.mark.parametrize(
    "filters",
    [
        q.Filters(rollup=True),
        q.Filters(actors=("north_korea", "united_states"), rollup=True),
        q.Filters(actors=("russia",), rollup=True, languages=("id",), start=date(2023, 2, 1)),
        q.Filters(rollup=True, categories=("nuclear_threats",)),
    ],
)
def test_rollup_tables_agree_with_merging_at_query_time(synthetic_con, filters):
    merged = replace(filters, actor_types=EVERY_TYPE)
    assert q.overview(synthetic_con, filters) == q.overview(synthetic_con, merged)
    for view in (q.actor_mentions, q.dyad_matrix):
        pd.testing.assert_frame_equal(view(synthetic_con, filters), view(synthetic_con, merged))
    if filters.actors:  # (the default series rank actors by rows when merging: see queries.py)
        for view in (q.tension_index, q.actor_timeline):
            pd.testing.assert_frame_equal(view(synthetic_con, filters), view(synthetic_con, merged))
