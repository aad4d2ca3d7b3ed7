"""The reading pane: the clean article, typeset, with its sourcing highlighted in place.

The text view is a QTextBrowser fed only documents we build from the article's clean text; it
refuses to load any resource (no remote images, styles or links: the app never goes online).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QPoint, QRect, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QCursor,
    QFontDatabase,
    QHelpEvent,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from reader.gui import describe, theme
from reader.gui.dialogs import color_icon
from reader.gui.document import (
    ADD_TAG_HREF,
    TAG_HREF,
    ArticleDocument,
    Marked,
    apply_highlights,
    apply_reused,
    apply_user_highlights,
    build_document,
    reading_font,
)
from reader.gui.theme import plain_tooltip

log = logging.getLogger("reader.gui.reading")

MEASURE_EM = 38  # a comfortable line length, in em of the reading font
ORIGINAL_LIMIT = 4 * 1024 * 1024  # bytes of the original shown as source text


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that never loads anything and reports clicks and hovers on marks."""

    markClicked = Signal(object)  # Marked
    anchorActivated = Signal(str, QPoint)  # a chip's href, global position
    menuRequested = Signal(QMenu, QPoint)  # the standard context menu, to extend; position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.article: ArticleDocument | None = None
        self.tooltip_for: Callable[[list[Marked]], str] | None = None
        self._press: QPoint | None = None
        self.refused: list[str] = []

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        # Only documents we built are shown, and they reference nothing; refuse everything so a
        # stray <img src="http://…"> could never reach the network. The refusal is a blank
        # stand-in, never None: on None QTextDocument falls back to reading file: and relative
        # names from disk itself.
        self.refused.append(QUrl(url).toString() if isinstance(url, str) else url.toString())
        if kind == QTextDocument.ResourceType.ImageResource.value:
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(Qt.GlobalColor.transparent)
            return blank
        return QByteArray(b" ")

    def setSource(self, url: QUrl | str, type: Any = None) -> None:
        log.debug("refused navigation to %s", url)

    def marks_at(self, point: QPoint) -> list[Marked]:
        if self.article is None:
            return []
        position = self.cursorForPosition(point).position()
        offset = self.article.to_text(position)
        if offset is None:
            return []
        # cursorForPosition rounds to the nearest gap; check the character under the pointer.
        rect = self.cursorRect(self.cursorForPosition(point))
        if point.x() < rect.x() and offset > 0:
            offset -= 1
        return self.article.marks_at(offset)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self.anchorAt(event.position().toPoint()):
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        self.menuRequested.emit(menu, event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        if (
            event.button() == Qt.MouseButton.LeftButton
            and self._press is not None
            and (point - self._press).manhattanLength() < 4
            and not self.textCursor().hasSelection()
        ):
            href = self.anchorAt(point)
            if href:
                self.anchorActivated.emit(href, self.viewport().mapToGlobal(point))
                return
            marks = self.marks_at(point)
            marks.sort(key=lambda m: m.kind != "highlight")  # the reader's highlight wins
            if marks:
                self.markClicked.emit(marks[0])

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = self.viewport().mapFromGlobal(event.globalPos())
            href = self.anchorAt(point)
            marks = [] if href else self.marks_at(point)
            text = self.tooltip_for(marks) if marks and self.tooltip_for else ""
            if href:
                text = self.cursorForPosition(point).charFormat().toolTip() or (
                    "Add tags (Ctrl+T)" if href == ADD_TAG_HREF else href.removeprefix(TAG_HREF)
                )
            if text:
                QToolTip.showText(event.globalPos(), plain_tooltip(text), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_measure()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.article is None:
            return
        reused = [m for m in self.article.marks if m.kind == "reused"]
        if not reused:
            return
        # A change bar in the left margin beside every passage other coverage reuses.
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = theme.reused_color(self.palette())
        margin = self.document().rootFrame().frameFormat().leftMargin()
        x = margin - 14 - self.horizontalScrollBar().value()
        for mark in reused:
            top_cursor = QTextCursor(self.document())
            top_cursor.setPosition(self.article.to_doc(mark.start))
            bottom_cursor = QTextCursor(self.document())
            bottom_cursor.setPosition(self.article.to_doc(mark.end))
            top = self.cursorRect(top_cursor).top()
            bottom = self.cursorRect(bottom_cursor).bottom()
            painter.fillRect(QRectF(x, top, 4, max(bottom - top, 4)), color)
        painter.end()

    def update_measure(self) -> None:
        """Centre a column of at most MEASURE_EM em, however wide the pane."""
        doc = self.document()
        em = doc.defaultFont().pointSizeF() * self.logicalDpiY() / 72.0
        measure = MEASURE_EM * em
        # The root frame's margins replace the document margin, so keep at least that.
        side = max(28.0, (self.viewport().width() - measure) / 2)
        root = doc.rootFrame()
        fmt = root.frameFormat()
        if abs(fmt.leftMargin() - side) > 1:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            root.setFrameFormat(fmt)


def original_as_text(raw: bytes, fmt: str) -> str:
    """The original file's text in its own encoding (as the importer decoded it), shown as
    source, never rendered."""
    from reader.core.decode import decode_html_bytes, decode_text_bytes

    try:
        return decode_html_bytes(raw) if fmt in ("html", "mhtml") else decode_text_bytes(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")


class FindBar(QWidget):
    """Ctrl+F: find in the article (Enter: next, Shift+Enter: previous, Esc: close)."""

    def __init__(self, browser: QTextBrowser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in article")
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel(self)
        prev_btn = QToolButton(self)
        prev_btn.setText("▲")
        prev_btn.setToolTip("Previous match (Shift+Enter)")
        next_btn = QToolButton(self)
        next_btn.setText("▼")
        next_btn.setToolTip("Next match (Enter)")
        close_btn = QToolButton(self)
        close_btn.setText("✕")
        close_btn.setToolTip("Close (Esc)")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.status)
        layout.addWidget(prev_btn)
        layout.addWidget(next_btn)
        layout.addWidget(close_btn)
        prev_btn.clicked.connect(lambda: self.find_text(backward=True))
        next_btn.clicked.connect(lambda: self.find_text())
        close_btn.clicked.connect(self.close_bar)
        self.edit.returnPressed.connect(lambda: self.find_text())
        self.edit.textChanged.connect(lambda _t: self.find_text(from_start=True))
        QShortcut(QKeySequence("Shift+Return"), self.edit, lambda: self.find_text(backward=True))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.browser.setFocus()

    def find_text(self, *, backward: bool = False, from_start: bool = False) -> bool:
        needle = self.edit.text()
        if not needle:
            self.status.clear()
            return False
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        if from_start:
            cursor = self.browser.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
        found = self.browser.find(needle, flags)
        if not found:  # wrap around
            cursor = self.browser.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            self.browser.setTextCursor(cursor)
            found = self.browser.find(needle, flags)
        self.status.setText("" if found else "Not found")
        return found


class ReadingPane(QWidget):
    """The article view, its find bar, the boilerplate drawer and the original-file view."""

    attributionClicked = Signal(int)
    claimClicked = Signal(int)
    reusedClicked = Signal(int)
    highlightRequested = Signal(int, int, str, bool)  # start, end, colour, ask for a note
    highlightClicked = Signal(int)  # highlight id
    editHighlightRequested = Signal(int)
    recolorHighlightRequested = Signal(int, str)
    deleteHighlightRequested = Signal(int)
    tagClicked = Signal(str, QPoint)  # tag name, global position
    addTagsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article: dict[str, Any] | None = None
        self.adoc: ArticleDocument | None = None
        self.original_loader: Callable[[int], bytes] | None = None
        self._reused: list[tuple[int, int]] = []
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._clear_flash)
        self.font_size = 12.5

        self.browser = SafeBrowser(self)
        self.browser.setObjectName("articleView")
        self.browser.tooltip_for = self._tooltip_for
        self.browser.markClicked.connect(self._on_mark_clicked)
        self.browser.anchorActivated.connect(self._on_anchor)
        self.browser.menuRequested.connect(self._extend_menu)
        self.highlight_color = "yellow"  # the colour Ctrl+H uses: the last one picked
        self.highlight_popup: QMenu | None = None
        self.original = QPlainTextEdit(self)
        self.original.setObjectName("originalView")
        self.original.setReadOnly(True)
        self.original.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.original.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.original)

        self.drawer = QListWidget(self)
        self.drawer.setObjectName("boilerplateDrawer")
        self.drawer.setWordWrap(True)
        self.drawer.setAlternatingRowColors(True)
        self.drawer.setToolTip("Lines the importer removed as boilerplate, in page order")
        self.drawer_title = QLabel("Removed boilerplate", self)
        self.drawer_title.setObjectName("drawerTitle")
        drawer_box = QWidget(self)
        drawer_layout = QVBoxLayout(drawer_box)
        drawer_layout.setContentsMargins(8, 6, 8, 0)
        drawer_layout.setSpacing(4)
        drawer_layout.addWidget(self.drawer_title)
        drawer_layout.addWidget(self.drawer)
        self.drawer_box = drawer_box
        drawer_box.hide()

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("readingSplitter")
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(drawer_box)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        self.find_bar = FindBar(self.browser, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.splitter, 1)
        self._apply_palette()
        self.show_empty()

    # ----- content -----------------------------------------------------------------------
    def show_empty(self, message: str = "") -> None:
        self.article = None
        self.adoc = None
        self.browser.article = None
        doc = QTextDocument(self.browser)
        doc.setDefaultFont(reading_font(self.font_size))
        doc.setDocumentMargin(28)
        if message:
            cursor = QTextCursor(doc)
            fmt = QTextCharFormat()
            fmt.setForeground(theme.muted_text(self.palette()))
            cursor.insertText(message, fmt)
        self.browser.setDocument(doc)
        self.drawer.clear()

    def show_article(self, article: dict[str, Any]) -> None:
        self.article = article
        self._reused = []
        self._render()
        self.drawer.clear()
        removed = article.get("removed") or []
        self.drawer.addItems([" ".join(line.split()) for line in removed])
        self.drawer_title.setText(
            f"Removed boilerplate ({len(removed)})" if removed else "No boilerplate was removed"
        )
        if self.stack.currentWidget() is self.original:
            self._load_original()

    def _render(self, keep_scroll: bool = False) -> None:
        if self.article is None:
            return
        scroll = self.browser.verticalScrollBar().value()
        palette = self.palette()
        adoc = build_document(
            self.article, palette, reading_font(self.font_size),
            chips="tags" in self.article, ratio=max(2.0, self.devicePixelRatioF()),
        )
        apply_highlights(
            adoc,
            self.article.get("attributions") or [],
            self.article.get("unattributed_claims") or [],
            palette,
        )
        apply_user_highlights(adoc, self.article.get("highlights") or [], palette)
        if self._reused:
            apply_reused(adoc, self._reused, palette)
        adoc.doc.setParent(self.browser)
        old = self.browser.document()
        self.adoc = adoc
        self.browser.article = adoc
        self.browser.setDocument(adoc.doc)
        if old is not None and old is not adoc.doc and old.parent() is self.browser:
            old.deleteLater()
        self.browser.update_measure()
        self.browser.verticalScrollBar().setValue(scroll if keep_scroll else 0)

    def set_annotations(self, annotations: dict[str, Any]) -> None:
        """New tags / highlights for the article shown: re-typeset it where the reader is."""
        if self.article is None:
            return
        self.article.update(annotations)
        self._render(keep_scroll=True)
        if self._reused:
            self.browser.viewport().update()

    def highlight_by_id(self, highlight_id: int) -> dict[str, Any] | None:
        for hl in (self.article or {}).get("highlights") or []:
            if int(hl["id"]) == highlight_id:
                return dict(hl)
        return None

    # ----- the reader's highlights ------------------------------------------------------------
    def selection_offsets(self) -> tuple[int, int] | None:
        """Body text offsets of the selection, trimmed of surrounding space; None when nothing
        of the body is selected."""
        if self.adoc is None or self.stack.currentWidget() is not self.browser:
            return None
        cursor = self.browser.textCursor()
        if not cursor.hasSelection():
            return None
        first = self.adoc.to_text(cursor.selectionStart())
        last = self.adoc.to_text(cursor.selectionEnd())
        if last is None:
            return None  # all of it in the headline and metadata
        start = 0 if first is None else first
        text = self.adoc.text
        end = min(last, len(text))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def request_highlight(self, color: str | None = None, with_note: bool = False) -> bool:
        """Highlight the selection (``color`` or the last one used); False without one."""
        span = self.selection_offsets()
        if span is None:
            return False
        if color:
            self.highlight_color = color
        self.highlightRequested.emit(span[0], span[1], self.highlight_color, with_note)
        return True

    def highlight_menu(self, parent: QWidget | None = None) -> QMenu:
        """"Highlight ▸ yellow / green / …" for the selection."""
        menu = QMenu("Highlight", parent or self)
        for name, label in theme.USER_COLOR_LABELS.items():
            action = QAction(color_icon(theme.user_swatch(name)), label, menu)
            action.triggered.connect(lambda _c=False, n=name: self.request_highlight(n))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("With a note…", lambda: self.request_highlight(with_note=True))
        return menu

    def highlight_actions_menu(self, highlight_id: int, parent: QWidget | None = None) -> QMenu:
        """What can be done with one highlight: its note, its colour, deleting it."""
        hl = self.highlight_by_id(highlight_id) or {}
        menu = QMenu(parent or self)
        menu.setObjectName("highlightMenu")
        note = (hl.get("note") or "").strip()
        if note:
            shown = note if len(note) <= 80 else note[:79] + "…"
            title = menu.addAction(f"Note: {shown}")
            title.setEnabled(False)
        menu.addAction(
            "Edit note…" if note else "Add a note…",
            lambda: self.editHighlightRequested.emit(highlight_id),
        )
        colors = menu.addMenu("Colour")
        for name, label in theme.USER_COLOR_LABELS.items():
            action = QAction(color_icon(theme.user_swatch(name)), label, colors)
            action.setCheckable(True)
            action.setChecked(name == hl.get("color"))
            action.triggered.connect(
                lambda _c=False, n=name: self.recolorHighlightRequested.emit(highlight_id, n)
            )
            colors.addAction(action)
        menu.addSeparator()
        menu.addAction("Delete highlight", lambda: self.deleteHighlightRequested.emit(highlight_id))
        return menu

    def _extend_menu(self, menu: QMenu, pos: QPoint) -> None:
        first = menu.actions()[0] if menu.actions() else None
        if self.selection_offsets() is not None:
            sub = self.highlight_menu(menu)
            menu.insertMenu(first, sub) if first else menu.addMenu(sub)
            if first:
                menu.insertSeparator(first)
        marks = [m for m in self.browser.marks_at(pos) if m.kind == "highlight"]
        if marks:
            menu.addSeparator()
            sub = self.highlight_actions_menu(marks[0].index, menu)
            sub.setTitle("This highlight")
            menu.addMenu(sub)

    def select_highlight(self, highlight_id: int) -> bool:
        hl = self.highlight_by_id(highlight_id)
        if hl is None or hl.get("start") is None or hl.get("end") is None:
            return False
        self.select_span(
            int(hl["start"]), int(hl["end"]),
            tint=theme.user_swatch(str(hl.get("color") or "yellow")),
        )
        return True

    def _on_anchor(self, href: str, global_pos: QPoint) -> None:
        if href == ADD_TAG_HREF:
            self.addTagsRequested.emit()
        elif href.startswith(TAG_HREF):
            self.tagClicked.emit(href[len(TAG_HREF):], global_pos)

    def set_reused(self, passages: list[tuple[int, int]]) -> None:
        """Mark the passages of this article that related coverage reuses."""
        self._reused = passages
        if self.adoc is not None:
            apply_reused(self.adoc, passages, self.palette())
            self.browser.viewport().update()

    def set_boilerplate_visible(self, visible: bool) -> None:
        self.drawer_box.setVisible(visible)

    def set_original_visible(self, visible: bool) -> None:
        if visible:
            self._load_original()
            self.stack.setCurrentWidget(self.original)
        else:
            self.stack.setCurrentWidget(self.browser)

    def _load_original(self) -> None:
        if self.article is None or self.original_loader is None:
            self.original.setPlainText("")
            return
        try:
            raw = self.original_loader(int(self.article["id"]))
        except Exception as exc:
            self.original.setPlainText(f"The original file could not be read: {exc}")
            return
        fmt = self.article.get("format") or ""
        header = f"{self.article.get('source_path') or ''}  ·  {fmt}  ·  {len(raw):,} bytes\n\n"
        if fmt == "pdf":
            text = "(A PDF file: its bytes are not text. The clean view shows its text layer.)"
        else:
            text = original_as_text(raw[:ORIGINAL_LIMIT], fmt)
            if len(raw) > ORIGINAL_LIMIT:
                text += "\n\n… (truncated)"
        self.original.setPlainText(header + text)

    # ----- spans -----------------------------------------------------------------------
    def select_span(
        self, start: int, end: int, source_type: str = "self", tint: QColor | None = None
    ) -> None:
        """Move the text cursor to a body span, scroll it into view and flash it."""
        if self.adoc is None:
            return
        self.set_original_visible(False)
        cursor = QTextCursor(self.adoc.doc)
        cursor.setPosition(self.adoc.to_doc(end))
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        cursor.setPosition(self.adoc.to_doc(start))
        cursor.setPosition(self.adoc.to_doc(end), QTextCursor.MoveMode.KeepAnchor)
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        self._centre_on(cursor)
        flash = QTextEdit.ExtraSelection()
        flash.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(
            tint if tint is not None else theme.highlight_color(source_type, self.palette(), strong=True)
        )
        flash.format = fmt
        self.browser.setExtraSelections([flash])
        self._flash_timer.start(900)

    def _centre_on(self, cursor: QTextCursor) -> None:
        rect: QRect = self.browser.cursorRect(cursor)
        bar = self.browser.verticalScrollBar()
        target = bar.value() + rect.center().y() - self.browser.viewport().height() // 3
        bar.setValue(max(0, target))

    def _clear_flash(self) -> None:
        self.browser.setExtraSelections([])

    def _on_mark_clicked(self, mark: Marked) -> None:
        if mark.kind == "highlight":  # the reader's own marks come first (see SafeBrowser)
            self.open_highlight_popup(mark.index)
            return
        if mark.kind in ("source", "cue", "content"):
            self.attributionClicked.emit(mark.index)
        elif mark.kind == "claim":
            self.claimClicked.emit(mark.index)
        elif mark.kind == "reused":
            self.reusedClicked.emit(mark.index)

    def open_highlight_popup(self, highlight_id: int, global_pos: QPoint | None = None) -> QMenu:
        """The menu of one highlight, shown beside the pointer (non-blocking)."""
        if self.highlight_popup is not None:
            self.highlight_popup.close()
            self.highlight_popup.deleteLater()
        menu = self.highlight_actions_menu(highlight_id, self)
        self.highlight_popup = menu
        self.highlightClicked.emit(highlight_id)
        menu.popup(global_pos or QCursor.pos())
        return menu

    def _tooltip_for(self, marks: list[Marked]) -> str:
        if self.article is None:
            return ""
        parts: list[str] = []
        seen: set[tuple[str, int]] = set()
        for mark in marks:
            key = ("att" if mark.kind in ("source", "cue", "content") else mark.kind, mark.index)
            if key in seen:
                continue
            seen.add(key)
            if key[0] == "att":
                atts = self.article.get("attributions") or []
                if mark.index < len(atts):
                    parts.append(describe.tooltip(atts[mark.index]))
            elif mark.kind == "claim":
                claims = self.article.get("unattributed_claims") or []
                if mark.index < len(claims):
                    parts.append(describe.claim_tooltip(claims[mark.index]))
            elif mark.kind == "reused":
                parts.append("Passage also found in related coverage (see Related)")
            elif mark.kind == "highlight":
                hl = self.highlight_by_id(mark.index) or {}
                note = (hl.get("note") or "").strip()
                label = theme.USER_COLOR_LABELS.get(str(hl.get("color")), "")
                parts.append(
                    f"Your highlight ({label.lower()})" + (f"\nNote: {note}" if note else "")
                    + "\nClick to edit its note or colour, or to delete it"
                )
        return "\n\n".join(parts)

    # ----- look ---------------------------------------------------------------------------
    def zoom(self, step: float) -> None:
        self.font_size = max(9.0, min(24.0, self.font_size + step))
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
            self._render()  # highlight tints depend on light or dark

    def _apply_palette(self) -> None:
        palette = self.palette()
        muted = theme.muted_text(palette)
        self.drawer.setStyleSheet(f"QListWidget {{ color: {muted.name()}; }}")
        self.drawer_title.setStyleSheet(f"color: {muted.name()}; font-weight: 600;")
