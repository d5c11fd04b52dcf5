"""Publication dates from metadata values, URLs and article text (English and Indonesian)."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

# Dates outside this range are typos or epoch placeholders, not publication dates.
_EARLIEST = datetime(1900, 1, 1)
_LATEST_YEAR = 2100

_MONTHS = {
    **dict.fromkeys(("january", "jan", "januari"), 1),
    **dict.fromkeys(("february", "feb", "februari", "pebruari"), 2),
    **dict.fromkeys(("march", "mar", "maret"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("may", "mei"), 5),
    **dict.fromkeys(("june", "jun", "juni"), 6),
    **dict.fromkeys(("july", "jul", "juli"), 7),
    **dict.fromkeys(("august", "aug", "agustus", "agu", "agt"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("october", "oct", "oktober", "okt"), 10),
    **dict.fromkeys(("november", "nov", "nopember"), 11),
    **dict.fromkeys(("december", "dec", "desember", "des"), 12),
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "12 January 2024", "12 Januari 2024", "January 12, 2024"
_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?\s+(\d{{4}})\b", re.I)
_MDY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Indonesian outlets date a report "Jumat (10/3/2023)": day/month/year in brackets.
_ID_BRACKETED = re.compile(r"\((\d{1,2})/(\d{1,2})/(\d{4})\)")
# /2024/01/12/ or -20240112- or /2024-01-12/ in a URL path
_URL_DATE = re.compile(r"(?<!\d)(\d{4})[/-]?(\d{2})[/-]?(\d{2})(?!\d)")
# GDELT's seendate: 20240112T083000Z
_GDELT = re.compile(r"^(\d{8})T(\d{6})Z$")
# Only the opening of an article carries its dateline; later dates are about other events.
TEXT_DATE_WINDOW = 400


def _valid(year: int, month: int, day: int) -> datetime | None:
    if not (_EARLIEST.year <= year <= _LATEST_YEAR):
        return None
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def parse_date(value: object) -> datetime | None:
    """A metadata date (ISO, RFC 2822, GDELT, epoch seconds, struct_time...) as naive UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):  # feedparser's dates, already UTC
        return datetime(*value[:6]) if _valid(*value[:3]) else None
    if isinstance(value, datetime):
        return _naive_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if m := _GDELT.match(text):
        try:
            return datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        except ValueError:
            return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        parsed = date_from_text(text, window=len(text))
    if parsed is None:
        try:
            parsed = dateutil_parser.parse(text)
        except (ValueError, OverflowError):
            return None
    parsed = _naive_utc(parsed)
    return parsed if _valid(parsed.year, parsed.month, parsed.day) else None


def date_from_url(url: str | None) -> datetime | None:
    """A date written into a URL's path (``/2024/01/12/``, ``-20240112-``)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for m in _URL_DATE.finditer(path):
        found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found:
            return found
    return None


def date_from_text(text: str, *, window: int = TEXT_DATE_WINDOW) -> datetime | None:
    """The first date written near the start of ``text`` (en/id month names, ISO, "(d/m/yyyy)")."""
    head = text[:window]
    found: list[tuple[int, datetime]] = []
    for m in _DMY.finditer(head):
        d = _valid(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        if d:
            found.append((m.start(), d))
    for m in _MDY.finditer(head):
        d = _valid(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
        if d:
            found.append((m.start(), d))
    for m in _ID_BRACKETED.finditer(head):
        d = _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            found.append((m.start(), d))
    for m in _ISO.finditer(head):
        d = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), d))
    return min(found)[1] if found else None
