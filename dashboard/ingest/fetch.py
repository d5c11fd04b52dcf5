"""HTTP(S) fetching with a timeout and a size cap, and main-text extraction from HTML."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import trafilatura

from .dates import parse_date

# Seconds to wait for a server to connect/answer before rejecting the URL.
FETCH_TIMEOUT_S = 20.0
# Largest response read; news pages are well under 5 MB, anything bigger is not one article.
MAX_DOWNLOAD_BYTES = 10_000_000
USER_AGENT = "tension-dashboard/0.1 (+news tension research; offline analysis)"


class FetchError(Exception):
    """A URL could not be fetched; the message says why."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes


def check_http_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"only http(s) URLs are accepted, not {url!r}")


def fetch(
    url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_DOWNLOAD_BYTES
) -> Fetched:
    """GET ``url``; raises :class:`FetchError` with a readable reason on any failure."""
    check_http_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (checked)
            final = response.geturl()
            check_http_url(final)  # a redirect must not leave http(s)
            body = response.read(max_bytes + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} {error.reason}") from error
    except urllib.error.URLError as error:
        raise FetchError(f"unreachable: {error.reason}") from error
    except TimeoutError as error:
        raise FetchError(f"timed out after {timeout:.0f} s") from error
    except (OSError, ValueError) as error:
        raise FetchError(f"fetch failed: {error}") from error
    if len(body) > max_bytes:
        raise FetchError(f"response larger than {max_bytes // 1_000_000} MB")
    return Fetched(final, content_type.lower(), body)


@dataclass(frozen=True, slots=True)
class Extracted:
    title: str | None
    text: str
    published: datetime | None
    source: str | None
    language: str | None


def extract_html(html: bytes | str, url: str | None = None) -> Extracted:
    """Main text and metadata of an HTML page (trafilatura); ``text`` is "" when none is found."""
    result = trafilatura.extract(
        html,
        url=url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if not result:
        return Extracted(None, "", None, None, None)
    data = json.loads(result)
    title = (data.get("title") or "").strip() or None
    text = (data.get("text") or "").strip()
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1 :].lstrip()  # the page's <h1> repeats the title
    return Extracted(
        title=title,
        text=text,
        published=parse_date(data.get("date")),
        source=data.get("source-hostname") or data.get("hostname") or None,
        language=data.get("language") or None,
    )
