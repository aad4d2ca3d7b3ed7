"""The library table model: a list of ids, with rows fetched by window around what is shown.

After Anki's browser table: the model never holds every row. ``set_ids`` swaps in the ordered
ids a query returned (SQL did the sorting); ``data`` looks a row up in a small cache and, on a
miss, loads the summaries of a window of ids around it in one indexed query.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from reader.core.library import Library
from reader.gui import query as q
from reader.gui.tags import NoTags, TagSource
from reader.gui.theme import plain_tooltip

log = logging.getLogger("reader.gui.models")

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS: list[tuple[str, str]] = [
    ("title", "Title"),
    ("site", "Outlet"),
    ("published", "Date"),
    ("tags", "Tags"),
    ("attribution_count", "Attr."),
    ("unnamed_share", "Unnamed"),
]
SORTABLE = {key for key, _ in COLUMNS} & set(q.SORT_SQL)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 2
WINDOW = 150  # rows loaded around a cache miss
CACHE_LIMIT = 2000  # rows kept before the cache is trimmed
SNIPPET_WINDOW = 40  # search snippets fetched per miss (each is a full-text look-up)


class ArticleTableModel(QAbstractTableModel):
    # Emitted when the user asks for another order; the pane re-runs its query.
    sortRequested = Signal(str, bool)

    def __init__(self, library: Library, tags: TagSource | None = None) -> None:
        super().__init__()
        self.library = library
        self.tags: TagSource = tags or NoTags()
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._cache: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._snippets: dict[int, str] = {}
        self._search = ""
        self._snippet_done: set[int] = set()
        self.fetches = 0  # window loads, for tests and the benchmark

    # ----- contents ----------------------------------------------------------------------
    def set_ids(
        self, ids: list[int], search: str = "", snippets: dict[int, str] | None = None
    ) -> None:
        """Show these ids; ``snippets`` may bring the first results' snippets, computed off
        the UI thread with the query."""
        self.beginResetModel()
        self._ids = ids
        self._row_of = None
        self._search = search
        self._snippets.clear()
        self._snippets.update(snippets or {})
        self._snippet_done = set(self._snippets) if search else set()
        self._cache.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return self._ids

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, article_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {aid: row for row, aid in enumerate(self._ids)}
        return self._row_of.get(article_id)

    def invalidate(self, ids: list[int] | None = None) -> None:
        """Mark rows stale (e.g. after an analysis changed) without a reset."""
        if ids is None:
            self._cache.clear()
        else:
            for article_id in ids:
                self._cache.pop(article_id, None)
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            )

    def row_data(self, row: int) -> dict[str, Any] | None:
        article_id = self.id_at(row)
        if article_id is None:
            return None
        cached = self._cache.get(article_id)
        if cached is None or (self._search and article_id not in self._snippet_done):
            self._load_window(row)
            cached = self._cache.get(article_id)
        return cached

    def _load_window(self, row: int) -> None:
        start = max(0, row - WINDOW // 3)
        window = self._ids[start : start + WINDOW]
        missing = [i for i in window if i not in self._cache]
        rows = self.library.summaries(missing)
        tags = self.tags.tags_for(missing)
        snippets: dict[int, str] = {}
        if self._search:
            # Snippets cost a full-text look-up each: only for the rows about to be shown.
            near = self._ids[max(0, row - 5) : row + SNIPPET_WINDOW]
            wanted = [i for i in near if i not in self._snippet_done]
            snippets = q.snippets(self.library.conn, self._search, wanted)
            self._snippet_done.update(wanted)
        self.fetches += 1
        for article_id in missing:
            data = rows.get(article_id) or {"id": article_id, "title": "(deleted)"}
            data["tags"] = tags.get(article_id, [])
            self._cache[article_id] = data
        self._snippets.update(snippets)
        while len(self._cache) > CACHE_LIMIT:
            old_id, _ = self._cache.popitem(last=False)
            self._snippets.pop(old_id, None)
            self._snippet_done.discard(old_id)

    # ----- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key, label = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return label
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                "unnamed_share": "Share of attributed claims that rest on unnamed sources",
                "attribution_count": "Number of attributed statements found in the article",
                "tags": "Tags (Ctrl+T tags the selected articles)",
            }.get(key, label)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in (
            "attribution_count",
            "unnamed_share",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            SNIPPET_ROLE,
        ):
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("attribution_count", "unnamed_share"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        if role == SNIPPET_ROLE:
            return self._snippets.get(self._ids[index.row()]) if key == "title" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "title":
                snippet = self._snippets.get(self._ids[index.row()])
                title = row.get("title") or ""
                return plain_tooltip(f"{title}\n\n{snippet}" if snippet else title)
            if key == "tags" and row.get("tags"):
                return "\n".join(row["tags"])
            return None
        return display_value(key, row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS) and COLUMNS[column][0] in SORTABLE:
            self.sortRequested.emit(
                COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder
            )


def display_value(key: str, row: dict[str, Any]) -> str:
    value = row.get(key)
    if key == "published":
        return str(value or "")[:10]
    if key == "tags":
        return ", ".join(value or [])
    if key == "unnamed_share":
        return "" if value is None else f"{float(value):.0%}"
    if key == "attribution_count":
        return "" if value is None else str(value)
    return "" if value is None else str(value)
