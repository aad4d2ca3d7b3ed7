"""The reading pane's document: the clean article typeset into a QTextDocument, with offsets.

Built with one QTextCursor inside one edit block. The headline and metadata come first, so
body text offset 0 sits at ``body_base``; paragraphs are separated by one block boundary in
the document but by a blank line in ``text``, so offsets are mapped paragraph by paragraph.
Highlights are char formats applied by offset afterwards, never regenerated HTML.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from reader.gui import theme

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
SPAN_PROPERTY = QTextFormat.Property.UserProperty + 1


def reading_font(point_size: float = 12.5) -> QFont:
    families = set(QFontDatabase.families())
    family = next((f for f in SERIF_CANDIDATES if f in families), "serif")
    font = QFont(family)
    font.setPointSizeF(point_size)
    font.setStyleHint(QFont.StyleHint.Serif)
    return font


@dataclass(frozen=True)
class Marked:
    """A span of body text the document marks: an attribution part, a claim or a passage."""

    start: int
    end: int
    kind: str  # "source" | "cue" | "content" | "claim" | "reused"
    index: int  # index into attributions / claims / passages


@dataclass
class ArticleDocument:
    doc: QTextDocument
    text: str
    body_base: int
    para_text_starts: list[int] = field(default_factory=list)
    para_doc_starts: list[int] = field(default_factory=list)
    marks: list[Marked] = field(default_factory=list)

    def to_doc(self, offset: int) -> int:
        """Document position of a body text offset."""
        offset = max(0, min(offset, len(self.text)))
        i = bisect.bisect_right(self.para_text_starts, offset) - 1
        if i < 0:
            return self.body_base
        return self.para_doc_starts[i] + (offset - self.para_text_starts[i])

    def to_text(self, position: int) -> int | None:
        """Body text offset of a document position (None in the headline and metadata)."""
        if position < self.body_base or not self.para_doc_starts:
            return None
        i = bisect.bisect_right(self.para_doc_starts, position) - 1
        return self.para_text_starts[max(i, 0)] + (position - self.para_doc_starts[max(i, 0)])

    def marks_at(self, offset: int) -> list[Marked]:
        """Marks containing a text offset, the narrowest first."""
        hits = [m for m in self.marks if m.start <= offset < m.end]
        return sorted(hits, key=lambda m: m.end - m.start)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: runs of text between blank lines."""
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
    if not value:
        return ""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day.strftime('%B %Y')}"


