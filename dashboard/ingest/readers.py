"""Readers: files, directories, ``.gz``, uploads and URLs in; ``RawArticle``/``Rejection`` out.

Every reader is a generator, so a 100k-line JSONL file streams through in constant memory, and
a bad item becomes a ``Rejection`` naming its file/line/URL while the rest is still read.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import IO

from .dates import date_from_text, date_from_url, parse_date
from .fetch import FetchError, extract_html, fetch
from .types import FIELDS, RawArticle, Rejection

Item = RawArticle | Rejection
Source = str | os.PathLike | tuple[str, bytes]
Columns = Mapping[str, str]

# Whole-document files (text, Markdown, HTML) bigger than this are not one article.
MAX_DOCUMENT_BYTES = 20_000_000
# One article's text: ~150k words, far past any news story; longer is a dump, not an article.
MAX_ARTICLE_CHARS = 1_000_000
# One JSON line: an article at the cap plus its other fields and JSON escapes.
MAX_LINE_CHARS = 2 * MAX_ARTICLE_CHARS
# A first line this short followed by more text is the title of a text/Markdown file.
TITLE_MAX_CHARS = 200
# Bytes sniffed to tell binary from text (a NUL byte there means binary).
SNIFF_BYTES = 8192
# Article pages fetched at once for a feed or a GDELT list (I/O bound, polite to servers).
FETCH_THREADS = 8

# Column names tried for each field when the caller does not name one.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "judul"),
    "text": ("text", "body", "content", "article", "isi", "teks"),
    "url": ("url", "link", "tautan"),
    "published": (
        "published",
        "date",
        "published_at",
        "publish_date",
        "seendate",
        "datetime",
        "tanggal",
    ),
    "source": ("source", "domain", "outlet", "publisher", "sumber", "media"),
    "language": ("language", "lang", "bahasa"),
}

# Language names inputs (GDELT, spreadsheets) use instead of codes.
LANGUAGE_NAMES = {
    "english": "en",
    "inggris": "en",
    "indonesian": "id",
    "indonesia": "id",
    "bahasa indonesia": "id",
    "malay": "ms",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "portuguese": "pt",
    "russian": "ru",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "arabic": "ar",
}
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*")

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
JSON_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
_GZIP_MAGIC = b"\x1f\x8b"
_UNDECODABLE = re.compile(r"[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
# File stems made by machines ("000_bbedd75c2d538480", "12345") say nothing as a title.
_MACHINE_STEM = re.compile(r"[\d\W_]*([0-9a-f]{8,}[\W_]*)*", re.I)


# The csv module's default cap (128 KiB) is below a long article; ours is MAX_ARTICLE_CHARS.
csv.field_size_limit(MAX_ARTICLE_CHARS)


class ColumnError(ValueError):
    """A table has no column for the article text."""


def _resolve_columns(header: Iterable[str], columns: Columns | None) -> dict[str, str]:
    """field -> the column holding it, for the fields this header has."""
    present = {h.strip().lower(): h for h in header if isinstance(h, str)}
    resolved: dict[str, str] = {}
    for name in FIELDS:
        wanted = (columns[name],) if columns and name in columns else DEFAULT_COLUMNS[name]
        for candidate in wanted:
            if candidate.strip().lower() in present:
                resolved[name] = present[candidate.strip().lower()]
                break
    if "text" not in resolved:
        looked = (
            columns["text"] if columns and "text" in columns else ", ".join(DEFAULT_COLUMNS["text"])
        )
        raise ColumnError(
            f"no text column (looked for {looked}; columns are: {', '.join(present) or 'none'})"
        )
    return resolved


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def article_from_record(
    record: Mapping[str, object], where: str, resolved: Mapping[str, str]
) -> Item:
    """One CSV row / JSON object -> an article, or the reason it cannot be one."""
    values = {name: record.get(column) for name, column in resolved.items()}
    text = values.get("text")
    if text is not None and not isinstance(text, str):
        return Rejection(where, f"'{resolved['text']}' is not a string")
    fields = {name: _clean(v) for name, v in values.items() if name != "published"}
    for name, value in fields.items():
        if value is not None and _UNDECODABLE.search(value):
            return Rejection(where, f"'{resolved[name]}' is not valid UTF-8")
    return make_article(
        where,
        text=fields.get("text") or "",
        title=fields.get("title"),
        url=fields.get("url"),
        published=parse_date(values.get("published")),
        source=fields.get("source"),
        language=fields.get("language"),
    )


def make_article(
    where: str,
    *,
    text: str,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
    source: str | None = None,
    language: str | None = None,
) -> Item:
    """Validate the text and fill in a missing date from the URL or the text's opening."""
    text = text.strip()
    if not text:
        return Rejection(where, "empty text")
    if len(text) > MAX_ARTICLE_CHARS:
        return Rejection(where, f"text too long ({len(text):,} characters > {MAX_ARTICLE_CHARS:,})")
    if "\x00" in text:
        return Rejection(where, "text contains NUL bytes (binary data?)")
    published = published or date_from_url(url) or date_from_text(text)
    return RawArticle(
        where=where,
        text=text,
        title=(title or "").strip() or None,
        url=url,
        published=published,
        source=source,
        language=language_code(language),
    )


