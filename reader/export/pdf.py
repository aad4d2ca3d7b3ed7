"""The annotated PDF: the article typeset as in the reading pane, with real PDF annotations.

How it is made:

1. One QTextDocument is laid out for the page (A4 or Letter) with the PDF writer as its paint
   device, so fonts are measured at the writer's resolution and the document paginates itself
   (``setPageSize``): no line ever straddles a page boundary.
2. Each page is painted with QPdfWriter (text stays real, selectable text; ligatures are turned
   off with the font feature ``liga``/``clig`` = 0 so "office" is extracted as o-f-f-i-c-e,
   not as a ligature glyph).
3. Every span to annotate is mapped from article text offsets to document positions, and from
   there, line by line through each block's QTextLayout, to rectangles in device pixels.
4. pikepdf adds the annotations: pixels become points (72 / resolution), and y is flipped
   (Qt counts down from the top of the page, PDF up from the bottom). A span that crosses a
   line break gets one quad per line; a span that crosses a page break gets one annotation
   per page.

Annotations: a /Highlight per attribution (fill by source type) and per user highlight (its
colour, its note as /Contents), a /Squiggly under each strong claim nobody is credited with,
and an /Underline under passages another saved article shares. Each has /Rect, /QuadPoints,
/C, /CA, /Contents, /T, /Subj, /F 4 (print), /P and an /AP appearance stream.
"""

from __future__ import annotations

import bisect
import io
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pikepdf
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextTableFormat,
)

from reader.core.attribution import KIND_LABELS, SOURCE_TYPES
from reader.core.formatting import SERIF_CANDIDATES, format_date, paragraph_spans
from reader.export import style

AUTHOR = "Provenance Reader"
RESOLUTION = 720  # device pixels per inch: 10 pixels per point
PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "A4": QPageSize.PageSizeId.A4,
    "LETTER": QPageSize.PageSizeId.Letter,
}
# Page margins in points: left, top, right, bottom (the footer sits in the bottom margin).
MARGINS_PT = (62.0, 58.0, 62.0, 66.0)
BODY_PT = 10.5
TEXT_COLOR = QColor(26, 26, 26)
MUTED_COLOR = QColor(105, 105, 105)
RULE_COLOR = QColor(190, 190, 190)

SANS_CANDIDATES = (
    "Source Sans 3",
    "Inter",
    "Noto Sans",
    "Helvetica Neue",
    "Helvetica",
    "Arial",
    "DejaVu Sans",
    "Liberation Sans",
)


# ----- Qt set-up -----------------------------------------------------------------------------
def ensure_app() -> QGuiApplication:
    """The running QGuiApplication, or a new one (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return app
    if app is not None:
        raise RuntimeError("PDF export needs a QGuiApplication, not a bare QCoreApplication")
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication([])


def _no_ligatures(font: QFont) -> QFont:
    """Ligatures off, so text extraction and search see plain letters ("office", "flight")."""
    for tag in ("liga", "clig", "dlig"):
        parsed = QFont.Tag.fromString(tag)
        if parsed is not None:
            font.setFeature(parsed, 0)
    return font


def _format_px_per_pt() -> float:
    """Qt reads lengths in text formats (margins, borders) as pixels at the screen's logical
    DPI and scales them to the paint device; this converts points to those pixels."""
    screen = QGuiApplication.primaryScreen()
    dpi = round(screen.logicalDotsPerInchY()) if screen is not None else 96
    return (dpi or 96) / 72.0


def _family(candidates: tuple[str, ...], fallback: str) -> str:
    families = set(QFontDatabase.families())
    return next((f for f in candidates if f in families), fallback)


# ----- geometry ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fragment:
    """One line's piece of a span: a rectangle in device pixels, relative to its page."""

    page: int
    x1: float
    top: float
    x2: float
    bottom: float


@dataclass
class Mark:
    """A span to annotate, in article text offsets (several pieces for an attribution)."""

    subtype: str  # "Highlight" | "Underline" | "Squiggly"
    pieces: list[tuple[int, int]]
    color: style.RGB
    opacity: float
    contents: str
    subject: str
    name: str