def build_document(article: dict[str, Any], palette: QPalette, font: QFont) -> ArticleDocument:
    """Typeset an ``article_json`` object (without highlights)."""
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(28)
    doc.setUndoRedoEnabled(False)
    text = article.get("text") or ""
    muted = theme.muted_text(palette)
    base_size = font.pointSizeF()

    cursor = QTextCursor(doc)
    cursor.beginEditBlock()

    def block_format(top: float, bottom: float, line_height: int = 100) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setTopMargin(top)
        fmt.setBottomMargin(bottom)
        if line_height != 100:
            fmt.setLineHeight(line_height, 1)  # QTextBlockFormat.ProportionalHeight
        return fmt

    def char_format(
        size: float, *, bold: bool = False, color: QColor | None = None, family: str | None = None
    ) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontPointSize(size)
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        if family:
            fmt.setFontFamilies([family])
        if color is not None:
            fmt.setForeground(color)
        return fmt

    sans = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    first = True

    def new_block(fmt: QTextBlockFormat, cfmt: QTextCharFormat) -> None:
        nonlocal first
        if first:
            cursor.setBlockFormat(fmt)
            cursor.setBlockCharFormat(cfmt)
            first = False
        else:
            cursor.insertBlock(fmt, cfmt)

    site = article.get("site") or ""
    if site:
        new_block(block_format(0, 6), char_format(base_size * 0.78, bold=True, color=muted))
        site_fmt = char_format(base_size * 0.78, bold=True, color=muted, family=sans)
        site_fmt.setFontCapitalization(QFont.Capitalization.AllUppercase)
        site_fmt.setFontLetterSpacing(108)
        cursor.insertText(site, site_fmt)
    title = article.get("title") or "Untitled"
    new_block(block_format(0, 10, 115), char_format(base_size * 1.9, bold=True))
    cursor.insertText(title, char_format(base_size * 1.9, bold=True))
    meta = [p for p in (
        f"By {article['author']}" if article.get("author") else "",
        format_date(article.get("published")),
    ) if p]
    if meta:
        new_block(block_format(0, 2), char_format(base_size * 0.9, color=muted, family=sans))
        cursor.insertText(" · ".join(meta), char_format(base_size * 0.9, color=muted, family=sans))
    if article.get("url"):
        new_block(block_format(0, 0), char_format(base_size * 0.78, color=muted, family=sans))
        cursor.insertText(
            str(article["url"]), char_format(base_size * 0.78, color=muted, family=sans)
        )
    # A thin rule between the masthead and the body.
    rule = block_format(14, 14)
    rule.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth, 1)
    new_block(rule, char_format(4))

    headings = list(article.get("headings") or [])
    body_fmt = block_format(0, base_size * 0.95, 150)
    body_char = char_format(base_size)
    heading_fmt = block_format(base_size * 0.9, base_size * 0.4, 120)
    heading_char = char_format(base_size * 1.15, bold=True, family=sans)

    result = ArticleDocument(doc=doc, text=text, body_base=0)
    for i, (start, end) in enumerate(paragraphs(text)):
        chunk = text[start:end].replace("\n", "\u2028")
        is_heading = bool(headings) and chunk.strip() == headings[0].strip()
        if is_heading:
            headings.pop(0)
        bfmt, cfmt = (heading_fmt, heading_char) if is_heading else (body_fmt, body_char)
        cursor.insertBlock(bfmt, cfmt)
        if i == 0:
            result.body_base = cursor.position()
        result.para_text_starts.append(start)
        result.para_doc_starts.append(cursor.position())
        cursor.insertText(chunk, cfmt)
    cursor.endEditBlock()
    return result


def apply_highlights(
    adoc: ArticleDocument,
    attributions: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    palette: QPalette,
) -> None:
    """Colour every attribution by source type and underline unattributed claims."""
    cursor = QTextCursor(adoc.doc)
    cursor.beginEditBlock()

    def mark(start: int, end: int, fmt: QTextCharFormat) -> None:
        if end <= start:
            return
        cursor.setPosition(adoc.to_doc(start))
        cursor.setPosition(adoc.to_doc(end), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    for i, att in enumerate(attributions):
        stype = att.get("source_type") or "self"
        content = att.get("content") or {}
        fmt = QTextCharFormat()
        fmt.setBackground(theme.highlight_color(stype, palette))
        fmt.setProperty(SPAN_PROPERTY, i)
        if content:
            mark(content["start"], content["end"], fmt)
            adoc.marks.append(Marked(content["start"], content["end"], "content", i))
        for part in ("cue", "source"):
            span = att.get(part)
            if not span:
                continue
            pfmt = QTextCharFormat()
            pfmt.setProperty(SPAN_PROPERTY, i)
            pfmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            pfmt.setUnderlineColor(theme.source_color(stype))
            if part == "source":
                pfmt.setBackground(theme.highlight_color(stype, palette, strong=True))
                pfmt.setFontWeight(QFont.Weight.DemiBold)
            mark(span["start"], span["end"], pfmt)
            adoc.marks.append(Marked(span["start"], span["end"], part, i))
    for i, claim in enumerate(claims):
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(theme.claim_color(palette))
        mark(claim["start"], claim["end"], fmt)
        adoc.marks.append(Marked(claim["start"], claim["end"], "claim", i))
    cursor.endEditBlock()


def apply_reused(
    adoc: ArticleDocument, passages: list[tuple[int, int]], palette: QPalette
) -> None:
    """Remember passages another article shares; the browser draws a bar in the margin beside
    them (an underline would hide the attribution marks they overlap)."""
    del palette
    adoc.marks = [m for m in adoc.marks if m.kind != "reused"]
    for i, (start, end) in enumerate(passages):
        if end > start:
            adoc.marks.append(Marked(start, end, "reused", i))
