"""Readers: every input format, and every kind of bad input rejected with its place and reason."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.ingest.dates import date_from_text, date_from_url, parse_date
from dashboard.ingest.readers import (
    MAX_ARTICLE_CHARS,
    MAX_DOCUMENT_BYTES,
    MAX_LINE_CHARS,
    iter_sources,
    language_code,
    read_bytes,
)
from dashboard.ingest.types import RawArticle, Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def items(*sources, columns=None) -> list:
    return list(iter_sources(sources, columns))


def articles(*sources, columns=None) -> list[RawArticle]:
    found = items(*sources, columns=columns)
    assert all(isinstance(i, RawArticle) for i in found), found
    return found


def only(*sources, columns=None) -> RawArticle:
    (article,) = articles(*sources, columns=columns)
    return article


@pytest.mark.parametrize(
    ("path", "title", "starts", "published"),
    [
        (
            "tree/statement.txt",
            "Seoul protests new missile launch",
            "Published 12 March 2024.",
            datetime(2024, 3, 12),  # from the dateline in the text
        ),
        (
            "tree/nested/briefing.md",
            "Jakarta calls for calm on the peninsula",  # Markdown heading marks dropped
            "Indonesia urged",
            None,
        ),
        (
            "tree/nested/laporan_harian.txt",
            "laporan harian",  # one paragraph, no title line: the file name
            "Presiden Joko Widodo",
            None,
        ),
        (
            "tree/page.html",
            "China and Russia hold joint naval drills",
            "China and Russia began joint naval exercises",
            datetime(2024, 2, 20),
        ),
    ],
)
def test_documents(path, title, starts, published):
    article = only(FIXTURES / path)
    assert article.title == title
    assert article.text.startswith(starts)
    assert article.published == published


def test_html_keeps_the_article_and_drops_the_page_chrome():
    article = only(FIXTURES / "tree/page.html")
    assert "The United States did not comment." in article.text
    assert "All rights reserved" not in article.text
    assert "Sport" not in article.text
    assert article.source == "World Desk"


def test_machine_made_file_names_are_no_title(tmp_path):
    path = tmp_path / "000_bbedd75c2d538480.txt"
    path.write_text("Korea Utara meluncurkan rudal balistik ke laut, kata militer Korea Selatan.")
    assert only(path).title is None


def test_a_directory_is_read_recursively_in_a_stable_order():
    found = articles(FIXTURES / "tree")
    assert [Path(a.where).name for a in found] == [
        "page.html",
        "statement.txt",
        "briefing.md",
        "laporan_harian.txt",
    ]


def test_csv_rows_with_their_line_numbers():
    found = items(FIXTURES / "articles.csv")
    good = [i for i in found if isinstance(i, RawArticle)]
    assert [a.title for a in good] == [
        "Talks resume in Geneva",
        "Rusia kecam sanksi baru",
        "Multi-line text",
    ]
    geneva, rusia, multi = good
    assert geneva.published == datetime(2024, 5, 2)
    assert geneva.language == "en" and geneva.source == "Example News"
    assert rusia.published == datetime(2024, 5, 3, 3, 0)  # +07:00 stored as UTC
    assert multi.text == "Ukraine said on Monday that\nRussia had shelled the city overnight."
    assert multi.published is None  # "not a date" is no date, not a rejection
    assert [(Path(r.where).name, r.reason) for r in found if isinstance(r, Rejection)] == [
        ("articles.csv:4", "empty text"),
        ("articles.csv:5", "expected 6 fields, found 7"),
    ]


def test_jsonl_good_lines_and_rejected_lines():
    found = items(FIXTURES / "articles.jsonl")
    good = [i for i in found if isinstance(i, RawArticle)]
    assert [a.title for a in good] == ["Summit in Beijing", "Filipina dan Tiongkok"]
    assert good[1].language == "id" and good[1].published == datetime(2024, 6, 3)
    rejected = {Path(r.where).name: r.reason for r in found if isinstance(r, Rejection)}
    assert list(rejected) == [
        "articles.jsonl:2",
        "articles.jsonl:4",
        "articles.jsonl:5",
        "articles.jsonl:6",
        "articles.jsonl:8",
    ]
    assert rejected["articles.jsonl:2"].startswith("malformed JSON")
    assert rejected["articles.jsonl:4"] == "expected a JSON object, found list"
    assert rejected["articles.jsonl:5"].startswith("no text column")
    assert "columns are: title, url" in rejected["articles.jsonl:5"]
    assert rejected["articles.jsonl:6"] == "'text' is not a string"
    assert rejected["articles.jsonl:8"] == "'text' is not valid UTF-8"


def test_lines_after_an_overlong_line_are_still_read():
    data = b'{"text": "%s"}\n{"text": "Nepal and Bhutan."}\n' % (b"a" * MAX_LINE_CHARS)
    first, second = read_bytes("x.jsonl", data)
    assert first.where == "x.jsonl:1" and "line longer" in first.reason
    assert second.where == "x.jsonl:2" and second.text == "Nepal and Bhutan."


def test_configurable_columns_and_semicolons():
    default = only(FIXTURES / "headlines.csv")
    assert default.title == "Turkey mediates grain talks"  # "headline" and "tanggal" are
    assert default.published == datetime(2024, 7, 9)  # default names, ";" is detected
    mapped = only(FIXTURES / "headlines.csv", columns={"title": "body", "text": "headline"})
    assert mapped.title.startswith("Turkey hosted Russia")
    assert mapped.text == "Turkey mediates grain talks"
    rejected = items(FIXTURES / "headlines.csv", columns={"text": "isi_berita"})
    assert [r.reason for r in rejected] == [
        "no text column (looked for isi_berita; columns are: headline, body, tanggal)"
    ]


@pytest.mark.parametrize("name", ["tree/statement.txt", "articles.jsonl", "articles.csv"])
def test_gzip_reads_like_the_plain_file(tmp_path, name):
    plain = FIXTURES / name
    packed = tmp_path / (plain.name + ".gz")
    packed.write_bytes(gzip.compress(plain.read_bytes()))

    def shape(found):
        return [(type(i).__name__, Path(i.where).name.replace(".gz", "")) for i in found]

    assert shape(items(packed)) == shape(items(plain))
    assert [i.text for i in items(packed) if isinstance(i, RawArticle)] == [
        i.text for i in items(plain) if isinstance(i, RawArticle)
    ]


@pytest.mark.parametrize(
    ("name", "data", "n_articles"),
    [
        ("upload.jsonl", (FIXTURES / "articles.jsonl").read_bytes(), 2),
        ("upload.csv.gz", gzip.compress((FIXTURES / "articles.csv").read_bytes()), 3),
        ("page.html", (FIXTURES / "tree/page.html").read_bytes(), 1),
        ("notes", b"Title line\n\nBody mentions Vietnam and Laos.", 1),  # no suffix: sniffed
        ("array.json", b'[{"text": "Chile and Peru"}, {"text": "Peru"}]', 2),
    ],
)
def test_uploads_are_read_by_their_name(name, data, n_articles):
    found = list(read_bytes(name, data))
    assert sum(isinstance(i, RawArticle) for i in found) == n_articles
    assert all(i.where.startswith(name) for i in found)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.dat", (FIXTURES / "binary.dat").read_bytes(), "binary file"),
        ("latin1.txt", (FIXTURES / "latin1.txt").read_bytes(), "not UTF-8 text (byte 0xe9"),
        ("empty.txt", b"", "empty text"),
        ("blank.md", b"  \n\n \t\n", "empty text"),
        ("huge.txt", b"word " * (MAX_DOCUMENT_BYTES // 5 + 1), "file larger than"),
        ("long.jsonl", b'{"text": "%s"}' % (b"a" * (MAX_ARTICLE_CHARS + 1)), "text too long"),
        ("longer.jsonl", b'{"text": "%s"}' % (b"a" * MAX_LINE_CHARS), "line longer than"),
        (
            "page.html",
            b"<html><head><script>x = 1;</script></head><body></body></html>",
            "no article",
        ),
        ("broken.csv.gz", b"\x1f\x8b\x08\x00garbage", "cannot read"),
        ("empty.csv", b"", "empty CSV file"),
        ("noheader.csv", b"a,b\n1,2\n", "no text column"),
    ],
)
def test_bad_uploads_are_rejected_with_a_reason(name, data, reason):
    found = list(read_bytes(name, data))
    assert found, name
    assert all(isinstance(i, Rejection) for i in found)
    assert reason in found[0].reason
    assert found[0].where.startswith(name)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (FIXTURES / "does-not-exist.txt", "no such file or directory"),
        ("ftp://example.org/feed.xml", "only http(s) URLs"),
        ("file:///etc/passwd", "only http(s) URLs"),
    ],
)
def test_bad_sources_are_rejected(source, reason):
    (rejection,) = items(source)
    assert isinstance(rejection, Rejection)
    assert reason in rejection.reason
    assert rejection.where == str(source)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-31", datetime(2024, 1, 31)),
        ("2024-01-31T23:30:00+07:00", datetime(2024, 1, 31, 16, 30)),
        ("2024-01-31T10:00:00Z", datetime(2024, 1, 31, 10, 0)),
        ("Wed, 31 Jan 2024 10:00:00 GMT", datetime(2024, 1, 31, 10, 0)),
        ("20240131T101500Z", datetime(2024, 1, 31, 10, 15)),  # GDELT seendate
        ("31 Januari 2024", datetime(2024, 1, 31)),
        ("January 31, 2024", datetime(2024, 1, 31)),
        (1706695200, datetime(2024, 1, 31, 10, 0)),
        ("", None),
        ("soon", None),
        ("0000-00-00", None),
        ("2024-02-30", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example.org/2024/05/02/talks", datetime(2024, 5, 2)),
        ("https://example.id/berita/20240503-rusia-sanksi", datetime(2024, 5, 3)),
        ("https://example.org/2024-05-04/story.html", datetime(2024, 5, 4)),
        ("https://example.org/story/123456", None),
        ("https://example.org/2024/13/45/nope", None),
        (None, None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JAKARTA, 3 Mei 2024 - Pemerintah mengumumkan...", datetime(2024, 5, 3)),
        ("SEOUL (May 3, 2024) - The ministry said...", datetime(2024, 5, 3)),
        ("Updated 2024-05-03. The ministry said...", datetime(2024, 5, 3)),
        ("Beijing pada Jumat (10/3/2023). Kesepakatan ini...", datetime(2023, 3, 10)),
        ("Pemilu pada November 2024 akan menentukan...", None),  # no day: no date
        ("x" * 500 + " 3 May 2024", None),  # far from the start: about another event
    ],
)
def test_date_from_text(text, expected):
    assert date_from_text(text) == expected


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("en", "en"),
        ("EN-us", "en-us"),
        ("Indonesian", "id"),
        ("bahasa Indonesia", "id"),
        ("unknown language", None),
        ("", None),
        (None, None),
    ],
)
def test_declared_languages_become_codes(declared, expected):
    assert language_code(declared) == expected
