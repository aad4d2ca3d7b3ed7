"""Paragraph, quotation and sentence segmentation with exact character offsets.

Everything here is a single left-to-right pass (regex scans and one state machine), so the
cost is linear in the text length whatever the input looks like: no punctuation at all, one
1 MB line, thousands of unbalanced quotation marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Double quotation marks only: single quotes double as apostrophes ("Iran's") and would
# pair wrongly far more often than they help.
OPENING_QUOTES = "“„«"
CLOSING_QUOTES = "”»"
QUOTE_CHARS = '"' + OPENING_QUOTES + CLOSING_QUOTES

# A run of text without line breaks.  Paragraphs are separated by blank lines in the clean
# text, but a single newline is also treated as a hard break (robust to wrapped input and
# to plain-text files where every line is a paragraph).
_LINE_RE = re.compile(r"[^\n\r]+")

# Candidate sentence end: terminal punctuation, optional closing quotes/brackets, spaces.
_END_RE = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s)")

# Words that end with a full stop without ending the sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr sen rep gov gen lt col maj capt sgt adm prof rev st jr sr ft mt no nos
    vs jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd bros dept est approx
    fig op vol pp ca cf al e.g i.e u.s u.k u.n d.c a.m p.m""".split()
)


@dataclass(frozen=True)
class QuoteRegion:
    """A quotation: ``start`` is the opening mark, ``end`` is just after the closing mark.

    ``closed`` is False when the paragraph ended first (a quote running on into the next
    paragraph, or a stray mark); then ``end`` is the end of the paragraph.
    """

    start: int
    end: int
    closed: bool

    @property
    def inner_start(self) -> int:
        return self.start + 1

    @property
    def inner_end(self) -> int:
        return self.end - 1 if self.closed else self.end


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of the non-blank lines of ``text`` (stripped of surrounding spaces)."""
    out: list[tuple[int, int]] = []
    for m in _LINE_RE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def quote_regions(text: str, start: int, end: int) -> list[QuoteRegion]:
    """Pair quotation marks in ``text[start:end]`` (one paragraph), tolerating mismatches.

    Straight and curly marks are interchangeable (writers mix them: an opening straight
    quote closed by a curly one).  A mark is read as opening or closing from its direction
    when it has one, and otherwise from whether a quote is currently open.
    """
    regions: list[QuoteRegion] = []
    open_at = -1
    pos = start
    n = end
    while pos < n:
        # Jump straight to the next quote mark.
        m = _QUOTE_RE.search(text, pos, n)
        if m is None:
            break
        q = m.start()
        ch = text[q]
        prev = text[q - 1] if q > start else " "
        nxt = text[q + 1] if q + 1 < n else " "
        looks_closing = (not prev.isspace() and prev not in "([{—–-") and (
            nxt.isspace() or not nxt.isalnum()
        )
        looks_opening = (prev.isspace() or prev in "([{—–-:") and not nxt.isspace()
        if open_at < 0:
            if ch in CLOSING_QUOTES and looks_closing and not looks_opening:
                pass  # stray closing mark with nothing open: ignore it
            else:
                open_at = q
        else:
            if ch in OPENING_QUOTES and looks_opening and not looks_closing:
                # A fresh opening mark while one is open: the first was never closed.
                regions.append(QuoteRegion(open_at, q, False))
                open_at = q
            else:
                regions.append(QuoteRegion(open_at, q + 1, True))
                open_at = -1
        pos = q + 1
    if open_at >= 0:
        regions.append(QuoteRegion(open_at, end, False))
    return regions


_QUOTE_RE = re.compile("[" + re.escape(QUOTE_CHARS) + "]")


def _is_abbreviation(text: str, dot: int, floor: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial."""
    s = dot
    while s > floor and (text[s - 1].isalnum() or text[s - 1] == "."):
        s -= 1
    word = text[s:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "George W. Bush"
    # "U.S" in "U.S." (dotted acronyms) — a following capital may still start a sentence,
    # but in news copy it far more often goes on ("the U.S. State Department").
    return "." in word and all(len(p) <= 2 for p in word.split("."))


def split_sentences(
    text: str, start: int, end: int, quotes: list[QuoteRegion] | None = None
) -> list[tuple[int, int]]:
    """Sentences of one paragraph ``text[start:end]``, as offsets (trailing spaces excluded).

    A sentence does not end inside a closed quotation, so a quote of several sentences
    followed by ``, he said.`` stays one unit with its attribution.
    """
    if quotes is None:
        quotes = quote_regions(text, start, end)
    closed = [q for q in quotes if q.closed]
    out: list[tuple[int, int]] = []
    s0 = start
    qi = 0
    for m in _END_RE.finditer(text, start, end):
        cut = m.end()
        nxt = cut
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt >= end:
            break
        c = text[nxt]
        if not (c.isupper() or c.isdigit() or c in QUOTE_CHARS or c in "‘'(["):
            continue
        dot = m.start()
        if text[dot] == "." and m.group().startswith(".") and len(m.group().rstrip("\"”’'»)]")) == 1:
            if _is_abbreviation(text, dot, s0):
                continue
        while qi < len(closed) and closed[qi].end <= dot:
            qi += 1
        if qi < len(closed) and closed[qi].start < dot < closed[qi].end - 1:
            # inside a closed quotation — unless the quotation ends right here with the
            # sentence ('... on ABC's "This Week." "Putin ...')
            if cut < closed[qi].end:
                continue
        out.append((s0, cut))
        s0 = nxt
    if s0 < end:
        e = end
        while e > s0 and text[e - 1].isspace():
            e -= 1
        if e > s0:
            out.append((s0, e))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """All sentences of ``text`` as ``(start, end)`` offsets."""
    out: list[tuple[int, int]] = []
    for ps, pe in paragraphs(text):
        out.extend(split_sentences(text, ps, pe))
    return out


_DOUBLE_APOS_RE = re.compile(r"'''|''|‘‘|’’|``")


def normalise_quotes(text: str) -> str:
    """Rewrite two-character quotation marks (``''`` as in some wire copy, ````` ``)
    as one ``"`` plus a space, keeping the length and so every offset.

    An opening pair (after a space, a line start or an opening bracket) becomes ``' "'``
    so that the mark touches the quoted word; a closing pair becomes ``'" '``.
    """
    if "''" not in text and "‘‘" not in text and "’’" not in text and "``" not in text:
        return text
    parts: list[str] = []
    last = 0
    for m in _DOUBLE_APOS_RE.finditer(text):
        a = m.start()
        prev = text[a - 1] if a > 0 else " "
        parts.append(text[last:a])
        g = m.group()
        opening = g in ("``", "‘‘") or prev.isspace() or prev in "([{—–-:"
        if len(g) == 3:
            # a single quote closing inside a double one: 'old-school,''' -> 'old-school'"
            parts.append(' "\'' if opening else '\'" ')
        else:
            parts.append(' "' if opening else '" ')
        last = m.end()
    parts.append(text[last:])
    out = "".join(parts)
    return out if len(out) == len(text) else text
