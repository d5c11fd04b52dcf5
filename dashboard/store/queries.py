"""What the dashboard shows, aggregated in DuckDB.

Every function takes a read connection and a ``Filters`` and returns a small pandas DataFrame (or a
dict). SQL text is assembled only from the constant fragments in this module (and ``?``
placeholders); every value, including filter values, travels as a query parameter.

Filter semantics:
- An article passes when it is inside the date range, in one of the languages/sources, has a threat
  hit in one of the categories, and mentions at least one selected actor (``rollup_id`` when
  ``rollup`` else ``actor_id``). Empty tuples mean "no restriction".
- ``actor_types`` restricts which actors the actor views count (the type of the mentioned actor,
  before any rollup), not which articles pass.
- The per-actor daily series (``tension_index``, ``actor_timeline``) use the categories as the
  numerator instead: "threatening" then means "has a hit in one of these categories", so the index
  stays a share of the actor's articles rather than a constant 1.
- The daily series (``tension_index``, ``actor_timeline``, ``threat_timeline``) count dated articles
  only: an undated article's day is its ingest day, which would put it at "today" on every time
  axis. Counts, tone, actor views and the article table include undated articles
  (``overview()["undated"]`` says how many).

Child tables are joined to articles on the integer ``article_key`` (= ``articles.key``), which is
several times faster than joining on the VARCHAR id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import duckdb
import pandas as pd

# z for a two-sided 95% normal confidence interval of the mean tone.
Z95 = 1.96
# A spike needs at least this many earlier days in the baseline window (fewer: no spike); 3 keeps
# the first days of a series and sparse actors from flagging every non-zero day.
MIN_BASELINE_DAYS = 3
# Series shown when no actor is selected (the contract: the top 5 actors by articles).
DEFAULT_SERIES = 5

Params = list[object]
_VALUE_FIELDS = ("actors", "languages", "sources", "categories", "actor_types")


@dataclass(frozen=True)
class Filters:
    actors: tuple[str, ...] = ()  # actor ids (after rollup if rollup=True); empty = all
    start: date | None = None  # on articles.day, inclusive
    end: date | None = None
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # article must have a threat hit in one of them
    # which actor types the actor views count (empty = all but media)
    actor_types: tuple[str, ...] = ()
    rollup: bool = False  # people/agencies count as their country (rollup_id, article_rollups)

    def __post_init__(self) -> None:
        for name in _VALUE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"Filters.{name}: expected a tuple of strings, got {value!r}")
            # Lists (from widgets or URL params) become tuples so Filters stays hashable; sets are
            # sorted so equal selections give equal Filters.
            items = tuple(sorted(value) if isinstance(value, set | frozenset) else value)
            bad = [v for v in items if not isinstance(v, str)]
            if bad:
                raise TypeError(f"Filters.{name}: expected strings, got {bad[0]!r}")
            object.__setattr__(self, name, items)
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"Filters: start {self.start} is after end {self.end}")


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _key(f: Filters, alias: str = "aa") -> str:
    return f"{alias}.rollup_id" if f.rollup else f"{alias}.actor_id"


def _actor_table(f: Filters) -> str:
    """The (article, actor) rows the actor views read.

    With rollup that is article_rollups (one row per article and country), unless actor types
    restrict the view: those are the types of the actors before rollup, which only article_actors
    has (see ``_needs_dedup``).
    """
    return "article_rollups" if f.rollup and not f.actor_types else "article_actors"


def _needs_dedup(f: Filters) -> bool:
    """Rolled-up article_actors rows: a person and their country in one article must be merged."""
    return f.rollup and _actor_table(f) == "article_actors"


def _article_conditions(
    f: Filters,
    *,
    key_col: str,
    day_col: str,
    on_articles: bool = False,
    categories: bool = True,
    actors: bool = True,
) -> tuple[list[str], Params]:
    """Conditions that keep the rows of articles passing ``f``.

    ``key_col``/``day_col`` name the article key and day columns of the table being filtered; the
    day range is applied to that table's own (precomputed) day, everything else is a semi-join.
    """
    bounds = [(op, value) for op, value in ((">=", f.start), ("<=", f.end)) if value]
    day_params: Params = [value for _, value in bounds]
    conds = [f"{day_col} {op} ?" for op, _ in bounds]
    params: Params = list(day_params)
    # The date range narrows the semi-join subqueries too (smaller hash tables).
    sub_days = "".join(f" AND day {op} ?" for op, _ in bounds)

    article_conds: list[str] = []
    article_params: Params = []
    if f.languages:
        article_conds.append(f"language IN ({_marks(f.languages)})")
        article_params += f.languages
    if f.sources:
        article_conds.append(f"source IN ({_marks(f.sources)})")
        article_params += f.sources
    if article_conds and on_articles:
        conds += [f"a.{c}" for c in article_conds]
        params += article_params
    elif article_conds:
        where = " AND ".join(article_conds)
        conds.append(f"{key_col} IN (SELECT key FROM articles WHERE {where}{sub_days})")  # noqa: S608
        params += article_params + day_params
    if categories and f.categories:
        conds.append(
            f"{key_col} IN (SELECT article_key FROM threat_hits "  # noqa: S608
            f"WHERE category IN ({_marks(f.categories)}){sub_days})"
        )
        params += [*f.categories, *day_params]
    if actors and f.actors:
        conds.append(
            f"{key_col} IN (SELECT article_key FROM "  # noqa: S608
            f"{'article_rollups' if f.rollup else 'article_actors'} aa "
            f"WHERE {_key(f)} IN ({_marks(f.actors)}){sub_days})"
        )
        params += [*f.actors, *day_params]
    return conds, params


def _type_condition(f: Filters, actor_col: str) -> tuple[list[str], Params]:
    if not f.actor_types:
        return [], []  # article_actors and dyads never hold media (schema.py), so: all
    types = _marks(f.actor_types)
    return [f"{actor_col} IN (SELECT id FROM actors WHERE type IN ({types}))"], list(f.actor_types)  # noqa: S608


def _where(conds: list[str]) -> str:
    return " WHERE " + " AND ".join(conds) if conds else ""


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Params) -> pd.DataFrame:
    return con.execute(sql, params).df()


def filter_options(con: duckdb.DuckDBPyConnection) -> dict:
    """Values the filter widgets offer: languages, sources, the date range and every actor."""
    languages = [
        r[0] for r in con.execute("SELECT DISTINCT language FROM articles ORDER BY 1").fetchall()
    ]
    sources = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    min_day, max_day = con.execute("SELECT min(day), max(day) FROM articles").fetchone()
    actors = con.execute(
        """
        SELECT act.id, act.name, act.type, act.country, act.aliases,
               coalesce(c.articles, 0) AS articles
        FROM actors act
        LEFT JOIN (SELECT actor_id, count(*) AS articles FROM article_actors GROUP BY actor_id) c
               ON c.actor_id = act.id
        WHERE act.type <> 'media'
        ORDER BY articles DESC, act.name
        """
    ).df()
    # Plain Python values for lookups: None (not NaN) for "no country", aliases as a tuple.
    actors["country"] = pd.Series(
        [c if isinstance(c, str) else None for c in actors["country"]], dtype=object
    )
    actors["aliases"] = [tuple(a) if a is not None else () for a in actors["aliases"]]
    return {
        "languages": languages,
        "sources": sources,
        "min_day": min_day,
        "max_day": max_day,
        "actors": actors,
    }


def overview(con: duckdb.DuckDBPyConnection, f: Filters) -> dict:
    """Headline numbers: articles, scored, undated (not in the daily series), mean tone, share
    threatening, distinct actors."""
    conds, params = _article_conditions(f, key_col="a.key", day_col="a.day", on_articles=True)
    articles, scored, undated, mean_tone, threat_share = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE a.scored),
               count(*) FILTER (WHERE a.published IS NULL), avg(a.tone) FILTER (WHERE a.scored),
               avg(CASE WHEN a.threat_hits > 0 THEN 1.0 ELSE 0.0 END)
        FROM articles a{_where(conds)}
        """,  # noqa: S608
        params,
    ).fetchone()
    conds, params = _article_conditions(f, key_col="aa.article_key", day_col="aa.day")
    type_conds, type_params = _type_condition(f, "aa.actor_id")
    (actors,) = con.execute(
        f"SELECT count(DISTINCT {_key(f)}) FROM {_actor_table(f)} aa"  # noqa: S608
        f"{_where(conds + type_conds)}",
        params + type_params,
    ).fetchone()
    return {
        "articles": int(articles),
        "scored": int(scored),
        "undated": int(undated),
        "mean_tone": None if mean_tone is None else float(mean_tone),
        "threat_share": None if threat_share is None else float(threat_share),
        "actors": int(actors),
    }