@dataclass
class Typeset:
    doc: QTextDocument
    page_width: float  # device pixels
    page_height: float
    para_text: list[tuple[int, int]] = field(default_factory=list)
    para_doc: list[int] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    def to_doc(self, offset: int) -> int:
        """Document position of an article text offset (a blank line maps to its paragraph end)."""
        if len(self._starts) != len(self.para_text):
            self._starts = [s for s, _ in self.para_text]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return self.para_doc[0] if self.para_doc else 0
        start, end = self.para_text[i]
        return self.para_doc[i] + (max(start, min(offset, end)) - start)

    def fragments(self, start: int, end: int) -> list[Fragment]:
        """Line fragments of article text ``[start, end)``, whitespace at line ends trimmed."""
        if not self.para_doc or end <= start:
            return []
        a, b = self.to_doc(start), self.to_doc(end)
        result: list[Fragment] = []
        block = self.doc.findBlock(a)
        while block.isValid() and block.position() < b:
            layout = block.layout()
            base = block.position()
            text = block.text()
            origin = layout.position()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                s = max(a, base + line.textStart())
                e = min(b, base + line.textStart() + line.textLength())
                while e > s and text[e - 1 - base].isspace():
                    e -= 1
                while s < e and text[s - base].isspace():
                    s += 1
                if s >= e:
                    continue
                x1 = _cursor_x(line.cursorToX(s - base)) + origin.x()
                x2 = _cursor_x(line.cursorToX(e - base)) + origin.x()
                top = origin.y() + line.y()
                page = int(top // self.page_height)
                top -= page * self.page_height
                result.append(
                    Fragment(page, min(x1, x2), top, max(x1, x2), top + line.height())
                )
            block = block.next()
        return result


def _cursor_x(value: object) -> float:
    """QTextLine.cursorToX returns (x, position) in PySide6; accept a bare number too."""
    if isinstance(value, tuple):
        return float(value[0])
    return float(value)  # type: ignore[arg-type]


# ----- typesetting ---------------------------------------------------------------------------
class _Builder:
    """Writes blocks into one QTextDocument through one cursor; sizes are given in points."""

    def __init__(self, doc: QTextDocument, px_per_pt: float, serif: str, sans: str) -> None:
        self.doc = doc
        self.k = px_per_pt
        self.serif = serif
        self.sans = sans
        self.cursor = QTextCursor(doc)
        self.first = True

    def block_format(
        self, top: float = 0, bottom: float = 0, line_height: int = 100, page_break: bool = False
    ) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setTopMargin(top * self.k)
        fmt.setBottomMargin(bottom * self.k)
        if line_height != 100:
            fmt.setLineHeight(line_height, 1)  # QTextBlockFormat.LineHeightTypes.ProportionalHeight
        if page_break:
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        return fmt

    def char_format(
        self,
        size: float = BODY_PT,
        *,
        bold: bool = False,
        italic: bool = False,
        sans: bool = False,
        color: QColor | None = None,
        background: style.RGB | None = None,
    ) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontFamilies([self.sans if sans else self.serif])
        fmt.setFontPointSize(size)
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        fmt.setFontItalic(italic)
        fmt.setForeground(color or TEXT_COLOR)
        if background is not None:
            fmt.setBackground(QColor(*background))
        return fmt

    def block(self, bfmt: QTextBlockFormat, cfmt: QTextCharFormat) -> None:
        if self.first:
            self.cursor.setBlockFormat(bfmt)
            self.cursor.setBlockCharFormat(cfmt)
            self.first = False
        else:
            self.cursor.insertBlock(bfmt, cfmt)

    def para(self, text: str, bfmt: QTextBlockFormat, cfmt: QTextCharFormat) -> None:
        self.block(bfmt, cfmt)
        self.cursor.insertText(text, cfmt)

    def runs(self, bfmt: QTextBlockFormat, parts: list[tuple[str, QTextCharFormat]]) -> None:
        self.block(bfmt, parts[0][1] if parts else self.char_format())
        for text, cfmt in parts:
            self.cursor.insertText(text, cfmt)

    def rule(self, top: float, bottom: float) -> None:
        fmt = self.block_format(top, bottom)
        fmt.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth, 0.8 * self.k)
        fmt.setBackground(RULE_COLOR)
        self.block(fmt, self.char_format(2))

    def heading(self, text: str, size: float = 13, *, page_break: bool = False) -> None:
        self.para(
            text,
            self.block_format(size * 1.1, size * 0.45, 115, page_break=page_break),
            self.char_format(size, bold=True, sans=True),
        )

    def small(self, text: str, *, color: QColor | None = None, italic: bool = False) -> None:
        self.para(
            text,
            self.block_format(0, 3, 125),
            self.char_format(8.5, sans=True, color=color or MUTED_COLOR, italic=italic),
        )

    def table(
        self,
        header: list[str],
        rows: list[list[tuple[str, style.RGB | None]]],
        widths: list[float],
    ) -> None:
        """A table with a bold header row; each cell is (text, optional background fill)."""
        tfmt = QTextTableFormat()
        tfmt.setBorder(0.6 * self.k)
        tfmt.setBorderBrush(QColor(205, 205, 205))
        tfmt.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        tfmt.setBorderCollapse(True)
        tfmt.setCellPadding(3 * self.k)
        tfmt.setCellSpacing(0)
        tfmt.setHeaderRowCount(1)
        tfmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        tfmt.setColumnWidthConstraints(
            [QTextLength(QTextLength.Type.PercentageLength, w) for w in widths]
        )
        self.block(self.block_format(4, 0), self.char_format(8.5, sans=True))
        table = self.cursor.insertTable(len(rows) + 1, len(header), tfmt)
        head = self.char_format(8, bold=True, sans=True)
        for col, label in enumerate(header):
            cell = table.cellAt(0, col)
            cfmt = cell.format()
            cfmt.setBackground(QColor(236, 236, 236))
            cell.setFormat(cfmt)
            cell.firstCursorPosition().insertText(label, head)
        body = self.char_format(8.5, sans=True)
        for r, row in enumerate(rows, start=1):
            for col, (text, fill) in enumerate(row):
                cell = table.cellAt(r, col)
                if fill is not None:
                    cfmt = cell.format()
                    cfmt.setBackground(QColor(*fill))
                    cell.setFormat(cfmt)
                cell.firstCursorPosition().insertText(text, body)
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        self.first = False


