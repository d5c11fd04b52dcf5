"""The DuckDB schema: one place that says what is stored.

Offsets (start/end) index into the analysed text, ``title + "\\n\\n" + text`` when there is
a title (see ``dashboard.analysis.types.Analysis.text``).
"""

from __future__ import annotations

import duckdb

# Bumped on any change to the tables below; a database of another version is refused.
SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- One row per article. id = stable hash of the normalised URL, else of the normalised text.
-- key = the integer the child tables join on (unique; assigned by the writer, kept on replace).
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,      -- hash of title + text: a change means re-score and replace
    title VARCHAR,
    text VARCHAR NOT NULL,
    url VARCHAR,
    source VARCHAR,                     -- outlet/domain/file the article came from
    language VARCHAR NOT NULL,          -- ISO 639-1, 'und' when undetermined
    scored BOOLEAN NOT NULL,            -- false: a language we cannot score (tone is NULL, not 0)
    published TIMESTAMP,                -- NULL when no date could be found
    ingested TIMESTAMP NOT NULL,
    day DATE NOT NULL,                  -- coalesce(published, ingested)::DATE, for daily series
    tone DOUBLE,                        -- [-1, 1]
    positive DOUBLE,                    -- % of words
    negative DOUBLE,
    polarity DOUBLE,
    word_count INTEGER NOT NULL,
    threat_intensity DOUBLE NOT NULL,   -- 0-100
    threat_hits INTEGER NOT NULL,
    analyzer_version VARCHAR NOT NULL,
    key BIGINT NOT NULL
);

-- Every actor the gazetteer knows (refreshed on each ingest/rescore).
CREATE TABLE IF NOT EXISTS actors (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,              -- canonical English name
    type VARCHAR NOT NULL,              -- country / person / organisation / media
    country VARCHAR,                    -- for people and agencies: the actor id of their country
    aliases VARCHAR[]                   -- every name it is matched by, any language (for search)
);

-- Every mention of an actor (media included), with the tone of its sentence.
CREATE TABLE IF NOT EXISTS actor_mentions (
    article_id VARCHAR NOT NULL,
    actor_id VARCHAR NOT NULL,
    sentence INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    tone DOUBLE,                        -- NULL when unscored
    article_key BIGINT NOT NULL
);

-- One row per (article, actor): what the dashboard aggregates. Media are not in it.
CREATE TABLE IF NOT EXISTS article_actors (
    article_id VARCHAR NOT NULL,
    actor_id VARCHAR NOT NULL,
    rollup_id VARCHAR NOT NULL,         -- country of a person/agency if it has one, else actor_id
    mentions INTEGER NOT NULL,
    tone DOUBLE,                        -- mean tone of the sentences mentioning the actor
    day DATE NOT NULL,                  -- copied from articles for fast daily series
    threatening BOOLEAN NOT NULL,       -- article has at least one threat hit
    dated BOOLEAN NOT NULL,             -- articles.published is known: daily series use only these
    article_key BIGINT NOT NULL
);

-- article_actors rolled up: one row per (article, rollup_id), so the rollup views need not
-- de-duplicate people and their country at query time.
CREATE TABLE IF NOT EXISTS article_rollups (
    article_id VARCHAR NOT NULL,
    rollup_id VARCHAR NOT NULL,
    mentions INTEGER NOT NULL,          -- sum over the rolled-up actors
    tone DOUBLE,                        -- mean of their tones
    day DATE NOT NULL,
    threatening BOOLEAN NOT NULL,
    dated BOOLEAN NOT NULL,
    article_key BIGINT NOT NULL
);

-- Co-mentions of two actors in the same sentence(s); actor_a < actor_b.
CREATE TABLE IF NOT EXISTS dyads (
    article_id VARCHAR NOT NULL,
    actor_a VARCHAR NOT NULL,
    actor_b VARCHAR NOT NULL,
    sentences INTEGER NOT NULL,
    tone DOUBLE,
    day DATE NOT NULL,
    article_key BIGINT NOT NULL
);

