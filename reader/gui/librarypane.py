"""The library pane: search box, filters and the windowed article table."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.gui import theme
from reader.gui.models import COLUMNS, SNIPPET_ROLE, ArticleTableModel
from reader.gui.operations import QueryOp, TaskManager
from reader.gui.query import ArticleQuery, query_ids, snippets
from reader.gui.tags import NoTags, TagSource

log = logging.getLogger("reader.gui.library")

ANY_DATE = QDate(1900, 1, 1)
SEARCH_DELAY_MS = 120
FIRST_SNIPPETS = 28  # computed with the query, off the UI thread


class TitleDelegate(QStyledItemDelegate):
    """The title, and under it the search snippet with the matched words in bold."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        snippet = index.data(SNIPPET_ROLE)
        if not snippet:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect: QRect = opt.rect.adjusted(6, 3, -6, -3)
        painter.save()
        painter.setPen(opt.palette.color(role))
        fm = QFontMetrics(opt.font)
        painter.setFont(opt.font)
        line = fm.height()
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        small = QFont(opt.font)
        small.setPointSizeF(opt.font.pointSizeF() * 0.9)
        sfm = QFontMetrics(small)
        bold = QFont(small)
        bold.setWeight(QFont.Weight.Bold)
        bfm = QFontMetrics(bold)
        muted = opt.palette.color(role) if selected else theme.muted_text(opt.palette)
        x = rect.left()
        y = rect.top() + line + 1
        limit = rect.right()
        for i, piece in enumerate(re.split(r"\[|\]", " ".join(snippet.split()))):
            if not piece:
                continue
            is_hit = i % 2 == 1
            font, metrics = (bold, bfm) if is_hit else (small, sfm)
            painter.setFont(font)
            painter.setPen(opt.palette.color(role) if is_hit else muted)
            width = metrics.horizontalAdvance(piece)
            if x + width > limit:
                piece = metrics.elidedText(piece, Qt.TextElideMode.ElideRight, limit - x)
                painter.drawText(x, y + metrics.ascent(), piece)
                break
            painter.drawText(x, y + metrics.ascent(), piece)
            x += width
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(SNIPPET_ROLE):
            size.setHeight(int(size.height() * 2.1))
        return size


