"""Dates as news sites print them, turned into ISO 8601.

A small, fast parser for the formats that appear in saved articles ("03 January 2018 05:31 PM",
"January 3, 2018", "2018-01-03T17:31:00Z", "3 Jan. 2018"). dateparser would cover more but costs
a second of import time and megabytes of data; these patterns cover what footers and bylines use.
"""

from __future__ import annotations

import re
from datetime import datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME_RE = r"(?:[ ,T]+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"

_PATTERNS = [
    # 2018-01-03, 2018-01-03T17:31:00, 2018/01/03 17:31
    re.compile(
        r"(?P<year>(?:19|20)\d{2})[-/.](?P<month_num>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME_RE,
        re.I,
    ),
    # 03 January 2018 05:31 PM, 3 Jan. 2018
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(?P<year>(?:19|20)\d{2})" + _TIME_RE, re.I),
    # January 3, 2018 5:31 pm
    re.compile(_MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})" + _TIME_RE, re.I),
]


def parse_date(text: str) -> str | None:
    """Return the first date in ``text`` as ISO 8601 ("2018-01-03T17:31" or "2018-01-03")."""
    # Arabic comma (U+060C) and other odd separators become plain commas first.
    cleaned = text.replace("\u060c", ",").replace("\u00a0", " ")
    for pattern in _PATTERNS:
        for match in pattern.finditer(cleaned):
            iso = _to_iso(match)
            if iso:
                return iso
    return None


def _to_iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    try:
        year = int(groups["year"])
        if groups.get("month_num"):
            month = int(groups["month_num"])
        else:
            month = _MONTHS[groups["month"].lower().rstrip(".")]
        day = int(groups["day"])
        date = datetime(year, month, day)
    except (ValueError, KeyError, TypeError):
        return None
    if groups.get("hour") is None:
        return date.strftime("%Y-%m-%d")
    hour, minute = int(groups["hour"]), int(groups["minute"])
    ampm = (groups.get("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return date.strftime("%Y-%m-%d")
    return date.replace(hour=hour, minute=minute).strftime("%Y-%m-%dT%H:%M")
