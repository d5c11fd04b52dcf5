"""Turning analysed articles into rows and writing them in batches.

``rows_for`` is pure (and cheap to pickle back from a worker process); ``write_rows`` replaces a
batch of articles and all their derived rows in one transaction through Arrow tables, never
row-by-row SQL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import duckdb
import pyarrow as pa

from dashboard.analysis import Analysis, analyze, analyzer_version
from dashboard.analysis.actors import load_gazetteer
from dashboard.analysis.types import ActorSummary, Dyad

from .schema import ARTICLE_CHILD_TABLES

# Query parameters that only track the reader, never select the article.
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.I)


def normalise_url(url: str) -> str:
    """Lower-case scheme/host, no fragment, default port, tracking parameters or trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_PARAMS.match(k))
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:24]


def _normalise_text(title: str | None, text: str) -> str:
    # str.split() splits on exactly the characters ``\s`` matches (str.isspace), and faster
    return " ".join(f"{title or ''}\n{text}".split()).casefold()


def _article_id(url: str | None, normalised: str) -> str:
    if url:
        return _digest("url:" + normalise_url(url))
    return _digest("text:" + normalised)


def article_id(url: str | None, title: str | None, text: str) -> str:
    """Stable id: hash of the normalised URL, else of the normalised title and text."""
    return _article_id(url, "" if url else _normalise_text(title, text))


def content_hash(title: str | None, text: str) -> str:
    """Changes when the article's words change (whitespace and case aside)."""
    return _digest(_normalise_text(title, text))


def identify(url: str | None, title: str | None, text: str) -> tuple[str, str]:
    """``(article_id(...), content_hash(...))``, normalising the text once."""
    normalised = _normalise_text(title, text)
    return _article_id(url, normalised), _digest(normalised)


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One article ready to be analysed and stored."""

    id: str
    content_hash: str
    title: str | None
    text: str
    url: str | None
    source: str | None
    language: str | None  # declared by the input; None means "detect it"
    published: datetime | None  # naive UTC; None when no date was found
    ingested: datetime  # naive UTC


@dataclass(slots=True)
class ArticleRows:
    """Every row one article contributes, as plain tuples in the column order of its table.

    The integer article key is not known until the article is written: rows of the ``_KEYED``
    tables lack that last column and ``write_rows`` appends it.
    """

    article: tuple
    actor_mentions: list[tuple] = field(default_factory=list)
    article_actors: list[tuple] = field(default_factory=list)
    article_rollups: list[tuple] = field(default_factory=list)
    dyads: list[tuple] = field(default_factory=list)
    dyad_rollups: list[tuple] = field(default_factory=list)
    threat_hits: list[tuple] = field(default_factory=list)
    article_inputs: list[tuple] = field(default_factory=list)


# The tables whose rows carry the integer article key as their last column (added by write_rows).
_KEYED = frozenset(ARTICLE_CHILD_TABLES) - {"article_inputs"} | {"articles"}


def _mean_tone(actors: Sequence[ActorSummary]) -> float | None:
    """Mean of the known tones (like SQL avg: None when there are none)."""
    tones = [a.tone for a in actors if a.tone is not None]
    return sum(tones) / len(tones) if tones else None


def _rollup_id(actor_id: str) -> str:
    """The actor's country if it has one, else itself (as article_actors.rollup_id)."""
    actor = load_gazetteer().actors.get(actor_id)
    return (actor.country if actor else None) or actor_id


def _weighted_tone(dyads: Sequence[Dyad]) -> tuple[float | None, int]:
    """The sentence-weighted mean tone of ``dyads`` and its weight (their sentences with a tone)."""
    toned = [(d.tone, d.sentences) for d in dyads if d.tone is not None]
    weight = sum(n for _, n in toned)
    return (sum(t * n for t, n in toned) / weight if weight else None), weight


def rows_for(record: ArticleRecord, analysis: Analysis, version: str) -> ArticleRows:
    """All rows for one analysed article."""
    day = (record.published or record.ingested).date()
    tone, threat = analysis.tone, analysis.threat
    sentence_tones = tone.sentence_tones if analysis.scored else ()

    def sentence_tone(index: int) -> float | None:
        return sentence_tones[index] if index < len(sentence_tones) else None

    threatening = bool(threat.hits)
    dated = record.published is not None
    rolled: dict[str, list[ActorSummary]] = {}
    for a in analysis.actors:
        rolled.setdefault(a.country or a.actor_id, []).append(a)
    rolled_pairs: dict[tuple[str, str], list[Dyad]] = {}
    for d in analysis.dyads:
        ra, rb = _rollup_id(d.a), _rollup_id(d.b)
        if ra != rb:  # a leader and their own country: not a dyad of countries
            rolled_pairs.setdefault((min(ra, rb), max(ra, rb)), []).append(d)
    rid = record.id
    return ArticleRows(
        article=(
            rid,
            record.content_hash,
            record.title,
            record.text,
            record.url,
            record.source,
            analysis.language,
            analysis.scored,
            record.published,
            record.ingested,
            day,
            tone.tone,
            tone.positive,
            tone.negative,
            tone.polarity,
            tone.word_count,
            threat.intensity,
            len(threat.hits),
            version,
        ),
        actor_mentions=[
            (rid, m.actor_id, m.sentence, m.start, m.end, m.text, sentence_tone(m.sentence))
            for m in (*analysis.mentions, *analysis.media)
        ],
        article_actors=[
            (rid, a.actor_id, a.country or a.actor_id, a.mentions, a.tone, day, threatening, dated)
            for a in analysis.actors
        ],
        article_rollups=[
            (
                rid,
                rollup_id,
                sum(a.mentions for a in group),
                _mean_tone(group),
                day,
                threatening,
                dated,
            )
            for rollup_id, group in sorted(rolled.items())
        ],
        dyads=[(rid, d.a, d.b, d.sentences, d.tone, day) for d in analysis.dyads],
        dyad_rollups=[
            (rid, a, b, sum(d.sentences for d in group), *_weighted_tone(group), day)
            for (a, b), group in sorted(rolled_pairs.items())
        ],
        threat_hits=[
            (
                rid,
                h.category,
                h.kind,
                h.sentence,
                h.topic.start,
                h.topic.end,
                h.topic.text,
                h.trigger.start,
                h.trigger.end,
                h.trigger.text,
                day,
                dated,
            )
            for h in threat.hits
        ],
        article_inputs=[(rid, record.language)] if record.language else [],
    )


