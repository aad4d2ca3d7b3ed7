"""Related coverage: other articles on the same story, from ``reader.core.related``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.gui import theme
from reader.gui.document import format_date
from reader.gui.operations import QueryOp, TaskManager

log = logging.getLogger("reader.gui.related")

RELATION_LABELS = {"duplicate": "Duplicate", "same story": "Same story", "related": "Related"}
RelatedFn = Callable[..., list[dict[str, Any]]]


class RelatedItem(QFrame):
    """One related article: title, outlet and date, relation, what it shares."""

    def __init__(self, entry: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        muted = theme.muted_text(self.palette()).name()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(3)
        title = QLabel(entry.get("title") or "Untitled", self)
        title.setWordWrap(True)
        font = title.font()
        font.setWeight(font.Weight.DemiBold)
        title.setFont(font)
        relation = RELATION_LABELS.get(entry.get("relation") or "", entry.get("relation") or "")
        meta_parts = [entry.get("site") or "", format_date(entry.get("published"))]
        meta = QLabel(" · ".join(p for p in meta_parts if p), self)
        meta.setStyleSheet(f"color: {muted};")
        badge_color = theme.reused_color(self.palette()).name()
        badge = QLabel(relation, self)
        badge.setStyleSheet(
            f"color: {badge_color}; font-weight: 600; border: 1px solid {badge_color};"
            "border-radius: 6px; padding: 0px 5px;"
        )
        badge.setSizePolicy(badge.sizePolicy().horizontalPolicy(), badge.sizePolicy().verticalPolicy())
        details: list[str] = []
        passages = entry.get("shared_passages") or []
        if passages:
            details.append(f"{len(passages)} reused passage{'s' if len(passages) != 1 else ''}")
        first = entry.get("first_published")
        if first == "other":
            details.append("published first")
        elif first == "this":
            details.append("published later")
        names = entry.get("shared_names") or []
        detail = QLabel(" · ".join(details), self)
        detail.setWordWrap(True)
        layout.addWidget(title)
        row = QWidget(self)
        from PySide6.QtWidgets import QHBoxLayout

        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(8)
        row_layout.addWidget(badge)
        row_layout.addWidget(meta, 1)
        layout.addWidget(row)
        if details:
            layout.addWidget(detail)
        if names:
            shared = QLabel("Shared names: " + ", ".join(str(n) for n in names[:8]), self)
            shared.setWordWrap(True)
            shared.setStyleSheet(f"color: {muted};")
            layout.addWidget(shared)
        self.setToolTip("Click to compare side by side")


class RelatedPanel(QWidget):
    compareRequested = Signal(int, int)  # this article id, other article id
    passagesChanged = Signal(object)  # list[(start, end)] in this article
    loaded = Signal(int)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.article_id: int | None = None
        self.entries: list[dict[str, Any]] = []
        self._generation = 0
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setContentsMargins(12, 10, 12, 4)
        self.list = QListWidget(self)
        self.list.setObjectName("relatedList")
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setSpacing(2)
        self.list.itemClicked.connect(self._on_clicked)
        self.list.itemActivated.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)

    def clear(self) -> None:
        self.article_id = None
        self.entries = []
        self.list.clear()
        self.status.setText("")

    def load(self, article_id: int) -> None:
        from reader.core import related  # looked up at call time so tests can stand in a fake

        self.article_id = article_id
        self._generation += 1
        generation = self._generation
        self.list.clear()
        self.status.setText("Looking for related coverage…")
        fn: RelatedFn = related.related_for

        def job(library: Library) -> list[dict[str, Any]]:
            return fn(library, article_id, limit=20)

        def done(entries: list[dict[str, Any]]) -> None:
            if generation == self._generation:
                self.show_entries(entries)

        def failed(exc: BaseException, tb: str) -> None:
            log.error("related coverage failed for #%s:\n%s", article_id, tb)
            if generation == self._generation:
                self.status.setText(f"Related coverage could not be computed: {exc}")
                self.loaded.emit(article_id)

        QueryOp(parent=self, tasks=self.tasks, op=job, success=done, failure=failed)\
            .run_in_background()

    def show_entries(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        self.list.clear()
        if not entries:
            self.status.setText("No other article in the library covers this story.")
        else:
            n = len(entries)
            self.status.setText(
                f"{n} article{'s' if n != 1 else ''} on this story. Click one to compare."
            )
        passages: list[tuple[int, int]] = []
        for entry in entries:
            item = QListWidgetItem(self.list)
            widget = RelatedItem(entry, self.list)
            item.setSizeHint(widget.sizeHint())
            item.setData(Qt.ItemDataRole.UserRole, int(entry["id"]))
            self.list.setItemWidget(item, widget)
            for p in entry.get("shared_passages") or []:
                passages.append((int(p["this_start"]), int(p["this_end"])))
        self.passagesChanged.emit(sorted(set(passages)))
        if self.article_id is not None:
            self.loaded.emit(self.article_id)

    def _on_clicked(self, item: QListWidgetItem) -> None:
        other = item.data(Qt.ItemDataRole.UserRole)
        if self.article_id is not None and other is not None:
            self.compareRequested.emit(self.article_id, int(other))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        for i in range(self.list.count()):
            item = self.list.item(i)
            widget = self.list.itemWidget(item)
            if widget is not None:
                width = self.list.viewport().width() - 4
                widget.setFixedWidth(width)
                item.setSizeHint(widget.sizeHint())
