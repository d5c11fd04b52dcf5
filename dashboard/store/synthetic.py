"""Synthetic corpora for benchmarks and tests: every table of the schema, filled fast.

Random draws are vectorised with numpy (seeded, so a corpus is reproducible); strings are assembled
in DuckDB. The rows are consistent with each other: every actor mention and threat hit is a
sentence of the article's text at the stored offsets, the child tables carry the article's key and
day (and whether it is dated), the rollup tables sum them up, and tones are NULL for the
unscored language. Actors are the real gazetteer's.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from dashboard.analysis.types import THREAT_CATEGORIES

from .schema import FILL_ROLLUPS, create_schema

_ACTS = frozenset(THREAT_CATEGORIES[5:])  # types.py: five threat categories, then three acts

# Actors the corpus is mostly about (sampling weights; the rest of the gazetteer gets small
# Pareto-distributed weights, a long tail); the seed article's actors lead, as in the real input.
_FOCUS_WEIGHTS = {
    "united_states": 40.0,
    "china": 30.0,
    "russia": 30.0,
    "north_korea": 25.0,
    "south_korea": 15.0,
    "ukraine": 15.0,
    "japan": 8.0,
    "iran": 8.0,
    "israel": 8.0,
    "indonesia": 8.0,
    "donald_trump": 12.0,
    "kim_jong_un": 10.0,
    "vladimir_putin": 8.0,
    "joe_biden": 6.0,
    "xi_jinping": 6.0,
    "un": 6.0,
    "nato": 5.0,
    "eu": 4.0,
}
# Chance that an article about the actor uses threat language (before the day's tension factor);
# invented to give the charts contrast, not measured.
_THREAT_PROPENSITY = {
    "north_korea": 0.55,
    "kim_jong_un": 0.6,
    "russia": 0.45,
    "vladimir_putin": 0.45,
    "ukraine": 0.4,
    "iran": 0.4,
    "israel": 0.4,
}
_BASE_PROPENSITY = 0.15

# (language, share of articles, scored, outlets)
_LANGUAGES = (
    ("en", 0.58, True, ("reuters.com", "apnews.com", "bbc.com", "aljazeera.com", "nknews.org")),
    ("id", 0.37, True, ("antaranews.com", "kompas.com", "detik.com", "cnbcindonesia.com")),
    ("fr", 0.05, False, ("lemonde.fr", "france24.com")),
)
# Sentence templates: "{}" is where the actor's name goes (mention offsets follow from them).
_MENTION_TEMPLATES = {
    "en": (
        "{} said it would respond firmly to any provocation.",
        "{} called for calm and renewed dialogue.",
        "Officials in {} declined to comment on the report.",
        "{} welcomed the agreement as a step toward stability.",
    ),
    "id": (
        "{} menyatakan akan menanggapi setiap provokasi dengan tegas.",
        "{} menyerukan ketenangan dan dialog baru.",
        "Pejabat {} menolak berkomentar tentang laporan itu.",
        "{} menyambut kesepakatan itu sebagai langkah menuju stabilitas.",
    ),
    "fr": (
        "{} a promis de répondre fermement à toute provocation.",
        "{} a appelé au calme et au dialogue.",
    ),
}
_TITLE_TEMPLATES = {
    "en": ("{} in focus as regional tensions shift", "What {} wants from the talks"),
    "id": (
        "{} jadi sorotan di tengah ketegangan kawasan",
        "Apa yang diinginkan {} dari perundingan",
    ),
    "fr": ("{} au coeur des tensions régionales",),
}
# Threat sentences: prefix, then "topic trigger", then suffix.
_THREAT_FRAMES = {
    "en": ("Officials warned of ", " in the region."),
    "id": ("Pejabat memperingatkan soal ", " di kawasan itu."),
    "fr": ("Les responsables ont évoqué ", " dans la région."),
}
# (category, share of hits, English phrases, Indonesian phrases); French reuses the English.
_THREAT_PHRASES = (
    ("war_threats", 0.2, (("war", "threat"), ("military conflict", "warning")),
     (("perang", "ancaman"), ("konflik militer", "peringatan"))),
    ("peace_threats", 0.08, (("peace talks", "collapse"), ("ceasefire", "violation")),
     (("perundingan damai", "gagal"), ("gencatan senjata", "pelanggaran"))),
    ("military_buildups", 0.24, (("missile", "launch"), ("troops", "buildup")),
     (("rudal", "peluncuran"), ("pasukan", "pengerahan"))),
    ("nuclear_threats", 0.18, (("nuclear weapons", "threat"), ("nuclear test", "warning")),
     (("senjata nuklir", "ancaman"), ("uji coba nuklir", "peringatan"))),
    ("terror_threats", 0.06, (("terror attack", "threat"), ("bomb", "plot")),
     (("serangan teror", "ancaman"), ("bom", "rencana"))),
    ("beginning_of_war", 0.04, (("invasion", "start"), ("war", "declaration")),
     (("invasi", "dimulai"), ("perang", "pecah"))),
    ("escalation_of_war", 0.14, (("airstrikes", "escalation"), ("fighting", "intensified")),
     (("serangan udara", "eskalasi"), ("pertempuran", "meningkat"))),
    ("terror_acts", 0.06, (("suicide bombing", "attack"), ("hostages", "seized")),
     (("bom bunuh diri", "serangan"), ("sandera", "disandera"))),
)  # fmt: skip
# Share of articles without a publication date, and of inputs that declared their language
# (made-up, plausible for a mix of feeds, files and CSV exports).
_UNDATED_SHARE = 0.04
_DECLARED_SHARE = 0.3
# Day-to-day tension: a mean-reverting AR(1) in log space (made-up persistence and noise).
_TENSION_MEMORY = 0.95
_TENSION_SHOCK = 0.08
# A tension burst roughly every 40 days lasting ~3 days, doubling the threat rate (made up, to give
# the spike detector something to find).
_BURST_RATE = 1 / 40
_BURST_DAYS = 3
_BURST_FACTOR = 2.0


def _actors_frame() -> pd.DataFrame:
    from dashboard.analysis.actors import load_gazetteer

    rows = [
        (a.id, a.name, a.type, a.country, list(a.aliases))
        for a in sorted(load_gazetteer().actors.values(), key=lambda a: a.id)
    ]
    return pd.DataFrame(rows, columns=["id", "name", "type", "country", "aliases"])


def _group_rank(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of a sorted array."""
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    sizes = np.diff(np.r_[starts, len(groups)])
    return np.arange(len(groups)) - np.repeat(starts, sizes)


