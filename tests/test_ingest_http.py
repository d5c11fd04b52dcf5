"""Feeds, article URLs and the GDELT DOC API over a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.cli import main
from dashboard.ingest.fetch import fetch
from dashboard.ingest.gdelt import GDELT_MAX_RECORDS, GdeltClient, gdelt_items
from dashboard.ingest.pipeline import ingest
from dashboard.ingest.readers import iter_sources
from dashboard.ingest.types import RawArticle, Rejection
from dashboard.store.db import Store

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
GDELT_STAMP = "%Y%m%d%H%M%S"
# The fake GDELT lists one article per day; a window longer than this comes back "full".
FULL_WINDOW = timedelta(days=2)


def _gdelt_page(day: str) -> bytes:
    return (
        f"<html><head><title>Laporan {day}</title></head><body><article><h1>Laporan {day}</h1>"
        "<p>Korea Utara kembali menguji coba rudal balistik dan Amerika Serikat mengecam "
        "peluncuran itu sebagai ancaman bagi kawasan.</p><p>Jepang dan Korea Selatan "
        "menggelar rapat darurat untuk membahas langkah bersama.</p></article></body></html>"
    ).encode()


class FakeWeb(BaseHTTPRequestHandler):
    gdelt_requests: list[tuple[float, datetime, datetime]] = []

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def _send(self, body: bytes, ctype: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (the timeout test)
            self.wfile.write(body)

    def do_GET(self) -> None:
        path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
        if path == "/feed.xml":
            self._send((FIXTURES / "http/feed.xml").read_bytes(), "application/rss+xml")
        elif path == "/article/india-pakistan.html":
            body = (FIXTURES / "http/india-pakistan.html").read_bytes()
            self._send(body, "text/html; charset=utf-8")
        elif path == "/page.html":
            self._send((FIXTURES / "tree/page.html").read_bytes(), "text/html")
        elif path == "/notes.txt":
            self._send(b"Plain title\n\nThailand and Cambodia agreed a ceasefire.", "text/plain")
        elif path == "/notfeed.xml":
            self._send(b"<?xml version='1.0'?><config><a>1</a></config>", "application/xml")
        elif path == "/big.html":
            self._send(b"<html><body>" + b"<p>word</p>" * 50_000 + b"</body></html>", "text/html")
        elif path == "/slow.html":
            time.sleep(2)
            self._send(b"<html></html>", "text/html")
        elif path == "/error.html":
            self._send(b"oops", "text/plain", status=500)
        elif path == "/gdelt":
            self._gdelt(query)
        elif path.startswith("/gdelt-article/"):
            self._send(_gdelt_page(path.rsplit("/", 1)[1].removesuffix(".html")), "text/html")
        else:
            self._send(b"not found", "text/plain", status=404)

    def _gdelt(self, query: dict[str, list[str]]) -> None:
        if query["query"][0] == "bad":
            self._send(b"Your search contained a keyword that was too short.", "text/html")
            return
        start = datetime.strptime(query["startdatetime"][0], GDELT_STAMP)
        end = datetime.strptime(query["enddatetime"][0], GDELT_STAMP)
        FakeWeb.gdelt_requests.append((time.monotonic(), start, end))
        assert query["maxrecords"] == [str(GDELT_MAX_RECORDS)]
        if end - start > FULL_WINDOW:
            n = GDELT_MAX_RECORDS  # the cap: the client must slice the window
            articles = [{"url": f"http://x/{i}", "seendate": "20240101T000000Z"} for i in range(n)]
        else:
            articles = []
            day = start
            while day < end:
                stamp = day.strftime("%Y%m%d")
                articles.append(
                    {
                        "url": f"{self.server.base}/gdelt-article/{stamp}.html",
                        "title": f"Laporan {stamp}",
                        "seendate": f"{stamp}T063000Z",
                        "domain": "contoh.example.id",
                        "language": "Indonesian",
                    }
                )
                day += timedelta(days=1)
        self._send(json.dumps({"articles": articles}).encode(), "application/json")


@pytest.fixture(scope="module")
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWeb)
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.base
    server.shutdown()
    server.server_close()


def test_a_feed_fetches_each_entry_and_rejects_the_broken_one(web):
    found = list(iter_sources([f"{web}/feed.xml"]))
    article, missing = found
    assert isinstance(article, RawArticle)
    assert article.title == "India and Pakistan trade fire across border"
    assert article.url == f"{web}/article/india-pakistan.html"  # relative link resolved
    assert article.published == datetime(2024, 8, 5, 9, 0)  # from the feed entry
    assert article.source == "Example Wire" and article.language == "en"
    assert "Line of Control" in article.text
    assert missing == Rejection(f"{web}/missing.html", "HTTP 404 Not Found")


@pytest.mark.parametrize(
    ("path", "title", "words"),
    [
        ("/page.html", "China and Russia hold joint naval drills", "Sea of Japan"),
        ("/notes.txt", "Plain title", "Thailand and Cambodia"),
    ],
)
def test_single_article_urls(web, path, title, words):
    (article,) = iter_sources([web + path])
    assert isinstance(article, RawArticle)
    assert article.title == title and words in article.text
    assert article.url == web + path


@pytest.mark.parametrize(
    ("path", "fetcher", "reason"),
    [
        ("/nowhere.html", fetch, "HTTP 404 Not Found"),
        ("/error.html", fetch, "HTTP 500"),
        ("/notfeed.xml", fetch, "not an RSS/Atom feed"),
        ("/big.html", functools.partial(fetch, max_bytes=100_000), "larger than"),
        ("/slow.html", functools.partial(fetch, timeout=0.5), "timed out"),
    ],
)
def test_bad_urls_are_rejected_with_the_reason(web, path, fetcher, reason):
    (rejection,) = iter_sources([web + path], fetcher=fetcher)
    assert isinstance(rejection, Rejection)
    assert rejection.where == web + path
    assert reason in rejection.reason


def test_an_unreachable_host_is_rejected():
    url = "http://127.0.0.1:9/never"  # the discard port: nothing listens there
    (rejection,) = iter_sources([url])
    assert rejection.where == url and rejection.reason.startswith("unreachable")


@pytest.mark.slow
def test_gdelt_slices_full_windows_and_fetches_every_article(web):
    FakeWeb.gdelt_requests.clear()
    client = GdeltClient(f"{web}/gdelt", interval=0.1)
    since, until = datetime(2024, 1, 1), datetime(2024, 1, 9)
    found = list(gdelt_items('"Korea Utara"', since, until, client=client))
    assert all(isinstance(a, RawArticle) for a in found), found
    assert [a.published for a in found] == [
        datetime(2024, 1, d, 6, 30) for d in range(1, 9)
    ]  # eight days, each once, oldest first
    assert {a.language for a in found} == {"id"}
    assert {a.source for a in found} == {"contoh.example.id"}
    assert "rudal balistik" in found[0].text
    windows = [(s, e) for _, s, e in FakeWeb.gdelt_requests]
    assert len(windows) == 7  # 8 days -> 2 x 4 days -> 4 x 2 days
    answered = sorted(w for w in windows if w[1] - w[0] <= FULL_WINDOW)
    assert [s for s, _ in answered] == [since + k * FULL_WINDOW for k in range(4)]
    assert answered[-1][1] == until  # the answered slices tile the window exactly
    times = [t for t, _, _ in FakeWeb.gdelt_requests]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.09  # the rate limit spaces the requests


def test_gdelt_errors_are_rejections(web):
    client = GdeltClient(f"{web}/gdelt", interval=0)
    (rejection,) = gdelt_items("bad", datetime(2024, 1, 1), datetime(2024, 1, 2), client=client)
    assert isinstance(rejection, Rejection)
    assert "keyword that was too short" in rejection.reason
    assert rejection.where.startswith(f"{web}/gdelt?")


def test_gdelt_limit(web):
    client = GdeltClient(f"{web}/gdelt", interval=0)
    found = list(
        gdelt_items("x", datetime(2024, 1, 1), datetime(2024, 1, 3), client=client, limit=1)
    )
    assert len(found) == 1


def test_ingesting_a_feed_twice_stores_it_once(web):
    store = Store(":memory:")
    first = ingest(store, [f"{web}/feed.xml"])
    second = ingest(store, [f"{web}/feed.xml"])
    assert (first.stored, len(first.rejected)) == (1, 1)
    assert (second.stored, second.duplicates) == (0, 1)


def test_cli_feeds_and_gdelt(web, tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# my feeds\n{web}/feed.xml\n\n{web}/notfeed.xml  # broken\n")
    assert main(["--db", str(db), "feeds", str(feeds), "-q", "--workers", "1"]) == 1
    out = capsys.readouterr().out
    assert "stored 1" in out and "rejected 2" in out
    assert f"{web}/notfeed.xml: not an RSS/Atom feed" in out
    args = ["gdelt", "Korea", "--since", "2024-01-01", "--until", "2024-01-03"]
    args += ["--base-url", f"{web}/gdelt", "--interval", "0", "--db", str(db), "-q"]
    assert main(args) == 0
    assert "stored 2" in capsys.readouterr().out
    with Store(db).read() as con:
        rows = con.execute("SELECT language, day FROM articles WHERE source LIKE 'contoh%'")
        assert sorted(rows.fetchall()) == [
            ("id", datetime(2024, 1, 1).date()),
            ("id", datetime(2024, 1, 2).date()),
        ]