class LibraryPane(QWidget):
    articleSelected = Signal(int)
    refreshed = Signal(int)  # number of rows after a query

    def __init__(
        self,
        library: Library,
        tasks: TaskManager,
        tags: TagSource | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.tags: TagSource = tags or NoTags()
        self.query = ArticleQuery()
        self._generation = 0
        self.last_query_ms = 0.0
        self._restore_id: int | None = None

        self.search = QLineEdit(self)
        self.search.setObjectName("librarySearch")
        self.search.setPlaceholderText("Search the library  (Ctrl+K)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)

        self.site_filter = QComboBox(self)
        self.site_filter.setObjectName("siteFilter")
        self.site_filter.setToolTip("Only articles from this outlet")
        self.site_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.site_filter.setMinimumContentsLength(10)
        self.tag_filter = QComboBox(self)
        self.tag_filter.setObjectName("tagFilter")
        self.tag_filter.setMinimumContentsLength(6)
        self.tag_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.date_from = self._date_edit("dateFrom", "Published on or after (clear: pick the earliest)")
        self.date_to = self._date_edit("dateTo", "Published on or before")
        self.reload_filters()
        self.site_filter.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.tag_filter.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.date_from.dateChanged.connect(lambda _d: self._filters_changed())
        self.date_to.dateChanged.connect(lambda _d: self._filters_changed())

        self.model = ArticleTableModel(library, self.tags)
        self.model.sortRequested.connect(self._sort_requested)
        self.table = QTableView(self)
        self.table.setObjectName("articleTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.setItemDelegateForColumn(0, TitleDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._row_height = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        header.setSortIndicator(2, Qt.SortOrder.DescendingOrder)
        for col, width in ((1, 112), (2, 80), (3, 80), (4, 44), (5, 64)):
            header.resizeSection(col, width)
        header.setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.setColumnHidden(3, not self.tags.all_tags())
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.site_filter, 2)
        filters.addWidget(self.tag_filter, 1)
        filters.addWidget(QLabel("From", self))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("to", self))
        filters.addWidget(self.date_to)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 4)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def _date_edit(self, name: str, tip: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(ANY_DATE)
        edit.setSpecialValueText("any")
        edit.setDate(ANY_DATE)
        edit.setToolTip(tip)
        return edit

    # ----- filters --------------------------------------------------------------------------
    def reload_filters(self) -> None:
        """Refill the outlet and tag menus (after an import), keeping the choices."""
        site = self.site_filter.currentData()
        tag = self.tag_filter.currentData()
        for combo in (self.site_filter, self.tag_filter):
            combo.blockSignals(True)
            combo.clear()
        self.site_filter.addItem("All outlets", None)
        for name, n in self.library.sites():
            self.site_filter.addItem(f"{name}  ({n})", name)
        tags = self.tags.all_tags()
        self.tag_filter.addItem("All tags" if tags else "No tags yet", None)
        for t in tags:
            self.tag_filter.addItem(t, t)
        self.tag_filter.setEnabled(bool(tags))
        if hasattr(self, "table"):
            self.table.setColumnHidden(3, not tags)  # the Tags column, once there are tags
        self.tag_filter.setToolTip("Only articles with this tag" if tags else "No article has tags yet")
        for combo, value in ((self.site_filter, site), (self.tag_filter, tag)):
            index = combo.findData(value)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def _date_value(self, edit: QDateEdit) -> str | None:
        value = edit.date()
        return None if value == ANY_DATE else value.toString("yyyy-MM-dd")

    def _filters_changed(self) -> None:
        self.set_query(
            self.query.with_(
                site=self.site_filter.currentData(),
                tag=self.tag_filter.currentData(),
                date_from=self._date_value(self.date_from),
                date_to=self._date_value(self.date_to),
            )
        )

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        if text == self.query.search:
            return
        header = self.table.horizontalHeader()
        if text and not self.query.search:
            # Searching ranks by relevance until the user picks a column.
            header.blockSignals(True)
            header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
            header.blockSignals(False)
            self.set_query(self.query.with_(search=text, sort=None))
        elif not text:
            sort = self.query.sort or "published"
            col = [k for k, _ in COLUMNS].index(sort)
            header.blockSignals(True)
            header.setSortIndicator(
                col, Qt.SortOrder.DescendingOrder if self.query.descending else Qt.SortOrder.AscendingOrder
            )
            header.blockSignals(False)
            self.set_query(self.query.with_(search="", sort=sort))
        else:
            self.set_query(self.query.with_(search=text))

    def _sort_requested(self, key: str, descending: bool) -> None:
        self.set_query(self.query.with_(sort=key, descending=descending))

    # ----- querying ---------------------------------------------------------------------------
    def set_query(self, query: ArticleQuery) -> None:
        self.query = query
        self.refresh()

    def refresh(self, keep_selection: bool = True) -> None:
        """Re-run the id query off the UI thread; the newest answer wins."""
        self._generation += 1
        generation = self._generation
        query = self.query
        tags = self.tags
        if keep_selection:
            self._restore_id = self.current_id()
        started = time.perf_counter()

        def job(library: Library) -> tuple[list[int], dict[int, str]]:
            ids = query_ids(library.conn, query, tags)
            first = snippets(library.conn, query.search, ids[:FIRST_SNIPPETS]) if query.match else {}
            return ids, first

        def done(result: tuple[list[int], dict[int, str]]) -> None:
            if generation != self._generation:
                return
            self.last_query_ms = (time.perf_counter() - started) * 1000
            self._show_ids(result[0], query, result[1])

        QueryOp(parent=self, tasks=self.tasks, op=job, success=done).run_in_background()

    def _show_ids(
        self, ids: list[int], query: ArticleQuery, first_snippets: dict[int, str] | None = None
    ) -> None:
        restore = self._restore_id
        self.table.verticalHeader().setDefaultSectionSize(
            int(self._row_height * 1.85) if query.match else self._row_height
        )
        self.model.set_ids(ids, query.search if query.match else "", first_snippets)
        total = len(ids)
        filtered = bool(query.match or query.site or query.tag or query.date_from or query.date_to)
        noun = "article" if total == 1 else "articles"
        self.count_label.setText(f"{total:,} {noun}" + (" match" if filtered else ""))
        if restore is not None:
            row = self.model.row_of(restore)
            if row is not None:
                self.select_row(row, emit=False)
        self.refreshed.emit(total)

    # ----- selection --------------------------------------------------------------------------
    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_row(self, row: int, emit: bool = True) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        selection = self.table.selectionModel()
        if not emit:
            selection.blockSignals(True)
        self.table.setCurrentIndex(index)
        selection.select(
            index,
            selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows,
        )
        if not emit:
            selection.blockSignals(False)
            self.table.viewport().update()
        self.table.scrollTo(index)

    def select_id(self, article_id: int) -> bool:
        row = self.model.row_of(article_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def step(self, step: int) -> None:
        index = self.table.currentIndex()
        row = index.row() + step if index.isValid() else 0
        self.select_row(max(0, min(row, self.model.rowCount() - 1)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        article_id = self.model.id_at(current.row()) if current.isValid() else None
        if article_id is not None:
            self.articleSelected.emit(article_id)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def save_state(self) -> Any:
        return self.table.horizontalHeader().saveState()

    def restore_state(self, state: Any) -> None:
        if state:
            self.table.horizontalHeader().restoreState(state)
            header = self.table.horizontalHeader()
            col = header.sortIndicatorSection()
            if 0 <= col < len(COLUMNS) and COLUMNS[col][0] in ("title", "site", "published", "attribution_count", "unnamed_share"):
                self.query = self.query.with_(
                    sort=COLUMNS[col][0],
                    descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
                )