def populate_synthetic(
    con: duckdb.DuckDBPyConnection,
    n_articles: int,
    *,
    seed: int = 0,
    start: date = date(2023, 1, 1),
    days: int = 730,
) -> None:
    """Add ``n_articles`` synthetic articles (ids ``syn<seed>-<n>``) and their rows to ``con``.

    Creates the schema if needed and refreshes the actors table from the gazetteer. Article ids
    depend on the seed only: to add a second batch to the same database, use another seed.
    """
    if n_articles < 1 or days < 1:
        raise ValueError(
            f"populate_synthetic: need n_articles >= 1 and days >= 1, got {n_articles}, {days}"
        )
    create_schema(con)
    rng = np.random.default_rng(seed)
    actors = _actors_frame()
    eligible = actors.index[actors["type"] != "media"].to_numpy()
    if len(eligible) == 0:
        raise ValueError("populate_synthetic: the gazetteer has no non-media actors")

    # Articles: days weighted by weekday and a gentle upward trend, sorted so rows arrive by day.
    day_axis = np.arange(days)
    weekday = (np.datetime64(start, "D") + day_axis).astype("datetime64[D]").view("int64")
    day_weight = np.where((weekday + 3) % 7 >= 5, 0.6, 1.0) * (1 + day_axis / days)
    day_idx = np.sort(rng.choice(days, size=n_articles, p=day_weight / day_weight.sum()))
    shares = np.array([share for _, share, _, _ in _LANGUAGES])
    lang = rng.choice(len(_LANGUAGES), size=n_articles, p=shares / shares.sum())
    outlet = np.empty(n_articles, dtype=object)
    for k, (_, _, _, outlets) in enumerate(_LANGUAGES):
        mask = lang == k
        outlet[mask] = np.array(outlets, dtype=object)[rng.integers(0, len(outlets), mask.sum())]
    scored = np.array([s for _, _, s, _ in _LANGUAGES])[lang]

    # Actors per article (distinct), Zipf-ish weights with the focus actors on top.
    weights = rng.pareto(1.5, len(eligible)) * 0.2 + 0.05
    for pos, actor_id in enumerate(actors.loc[eligible, "id"]):
        weights[pos] = _FOCUS_WEIGHTS.get(actor_id, weights[pos])
    per_article = 1 + np.minimum(rng.poisson(1.4, n_articles), 5)
    rows = pd.DataFrame(
        {
            "article": np.repeat(np.arange(n_articles), per_article),
            "actor": eligible[
                rng.choice(len(eligible), per_article.sum(), p=weights / weights.sum())
            ],
        }
    ).drop_duplicates(ignore_index=True)
    art = rows["article"].to_numpy()
    actor = rows["actor"].to_numpy()
    rank = _group_rank(art)

    # Threat: the article's most threat-prone actor times the day's tension (with bursts).
    propensity = actors["id"].map(_THREAT_PROPENSITY).fillna(_BASE_PROPENSITY).to_numpy()
    article_prop = np.zeros(n_articles)
    np.maximum.at(article_prop, art, propensity[actor])
    log_tension = np.zeros(days)
    shocks = rng.normal(0, _TENSION_SHOCK, days)
    for d in range(1, days):
        log_tension[d] = _TENSION_MEMORY * log_tension[d - 1] + shocks[d]
    tension = np.exp(log_tension)
    for burst in np.flatnonzero(rng.random(days) < _BURST_RATE):
        tension[burst : burst + _BURST_DAYS] *= _BURST_FACTOR
    threat_p = np.clip(article_prop * tension[day_idx], 0, 0.95)
    n_hits = np.where(
        rng.random(n_articles) < threat_p, 1 + np.minimum(rng.poisson(0.8, n_articles), 4), 0
    )

    # Tone: a latent per-article tone, darker when threatening; sentences scatter around it.
    latent = np.clip(rng.normal(0.05, 0.2, n_articles) - 0.25 * (n_hits > 0), -1, 1)
    latent = np.where(scored, latent, np.nan)

    # Mentions: 1-4 sentences per (article, actor), each its own sentence of the text.
    mentions = 1 + np.minimum(rng.poisson(0.5, len(rows)), 3)
    m_row = np.repeat(np.arange(len(rows)), mentions)
    m_art = art[m_row]
    m_tone = np.clip(latent[m_art] + rng.normal(0, 0.2, len(m_row)), -1, 1)
    m_template = rng.integers(0, 1 << 30, len(m_row))
    m_ord = _group_rank(m_art)
    rows_tone = np.bincount(m_row, np.nan_to_num(m_tone), len(rows)) / mentions
    rows_tone = np.where(scored[art], rows_tone, np.nan)

    # Threat hits: after the mention sentences.
    h_art = np.repeat(np.arange(n_articles), n_hits)
    cat_share = np.array([share for _, share, _, _ in _THREAT_PHRASES])
    h_cat = rng.choice(len(_THREAT_PHRASES), len(h_art), p=cat_share / cat_share.sum())
    h_phrase = rng.integers(0, 2, len(h_art))
    per_art_mentions = np.bincount(m_art, minlength=n_articles)
    h_ord = per_art_mentions[h_art] + _group_rank(h_art)

    # Dyads: pairs among each article's first three actors (not a person with their own country).
    first = rows[rank < 3].assign(tone=rows_tone[rank < 3])
    pairs = first.merge(first, on="article", suffixes=("_a", "_b"))
    ids = actors["id"].to_numpy()
    country = actors["country"].to_numpy()
    pa, pb = pairs["actor_a"].to_numpy(), pairs["actor_b"].to_numpy()
    keep = (ids[pa] < ids[pb]) & (country[pa] != ids[pb]) & (country[pb] != ids[pa])
    pairs = pairs[keep]

    frames = {
        "syn_articles": pd.DataFrame(
            {
                "i": np.arange(n_articles),
                "day_idx": day_idx,
                "lang": np.array([code for code, _, _, _ in _LANGUAGES])[lang],
                "source": outlet,
                "scored": scored,
                "secs": rng.integers(0, 86_400, n_articles),
                "undated": rng.random(n_articles) < _UNDATED_SHARE,
                "declared": rng.random(n_articles) < _DECLARED_SHARE,
                "delay": rng.integers(600, 6 * 3600, n_articles),
                "tone": latent,
                "hits": n_hits,
                "title_actor": actor[rank == 0],
                "title_template": rng.integers(0, 1 << 30, n_articles),
                "noise": rng.normal(0, 0.5, n_articles),
            }
        ),
        "syn_rows": pd.DataFrame(
            {"article": art, "actor": actor, "mentions": mentions, "tone": rows_tone}
        ),
        "syn_mentions": pd.DataFrame(
            {
                "article": m_art,
                "actor": actor[m_row],
                "ord": m_ord,
                "template": m_template,
                "tone": m_tone,
            }
        ),
        "syn_hits": pd.DataFrame(
            {"article": h_art, "cat": h_cat, "phrase": h_phrase, "ord": h_ord}
        ),
        "syn_dyads": pd.DataFrame(
            {
                "article": pairs["article"].to_numpy(),
                "a": pa[keep],
                "b": pb[keep],
                "sentences": 1 + (rng.random(len(pairs)) < 0.2),
                "tone": (pairs["tone_a"].to_numpy() + pairs["tone_b"].to_numpy()) / 2,
            }
        ),
    }
    _write(con, frames, actors, seed=seed, start=start)


