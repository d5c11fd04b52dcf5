"""The store: paths, connections across processes, ids and batch writes."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.store.db import Store, StoreLockedError, default_db_path
from dashboard.store.schema import ARTICLE_CHILD_TABLES
from dashboard.store.writer import (
    ArticleRecord,
    analyse_record,
    article_id,
    content_hash,
    identify,
    normalise_url,
    refresh_actors,
    stored_hashes,
    write_rows,
)

REPO = Path(__file__).resolve().parents[1]
INGESTED = datetime(2024, 3, 1, 12, 0)


def record(
    text: str, *, title: str | None = "Title", url: str | None = None, **kw
) -> ArticleRecord:
    return ArticleRecord(
        id=article_id(url, title, text),
        content_hash=content_hash(title, text),
        title=title,
        text=text,
        url=url,
        source=kw.get("source"),
        language=kw.get("language"),
        published=kw.get("published"),
        ingested=INGESTED,
    )


def counts(store: Store, article: str) -> dict[str, int]:
    with store.read() as con:
        return {
            table: con.execute(
                f"SELECT count(*) FROM {table} WHERE article_id = ?",  # noqa: S608 (fixed names)
                [article],
            ).fetchone()[0]
            for table in ARTICLE_CHILD_TABLES
        }


def test_default_db_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TENSION_DB", raising=False)
    assert default_db_path() == REPO / "data" / "tension.duckdb"
    monkeypatch.setenv("TENSION_DB", str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"
    assert Store().path == tmp_path / "x.duckdb"


def test_reading_a_new_file_creates_it_with_the_schema(tmp_path):
    store = Store(tmp_path / "sub" / "new.duckdb")
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    assert store.path.exists()


def test_memory_store_is_shared_between_connections():
    store = Store(":memory:")
    with store.write() as con:
        write_rows(con, [analyse_record(record("France and Germany signed a treaty."))])
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.org/world/story/", "https://example.org/world/story"),
        ("https://example.org/story?utm_source=x&id=3#top", "https://example.org/story?id=3"),
        ("HTTP://example.org:80/a", "http://example.org/a"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
    ],
)
def test_equivalent_urls_normalise_to_one_id(a, b):
    assert normalise_url(a) == normalise_url(b)
    assert article_id(a, "x", "y") == article_id(b, "other title", "other text")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/story?id=3", "https://example.org/story?id=4"),
        ("https://example.org/a", "https://example.com/a"),
        ("https://example.org:8080/a", "https://example.org/a"),
    ],
)
def test_different_urls_keep_different_ids(a, b):
    assert article_id(a, "t", "x") != article_id(b, "t", "x")


@pytest.mark.parametrize(
    ("same", "text_a", "text_b"),
    [
        (True, "Russia  and\nUkraine met.", "russia and ukraine met."),
        (False, "Russia and Ukraine met.", "Russia and Ukraine did not meet."),
    ],
)
def test_text_ids_ignore_case_and_spacing_only(same, text_a, text_b):
    assert (article_id(None, "T", text_a) == article_id(None, "T", text_b)) is same
    assert (content_hash("T", text_a) == content_hash("T", text_b)) is same


def test_rows_follow_the_analysis():
    text = "Kim Jong Un threatened the United States with nuclear weapons. Seoul condemned it."
    rows = analyse_record(record(text, title=None, language="en", published=datetime(2024, 1, 2)))
    assert rows.article[0] == article_id(None, None, text)
    assert rows.article[7] is True  # scored
    assert str(rows.article[10]) == "2024-01-02"  # day = published date
    mentioned = {row[1] for row in rows.actor_mentions}
    assert {"kim_jong_un", "united_states"} <= mentioned
    rollups = {row[1]: row[2] for row in rows.article_actors}
    assert rollups["kim_jong_un"] == "north_korea"
    assert rollups["united_states"] == "united_states"
    for row in rows.actor_mentions:
        assert text[row[3] : row[4]] == row[5]  # offsets point at the mention
    assert rows.article_inputs == [(rows.article[0], "en")]


def test_day_falls_back_to_the_ingest_date():
    rows = analyse_record(record("Japan and China held talks in Tokyo."))
    assert rows.article[8] is None
    assert rows.article[10] == INGESTED.date()


def test_a_changed_article_replaces_all_its_rows():
    store = Store(":memory:")
    url = "https://example.org/story"
    first = record("Iran and Israel exchanged threats. Iraq and Syria watched.", url=url)
    second = record("Iran praised Oman for its mediation.", url=url)
    assert first.id == second.id
    with store.write() as con:
        write_rows(con, [analyse_record(first)])
        before = counts(store, first.id)
        write_rows(con, [analyse_record(second)])
        after = counts(store, first.id)
        assert stored_hashes(con, [first.id]) == {first.id: second.content_hash}
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        actors = {r[0] for r in con.execute("SELECT actor_id FROM article_actors").fetchall()}
    assert before["article_actors"] > after["article_actors"]
    assert actors == {"iran", "oman"}


def test_a_failing_batch_leaves_the_stored_rows_untouched():
    store = Store(":memory:")
    good = analyse_record(record("Egypt and Sudan agreed on the Nile dam.", url="https://e.org/1"))
    with store.write() as con:
        write_rows(con, [good])
    before = counts(store, good.article[0])
    changed = analyse_record(record("Egypt rejected the dam deal.", url="https://e.org/1"))
    broken = dataclasses.replace(
        changed, article=(*changed.article[:15], "many", *changed.article[16:])
    )
    with store.write() as con, pytest.raises(Exception, match=r"(?i)int|convert|many"):
        write_rows(con, [changed, broken])
    assert counts(store, good.article[0]) == before
    with store.read() as con:
        assert con.execute("SELECT text FROM articles").fetchone()[0].startswith("Egypt and Sudan")


def test_actors_table_mirrors_the_gazetteer():
    store = Store(":memory:")
    with store.write() as con:
        refresh_actors(con)
        refresh_actors(con)  # twice: replaced, not duplicated
        rows = dict(con.execute("SELECT id, country FROM actors").fetchall())
        (aliases,) = con.execute("SELECT aliases FROM actors WHERE id = 'north_korea'").fetchone()
    assert rows["kim_jong_un"] == "north_korea"
    assert any(a.lower() == "korea utara" for a in aliases)


_HOLD_LOCK = """
import sys, time
from dashboard.store.db import Store
with Store(sys.argv[1]).write() as con:
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.mark.slow
def test_a_reader_waits_for_another_process_to_release_the_file(tmp_path):
    path = tmp_path / "locked.duckdb"
    with Store(path).read():
        pass  # creates the file
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path), "1.5"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "locked"
        with (
            pytest.raises(StoreLockedError, match="locked.duckdb"),
            Store(path, lock_timeout=0.2).read(),
        ):
            pass
        started = time.monotonic()
        with Store(path).read() as con:
            assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        assert time.monotonic() - started > 0.5  # it waited for the writer
    finally:
        child.wait(timeout=30)
    assert child.returncode == 0