def _actor_days_sql(f: Filters) -> tuple[str, Params]:
    """CTEs ``chosen`` (the series' actors), ``per_article`` (one row per article and chosen actor)
    and ``daily`` (per actor and day).

    The series are the selected actors, or the top ``DEFAULT_SERIES`` by articles when none is.
    """
    conds, params = _article_conditions(
        f, key_col="aa.article_key", day_col="aa.day", categories=False, actors=False
    )
    conds.append("aa.dated")
    type_conds, type_params = _type_condition(f, "aa.actor_id")
    conds += type_conds
    params += type_params
    if f.actors:
        chosen, chosen_params = f"SELECT unnest([{_marks(f.actors)}]) AS actor_id", list(f.actors)
    else:
        # Ranked on its own scan, so only the chosen actors' rows reach per_article. The rank counts
        # rows: when rolled-up rows need de-duplicating, an article naming a leader and their
        # country counts twice here (the series themselves count each article once).
        chosen = (
            f"SELECT {_key(f)} AS actor_id FROM {_actor_table(f)} aa{_where(conds)} "  # noqa: S608
            f"GROUP BY {_key(f)} ORDER BY count(*) DESC, {_key(f)} LIMIT ?"
        )
        chosen_params = [*params, DEFAULT_SERIES]
    conds.append(f"{_key(f)} IN (SELECT actor_id FROM chosen)")  # noqa: S608
    if f.categories:
        threatening = (
            "aa.article_key IN (SELECT article_key FROM threat_hits "  # noqa: S608
            f"WHERE category IN ({_marks(f.categories)}))"
        )
        params = [*f.categories, *params]
    else:
        threatening = "aa.threatening"
    rows = (
        f"SELECT {_key(f)} AS actor_id, aa.article_key, aa.day, {threatening} AS threatening, "  # noqa: S608
        f"aa.tone FROM {_actor_table(f)} aa{_where(conds)}"
    )
    if _needs_dedup(f):
        # A person and their country in one article are one article of the country.
        rows = (
            "SELECT actor_id, article_key, any_value(day) AS day, "  # noqa: S608
            "bool_or(threatening) AS threatening, avg(tone) AS tone "
            f"FROM ({rows}) GROUP BY actor_id, article_key"
        )
    sql = f"""
        chosen AS ({chosen}),
        per_article AS ({rows}),
        daily AS (
            SELECT actor_id, day, count(*) AS articles,
                   count(*) FILTER (WHERE threatening) AS threatening, avg(tone) AS tone
            FROM per_article
            GROUP BY actor_id, day
        )
    """  # noqa: S608
    return sql, [*chosen_params, *params]