def _lookup_frames(actors: pd.DataFrame) -> dict[str, pd.DataFrame]:
    langs = [code for code, _, _, _ in _LANGUAGES]
    frames = {
        "syn_actor": actors.assign(idx=np.arange(len(actors)))[["idx", "id", "name", "country"]],
        "syn_actor_full": actors,
        "syn_lang": pd.DataFrame(
            {
                "lang": langs,
                "mention_templates": [list(_MENTION_TEMPLATES[c]) for c in langs],
                "title_templates": [list(_TITLE_TEMPLATES[c]) for c in langs],
                "threat_prefix": [_THREAT_FRAMES[c][0] for c in langs],
                "threat_suffix": [_THREAT_FRAMES[c][1] for c in langs],
            }
        ),
    }
    phrases = []
    for cat, (category, _, english, indonesian) in enumerate(_THREAT_PHRASES):
        for code in langs:
            for k, (topic, trigger) in enumerate(indonesian if code == "id" else english):
                kind = "act" if category in _ACTS else "threat"
                phrases.append((cat, code, k, category, kind, topic, trigger))
    frames["syn_phrase"] = pd.DataFrame(
        phrases, columns=["cat", "lang", "phrase", "category", "kind", "topic", "trigger"]
    )
    return frames


def _write(
    con: duckdb.DuckDBPyConnection,
    frames: dict[str, pd.DataFrame],
    actors: pd.DataFrame,
    *,
    seed: int,
    start: date,
) -> None:
    frames = {**frames, **_lookup_frames(actors)}
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        con.execute("BEGIN")
        values = {"seed": seed, "start": start}
        for sql in _INSERTS:
            con.execute(sql, {k: v for k, v in values.items() if f"${k}" in sql})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in frames:
            con.unregister(name)
        con.execute("DROP TABLE IF EXISTS syn_article")
        con.execute("DROP TABLE IF EXISTS syn_piece")