def _nb(text: str) -> str:
    """No-break spaces, so a chip or a key item wraps as a whole."""
    return text.replace(" ", "\u00a0")


def _masthead(b: _Builder, article: dict[str, Any]) -> None:
    site = article.get("site") or ""
    if site:
        cfmt = b.char_format(8.5, bold=True, sans=True, color=MUTED_COLOR)
        cfmt.setFontCapitalization(QFont.Capitalization.AllUppercase)
        cfmt.setFontLetterSpacing(108)
        b.para(site, b.block_format(0, 5), cfmt)
    b.para(
        article.get("title") or "Untitled",
        b.block_format(0, 8, 112),
        b.char_format(20, bold=True),
    )
    meta = [
        p
        for p in (
            f"By {article['author']}" if article.get("author") else "",
            format_date(article.get("published")),
        )
        if p
    ]
    if meta:
        b.para(" · ".join(meta), b.block_format(0, 2), b.char_format(9.5, sans=True, color=MUTED_COLOR))
    if article.get("url"):
        b.para(str(article["url"]), b.block_format(0, 2), b.char_format(8.5, sans=True, color=MUTED_COLOR))
    tags = article.get("tags") or []
    if tags:
        b.para(
            "Tags: " + ", ".join(tags),
            b.block_format(0, 2),
            b.char_format(8.5, sans=True, color=MUTED_COLOR),
        )
    # The legend: what each highlight colour means.
    legend: list[tuple[str, QTextCharFormat]] = [
        ("Key:  ", b.char_format(8, sans=True, color=MUTED_COLOR))
    ]
    counts = (article.get("profile") or {}).get("counts") or {}
    for stype in SOURCE_TYPES:
        if article.get("profile") and not counts.get(stype):
            continue
        legend.append(
            (_nb(f" {style.SOURCE_LABELS[stype]} "), b.char_format(8, sans=True, background=style.source_fill(stype)))
        )
        legend.append(("  ", b.char_format(8, sans=True)))
    used = [
        hl.get("color") or "yellow"
        for hl in article.get("highlights") or []
        if not hl.get("orphaned") and hl.get("start") is not None
    ]
    for color in dict.fromkeys(used):
        legend.append((_nb(" your highlight "), b.char_format(8, sans=True, background=style.user_fill(color))))
        legend.append(("  ", b.char_format(8, sans=True)))
    notes = []
    if article.get("unattributed_claims"):
        notes.append("red squiggle: claim nobody is credited with")
    if any(item.get("shared_passages") for item in article.get("related") or []):
        notes.append("pink underline: passage shared with another saved article")
    for note in notes:  # no-break spaces: the key wraps between items, never inside one
        legend.append((_nb(note) + "  ", b.char_format(8, sans=True, color=MUTED_COLOR)))
    if len(legend) > 1:
        b.runs(b.block_format(6, 0), legend)
    b.rule(8, 12)


