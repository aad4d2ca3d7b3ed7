"""The reading pane's document: the clean article typeset into a QTextDocument, with offsets.

Built with one QTextCursor inside one edit block. The headline and metadata come first, so
body text offset 0 sits at ``body_base``; paragraphs are separated by one block boundary in
the document but by a blank line in ``text``, so offsets are mapped paragraph by paragraph.
Highlights are char formats applied by offset afterwards, never regenerated HTML.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
)

from reader.core.formatting import SERIF_CANDIDATES, format_date, paragraph_spans
from reader.gui import theme

SPAN_PROPERTY = QTextFormat.Property.UserProperty + 1
HIGHLIGHT_PROPERTY = QTextFormat.Property.UserProperty + 2
TAG_HREF = "tag:"  # anchor of a tag chip: "tag:<name>"
ADD_TAG_HREF = "tag-add:"  # anchor of the "+ Tag" chip


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
    kind: str  # "source" | "cue" | "content" | "claim" | "reused" | "highlight"
    index: int  # index into attributions / claims / passages; a highlight's id


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


def chip_image(
    text: str, font: QFont, palette: QPalette, *, color: str | None = None,
    dot: str | None = None, ratio: float = 2.0, muted: bool = False,
) -> QImage:
    """A rounded tag chip (a coloured dot for a tag with a colour), drawn at ``ratio``."""
    fm = QFontMetricsF(font)
    pad = fm.height() * 0.55
    dot_w = fm.height() * 0.5 if dot else 0.0
    gap = fm.height() * 0.3 if dot else 0.0
    width = pad * 2 + dot_w + gap + fm.horizontalAdvance(text)
    height = fm.height() * 1.45
    image = QImage(int(width * ratio + 1), int(height * ratio + 1), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(0.5, 0.5, width - 1, height - 1)
    if muted:
        pen = painter.pen()
        pen.setColor(theme.muted_text(palette))
        pen.setStyle(Qt.PenStyle.DashLine)
        pen.setWidthF(1.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.tag_color(color, palette))
    painter.drawRoundedRect(rect, height / 2, height / 2)
    x = pad
    if dot:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(dot))
        painter.drawEllipse(QRectF(x, (height - dot_w) / 2, dot_w, dot_w))
        x += dot_w + gap
    painter.setFont(font)
    painter.setPen(theme.muted_text(palette) if muted else palette.color(QPalette.ColorRole.Text))
    painter.drawText(
        QRectF(x, 0, width - x, height),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text,
    )
    painter.end()
    return image


def build_document(
    article: dict[str, Any], palette: QPalette, font: QFont, *, chips: bool = False,
    ratio: float = 2.0,
) -> ArticleDocument:
    """Typeset an ``article_json`` object (without highlights). With ``chips`` the article's
    tags (``tags``, ``tag_colors``) are shown under the headline as clickable chips, followed
    by a "+ Tag" chip."""
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
    if chips:
        new_block(block_format(8, 0), char_format(base_size * 0.8, family=sans))
        chip_font = QFont(sans)
        chip_font.setPointSizeF(base_size * 0.74)
        colors = article.get("tag_colors") or {}
        entries = [(f"{TAG_HREF}{t}", t, colors.get(t), False) for t in article.get("tags") or []]
        entries.append((ADD_TAG_HREF, "+ Tag" if entries else "+ Add tags", None, True))
        for i, (href, label, color, is_add) in enumerate(entries):
            image = chip_image(
                label, chip_font, palette, color=color, dot=color, ratio=ratio, muted=is_add
            )
            url = f"chip:{i}"
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
            ifmt = QTextImageFormat()
            ifmt.setName(url)
            ifmt.setWidth(image.width() / ratio)
            ifmt.setHeight(image.height() / ratio)
            ifmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignMiddle)
            ifmt.setAnchor(True)
            ifmt.setAnchorHref(href)
            ifmt.setToolTip(
                "Add tags (Ctrl+T)" if is_add else f"Tag “{label}”: click to remove it, filter by it or colour it"
            )
            cursor.insertImage(ifmt)
            cursor.insertText("\u2002", char_format(base_size * 0.8, family=sans))
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
    for i, (start, end) in enumerate(paragraph_spans(text)):
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


def apply_user_highlights(
    adoc: ArticleDocument, highlights: list[dict[str, Any]], palette: QPalette
) -> None:
    """The reader's own highlights: a marker fill (much stronger than the attribution tints)
    with a dotted stroke in a deeper shade underneath, so they stay recognisable where they
    overlap an attribution. Orphaned highlights (no offsets) are not drawn."""
    adoc.marks = [m for m in adoc.marks if m.kind != "highlight"]
    cursor = QTextCursor(adoc.doc)
    cursor.beginEditBlock()
    for hl in highlights:
        start, end = hl.get("start"), hl.get("end")
        if hl.get("orphaned") or start is None or end is None or end <= start:
            continue
        color = str(hl.get("color") or "yellow")
        fmt = QTextCharFormat()
        fmt.setBackground(theme.user_highlight_color(color, palette))
        ink = theme.user_highlight_text(palette)
        if ink is not None:
            fmt.setForeground(ink)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(theme.user_underline_color(color, palette))
        fmt.setProperty(HIGHLIGHT_PROPERTY, int(hl["id"]))
        cursor.setPosition(adoc.to_doc(int(start)))
        cursor.setPosition(adoc.to_doc(int(end)), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)
        adoc.marks.append(Marked(int(start), int(end), "highlight", int(hl["id"])))
    cursor.endEditBlock()