def analyse_record(record: ArticleRecord) -> ArticleRows:
    """Analyse one record and build its rows (the unit of work for a worker process)."""
    analysis = analyze(record.text, title=record.title, language=record.language)
    return rows_for(record, analysis, analyzer_version())


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[tuple],
    keys: Sequence[int] | None = None,
) -> None:
    """Insert ``rows`` (tuples in the table's column order) as one Arrow table of its schema;
    ``keys``, when given, is the last column (one per row), kept apart to spare copying rows."""
    if not rows:
        return
    # table names come from the schema module, never from input
    schema = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema  # noqa: S608
    columns = [*zip(*rows, strict=True), *([keys] if keys is not None else [])]
    view = f"_new_{table}"
    con.register(
        view,
        pa.Table.from_arrays(
            [pa.array(v, type=f.type) for v, f in zip(columns, schema, strict=True)], schema=schema
        ),
    )
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM {view}")  # noqa: S608
    finally:
        con.unregister(view)


def _delete_articles(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, int]:
    """Delete the stored articles of ``ids`` and their rows; return their keys (id -> key)."""
    con.register("_old_ids", pa.table({"id": pa.array(ids, type=pa.string())}))
    try:
        keys = dict(
            con.execute(
                "SELECT id, key FROM articles WHERE id IN (SELECT id FROM _old_ids)"
            ).fetchall()
        )
        for table in ARTICLE_CHILD_TABLES:
            # table names come from the schema module
            con.execute(
                f"DELETE FROM {table} WHERE article_id IN (SELECT id FROM _old_ids)"  # noqa: S608
            )
        con.execute("DELETE FROM articles WHERE id IN (SELECT id FROM _old_ids)")
    finally:
        con.unregister("_old_ids")
    return keys


def write_rows(
    con: duckdb.DuckDBPyConnection,
    batch: Sequence[ArticleRows],
    replacing: Collection[str] | None = None,
) -> None:
    """Store ``batch`` in one transaction, replacing the old rows of the same ids.

    ``replacing`` names the ids that may already be stored (None: any of them); deleting only
    those spares a scan of every child table when a batch is all new articles. A replaced article
    keeps its integer key; a new one gets the next after the largest stored key.
    """
    if not batch:
        return
    ids = [rows.article[0] for rows in batch]
    old = ids if replacing is None else [i for i in ids if i in replacing]
    con.execute("BEGIN TRANSACTION")
    try:
        keys = _delete_articles(con, old) if old else {}
        ((top,),) = con.execute("SELECT coalesce(max(key), 0) FROM articles").fetchall()
        for article in ids:
            if article not in keys:
                top += 1
                keys[article] = top
        for table in ("articles", *ARTICLE_CHILD_TABLES):
            if table == "articles":
                rows = [r.article for r in batch]
            else:
                rows = [row for r in batch for row in getattr(r, table)]
            # every row starts with its article's id
            _insert(con, table, rows, [keys[row[0]] for row in rows] if table in _KEYED else None)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def refresh_actors(con: duckdb.DuckDBPyConnection) -> None:
    """Make the ``actors`` table mirror the gazetteer, in one transaction."""
    actors = load_gazetteer().actors.values()
    table = pa.table(
        {
            "id": pa.array([a.id for a in actors], pa.string()),
            "name": pa.array([a.name for a in actors], pa.string()),
            "type": pa.array([a.type for a in actors], pa.string()),
            "country": pa.array([a.country for a in actors], pa.string()),
            "aliases": pa.array([sorted(a.aliases) for a in actors], pa.list_(pa.string())),
        }
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM actors")
        con.register("_gazetteer", table)
        con.execute(
            "INSERT INTO actors (id, name, type, country, aliases) "
            "SELECT id, name, type, country, aliases FROM _gazetteer"
        )
        con.unregister("_gazetteer")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def stored_hashes(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> dict[str, str]:
    """``id -> content_hash`` for the ids already stored."""
    wanted = pa.table({"id": pa.array(list(ids), type=pa.string())})
    con.register("_wanted_ids", wanted)
    try:
        return dict(
            con.execute(
                "SELECT id, content_hash FROM articles WHERE id IN (SELECT id FROM _wanted_ids)"
            ).fetchall()
        )
    finally:
        con.unregister("_wanted_ids")