def _body(b: _Builder, article: dict[str, Any], typeset: Typeset) -> None:
    text = article.get("text") or ""
    headings = list(article.get("headings") or [])
    body_block = b.block_format(0, BODY_PT * 0.75, 145)
    body_char = b.char_format(BODY_PT)
    heading_block = b.block_format(BODY_PT * 0.9, BODY_PT * 0.35, 120)
    heading_char = b.char_format(BODY_PT * 1.15, bold=True, sans=True)
    for start, end in paragraph_spans(text):
        chunk = text[start:end].replace("\n", "\u2028")  # one character for one: offsets hold
        is_heading = bool(headings) and chunk.strip() == headings[0].strip()
        if is_heading:
            headings.pop(0)
        bfmt, cfmt = (heading_block, heading_char) if is_heading else (body_block, body_char)
        b.block(bfmt, cfmt)
        typeset.para_text.append((start, end))
        typeset.para_doc.append(b.cursor.position())
        b.cursor.insertText(chunk, cfmt)


def _excerpt(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _pages_label(fragments: list[Fragment]) -> str:
    pages = sorted({f.page + 1 for f in fragments})
    return ", ".join(str(p) for p in pages) if pages else "–"


def _appendix(
    b: _Builder, article: dict[str, Any], typeset: Typeset, marks: list[Mark]
) -> None:
    text = article.get("text") or ""
    b.heading("Provenance appendix", 15, page_break=True)
    b.small(
        "How this article is sourced, as Provenance Reader analysed it (exported "
        f"{datetime.now(UTC).strftime('%Y-%m-%d')}). Page numbers refer to this PDF; the "
        "highlights themselves are PDF annotations your viewer can list."
    )

    # Profile
    b.heading("Sourcing profile", 11.5)
    profile = article.get("profile")
    attributions = article.get("attributions") or []
    body = b.char_format(9.5)
    plain = b.block_format(0, 3, 130)
    if not profile:
        b.para("This article has not been analysed yet.", plain, body)
    else:
        counts = profile.get("counts") or {}
        total = int(profile.get("total") or 0)
        b.para(f"{total} attributions in {article.get('word_count') or 0} words.", plain, body)
        parts: list[tuple[str, QTextCharFormat]] = []
        for stype in SOURCE_TYPES:
            n = int(counts.get(stype) or 0)
            parts.append((_nb(f" {style.SOURCE_LABELS[stype]}: {n} "), b.char_format(9, sans=True, background=style.source_fill(stype))))
            parts.append(("  ", b.char_format(9, sans=True)))
        b.runs(b.block_format(2, 5, 150), parts)
        share = profile.get("unnamed_share")
        if share is not None:
            b.para(f"{float(share):.0%} of the attributed content rests on unnamed sources.", plain, body)
        quote_share = profile.get("direct_quote_share")
        if quote_share is not None:
            b.para(f"{float(quote_share):.0%} of the attributions are direct quotes.", plain, body)
        if profile.get("unsourced"):
            b.para(f"{profile['unsourced']} reports name no source at all.", plain, body)
        named = profile.get("named_sources") or []
        n_named = profile.get("distinct_named_sources", len(named))
        b.para(
            f"{n_named} distinct named sources" + (": " + "; ".join(named) if named else "."),
            plain,
            body,
        )

    # Attribution table
    b.heading("Attributions", 11.5)
    if not attributions:
        b.para("No attributions were found.", plain, body)
    else:
        rows: list[list[tuple[str, style.RGB | None]]] = []
        for i, att in enumerate(attributions, start=1):
            stype = att.get("source_type") or "self"
            source = _source_label(att)
            cue = (att.get("cue") or {}).get("text") or ""
            content = att.get("content") or {}
            frags = typeset.fragments(int(content.get("start", 0)), int(content.get("end", 0))) if content else []
            rows.append(
                [
                    (str(i), None),
                    (source, None),
                    (style.SOURCE_LABELS.get(stype, stype), style.source_fill(stype)),
                    (cue, None),
                    (_claim_text(att, 300), None),
                    (_pages_label(frags), None),
                ]
            )
        b.table(["#", "Source", "Type", "Cue", "Claim", "Page"], rows, [4, 20, 14, 11, 45, 6])
        b.small("Direct quotes are shown in quotation marks; paraphrases without.")

    # Unattributed claims
    claims = article.get("unattributed_claims") or []
    b.heading("Strong claims with no attribution", 11.5)
    if not claims:
        b.para("None found.", plain, body)
    for claim in claims:
        frags = typeset.fragments(int(claim.get("start", 0)), int(claim.get("end", 0)))
        b.runs(
            b.block_format(0, 4, 130),
            [
                (f"p. {_pages_label(frags)}  ", b.char_format(8.5, sans=True, color=MUTED_COLOR)),
                (_excerpt(claim.get("text") or "", 400), body),
                (f"  ({claim.get('reason') or 'unattributed'})", b.char_format(8.5, sans=True, color=MUTED_COLOR)),
            ],
        )

    # Related coverage
    related = article.get("related") or []
    b.heading("Related coverage", 11.5)
    if not related:
        b.para("No related articles in the library.", plain, body)
    for item in related:
        title = item.get("title") or "Untitled"
        where = ", ".join(p for p in (item.get("site") or "", format_date(item.get("published"))) if p)
        relation = item.get("relation") or "related"
        score = item.get("score")
        first = item.get("first_published")
        details = [relation]
        if isinstance(score, int | float):
            details.append(f"score {float(score):.2f}")
        if first == "this":
            details.append("this article was published first")
        elif first == "other":
            details.append("the other article was published first")
        b.runs(
            b.block_format(6, 2, 125),
            [
                (title, b.char_format(10, bold=True)),
                (f"  {where}" if where else "", b.char_format(9, sans=True, color=MUTED_COLOR)),
            ],
        )
        b.small(" · ".join(details) + f" · library id {item.get('id')}")
        names = item.get("shared_names") or []
        if names:
            b.small("Names in both: " + ", ".join(str(n) for n in names))
        for passage in item.get("shared_passages") or []:
            s, e = int(passage.get("this_start") or 0), int(passage.get("this_end") or 0)
            sim = passage.get("similarity")
            frags = typeset.fragments(s, e)
            label = f"p. {_pages_label(frags)}"
            if isinstance(sim, int | float):
                label += f", {float(sim):.0%} similar"
            b.runs(
                b.block_format(0, 3, 125),
                [
                    (f"{label}:  ", b.char_format(8.5, sans=True, color=MUTED_COLOR)),
                    ("“" + _excerpt(text[s:e], 300) + "”", b.char_format(9, italic=True)),
                ],
            )

    # The reader's own notes and highlights
    notes = article.get("notes") or []
    highlights = article.get("highlights") or []
    if notes or highlights:
        b.heading("Your notes and highlights", 11.5)
    for note in notes:
        b.para(str(note.get("body") or ""), plain, body)
    for hl in highlights:
        quote = _excerpt(hl.get("quote") or "", 300)
        if hl.get("orphaned") or hl.get("start") is None:
            where = "not found in the current text"
        else:
            where = "p. " + _pages_label(typeset.fragments(int(hl["start"]), int(hl["end"])))
        parts = [
            (f" {where} ", b.char_format(8.5, sans=True, background=style.user_fill(hl.get("color")))),
            ("  “" + quote + "”", b.char_format(9.5, italic=True)),
        ]
        if hl.get("note"):
            parts.append(("  — " + str(hl["note"]), body))
        b.runs(b.block_format(0, 4, 130), parts)


def _claim_text(att: dict[str, Any], limit: int) -> str:
    claim = _excerpt((att.get("content") or {}).get("text") or "", limit)
    return f"“{claim}”" if att.get("kind") == "direct" and claim else claim


def _source_label(att: dict[str, Any]) -> str:
    source = (att.get("source") or {}).get("text") or "(no source named)"
    if att.get("source_resolved"):
        source += f" (= {att['source_resolved']})"
    trigger = att.get("vague_trigger")
    if trigger:
        source += " (vague)" if str(trigger).lower() in source.lower() else f" (vague: {trigger})"
    return source


# ----- marks ---------------------------------------------------------------------------------
QUOTE_MARKS = "\"“”‘’«»„"

def _attribution_pieces(text: str, att: dict[str, Any]) -> list[tuple[int, int]]:
    """Source, cue and claim spans, joined where only spaces or punctuation separate them.

    "Officials said the cracks…" becomes one run; in "The office of the mayor said on Monday
    that the ferry…" the words between cue and claim are left unhighlighted.
    """
    spans: list[tuple[int, int]] = []
    for name in ("source", "cue", "content"):
        part = att.get(name)
        if not part or int(part.get("end", 0)) <= int(part.get("start", 0)):
            continue
        start, end = int(part["start"]), int(part["end"])
        if name == "content" and att.get("kind") in ("direct", "mixed"):
            # A quotation's own quotation marks belong with it.
            if start > 0 and text[start - 1] in QUOTE_MARKS:
                start -= 1
            if end < len(text) and text[end] in QUOTE_MARKS:
                end += 1
        spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged:
            last_start, last_end = merged[-1]
            gap = text[last_end:start]
            if start <= last_end or (
                len(gap) <= 4 and "\n\n" not in gap and all(not ch.isalnum() for ch in gap)
            ):
                merged[-1] = (last_start, max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def attribution_note(att: dict[str, Any]) -> str:
    """The /Contents of an attribution highlight: source, type and cue."""
    stype = att.get("source_type") or "self"
    cue = (att.get("cue") or {}).get("text") or ""
    kind = KIND_LABELS.get(att.get("kind") or "", att.get("kind") or "")
    lines = [
        f"Source: {_source_label(att)}",
        f"Type: {style.SOURCE_LABELS.get(stype, stype)}",
        f"Cue: “{cue}”" + (f" ({kind})" if kind else ""),
    ]
    content = (att.get("content") or {}).get("text")
    if content:
        lines.append(f"Claim: {_excerpt(content, 400)}")
    return "\n".join(lines)


def build_marks(article: dict[str, Any]) -> list[Mark]:
    text = article.get("text") or ""
    marks: list[Mark] = []
    for i, att in enumerate(article.get("attributions") or [], start=1):
        stype = att.get("source_type") or "self"
        pieces = _attribution_pieces(text, att)
        if not pieces:
            continue
        marks.append(
            Mark(
                "Highlight",
                pieces,
                style.source_fill(stype),
                style.HIGHLIGHT_OPACITY,
                attribution_note(att),
                f"Attribution: {style.SOURCE_LABELS.get(stype, stype)}",
                f"provenance-attribution-{i}",
            )
        )
    for i, claim in enumerate(article.get("unattributed_claims") or [], start=1):
        marks.append(
            Mark(
                "Squiggly",
                [(int(claim["start"]), int(claim["end"]))],
                style.CLAIM_COLOR,
                style.LINE_OPACITY,
                f"Strong claim with no attribution ({claim.get('reason') or 'unattributed'})",
                "Unattributed claim",
                f"provenance-claim-{i}",
            )
        )
    for item in article.get("related") or []:
        for j, passage in enumerate(item.get("shared_passages") or [], start=1):
            start, end = int(passage.get("this_start") or 0), int(passage.get("this_end") or 0)
            if end <= start:
                continue
            where = ", ".join(
                p for p in (item.get("site") or "", format_date(item.get("published"))) if p
            )
            sim = passage.get("similarity")
            share = f" ({float(sim):.0%} similar)" if isinstance(sim, int | float) else ""
            marks.append(
                Mark(
                    "Underline",
                    [(start, end)],
                    style.REUSED_COLOR,
                    style.LINE_OPACITY,
                    f"Also in “{item.get('title') or 'Untitled'}”"
                    + (f" — {where}" if where else "")
                    + share,
                    "Shared passage",
                    f"provenance-related-{item.get('id')}-{j}",
                )
            )
    for hl in article.get("highlights") or []:
        if hl.get("orphaned") or hl.get("start") is None or hl.get("end") is None:
            continue
        marks.append(
            Mark(
                "Highlight",
                [(int(hl["start"]), int(hl["end"]))],
                style.user_fill(hl.get("color")),
                style.HIGHLIGHT_OPACITY,
                str(hl.get("note") or ""),
                "Highlight",
                f"provenance-highlight-{hl.get('id')}",
            )
        )
    return marks


# ----- the PDF -------------------------------------------------------------------------------
@dataclass
class Placed:
    """A mark on one page: its quads in device pixels."""

    mark: Mark
    page: int
    fragments: list[Fragment]


def render(article: dict[str, Any], page_size: str = "A4") -> bytes:
    """The annotated PDF of one article (an ``export_object``), as bytes."""
    key = page_size.upper()
    if key not in PAGE_SIZES:
        raise ValueError(f"unknown page size {page_size!r}; use A4 or Letter")
    ensure_app()
    raw = QByteArray()
    buffer = QBuffer(raw)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    layout = QPageLayout(
        QPageSize(PAGE_SIZES[key]),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Point,
    )
    layout.setMode(QPageLayout.Mode.FullPageMode)
    writer.setPageLayout(layout)
    writer.setTitle(article.get("title") or "Untitled")
    writer.setCreator(AUTHOR)
    if article.get("author"):
        writer.setAuthor(str(article["author"]))

    k = _format_px_per_pt()
    dev = RESOLUTION / 72.0  # device pixels per point
    page_w, page_h = float(writer.width()), float(writer.height())
    serif = _family(SERIF_CANDIDATES, "serif")
    sans = _family(SANS_CANDIDATES, "sans-serif")
    doc = QTextDocument()
    doc.setUndoRedoEnabled(False)
    doc.documentLayout().setPaintDevice(writer)
    base_font = _no_ligatures(QFont(serif))
    base_font.setPointSizeF(BODY_PT)
    base_font.setStyleHint(QFont.StyleHint.Serif)
    doc.setDefaultFont(base_font)
    doc.setDocumentMargin(0)
    root = doc.rootFrame().frameFormat()
    left, top, right, bottom = (m * k for m in MARGINS_PT)
    root.setLeftMargin(left)
    root.setTopMargin(top)
    root.setRightMargin(right)
    root.setBottomMargin(bottom)
    doc.rootFrame().setFrameFormat(root)
    doc.setPageSize(QSizeF(page_w, page_h))

    typeset = Typeset(doc, page_w, page_h)
    builder = _Builder(doc, k, serif, sans)
    builder.cursor.beginEditBlock()
    _masthead(builder, article)
    _body(builder, article, typeset)
    builder.cursor.endEditBlock()
    marks = build_marks(article)
    builder.cursor.beginEditBlock()
    _appendix(builder, article, typeset, marks)
    builder.cursor.endEditBlock()

    placed: list[Placed] = []
    for mark in marks:
        by_page: dict[int, list[Fragment]] = {}
        for start, end in mark.pieces:
            for frag in typeset.fragments(start, end):
                by_page.setdefault(frag.page, []).append(frag)
        for page, frags in sorted(by_page.items()):
            placed.append(Placed(mark, page, frags))

    pages = doc.pageCount()
    footer_font = _no_ligatures(QFont(sans))
    footer_font.setPointSizeF(7.5)
    title = article.get("title") or "Untitled"
    footer_title = title if len(title) <= 80 else title[:79] + "…"
    painter = QPainter(writer)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * page_h)
            doc.drawContents(painter, QRectF(0, page * page_h, page_w, page_h))
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(MUTED_COLOR)
            baseline = page_h - MARGINS_PT[3] * dev * 0.45
            painter.drawText(QPointF(MARGINS_PT[0] * dev, baseline), footer_title)
            painter.drawText(
                QRectF(
                    MARGINS_PT[0] * dev,
                    baseline - 12 * dev,
                    page_w - (MARGINS_PT[0] + MARGINS_PT[2]) * dev,
                    14 * dev,
                ),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                f"{page + 1} / {pages}",
            )
    finally:
        painter.end()
    buffer.close()
    return annotate(bytes(raw.data()), placed, 72.0 / RESOLUTION)


def annotate(pdf_bytes: bytes, placed: list[Placed], pt_per_px: float) -> bytes:
    """Add the annotations to Qt's PDF and strip anything active; returns the new PDF."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        stamp = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")
        for item in placed:
            if item.page >= len(pdf.pages):
                continue
            page = pdf.pages[item.page]
            box = [float(v) for v in page.mediabox]
            height = box[3]
            quads = [
                (
                    box[0] + f.x1 * pt_per_px,
                    height - f.top * pt_per_px,
                    box[0] + f.x2 * pt_per_px,
                    height - f.bottom * pt_per_px,
                )
                for f in item.fragments
            ]
            annot = _annotation(pdf, page, item.mark, quads, stamp, item.page)
            if "/Annots" not in page.obj:
                page.obj.Annots = pikepdf.Array()
            page.obj.Annots.append(annot)
        sanitize(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _annotation(
    pdf: pikepdf.Pdf,
    page: pikepdf.Page,
    mark: Mark,
    quads: list[tuple[float, float, float, float]],
    stamp: str,
    page_index: int,
) -> pikepdf.Object:
    """One markup annotation; quads are (left, top, right, bottom) in PDF points."""
    x0 = min(q[0] for q in quads)
    x1 = max(q[2] for q in quads)
    y0 = min(q[3] for q in quads)
    y1 = max(q[1] for q in quads)
    pad = 1.0
    rect = [round(x0 - pad, 2), round(y0 - pad, 2), round(x1 + pad, 2), round(y1 + pad, 2)]
    quadpoints: list[float] = []
    for left, top, right, bottom in quads:
        # The order every viewer expects: top-left, top-right, bottom-left, bottom-right.
        quadpoints += [left, top, right, top, left, bottom, right, bottom]
    r, g, b = (c / 255.0 for c in mark.color)
    color = [round(r, 4), round(g, 4), round(b, 4)]
    appearance = pikepdf.Stream(pdf, _appearance(mark.subtype, quads, color))
    appearance.Type = pikepdf.Name.XObject
    appearance.Subtype = pikepdf.Name.Form
    appearance.BBox = pikepdf.Array(rect)
    appearance.Resources = pikepdf.Dictionary(
        ExtGState=pikepdf.Dictionary(
            GS0=pikepdf.Dictionary(
                Type=pikepdf.Name.ExtGState,
                BM=pikepdf.Name.Multiply if mark.subtype == "Highlight" else pikepdf.Name.Normal,
                ca=mark.opacity,
                CA=mark.opacity,
            )
        )
    )
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name("/" + mark.subtype),
        Rect=pikepdf.Array(rect),
        QuadPoints=pikepdf.Array([round(v, 2) for v in quadpoints]),
        C=pikepdf.Array(color),
        CA=mark.opacity,
        Contents=pikepdf.String(mark.contents),
        T=pikepdf.String(AUTHOR),
        Subj=pikepdf.String(mark.subject),
        NM=pikepdf.String(f"{mark.name}-p{page_index + 1}"),
        F=4,
        M=pikepdf.String(stamp),
        CreationDate=pikepdf.String(stamp),
        P=page.obj,
        AP=pikepdf.Dictionary(N=appearance),
    )
    return pdf.make_indirect(annot)


def _appearance(
    subtype: str, quads: list[tuple[float, float, float, float]], color: list[float]
) -> bytes:
    r, g, b = color
    ops = ["q", "/GS0 gs"]
    if subtype == "Highlight":
        ops.append(f"{r} {g} {b} rg")
        for left, top, right, bottom in quads:
            ops.append(f"{left:.2f} {bottom:.2f} {right - left:.2f} {top - bottom:.2f} re f")
    elif subtype == "Underline":
        ops.append(f"{r} {g} {b} RG")
        for left, top, right, bottom in quads:
            width = max(0.6, (top - bottom) * 0.06)
            y = bottom + (top - bottom) * 0.1
            ops.append(f"{width:.2f} w {left:.2f} {y:.2f} m {right:.2f} {y:.2f} l S")
    else:  # Squiggly
        ops.append(f"{r} {g} {b} RG 0.7 w")
        for left, top, right, bottom in quads:
            step = max(1.5, (top - bottom) * 0.14)
            y = bottom + step * 0.6
            path = [f"{left:.2f} {y:.2f} m"]
            x, up = left, True
            while x < right:
                x = min(right, x + step)
                path.append(f"{x:.2f} {y + (step if up else 0):.2f} l")
                up = not up
            ops.append(" ".join(path) + " S")
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition", "/GoToE"}


def sanitize(pdf: pikepdf.Pdf) -> None:
    """Remove anything that could run: JavaScript, launch actions, automatic actions."""
    root = pdf.Root
    for key in ("/OpenAction", "/AA"):
        if key in root:
            del root[key]
    if "/Names" in root and "/JavaScript" in root.Names:
        del root.Names["/JavaScript"]
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            if "/AA" in annot:
                del annot["/AA"]
            action = annot.get("/A")
            if action is not None and str(action.get("/S", "")) in _ACTIVE_ACTIONS:
                del annot["/A"]