-- dyads rolled up: one row per article and pair of rollup ids (a < b; a pair that collapses into
-- one actor is left out), so the rollup matrix need not de-duplicate at query time.
CREATE TABLE IF NOT EXISTS dyad_rollups (
    article_id VARCHAR NOT NULL,
    actor_a VARCHAR NOT NULL,
    actor_b VARCHAR NOT NULL,
    sentences INTEGER NOT NULL,         -- sum over the rolled-up dyads
    tone DOUBLE,                        -- their tones weighted by sentences
    toned INTEGER NOT NULL,             -- the sentences with a tone (the weight of ``tone``)
    day DATE NOT NULL,
    article_key BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS threat_hits (
    article_id VARCHAR NOT NULL,
    category VARCHAR NOT NULL,          -- one of analysis.types.THREAT_CATEGORIES
    kind VARCHAR NOT NULL,              -- threat / act
    sentence INTEGER NOT NULL,
    topic_start INTEGER NOT NULL,
    topic_end INTEGER NOT NULL,
    topic VARCHAR NOT NULL,
    trigger_start INTEGER NOT NULL,
    trigger_end INTEGER NOT NULL,
    trigger VARCHAR NOT NULL,
    day DATE NOT NULL,
    dated BOOLEAN NOT NULL,
    article_key BIGINT NOT NULL
);

-- The language an input declared for an article (no row: it was detected); rescore honours it.
CREATE TABLE IF NOT EXISTS article_inputs (
    article_id VARCHAR PRIMARY KEY,
    language VARCHAR NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS articles_key ON articles (key);
CREATE INDEX IF NOT EXISTS article_actors_actor ON article_actors (actor_id);
CREATE INDEX IF NOT EXISTS article_actors_rollup ON article_actors (rollup_id);
CREATE INDEX IF NOT EXISTS article_rollups_rollup ON article_rollups (rollup_id);
CREATE INDEX IF NOT EXISTS actor_mentions_article ON actor_mentions (article_id);
CREATE INDEX IF NOT EXISTS threat_hits_article ON threat_hits (article_id);
CREATE INDEX IF NOT EXISTS dyads_article ON dyads (article_id);
"""

# Tables holding rows derived from one article: replaced together when the article changes.
ARTICLE_CHILD_TABLES = (
    "actor_mentions",
    "article_actors",
    "article_rollups",
    "dyads",
    "dyad_rollups",
    "threat_hits",
    "article_inputs",
)


class SchemaVersionError(RuntimeError):
    """The database was written with another schema version than this tool's."""


# The rollup tables from article_actors, dyads and actors, for the articles with key >= $first (the
# writer computes the same rows in Python: writer.rows_for).
FILL_ROLLUPS = (
    """
    INSERT INTO article_rollups
    SELECT any_value(article_id), rollup_id, sum(mentions), avg(tone), any_value(day),
           bool_or(threatening), bool_or(dated), article_key
    FROM article_actors WHERE article_key >= $first
    GROUP BY article_key, rollup_id ORDER BY article_key, rollup_id
    """,
    """
    INSERT INTO dyad_rollups
    SELECT any_value(article_id), least(ra, rb) AS a, greatest(ra, rb) AS b, sum(sentences),
           sum(tone * sentences) / nullif(sum(CASE WHEN tone IS NOT NULL THEN sentences END), 0),
           coalesce(sum(CASE WHEN tone IS NOT NULL THEN sentences END), 0), any_value(day),
           article_key
    FROM (
        SELECT dy.*, coalesce(xa.country, dy.actor_a) AS ra, coalesce(xb.country, dy.actor_b) AS rb
        FROM dyads dy
        LEFT JOIN actors xa ON xa.id = dy.actor_a
        LEFT JOIN actors xb ON xb.id = dy.actor_b
        WHERE dy.article_key >= $first
    )
    WHERE ra <> rb
    GROUP BY article_key, a, b ORDER BY article_key, a, b
    """,
)


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version recorded in the database, None for a database without tables."""
    ((has_meta,),) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'meta'"
    ).fetchall()
    if not has_meta:
        return None
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else None


def check_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The stored schema version (None: no tables yet); raises if it is not this tool's."""
    version = stored_version(con)
    if version is not None and version != SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the database has schema version {version}, this tool uses {SCHEMA_VERSION}: "
            "ingest into a new database file (--db or TENSION_DB)"
        )
    return version


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables of a new database (nothing to do for one of this version)."""
    if check_version(con) is not None:
        return
    con.execute(DDL)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