def language_code(value: str | None) -> str | None:
    """A declared language as a code ("English" -> "en"); None (detect it) when unusable."""
    if not value:
        return None
    value = value.strip().lower()
    value = LANGUAGE_NAMES.get(value, value)
    return value if _LANGUAGE_CODE.fullmatch(value) else None


# --- whole documents -------------------------------------------------------------------------


def _decode(data: bytes, where: str) -> str | Rejection:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        return Rejection(where, f"not UTF-8 text (byte 0x{bad} at offset {error.start})")


def _is_binary(head: bytes) -> bool:
    return b"\x00" in head[:SNIFF_BYTES]


def _title_from_stem(stem: str) -> str | None:
    if _MACHINE_STEM.fullmatch(stem):
        return None
    return re.sub(r"[_\-]+", " ", stem).strip() or None


def read_text_document(data: bytes, name: str) -> Item:
    """Plain text or Markdown: the first line is the title when it is short and more follows."""
    text = _decode(data, name)
    if isinstance(text, Rejection):
        return text
    text = text.strip()
    first, _, rest = text.partition("\n")
    first = first.strip().lstrip("#").strip()
    if rest.strip() and 0 < len(first) <= TITLE_MAX_CHARS:
        title, body = first, rest
    else:
        title, body = _title_from_stem(_stem(name)), text
    return make_article(name, text=body, title=title, source=Path(name).name)


def _stem(name: str) -> str:
    """``dir/report.txt.gz`` -> ``report``."""
    path = Path(name)
    if path.suffix.lower() == ".gz":
        path = path.with_suffix("")
    return path.stem


def read_html_document(data: bytes, name: str, url: str | None = None) -> Item:
    if _is_binary(data):
        return Rejection(name, "binary content, not HTML")
    page = extract_html(data, url=url)
    if not page.text:
        return Rejection(name, "no article text found in the HTML")
    return make_article(
        name,
        text=page.text,
        title=page.title,
        url=url,
        published=page.published,
        source=page.source or (Path(name).name if url is None else None),
        language=page.language,
    )


# --- tables: CSV and JSON Lines --------------------------------------------------------------


def _text_stream(binary: IO[bytes]) -> io.TextIOWrapper:
    # surrogateescape: a bad byte spoils only its own row, which is then rejected
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")