def tension_index(
    con: duckdb.DuckDBPyConnection, f: Filters, *, window: int = 7, z: float = 2.0
) -> pd.DataFrame:
    """Daily share of an actor's articles with threat language, with its trailing baseline.

    Like the country-level geopolitical risk index: for an actor and a day, threatening / articles.
    ``baseline``/``std`` are the mean/standard deviation of the index over the previous ``window``
    calendar days (days with articles); ``spike`` = index > baseline + z * std.
    """
    if window < 1:
        raise ValueError(f"tension_index: window must be >= 1 day, got {window}")
    ctes, params = _actor_days_sql(f)
    sql = f"""
        WITH {ctes},
        indexed AS (
            SELECT *, threatening / articles AS "index" FROM daily
        ),
        windowed AS (
            SELECT *,
                   avg("index") OVER w AS baseline,
                   stddev_samp("index") OVER w AS std,
                   count(*) OVER w AS prior_days
            FROM indexed
            WINDOW w AS (PARTITION BY actor_id ORDER BY day
                         RANGE BETWEEN ? PRECEDING AND 1 PRECEDING)
        )
        SELECT w.day, w.actor_id, coalesce(act.name, w.actor_id) AS name, w.articles,
               w.threatening, w."index", w.baseline, w.std,
               coalesce(w.prior_days >= ? AND w."index" > w.baseline + ? * w.std, false) AS spike
        FROM windowed w LEFT JOIN actors act ON act.id = w.actor_id
        ORDER BY w.actor_id, w.day
    """  # noqa: S608
    df = _df(con, sql, [*params, window, MIN_BASELINE_DAYS, z])
    return df.astype({"articles": "int64", "threatening": "int64", "spike": "bool"})


