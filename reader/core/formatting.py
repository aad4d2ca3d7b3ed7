"""Small presentation helpers shared by the reading pane and the exporters (Qt-free)."""

from __future__ import annotations

import re
from datetime import date

# Reading fonts in order of preference; the first one installed is used (DejaVu ships with the
# Debian packages the README lists, so there is always one).
SERIF_CANDIDATES = (
    "Source Serif 4",
    "Source Serif Pro",
    "Charter",
    "Iowan Old Style",
    "Georgia",
    "Noto Serif",
    "Literata",
    "Cambria",
    "DejaVu Serif",
    "Liberation Serif",
)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of a clean article text: runs between blank lines."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for sep in re.finditer(r"\n[ \t]*\n\s*", text):
        if sep.start() > pos:
            spans.append((pos, sep.start()))
        pos = sep.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def format_date(value: str | None) -> str:
    """An ISO date as a reader writes it: "14 March 2031", with ", 10:30" when timed."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    when = f"{day.day} {day.strftime('%B %Y')}"
    if len(value) >= 16 and value[10] == "T":
        when += f", {value[11:16]}"
    return when