def read_csv(
    binary: IO[bytes], name: str, columns: Columns | None, head: bytes = b""
) -> Iterator[Item]:
    delimiter = "\t" if name.lower().removesuffix(".gz").endswith(".tsv") else ","
    if delimiter == "," and head.count(b";") > head.count(b",") * 2:
        delimiter = ";"  # European spreadsheets
    reader = csv.reader(_text_stream(binary), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Rejection(name, "empty CSV file")
        return
    except csv.Error as error:
        yield Rejection(f"{name}:1", f"malformed CSV header: {error}")
        return
    try:
        resolved = _resolve_columns(header, columns)
    except ColumnError as error:
        yield Rejection(name, str(error))
        return
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Rejection(f"{name}:{start}", f"malformed CSV: {error}")
            continue
        where = f"{name}:{start}"
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(header):
            yield Rejection(where, f"expected {len(header)} fields, found {len(row)}")
            continue
        yield article_from_record(dict(zip(header, row, strict=True)), where, resolved)


def read_jsonl(binary: IO[bytes], name: str, columns: Columns | None) -> Iterator[Item]:
    resolved_for: dict[frozenset[str], dict[str, str]] = {}
    stream = _text_stream(binary)
    number = 0
    while line := stream.readline(MAX_LINE_CHARS):
        number += 1
        where = f"{name}:{number}"
        if len(line) == MAX_LINE_CHARS and not line.endswith("\n"):
            while (rest := stream.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass  # skip the remainder of the line without holding it
            yield Rejection(where, f"line longer than {MAX_LINE_CHARS:,} characters")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejection(where, f"malformed JSON: {error.msg} (column {error.colno})")
            continue
        yield from _json_record(record, where, columns, resolved_for)


def _json_record(
    record: object,
    where: str,
    columns: Columns | None,
    resolved_for: dict[frozenset[str], dict[str, str]],
) -> Iterator[Item]:
    if not isinstance(record, dict):
        yield Rejection(where, f"expected a JSON object, found {type(record).__name__}")
        return
    keys = frozenset(record)
    if keys not in resolved_for:
        try:
            resolved_for[keys] = _resolve_columns(record, columns)
        except ColumnError as error:
            yield Rejection(where, str(error))
            return
    yield article_from_record(record, where, resolved_for[keys])


def read_json_array(data: bytes, name: str, columns: Columns | None) -> Iterator[Item]:
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        yield Rejection(name, f"malformed JSON: {error}")
        return
    if not isinstance(records, list):
        records = [records]
    resolved_for: dict[frozenset[str], dict[str, str]] = {}
    for index, record in enumerate(records):
        yield from _json_record(record, f"{name}[{index}]", columns, resolved_for)


# --- dispatch --------------------------------------------------------------------------------


def _kind(name: str, head: bytes) -> str:
    suffix = Path(name.lower()).suffix
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in JSON_SUFFIXES:
        return "json" if suffix == ".json" and head.lstrip()[:1] == b"[" else "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return sniff_kind(head)


def sniff_kind(head: bytes) -> str:
    """Guess the format of content without a telling name or content type."""
    start = head.lstrip()[:512].lower()
    if start.startswith(b"<?xml") or start.startswith((b"<rss", b"<feed", b"<rdf")):
        return "feed" if re.search(rb"<(rss|feed|rdf:rdf)\b", head[:4096].lower()) else "html"
    if start.startswith(b"<"):
        return "html"
    if start.startswith(b"{"):
        return "jsonl"
    return "text"


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzip (whatever its name)."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == _GZIP_MAGIC else path.open("rb")


def read_stream(
    binary: IO[bytes], name: str, columns: Columns | None, fetcher: Callable = fetch
) -> Iterator[Item]:
    """Read one file's content (already decompressed) by its name and first bytes."""
    try:
        head = binary.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(binary, "peek") else b""
    except (OSError, EOFError, zlib.error) as error:
        yield Rejection(name, f"cannot read: {error}")
        return
    if _is_binary(head):
        yield Rejection(name, "binary file, not text")
        return
    kind = _kind(name.removesuffix(".gz").removesuffix(".GZ"), head)
    try:
        if kind == "csv":
            yield from read_csv(binary, name, columns, head)
            return
        if kind == "jsonl":
            yield from read_jsonl(binary, name, columns)
            return
        data = binary.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        yield Rejection(name, f"cannot read: {error}")
        return
    if len(data) > MAX_DOCUMENT_BYTES:
        hint = " (write big collections as JSON Lines, which stream)" if kind == "json" else ""
        yield Rejection(name, f"file larger than {MAX_DOCUMENT_BYTES // 1_000_000} MB{hint}")
    elif kind == "json":
        yield from read_json_array(data, name, columns)
    elif kind == "html":
        yield read_html_document(data, name)
    elif kind == "feed":
        from .feeds import feed_items  # feeds imports this module

        yield from feed_items(data, name, fetcher)
    else:
        yield read_text_document(data, name)


def read_bytes(
    name: str, data: bytes, columns: Columns | None = None, fetcher: Callable = fetch
) -> Iterator[Item]:
    """An upload: ``name`` decides the format as a file name would."""
    stream = io.BufferedReader(io.BytesIO(data))
    if data[:2] == _GZIP_MAGIC:
        stream = io.BufferedReader(gzip.GzipFile(fileobj=io.BytesIO(data)))
    yield from read_stream(stream, name, columns, fetcher)


def _walk(path: Path) -> Iterator[Path]:
    """Files under ``path`` in a stable order, hidden files and directories skipped."""
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def read_path(
    path: Path, columns: Columns | None = None, fetcher: Callable = fetch
) -> Iterator[Item]:
    """A file or a whole directory tree."""
    if not path.exists():
        yield Rejection(str(path), "no such file or directory")
        return
    files = _walk(path) if path.is_dir() else [path]
    for file in files:
        try:
            stream = open_binary(file)
        except OSError as error:
            yield Rejection(str(file), f"cannot open: {error.strerror or error}")
            continue
        with stream:
            yield from read_stream(stream, str(file), columns, fetcher)


def read_url(url: str, fetcher: Callable = fetch) -> Iterator[Item]:
    """A feed (every entry's article is fetched) or a single article page."""
    try:
        page = fetcher(url)
    except FetchError as error:
        yield Rejection(url, str(error))
        return
    ctype = page.content_type
    if any(t in ctype for t in ("rss", "atom", "xml")) and "html" not in ctype:
        kind = "feed"
    elif "text/plain" in ctype:
        kind = "text"
    else:
        kind = sniff_kind(page.body[:SNIFF_BYTES])
    if kind == "feed":
        from .feeds import feed_items

        yield from feed_items(page.body, url, fetcher)
    elif kind == "text":
        item = read_text_document(page.body, url)
        yield item if isinstance(item, Rejection) else _with_url(item, url)
    else:
        yield read_html_document(page.body, url, url=url)


def _with_url(item: RawArticle, url: str) -> RawArticle:
    return make_article(
        url,
        text=item.text,
        title=item.title,
        url=url,
        published=item.published,
        source=None,
        language=item.language,
    )


def fetch_articles(
    entries: Iterable[tuple[str, dict]], fetcher: Callable = fetch
) -> Iterator[Item]:
    """Fetch article pages concurrently; ``entries`` are ``(url, metadata)`` pairs whose metadata
    (title, published, source, language) wins over what the page says."""

    def one(entry: tuple[str, dict]) -> Item:
        url, meta = entry
        try:
            page = fetcher(url)
        except FetchError as error:
            return Rejection(url, str(error))
        extracted = read_html_document(page.body, url, url=url)
        if isinstance(extracted, Rejection):
            return extracted
        return make_article(
            url,
            text=extracted.text,
            title=meta.get("title") or extracted.title,
            url=url,
            published=meta.get("published") or extracted.published,
            source=meta.get("source") or extracted.source,
            language=meta.get("language") or extracted.language,
        )

    with ThreadPoolExecutor(FETCH_THREADS) as pool:
        yield from pool.map(one, entries)


def iter_sources(
    sources: Iterable[Source], columns: Columns | None = None, fetcher: Callable = fetch
) -> Iterator[Item]:
    """Every article (or rejection) from paths, URLs and ``(name, bytes)`` uploads, in order."""
    for source in sources:
        if isinstance(source, tuple):
            name, data = source
            yield from read_bytes(name, data, columns, fetcher)
        elif isinstance(source, str) and re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
            yield from read_url(source, fetcher)
        else:
            yield from read_path(Path(source), columns, fetcher)
