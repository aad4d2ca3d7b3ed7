"""Side by side: two articles with their shared passages aligned and highlighted."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.gui import theme
from reader.gui.articles import load_article
from reader.gui.document import ArticleDocument, build_document, format_date, reading_font
from reader.gui.operations import QueryOp, TaskManager
from reader.gui.reading import SafeBrowser

log = logging.getLogger("reader.gui.compare")


class ComparePane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setContentsMargins(10, 6, 10, 6)
        self.browser = SafeBrowser(self)
        self.adoc: ArticleDocument | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.browser, 1)

    def show_article(
        self, article: dict[str, Any], first: bool, spans: list[tuple[int, int]]
    ) -> None:
        from html import escape

        palette = self.palette()
        badge = ""
        if first:
            color = theme.source_color("named_organization").name()
            badge = (
                f" <span style='color:{color}; font-weight:600'>● First published</span>"
            )
        meta = " · ".join(
            p for p in (article.get("site") or "", format_date(article.get("published"))) if p
        )
        self.header.setText(f"<b>{escape(meta)}</b>{badge}")
        adoc = build_document(article, palette, reading_font(11.5))
        cursor = QTextCursor(adoc.doc)
        cursor.beginEditBlock()
        for i, (start, end) in enumerate(spans):
            fmt = QTextCharFormat()
            fmt.setBackground(theme.pair_color(i, palette))
            cursor.setPosition(adoc.to_doc(start))
            cursor.setPosition(adoc.to_doc(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        cursor.endEditBlock()
        adoc.doc.setParent(self.browser)
        self.adoc = adoc
        self.browser.article = adoc
        self.browser.setDocument(adoc.doc)
        self.browser.update_measure()

    def align(self, start: int, end: int, y: int) -> None:
        """Scroll so the passage starting at ``start`` sits ``y`` pixels below the top."""
        if self.adoc is None:
            return
        cursor = QTextCursor(self.adoc.doc)
        cursor.setPosition(self.adoc.to_doc(start))
        self.browser.setTextCursor(cursor)  # no selection: it would hide the pair colour
        del end
        start_cursor = QTextCursor(self.adoc.doc)
        start_cursor.setPosition(self.adoc.to_doc(start))
        bar = self.browser.verticalScrollBar()
        rect = self.browser.cursorRect(start_cursor)
        content_y = bar.value() + rect.top()
        bar.setValue(max(0, content_y - y))


class CompareDialog(QDialog):
    """Opened from the related panel; loads both articles and their passages off-thread."""

    ready = Signal()

    def __init__(self, tasks: TaskManager, a: int, b: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle("Compare coverage")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.comparison: dict[str, Any] | None = None
        self.left = ComparePane(self)
        self.right = ComparePane(self)
        self.passages = QListWidget(self)
        self.passages.setObjectName("passageList")
        self.passages.setMaximumHeight(110)
        self.passages.currentRowChanged.connect(self.align_passage)
        self.summary = QLabel("Comparing…", self)
        self.summary.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.left)
        splitter.addWidget(self.right)
        top = QWidget(self)
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(top)
        layout.addWidget(self.passages)
        layout.addWidget(splitter, 1)
        self.resize(1200, 760)

        def job(library: Library) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
            from reader.core.related import compare_articles

            return compare_articles(library, a, b), load_article(library, a), load_article(
                library, b
            )

        def failed(exc: BaseException, tb: str) -> None:
            log.error("compare %s/%s failed:\n%s", a, b, tb)
            self.summary.setText(f"These articles could not be compared: {exc}")

        QueryOp(parent=self, tasks=tasks, op=job, success=self.show_result, failure=failed)\
            .run_in_background()

    def show_result(
        self, data: tuple[dict[str, Any], dict[str, Any], dict[str, Any]]
    ) -> None:
        result, art_a, art_b = data
        self.comparison = result
        passages = result.get("passages") or []
        first = result.get("first_published")
        self.left.show_article(
            art_a, first == "a", [(int(p["a_start"]), int(p["a_end"])) for p in passages]
        )
        self.right.show_article(
            art_b, first == "b", [(int(p["b_start"]), int(p["b_end"])) for p in passages]
        )
        n = len(passages)
        self.summary.setText(
            f"<b>{len(passages)}</b> shared passage{'s' if n != 1 else ''} between "
            f"“{art_a.get('title')}” and “{art_b.get('title')}”. "
            "Pick a passage to line both texts up on it."
        )
        self.passages.clear()
        self.passages.setMaximumHeight(
            self.passages.fontMetrics().height() * min(max(len(passages), 1), 5) + 14
        )
        for i, p in enumerate(passages):
            text = " ".join((art_a.get("text") or "")[p["a_start"] : p["a_end"]].split())
            snippet = text[:120] + ("…" if len(text) > 120 else "")
            item = QListWidgetItem(
                f"Passage {i + 1} · {float(p.get('similarity') or 0):.0%} similar — {snippet}"
            )
            item.setBackground(theme.pair_color(i, self.palette()))
            self.passages.addItem(item)
        if passages:
            self.passages.setCurrentRow(0)
        self.ready.emit()

    def align_passage(self, row: int) -> None:
        if self.comparison is None:
            return
        passages = self.comparison.get("passages") or []
        if not 0 <= row < len(passages):
            return
        p = passages[row]
        y = self.left.browser.viewport().height() // 4
        self.left.align(int(p["a_start"]), int(p["a_end"]), y)
        self.right.align(int(p["b_start"]), int(p["b_end"]), y)
