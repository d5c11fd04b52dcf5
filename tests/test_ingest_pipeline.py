"""The ingest pipeline against a real DuckDB: idempotence, replacement, counts, rescore."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.analysis.types import ACTOR_TYPES
from dashboard.ingest.pipeline import IngestReport, Rejection, ensure_default_data, ingest, rescore
from dashboard.store import queries as q
from dashboard.store.db import Store

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TREE = FIXTURES / "tree"


def jsonl(*records: dict) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def table(store: Store, sql: str, params=()) -> list[tuple]:
    with store.read() as con:
        return con.execute(sql, list(params)).fetchall()


def n_articles(store: Store) -> int:
    return table(store, "SELECT count(*) FROM articles")[0][0]


def consistent(report) -> bool:
    return report.read == report.stored + report.duplicates + len(report.rejected)


def test_ingesting_twice_changes_nothing(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    first = ingest(store, [TREE, FIXTURES / "articles.csv"])
    assert (first.stored, first.duplicates, len(first.rejected)) == (7, 0, 2)
    snapshot = table(store, "SELECT * FROM articles ORDER BY id")
    mentions = table(store, "SELECT * FROM actor_mentions ORDER BY ALL")
    second = ingest(store, [TREE, FIXTURES / "articles.csv"])
    assert (second.stored, second.replaced, second.duplicates) == (0, 0, 7)
    assert table(store, "SELECT * FROM articles ORDER BY id") == snapshot
    assert table(store, "SELECT * FROM actor_mentions ORDER BY ALL") == mentions
    assert consistent(first) and consistent(second)


def test_a_changed_article_replaces_the_old_one():
    store = Store(":memory:")
    url = "https://news.example.org/story"
    old = {"url": url, "title": "Talks", "text": "Iran and Iraq held talks on water."}
    new = {**old, "text": "Iran and Turkey held talks on water and trade."}
    assert ingest(store, [("a.jsonl", jsonl(old))]).stored == 1
    report = ingest(store, [("b.jsonl", jsonl(new))])
    assert (report.stored, report.replaced, report.duplicates) == (1, 1, 0)
    assert table(store, "SELECT text FROM articles") == [(new["text"],)]
    actors = {r[0] for r in table(store, "SELECT actor_id FROM article_actors")}
    assert actors == {"iran", "turkey"}


def test_repeats_within_one_input_are_duplicates():
    record = {"title": "Vote", "text": "Brazil and Argentina voted together at the UN."}
    report = ingest(Store(":memory:"), [("a.jsonl", jsonl(record, record, record))])
    assert (report.read, report.stored, report.duplicates) == (3, 1, 2)


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_batch_size_does_not_change_what_is_stored(batch_size):
    store = Store(":memory:")
    report = ingest(store, [TREE, FIXTURES / "articles.jsonl"], batch_size=batch_size)
    assert (report.stored, len(report.rejected)) == (6, 5)
    assert n_articles(store) == 6
    again = ingest(store, [FIXTURES / "articles.jsonl", TREE], batch_size=batch_size)
    assert again.duplicates == 6


def test_bad_input_loses_nothing_stored_before():
    store = Store(":memory:")
    ingest(store, [TREE])
    before = table(store, "SELECT id, content_hash FROM articles ORDER BY id")
    bad = [FIXTURES / "binary.dat", FIXTURES / "latin1.txt", FIXTURES / "empty.txt"]
    report = ingest(store, [*bad, ("x.jsonl", b'{"text": ""}\n{oops\n')])
    assert report.stored == 0
    assert [Path(r.where).name for r in report.rejected] == [
        "binary.dat",
        "latin1.txt",
        "empty.txt",
        "x.jsonl:1",
        "x.jsonl:2",
    ]
    assert table(store, "SELECT id, content_hash FROM articles ORDER BY id") == before


def test_progress_is_reported_up_to_the_total():
    calls = []
    source = FIXTURES / "articles.jsonl"
    report = ingest(
        Store(":memory:"), [source, TREE], progress=lambda *a: calls.append(a), batch_size=2
    )
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert all(d <= t for d, t in calls)
    assert calls[-1] == (report.read, report.read)
    assert calls[0][1] >= 8  # estimated from the file's lines before reading it


def test_rows_agree_with_each_other():
    store = Store(":memory:")
    ingest(store, [TREE, FIXTURES / "articles.csv", FIXTURES / "articles.jsonl"])
    mismatched = table(
        store,
        "SELECT a.id FROM articles a LEFT JOIN (SELECT article_id, count(*) n FROM threat_hits "
        "GROUP BY 1) h ON h.article_id = a.id WHERE a.threat_hits <> coalesce(h.n, 0)",
    )
    assert mismatched == []
    days = table(
        store,
        "SELECT count(*) FROM article_actors x JOIN articles a ON a.id = x.article_id "
        "WHERE x.day <> a.day OR x.threatening <> (a.threat_hits > 0)",
    )
    assert days == [(0,)]
    for child, dated in (
        ("actor_mentions", False),
        ("article_actors", True),
        ("article_rollups", True),
        ("dyads", False),
        ("threat_hits", True),
    ):
        wrong = table(
            store,
            f"SELECT count(*) FROM {child} x JOIN articles a ON a.id = x.article_id "  # noqa: S608
            "WHERE x.article_key <> a.key"
            + (" OR x.dated <> (a.published IS NOT NULL)" if dated else ""),
        )
        assert wrong == [(0,)], child
    # both kinds of article are in the inputs, so the dated flags above were tested both ways
    assert table(store, "SELECT DISTINCT dated FROM article_actors ORDER BY 1") == [
        (False,),
        (True,),
    ]
    rollups = table(
        store,
        "SELECT r.article_key, r.rollup_id, r.mentions, x.mentions FROM article_rollups r "
        "FULL JOIN (SELECT article_key, rollup_id, sum(mentions) AS mentions FROM article_actors "
        "GROUP BY ALL) x USING (article_key, rollup_id) "
        "WHERE r.mentions IS DISTINCT FROM x.mentions",
    )
    assert rollups == []
    orphans = table(
        store, "SELECT count(*) FROM actor_mentions WHERE actor_id NOT IN (SELECT id FROM actors)"
    )
    assert orphans == [(0,)]


def test_two_workers_store_the_same_rows_as_one():
    def rows(workers: int) -> list[tuple]:
        store = Store(":memory:")
        ingest(store, [TREE, FIXTURES / "articles.csv"], workers=workers, batch_size=3)
        return table(store, "SELECT * EXCLUDE (ingested) FROM articles ORDER BY id") + table(
            store, "SELECT * FROM actor_mentions ORDER BY ALL"
        )

    assert rows(2) == rows(1)


def test_rescore_redoes_stale_articles_and_keeps_declared_languages():
    store = Store(":memory:")
    record = {
        "url": "https://example.org/declared",
        "text": "Korea Utara mengancam Korea Selatan dengan senjata nuklir.",
        "language": "en",  # declared wrongly on purpose: rescore must keep what was declared
    }
    ingest(store, [TREE, ("x.jsonl", jsonl(record))])
    total = n_articles(store)
    assert rescore(store).read == 0  # nothing stale
    with store.write() as con:
        con.execute("UPDATE articles SET analyzer_version = 'old', tone = NULL WHERE title IS NULL")
    report = rescore(store)
    assert (report.read, report.stored) == (1, 1)
    assert table(store, "SELECT language, tone IS NOT NULL FROM articles WHERE title IS NULL") == [
        ("en", True)
    ]
    assert table(store, "SELECT count(*) FROM articles WHERE analyzer_version = 'old'") == [(0,)]
    assert rescore(store, everything=True).read == total


def test_ensure_default_data_fills_an_empty_store_once():
    store = Store(":memory:")
    report = ensure_default_data(store)
    assert report is not None and report.stored >= 1
    seed_ids = table(store, "SELECT count(*) FROM articles WHERE source LIKE '000_%'")
    assert seed_ids == [(1,)]
    assert ensure_default_data(store) is None


@pytest.mark.parametrize(("n", "listed", "more"), [(3, 3, None), (60, 50, "  ... and 10 more")])
def test_summary_lists_rejections_up_to_a_cap(n, listed, more):
    rejected = [Rejection(f"feed.jsonl:{i}", "malformed JSON") for i in range(1, n + 1)]
    report = IngestReport(read=n + 2, stored=2, rejected=rejected)
    lines = report.summary().splitlines()
    assert lines[0] == f"read {n + 2}, stored 2 (0 replaced), duplicates 0, rejected {n}"
    assert sum(line.startswith("  rejected feed.jsonl:") for line in lines) == listed
    assert lines[1] == "  rejected feed.jsonl:1: malformed JSON"
    assert (lines[-1] if more else None) == more


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    ("texts", "stored", "replaced", "duplicates"),
    [
        (["Chad and Niger met.", "Chad and Niger met."], 1, 0, 1),
        (["Chad and Niger met.", "Chad and Mali met."], 2, 1, 0),
        (["Chad and Niger met.", "Chad and Mali met.", "Chad and Niger met."], 3, 2, 0),
    ],
)
def test_repeats_in_consecutive_batches(workers, texts, stored, replaced, duplicates):
    store = Store(":memory:")
    records = [{"url": "https://example.org/sahel", "text": t} for t in texts]
    report = ingest(store, [("s.jsonl", jsonl(*records))], batch_size=1, workers=workers)
    assert (report.stored, report.replaced, report.duplicates) == (stored, replaced, duplicates)
    assert table(store, "SELECT text FROM articles") == [(texts[-1],)]


@pytest.mark.parametrize("actors", [(), ("north_korea",), ("united_states", "china")])
def test_rollup_rows_written_in_python_agree_with_merging_in_sql(actors):
    store = Store(":memory:")
    ingest(store, [TREE, FIXTURES / "articles.csv", FIXTURES / "articles.jsonl"])
    people = table(
        store,
        "SELECT count(*) FROM article_actors WHERE actor_id <> rollup_id AND rollup_id IN "
        "(SELECT rollup_id FROM article_actors WHERE actor_id = rollup_id)",
    )
    assert people[0][0] > 0  # some article names a leader with their country: rollup merges rows
    rolled = q.Filters(actors=actors, rollup=True)
    # every type: the queries read article_actors/dyads and merge at query time
    merged = q.Filters(actors=actors, rollup=True, actor_types=ACTOR_TYPES)
    with store.read() as con:
        assert q.overview(con, rolled) == q.overview(con, merged)
        for view in (q.actor_mentions, q.dyad_matrix):
            assert not view(con, rolled).empty
            pd.testing.assert_frame_equal(view(con, rolled), view(con, merged))
