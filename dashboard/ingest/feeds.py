"""RSS/Atom feeds (feedparser): every entry's article page is fetched for its full text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser

from .dates import parse_date
from .fetch import fetch
from .readers import Item, fetch_articles
from .types import Rejection

_OPML_URL = re.compile(r"""xmlUrl\s*=\s*["']([^"']+)["']""", re.I)


def feed_items(data: bytes, where: str, fetcher: Callable = fetch) -> Iterator[Item]:
    """Articles of a feed document; ``where`` (its URL or file) names it in rejections."""
    headers = {"content-location": where} if "://" in where else {}
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.entries and not parsed.version:
        detail = f" ({parsed.bozo_exception})" if parsed.get("bozo_exception") else ""
        yield Rejection(where, f"not an RSS/Atom feed{detail}")
        return
    feed = parsed.feed
    language = (feed.get("language") or "")[:2].lower() or None
    entries = []
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link")
        if not link:
            yield Rejection(f"{where} entry {number}", "feed entry has no link")
            continue
        published = parse_date(entry.get("published_parsed") or entry.get("updated_parsed"))
        meta = {
            "title": entry.get("title"),
            "published": published,
            "source": feed.get("title"),
            "language": language,
        }
        entries.append((link, meta))
    yield from fetch_articles(entries, fetcher)


def read_feed_list(path: Path) -> list[str]:
    """Feed URLs from a text file (one per line, ``#`` comments) or an OPML export."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".opml" or "<opml" in text[:1000].lower():
        return _OPML_URL.findall(text)
    urls = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [url for url in urls if url]
