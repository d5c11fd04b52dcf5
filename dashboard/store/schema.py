"""The DuckDB schema: one place that says what is stored.

Offsets (start/end) index into the analysed text, ``title + "\\n\\n" + text`` when there is
a title (see ``dashboard.analysis.types.Analysis.text``).
"""

from __future__ import annotations

import duckdb

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- One row per article. id = stable hash of the normalised URL, else of the normalised text.
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
    analyzer_version VARCHAR NOT NULL
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
    tone DOUBLE                         -- NULL when unscored
);

-- One row per (article, actor): what the dashboard aggregates. Media are not in it.
CREATE TABLE IF NOT EXISTS article_actors (
    article_id VARCHAR NOT NULL,
    actor_id VARCHAR NOT NULL,
    rollup_id VARCHAR NOT NULL,         -- country of a person/agency if it has one, else actor_id
    mentions INTEGER NOT NULL,
    tone DOUBLE,                        -- mean tone of the sentences mentioning the actor
    day DATE NOT NULL,                  -- copied from articles for fast daily series
    threatening BOOLEAN NOT NULL        -- article has at least one threat hit
);

-- Co-mentions of two actors in the same sentence(s); actor_a < actor_b.
CREATE TABLE IF NOT EXISTS dyads (
    article_id VARCHAR NOT NULL,
    actor_a VARCHAR NOT NULL,
    actor_b VARCHAR NOT NULL,
    sentences INTEGER NOT NULL,
    tone DOUBLE,
    day DATE NOT NULL
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
    day DATE NOT NULL
);

-- The language an input declared for an article (no row: it was detected); rescore honours it.
CREATE TABLE IF NOT EXISTS article_inputs (
    article_id VARCHAR PRIMARY KEY,
    language VARCHAR NOT NULL
);

CREATE INDEX IF NOT EXISTS article_actors_actor ON article_actors (actor_id);
CREATE INDEX IF NOT EXISTS article_actors_rollup ON article_actors (rollup_id);
CREATE INDEX IF NOT EXISTS actor_mentions_article ON actor_mentions (article_id);
CREATE INDEX IF NOT EXISTS threat_hits_article ON threat_hits (article_id);
CREATE INDEX IF NOT EXISTS dyads_article ON dyads (article_id);
"""

# Tables holding rows derived from one article: replaced together when the article changes.
ARTICLE_CHILD_TABLES = (
    "actor_mentions",
    "article_actors",
    "dyads",
    "threat_hits",
    "article_inputs",
)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
