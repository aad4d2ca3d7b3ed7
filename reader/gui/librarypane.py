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
    QPoint,
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
    QMenu,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.gui import theme
from reader.gui.annotate import AnnotationController
from reader.gui.models import COLUMNS, SNIPPET_ROLE, ArticleTableModel
from reader.gui.operations import QueryOp, TaskManager
from reader.gui.query import ArticleQuery, query_ids, snippets
from reader.gui.tagpanel import TagSidebar
from reader.gui.tags import NoTags, TagSource

log = logging.getLogger("reader.gui.library")

ANY_DATE = QDate(1900, 1, 1)
SEARCH_DELAY_MS = 120
FIRST_SNIPPETS = 28  # computed with the query, off the UI thread
SEVERAL_TAGS = "\x00several"  # the tag menu's entry while several tags filter the library
# Default widths of the columns after the title, which stretches to take the rest.
COLUMN_WIDTHS = {1: 100, 2: 78, 3: 84, 4: 40, 5: 62}
HIDDEN_BY_DEFAULT = (4,)  # "Attr.": the Unnamed share says more; the header menu shows it


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
    contextMenuRequested = Signal(QPoint)  # global position, over the table

    def __init__(
        self,
        library: Library,
        tasks: TaskManager,
        tags: TagSource | None = None,
        parent: QWidget | None = None,
        controller: AnnotationController | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.tags: TagSource = tags or NoTags()
        self._user_hidden: set[int] = set(HIDDEN_BY_DEFAULT)
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
        self.tag_filter.currentIndexChanged.connect(lambda _i: self._tag_menu_changed())
        self.date_from.dateChanged.connect(lambda _d: self._filters_changed())
        self.date_to.dateChanged.connect(lambda _d: self._filters_changed())

        self.model = ArticleTableModel(library, self.tags)
        self.model.sortRequested.connect(self._sort_requested)
        self.table = QTableView(self)
        self.table.setObjectName("articleTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.contextMenuRequested.emit(self.table.viewport().mapToGlobal(pos))
        )
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
        for col, width in COLUMN_WIDTHS.items():
            header.resizeSection(col, width)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._apply_hidden_columns()
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
        self.tag_sidebar = TagSidebar(tasks, controller, self)
        self.tag_sidebar.setObjectName("tagSidebar")
        self.tag_sidebar.filterChanged.connect(self._sidebar_changed)
        self.tag_sidebar.loaded.connect(self._sidebar_loaded)
        table_box = QWidget(self)
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(4)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("librarySplitter")
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(self.tag_sidebar)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 220])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 4)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        self.tag_sidebar.reload()

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
        """Refill the outlet and tag menus (after an import or a tag change), keeping the
        choices; a tag filter on tags that no longer exist is dropped."""
        site = self.site_filter.currentData()
        self.site_filter.blockSignals(True)
        self.site_filter.clear()
        self.site_filter.addItem("All outlets", None)
        for name, n in self.library.sites():
            self.site_filter.addItem(f"{name}  ({n})", name)
        self.site_filter.setCurrentIndex(max(self.site_filter.findData(site), 0))
        self.site_filter.blockSignals(False)
        tags = self.tags.all_tags()
        self._all_tags = tags
        if hasattr(self, "table"):
            self._apply_hidden_columns()
        kept = tuple(t for t in self.query.tags if _tag_exists(t, tags))
        if kept != self.query.tags:
            self.query = self.query.with_(tags=kept)
            if hasattr(self, "table"):
                self.refresh()
        self._fill_tag_menu()

    def _fill_tag_menu(self) -> None:
        tags = getattr(self, "_all_tags", None)
        if tags is None:
            tags = self._all_tags = self.tags.all_tags()
        combo = self.tag_filter
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All tags" if tags else "No tags yet", None)
        chosen = self.query.tags
        if len(chosen) > 1:
            combo.addItem(f"{len(chosen)} tags: {self.query.tag_mode} of", SEVERAL_TAGS)
        for t in tags:
            combo.addItem(t, t)
        combo.setEnabled(bool(tags))
        combo.setToolTip(
            ("Only articles with this tag (select several in the Tags list below)")
            if tags else "No article has tags yet"
        )
        if len(chosen) > 1:
            combo.setCurrentIndex(1)
            combo.setToolTip(
                f"Articles with {self.query.tag_mode} of: " + ", ".join(chosen)
            )
        else:
            combo.setCurrentIndex(max(combo.findData(chosen[0]) if chosen else 0, 0))
        combo.blockSignals(False)

    def _apply_hidden_columns(self) -> None:
        has_tags = bool(getattr(self, "_all_tags", None) or self.tags.all_tags())
        for col in range(len(COLUMNS)):
            hidden = col in self._user_hidden or (col == 3 and not has_tags)
            self.table.setColumnHidden(col, hidden)

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for col, (_key, label) in enumerate(COLUMNS):
            if col == 0:
                continue
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(col not in self._user_hidden)
            action.toggled.connect(lambda on, c=col: self.set_column_visible(c, on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def set_column_visible(self, col: int, visible: bool) -> None:
        if visible:
            self._user_hidden.discard(col)
        else:
            self._user_hidden.add(col)
        self._apply_hidden_columns()

    # ----- tag filter ---------------------------------------------------------------------------
    def set_tag_filter(self, tags: tuple[str, ...] | list[str], mode: str | None = None) -> None:
        """Filter by these tags (all of them or any, a tag including its nested tags); keeps the
        tag menu and the sidebar in step."""
        tags = tuple(tags)
        mode = mode or self.query.tag_mode
        if mode != self.tag_sidebar.mode():
            self.tag_sidebar.mode_group.blockSignals(True)
            self.tag_sidebar.set_mode(mode)
            self.tag_sidebar.mode_group.blockSignals(False)
        if tuple(self.tag_sidebar.selected_tags()) != tags:
            self.tag_sidebar.select_tags(list(tags), emit=False)
        changed = tags != self.query.tags or (len(tags) > 1 and mode != self.query.tag_mode)
        self.query = self.query.with_(tags=tags, tag_mode=mode)
        self._fill_tag_menu()
        if changed:
            self.refresh()

    def _tag_menu_changed(self) -> None:
        data = self.tag_filter.currentData()
        if data == SEVERAL_TAGS:
            return
        self.set_tag_filter((data,) if data else ())

    def _sidebar_changed(self, tags: tuple[str, ...], mode: str) -> None:
        self.set_tag_filter(tags, mode)

    def _sidebar_loaded(self) -> None:
        # Keep the sidebar's selection on the filter after it was rebuilt.
        self.tag_sidebar.select_tags(list(self.query.tags), emit=False)

    def _date_value(self, edit: QDateEdit) -> str | None:
        value = edit.date()
        return None if value == ANY_DATE else value.toString("yyyy-MM-dd")

    def _filters_changed(self) -> None:
        self.set_query(
            self.query.with_(
                site=self.site_filter.currentData(),
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
        filtered = bool(query.match or query.site or query.tags or query.date_from or query.date_to)
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

    def selected_ids(self) -> list[int]:
        """The selected articles in table order (the current one when nothing is selected)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        ids = [i for i in (self.model.id_at(r) for r in rows) if i is not None]
        if not ids:
            current = self.current_id()
            return [current] if current is not None else []
        return ids

    def select_ids(self, ids: list[int]) -> None:
        """Select several articles (the first becomes current)."""
        selection = self.table.selectionModel()
        rows = [r for r in (self.model.row_of(i) for i in ids) if r is not None]
        if not rows:
            return
        self.select_row(rows[0])
        for row in rows[1:]:
            selection.select(
                self.model.index(row, 0),
                selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
            )

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

    def hidden_columns(self) -> list[int]:
        return sorted(self._user_hidden)

    def set_hidden_columns(self, columns: list[int]) -> None:
        self._user_hidden = {int(c) for c in columns if 0 < int(c) < len(COLUMNS)}
        self._apply_hidden_columns()

    def restore_state(self, state: Any) -> None:
        if state:
            self.table.horizontalHeader().restoreState(state)
            self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            self._apply_hidden_columns()
            header = self.table.horizontalHeader()
            col = header.sortIndicatorSection()
            if 0 <= col < len(COLUMNS) and COLUMNS[col][0] in ("title", "site", "published", "attribution_count", "unnamed_share"):
                self.query = self.query.with_(
                    sort=COLUMNS[col][0],
                    descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
                )


def _tag_exists(tag: str, names: list[str]) -> bool:
    return any(n == tag or n.startswith(tag + "/") for n in names)
