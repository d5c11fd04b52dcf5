"""The Streamlit app end to end in-process (AppTest) over real DuckDB files.

A synthetic database (populate_synthetic) drives filters, pages and the article view; a fresh
database checks the first start's real ingest of seeds/ and data/samples/, and an upload.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest import pipeline
from dashboard.store import queries
from dashboard.store.db import Store
from dashboard.store.queries import Filters
from dashboard.store.synthetic import populate_synthetic

APP = str(Path(__file__).parent.parent / "dashboard" / "app.py")
PAGES = ("overview", "actors", "threats", "articles", "add_articles", "export")
TIMEOUT = 60  # seconds per run: the first run imports the engine and builds the gazetteer


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("app") / "synthetic.duckdb"
    with Store(path).write() as con:
        populate_synthetic(con, 400, seed=3)
    return path


@pytest.fixture
def app(synthetic_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("TENSION_DB", str(synthetic_db))
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _count(path: Path, f: Filters) -> int:
    with Store(path).read() as con:
        return queries.overview(con, f)["articles"]


def test_overview_metrics_follow_the_actor_filter_and_the_url(app, synthetic_db):
    app.run()
    assert not app.exception
    total = int(_metric(app, "Articles").replace(",", ""))
    assert total == _count(synthetic_db, Filters()) == 400
    assert app.query_params == {}

    app.multiselect(key="f_actors").set_value(["north_korea"]).run()
    assert not app.exception
    narrowed = int(_metric(app, "Articles").replace(",", ""))
    assert narrowed == _count(synthetic_db, Filters(actors=("north_korea",)))
    assert 0 < narrowed < total
    assert app.query_params == {"actor": "north_korea"}

    app.multiselect(key="f_actors").set_value(["north_korea", "china"]).run()
    both = int(_metric(app, "Articles").replace(",", ""))
    assert narrowed < both <= total
    assert app.query_params == {"actor": ["north_korea", "china"]}


def test_a_shared_url_restores_the_filters(app, synthetic_db):
    app.query_params["actor"] = "china"
    app.query_params["rollup"] = "1"
    app.run()
    assert not app.exception
    assert app.multiselect(key="f_actors").value == ["china"]
    assert app.toggle(key="f_rollup").value is True
    expected = _count(synthetic_db, Filters(actors=("china",), rollup=True))
    assert int(_metric(app, "Articles").replace(",", "")) == expected


def test_date_range_narrows_and_an_empty_day_says_which_filter_to_relax(app, synthetic_db):
    with Store(synthetic_db).read() as con:
        bounds = queries.filter_options(con)
    lo, hi = bounds["min_day"], bounds["max_day"]
    app.run()
    mid = lo + (hi - lo) / 2
    app.date_input(key="f_dates").set_value((lo, mid)).run()
    assert not app.exception
    expected = _count(synthetic_db, Filters(end=mid))
    assert int(_metric(app, "Articles").replace(",", "")) == expected < 400
    assert app.query_params == {"to": mid.isoformat()}

    empty_day = next(
        lo + timedelta(days=i)
        for i in range((hi - lo).days)
        if _count(synthetic_db, Filters(start=lo + timedelta(days=i), end=lo + timedelta(days=i)))
        == 0
    )
    app.date_input(key="f_dates").set_value((empty_day, empty_day)).run()
    assert not app.exception
    assert not app.metric
    assert any("the date range" in w.value for w in app.warning)


def test_rollup_counts_a_leader_as_their_country(app, synthetic_db):
    app.run()
    app.multiselect(key="f_actors").set_value(["kim_jong_un"]).run()
    alone = int(_metric(app, "Articles").replace(",", ""))
    assert alone == _count(synthetic_db, Filters(actors=("kim_jong_un",)))
    app.toggle(key="f_rollup").set_value(True).run()
    assert not app.exception
    rolled = int(_metric(app, "Articles").replace(",", ""))
    assert rolled == _count(synthetic_db, Filters(actors=("north_korea",), rollup=True))
    assert rolled > alone
    assert app.query_params == {"actor": "north_korea", "rollup": "1"}


def test_an_empty_database_explains_how_to_add_articles(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setattr(pipeline, "ensure_default_data", lambda store: None)  # no default data
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert not at.metric
    assert any("Add articles" in i.value and "ingest" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_and_without_a_filter(app, page):
    app.run()
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, page
    assert app.title[0].value
    app.multiselect(key="f_actors").set_value(["united_states"]).run()
    assert not app.exception, page


def test_articles_table_follows_the_filter_and_a_linked_article_opens(app):
    app.run()
    app.switch_page("app_pages/articles.py").run()
    everything = app.dataframe[0].value
    app.multiselect(key="f_actors").set_value(["russia"]).run()
    table = app.dataframe[0].value
    assert 0 < len(table) < len(everything)
    assert table["actors"].str.contains("Russia").all()
    assert any("Select a row" in i.value for i in app.info)

    # A link carrying ?article=<id> (what selecting a row writes) opens that article.
    app.query_params["article"] = table["id"].iloc[0]
    app.run()
    assert not app.exception
    shown = "".join(h.proto.body for h in app.get("html"))
    assert 'class="tension-article"' in shown
    assert any(m.value.startswith("- Language") for m in app.markdown)


def test_export_offers_articles_and_every_aggregate(app):
    app.run()
    app.switch_page("app_pages/export.py").run()
    assert not app.exception
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels[0].startswith("Articles")
    assert len(labels) == 7


def test_first_start_ingests_the_seed_and_an_upload_adds_articles(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(tmp_path / "fresh.duckdb"))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    before = int(_metric(at, "Articles").replace(",", ""))
    assert before > 0
    options = at.multiselect(key="f_actors").options
    assert any(o.startswith("North Korea (country") and "Korut" in o for o in options)

    at.multiselect(key="f_actors").set_value(["north_korea"]).run()
    assert 0 < int(_metric(at, "Articles").replace(",", "")) <= before

    at.switch_page("app_pages/add_articles.py").run()
    text = b"Uploaded test\n\nRussia & China <script>alert(1)</script> held talks in Moscow."
    at.file_uploader[0].set_value([("upload.txt", text, "text/plain")])
    at.text_area(key="urls").set_value("/etc/passwd")
    at.button[0].click().run()
    assert not at.exception
    assert "stored 1 (0 replaced)" in at.success[0].value
    rejected = at.dataframe[0].value
    assert rejected["item"].str.contains("passwd").any()

    at.multiselect(key="f_actors").set_value([]).run()
    at.switch_page("app_pages/overview.py").run()
    assert int(_metric(at, "Articles").replace(",", "")) == before + 1

    # The uploaded article opens with its text escaped and its actors marked.
    with Store(tmp_path / "fresh.duckdb").read() as con:
        table = queries.articles_table(con, Filters(actors=("russia", "china")))
    uploaded = table.loc[table["title"] == "Uploaded test", "id"].item()
    at.query_params["article"] = uploaded
    at.switch_page("app_pages/articles.py").run()
    assert not at.exception
    shown = "".join(h.proto.body for h in at.get("html"))
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown and "&lt;/script&gt;" in shown
    assert '<mark class="hl-actor" title="Russia (country)">Russia</mark> &amp; ' in shown
