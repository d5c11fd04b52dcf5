"""The GDELT DOC 2.0 API: article lists for a query and time window, then each article's text.

The API returns at most 250 articles per request, so a window that comes back full is split in
half until each slice fits; requests are spaced to respect GDELT's rate limit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from urllib.parse import urlencode

from .dates import parse_date
from .fetch import FetchError, fetch
from .readers import Item, fetch_articles, language_code
from .types import Rejection

GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
# The API's cap on articles per request (maxrecords).
GDELT_MAX_RECORDS = 250
# GDELT asks clients for at most one request every 5 seconds.
GDELT_MIN_INTERVAL_S = 5.0
# GDELT updates every 15 minutes: a thinner slice cannot hold fewer articles.
GDELT_MIN_SLICE = timedelta(minutes=15)
# Attempts per request when GDELT answers "429 Too Many Requests".
GDELT_RETRIES = 3
_STAMP = "%Y%m%d%H%M%S"


class GdeltClient:
    """Rate-limited access to the DOC API (``base_url`` is configurable for tests)."""

    def __init__(
        self,
        base_url: str = GDELT_DOC_API,
        *,
        interval: float = GDELT_MIN_INTERVAL_S,
        fetcher: Callable = fetch,
    ):
        self.base_url = base_url
        self.interval = interval
        self.fetcher = fetcher
        self._last = float("-inf")
        self.requests = 0

    def _get(self, url: str):
        attempt = 0
        while True:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            self.requests += 1
            try:
                return self.fetcher(url)
            except FetchError as error:
                attempt += 1
                if "HTTP 429" not in str(error) or attempt >= GDELT_RETRIES:
                    raise
                time.sleep(self.interval * 2**attempt)  # back off further each time

    def request_url(self, query: str, start: datetime, end: datetime) -> str:
        params = {
            "query": query,
            "mode": "ArtList",
            "format": "json",
            "maxrecords": GDELT_MAX_RECORDS,
            "sort": "DateAsc",
            "startdatetime": start.strftime(_STAMP),
            "enddatetime": end.strftime(_STAMP),
        }
        return f"{self.base_url}?{urlencode(params)}"

    def article_list(
        self, query: str, since: datetime, until: datetime
    ) -> Iterator[dict | Rejection]:
        """Every article GDELT lists for ``query`` in ``[since, until)``, each URL once."""
        seen: set[str] = set()
        windows = [(since, until)]
        while windows:
            start, end = windows.pop()
            url = self.request_url(query, start, end)
            try:
                page = self._get(url)
            except FetchError as error:
                yield Rejection(url, f"GDELT request failed: {error}")
                continue
            articles = _parse_list(page.body)
            if isinstance(articles, str):
                yield Rejection(url, articles)
                continue
            if len(articles) >= GDELT_MAX_RECORDS and end - start > GDELT_MIN_SLICE:
                middle = start + (end - start) / 2
                windows += [(middle, end), (start, middle)]  # earlier half first
                continue
            for article in articles:
                link = article.get("url")
                if link and link not in seen:
                    seen.add(link)
                    yield article


def _parse_list(body: bytes) -> list[dict] | str:
    """The ``articles`` of a DOC API answer, or the reason it is not one."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []  # GDELT answers an empty body when nothing matches
    try:
        data = json.loads(text, strict=False)
    except json.JSONDecodeError:
        return f"GDELT answered with an error: {text[:200]}"
    if not isinstance(data, dict):
        return "GDELT answer is not a JSON object"
    articles = data.get("articles", [])
    return [a for a in articles if isinstance(a, dict)]


def gdelt_items(
    query: str,
    since: datetime,
    until: datetime,
    *,
    client: GdeltClient | None = None,
    limit: int | None = None,
) -> Iterator[Item]:
    """Articles GDELT lists for ``query`` in the window, with their text fetched."""
    client = client or GdeltClient()
    rejected: list[Rejection] = []
    entries = []
    for article in client.article_list(query, since, until):
        if isinstance(article, Rejection):
            rejected.append(article)
            continue
        meta = {
            "title": article.get("title"),
            "published": parse_date(article.get("seendate")),
            "source": article.get("domain"),
            "language": language_code(str(article.get("language") or "")),
        }
        entries.append((article["url"], meta))
        if limit is not None and len(entries) >= limit:
            break
    yield from rejected
    yield from fetch_articles(entries, client.fetcher)