# Run in order inside one transaction; ``syn_*`` names are the registered frames above and two temp
# tables (per-article values, and every sentence with its offset into title + "\n\n" + text).
_INSERTS = (
    """
    INSERT OR REPLACE INTO actors
    SELECT a.id, a.name, a.type, a.country, a.aliases FROM syn_actor_full a
    """,
    """
    CREATE OR REPLACE TEMP TABLE syn_article AS
    SELECT s.i, printf('syn%d-%07d', $seed, s.i) AS id,
           (SELECT coalesce(max(key), 0) FROM articles) + s.i + 1 AS key,
           s.lang, s.source, s.scored, s.hits, s.noise, CASE WHEN s.scored THEN s.tone END AS tone,
           CAST($start AS DATE) + CAST(s.day_idx AS INTEGER) AS day,
           CAST(CAST($start AS DATE) + CAST(s.day_idx AS INTEGER) AS TIMESTAMP)
               + to_seconds(s.secs) AS at,
           s.undated, s.declared, s.delay,
           replace(l.title_templates[1 + s.title_template % len(l.title_templates)], '{}', x.name)
               AS title
    FROM syn_articles s
    JOIN syn_lang l ON l.lang = s.lang
    JOIN syn_actor x ON x.idx = s.title_actor
    """,
    """
    CREATE OR REPLACE TEMP TABLE syn_piece AS
    WITH pieces AS (
        SELECT m.article, m.ord, replace(m.template, '{}', x.name) AS piece,
               strpos(m.template, '{}') - 1 AS at, length(x.name) AS width
        FROM (
            SELECT m.article, m.ord, m.actor,
                   l.mention_templates[1 + m.template % len(l.mention_templates)] AS template
            FROM syn_mentions m
            JOIN syn_article a ON a.i = m.article
            JOIN syn_lang l ON l.lang = a.lang
        ) m
        JOIN syn_actor x ON x.idx = m.actor
        UNION ALL
        SELECT h.article, h.ord, l.threat_prefix || p.topic || ' ' || p.trigger || l.threat_suffix,
               length(l.threat_prefix), length(p.topic)
        FROM syn_hits h
        JOIN syn_article a ON a.i = h.article
        JOIN syn_lang l ON l.lang = a.lang
        JOIN syn_phrase p ON p.cat = h.cat AND p.lang = a.lang AND p.phrase = h.phrase
    )
    SELECT p.article, p.ord, p.piece, p.at, p.width,
           length(a.title) + 2 + coalesce(sum(length(p.piece) + 1) OVER (
               PARTITION BY p.article ORDER BY p.ord
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS start
    FROM pieces p JOIN syn_article a ON a.i = p.article
    """,
    """
    INSERT INTO articles
    WITH body AS (
        SELECT article, string_agg(piece, ' ' ORDER BY ord) AS text FROM syn_piece GROUP BY article
    )
    SELECT a.id, left(md5(a.title || b.text), 24), a.title, b.text,
           'https://' || a.source || '/news/' || a.id, a.source, a.lang, a.scored,
           CASE WHEN a.undated THEN NULL ELSE a.at END,
           CASE WHEN a.undated THEN a.at ELSE a.at + to_seconds(a.delay) END,
           a.day, a.tone,
           CASE WHEN a.scored THEN greatest(0, 2.5 + 3 * a.tone + a.noise) ELSE 0 END,
           CASE WHEN a.scored THEN greatest(0, 2.5 - 3 * a.tone - a.noise) ELSE 0 END,
           CASE WHEN a.scored THEN greatest(0, 2.5 + 3 * a.tone + a.noise)
                                   + greatest(0, 2.5 - 3 * a.tone - a.noise) ELSE 0 END,
           length(a.title) + length(b.text) + 2
               - length(replace(a.title, ' ', '')) - length(replace(b.text, ' ', '')),
           round(100 * (1 - exp(-a.hits / 2)), 1), a.hits, 'synthetic', a.key
    FROM syn_article a JOIN body b ON b.article = a.i
    ORDER BY a.i
    """,
    """
    INSERT INTO article_inputs SELECT id, lang FROM syn_article WHERE declared ORDER BY i
    """,
    """
    INSERT INTO article_actors
    SELECT a.id, x.id, coalesce(x.country, x.id), r.mentions,
           CASE WHEN a.scored THEN r.tone END, a.day, a.hits > 0, NOT a.undated, a.key
    FROM syn_rows r JOIN syn_article a ON a.i = r.article JOIN syn_actor x ON x.idx = r.actor
    ORDER BY r.article, x.id
    """,
    """
    INSERT INTO actor_mentions
    SELECT a.id, x.id, m.ord + 1, p.start + p.at, p.start + p.at + p.width, x.name,
           CASE WHEN a.scored THEN m.tone END, a.key
    FROM syn_mentions m
    JOIN syn_article a ON a.i = m.article
    JOIN syn_actor x ON x.idx = m.actor
    JOIN syn_piece p ON p.article = m.article AND p.ord = m.ord
    ORDER BY m.article, m.ord
    """,
    """
    INSERT INTO threat_hits
    SELECT a.id, p.category, p.kind, h.ord + 1,
           s.start + s.at AS topic_start, topic_start + s.width, p.topic,
           topic_start + s.width + 1 AS trigger_start, trigger_start + length(p.trigger), p.trigger,
           a.day, NOT a.undated, a.key
    FROM syn_hits h
    JOIN syn_article a ON a.i = h.article
    JOIN syn_phrase p ON p.cat = h.cat AND p.lang = a.lang AND p.phrase = h.phrase
    JOIN syn_piece s ON s.article = h.article AND s.ord = h.ord
    ORDER BY h.article, h.ord
    """,
    """
    INSERT INTO dyads
    SELECT a.id, xa.id, xb.id, d.sentences, CASE WHEN a.scored THEN d.tone END, a.day, a.key
    FROM syn_dyads d
    JOIN syn_article a ON a.i = d.article
    JOIN syn_actor xa ON xa.idx = d.a
    JOIN syn_actor xb ON xb.idx = d.b
    ORDER BY d.article, xa.id, xb.id
    """,
    *(sql.replace("$first", "(SELECT min(key) FROM syn_article)") for sql in FILL_ROLLUPS),
)