def spikes(index_df: pd.DataFrame) -> pd.DataFrame:
    """The spike rows of a ``tension_index`` frame, newest first."""
    out = index_df[index_df["spike"].astype(bool)]
    return out.sort_values(["day", "index"], ascending=False).reset_index(drop=True)


def actor_mentions(con: duckdb.DuckDBPyConnection, f: Filters, *, limit: int = 30) -> pd.DataFrame:
    """Articles, mentions and mean tone (with its 95% confidence interval) per actor."""
    conds, params = _article_conditions(f, key_col="aa.article_key", day_col="aa.day")
    type_conds, type_params = _type_condition(f, "aa.actor_id")
    rows = (
        f"SELECT {_key(f)} AS actor_id, aa.article_key, aa.mentions, aa.tone "  # noqa: S608
        f"FROM {_actor_table(f)} aa{_where(conds + type_conds)}"
    )
    if _needs_dedup(f):
        rows = (
            "SELECT actor_id, article_key, sum(mentions) AS mentions, avg(tone) AS tone "  # noqa: S608
            f"FROM ({rows}) GROUP BY actor_id, article_key"
        )
    sql = f"""
        WITH per_actor AS (
            SELECT actor_id, count(*) AS articles, sum(mentions) AS mentions, avg(tone) AS tone,
                   stddev_samp(tone) AS sd, count(tone) AS n
            FROM ({rows})
            GROUP BY actor_id
            ORDER BY articles DESC, actor_id
            LIMIT ?
        )
        SELECT p.actor_id, coalesce(act.name, p.actor_id) AS name, act.type, p.articles,
               p.mentions, p.tone,
               CASE WHEN p.n >= 2 THEN p.tone - ? * p.sd / sqrt(p.n) ELSE p.tone END AS tone_low,
               CASE WHEN p.n >= 2 THEN p.tone + ? * p.sd / sqrt(p.n) ELSE p.tone END AS tone_high
        FROM per_actor p LEFT JOIN actors act ON act.id = p.actor_id
        ORDER BY p.articles DESC, p.actor_id
    """  # noqa: S608
    df = _df(con, sql, [*params, *type_params, limit, Z95, Z95])
    return df.astype({"articles": "int64", "mentions": "int64"})