# --- integer article keys, dated flags and the schema version -------------------------------------

KEYED_CHILDREN = ("actor_mentions", "article_actors", "article_rollups", "dyads", "threat_hits")
TEXTS = (
    "Kim Jong Un threatened the United States with nuclear weapons. Seoul condemned it.",
    "Russia and China held talks in Moscow.",
    "Japan and South Korea agreed to share missile warning data.",
)


def _keys(con) -> dict[str, int]:
    return dict(con.execute("SELECT id, key FROM articles").fetchall())


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_keys_are_unique_and_every_child_row_carries_its_articles_key(batch_size):
    store = Store(":memory:")
    rows = [analyse_record(record(t, url=f"https://k.org/{i}")) for i, t in enumerate(TEXTS)]
    with store.write() as con:
        for start in range(0, len(rows), batch_size):
            write_rows(con, rows[start : start + batch_size])
        keys = _keys(con)
        assert sorted(keys.values()) == [1, 2, 3]  # written in order, numbered from 1
        for table in KEYED_CHILDREN:
            wrong = con.execute(
                f"SELECT count(*) FROM {table} c JOIN articles a ON a.id = c.article_id "  # noqa: S608
                "WHERE c.article_key <> a.key"
            ).fetchone()[0]
            assert wrong == 0, table


def test_a_replaced_article_keeps_its_key_and_new_ones_get_the_next():
    store = Store(":memory:")
    first = record("Iran and Israel exchanged threats.", url="https://k.org/a")
    other = record("Egypt and Sudan talked.", url="https://k.org/b")
    with store.write() as con:
        write_rows(con, [analyse_record(first), analyse_record(other)])
        before = _keys(con)
        changed = record("Iran praised Oman for its mediation.", url="https://k.org/a")
        new = record("Peru and Chile signed a treaty.", url="https://k.org/c")
        write_rows(con, [analyse_record(changed), analyse_record(new)])
        after = _keys(con)
    assert after[first.id] == before[first.id]
    assert after[other.id] == before[other.id]
    assert after[new.id] == max(before.values()) + 1


@pytest.mark.parametrize(
    ("published", "dated"), [(datetime(2024, 1, 2, 8, 0), True), (None, False)]
)
def test_dated_flags_follow_the_publication_date(published, dated):
    store = Store(":memory:")
    rows = analyse_record(record(TEXTS[0], published=published))
    assert rows.article_actors and rows.threat_hits  # the flags below are checked on real rows
    with store.write() as con:
        write_rows(con, [rows])
        for table in ("article_actors", "article_rollups", "threat_hits"):
            flags = {f for (f,) in con.execute(f"SELECT dated FROM {table}").fetchall()}  # noqa: S608
            assert flags == {dated}, table


def test_rollups_merge_a_person_into_their_country():
    rows = analyse_record(record(TEXTS[0], language="en"))
    by_actor = {row[1]: row for row in rows.article_actors}
    rolled = {row[1]: row for row in rows.article_rollups}
    assert "kim_jong_un" in by_actor and "kim_jong_un" not in rolled
    assert set(rolled) == {row[2] for row in rows.article_actors}  # one row per rollup id
    north = [row for row in rows.article_actors if row[2] == "north_korea"]
    assert rolled["north_korea"][2] == sum(row[3] for row in north)  # mentions add up


@pytest.mark.parametrize("version", ["0", "99"])
@pytest.mark.parametrize("first_use", ["read", "write"])
def test_a_database_of_another_schema_version_is_refused(tmp_path, version, first_use):
    import duckdb

    from dashboard.store.schema import SchemaVersionError

    path = tmp_path / "other.duckdb"
    Store(path).ensure_schema()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    store = Store(path)
    with (
        pytest.raises(SchemaVersionError, match=f"schema version {version}"),
        getattr(store, first_use)() as con,
    ):
        con.execute("SELECT count(*) FROM articles").fetchone()


@pytest.mark.parametrize(
    ("url", "title", "text"),
    [
        ("https://www.example.org/a?utm_source=x", "Title", "Body  text\n"),
        (None, "Korut luncurkan rudal", "Korea Utara\u00a0meluncurkan\trudal."),
        (None, None, "  only   text  "),
    ],
)
def test_identify_is_id_and_hash_in_one_pass(url, title, text):
    assert identify(url, title, text) == (article_id(url, title, text), content_hash(title, text))