def actor_timeline(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Daily articles, mean tone and threat share per selected actor (top actors when none)."""
    ctes, params = _actor_days_sql(f)
    sql = f"""
        WITH {ctes}
        SELECT d.day, d.actor_id, coalesce(act.name, d.actor_id) AS name, d.articles, d.tone,
               d.threatening / d.articles AS threat_share
        FROM daily d LEFT JOIN actors act ON act.id = d.actor_id
        ORDER BY d.actor_id, d.day
    """  # noqa: S608
    return _df(con, sql, params).astype({"articles": "int64"})


def dyad_matrix(con: duckdb.DuckDBPyConnection, f: Filters, *, limit: int = 12) -> pd.DataFrame:
    """Co-mentions among the ``limit`` actors with the most co-mentioned articles.

    ``tone`` is the mean tone of the shared sentences (dyad tones weighted by their sentences).
    """
    conds, params = _article_conditions(f, key_col="dy.article_key", day_col="dy.day")
    for col in ("dy.actor_a", "dy.actor_b"):
        type_conds, type_params = _type_condition(f, col)
        conds += type_conds
        params += type_params
    toned = "CASE WHEN dy.tone IS NOT NULL THEN dy.sentences ELSE 0 END AS toned"
    if f.rollup and not f.actor_types:
        # one row per article and rolled-up pair (the types filter needs the actors before rollup)
        pairs = (
            "SELECT dy.actor_a AS a, dy.actor_b AS b, dy.sentences, dy.tone, dy.toned "  # noqa: S608
            f"FROM dyad_rollups dy{_where(conds)}"
        )
        articles = "count(*)"
    elif f.rollup:
        # Map both sides to their country; pairs that collapse into one actor are not dyads.
        pairs = f"""
            SELECT least(ra, rb) AS a, greatest(ra, rb) AS b, article_key, sentences, tone, toned
            FROM (
                SELECT coalesce(xa.country, dy.actor_a) AS ra,
                       coalesce(xb.country, dy.actor_b) AS rb,
                       dy.article_key, dy.sentences, dy.tone, {toned}
                FROM dyads dy
                LEFT JOIN actors xa ON xa.id = dy.actor_a
                LEFT JOIN actors xb ON xb.id = dy.actor_b
                {_where(conds)}
            )
            WHERE ra <> rb
        """  # noqa: S608
        articles = "count(DISTINCT article_key)"
    else:
        pairs = (
            f"SELECT dy.actor_a AS a, dy.actor_b AS b, dy.sentences, dy.tone, {toned} "  # noqa: S608
            f"FROM dyads dy{_where(conds)}"
        )
        articles = "count(*)"
    sql = f"""
        WITH pairs AS (
            SELECT a, b, sum(sentences) AS sentences, {articles} AS articles,
                   sum(tone * toned) / nullif(sum(toned), 0) AS tone
            FROM ({pairs})
            GROUP BY a, b
        ),
        top AS (
            SELECT actor FROM (
                SELECT a AS actor, articles FROM pairs
                UNION ALL
                SELECT b AS actor, articles FROM pairs
            )
            GROUP BY actor
            ORDER BY sum(articles) DESC, actor
            LIMIT ?
        )
        SELECT p.a AS actor_a, coalesce(na.name, p.a) AS name_a,
               p.b AS actor_b, coalesce(nb.name, p.b) AS name_b,
               p.sentences, p.articles, p.tone
        FROM pairs p
        LEFT JOIN actors na ON na.id = p.a
        LEFT JOIN actors nb ON nb.id = p.b
        WHERE p.a IN (SELECT actor FROM top) AND p.b IN (SELECT actor FROM top)
        ORDER BY p.articles DESC, p.a, p.b
    """  # noqa: S608
    df = _df(con, sql, [*params, limit])
    return df.astype({"sentences": "int64", "articles": "int64"})


def _hit_conditions(f: Filters) -> tuple[list[str], Params]:
    conds, params = _article_conditions(
        f, key_col="th.article_key", day_col="th.day", categories=False
    )
    if f.categories:
        # Only the chosen categories' hits (an article with one of them passes by construction).
        conds.append(f"th.category IN ({_marks(f.categories)})")
        params += f.categories
    return conds, params


def threat_timeline(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Threat hits per day and category (dated articles only)."""
    conds, params = _hit_conditions(f)
    conds.append("th.dated")
    sql = (
        "SELECT th.day, th.category, count(*) AS hits FROM threat_hits th"  # noqa: S608
        f"{_where(conds)} GROUP BY th.day, th.category ORDER BY th.day, th.category"
    )
    return _df(con, sql, params).astype({"hits": "int64"})


def top_phrases(con: duckdb.DuckDBPyConnection, f: Filters, *, limit: int = 20) -> pd.DataFrame:
    """The most frequent matched threat phrases (topic and trigger in text order, lower-cased)."""
    conds, params = _hit_conditions(f)
    sql = f"""
        SELECT th.category,
               lower(CASE WHEN th.trigger_start < th.topic_start
                          THEN th.trigger || ' ' || th.topic
                          ELSE th.topic || ' ' || th.trigger END) AS phrase,
               count(*) AS hits
        FROM threat_hits th{_where(conds)}
        GROUP BY th.category, phrase
        ORDER BY hits DESC, phrase, th.category
        LIMIT ?
    """  # noqa: S608
    return _df(con, sql, [*params, limit]).astype({"hits": "int64"})


def _newest_page_start(con: duckdb.DuckDBPyConnection, f: Filters, limit: int) -> date | None:
    """A start day that keeps the newest ``limit`` articles of ``f.actors`` (within f's dates).

    Used when only actors (and dates) filter: every scan can then skip the row groups before that
    day (DuckDB keeps each row group's min/max day). An article has at most one row per selected
    actor (article_rollups when rolling up), so the newest ``limit * len(f.actors)`` rows hold
    ``limit`` articles.
    """
    table = "article_rollups" if f.rollup else "article_actors"
    conds, params = _article_conditions(
        Filters(start=f.start, end=f.end), key_col="aa.article_key", day_col="aa.day"
    )
    conds.append(f"{_key(f)} IN ({_marks(f.actors)})")
    (start,) = con.execute(
        f"SELECT min(day) FROM (SELECT aa.day FROM {table} aa{_where(conds)} "  # noqa: S608
        "ORDER BY aa.day DESC LIMIT ?)",
        [*params, *f.actors, limit * len(f.actors)],
    ).fetchone()
    return start if start is not None else f.start


def articles_table(con: duckdb.DuckDBPyConnection, f: Filters, *, limit: int = 500) -> pd.DataFrame:
    """The newest ``limit`` filtered articles with their actors' names (most mentioned first)."""
    if f.actors and not (f.languages or f.sources or f.categories):
        f = replace(f, start=_newest_page_start(con, f, limit))
    conds, params = _article_conditions(f, key_col="a.key", day_col="a.day", on_articles=True)
    sql = f"""
        WITH page AS (
            SELECT a.key, a.id, a.day, a.source, a.language, a.title, a.tone, a.threat_intensity,
                   coalesce(a.published, a.ingested) AS stamp
            FROM articles a{_where(conds)}
            ORDER BY a.day DESC, stamp DESC, a.id
            LIMIT ?
        ),
        names AS (
            SELECT aa.article_key,
                   string_agg(act.name, ', ' ORDER BY aa.mentions DESC, act.name) AS actors
            FROM article_actors aa JOIN actors act ON act.id = aa.actor_id
            WHERE aa.article_key IN (SELECT key FROM page)
              AND aa.day >= (SELECT min(day) FROM page)  -- prunes row groups by day
            GROUP BY aa.article_key
        )
        SELECT p.id, p.day, p.source, p.language, p.title, p.tone, p.threat_intensity,
               coalesce(n.actors, '') AS actors
        FROM page p LEFT JOIN names n ON n.article_key = p.key
        ORDER BY p.day DESC, p.stamp DESC, p.id
    """  # noqa: S608
    return _df(con, sql, [*params, limit])


def article_detail(con: duckdb.DuckDBPyConnection, article_id: str) -> dict | None:
    """One stored article (every column, text included), or None when the id is unknown."""
    cur = con.execute("SELECT * EXCLUDE (key) FROM articles WHERE id = ?", [article_id])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def export_articles(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every filtered article's stored columns except the text, oldest first (for CSV export)."""
    conds, params = _article_conditions(f, key_col="a.key", day_col="a.day", on_articles=True)
    sql = f"SELECT a.* EXCLUDE (text, key) FROM articles a{_where(conds)} ORDER BY a.day, a.key"  # noqa: S608
    return _df(con, sql, params)
