"""The tag sidebar: every tag as a tree (nested by "/") with counts and colour swatches.

Selecting tags filters the library (all of them, or any of them); the context menu renames,
merges, colours and deletes. Counts are read off the UI thread; changes go through the
annotation controller.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.gui import dialogs, theme
from reader.gui.annotate import AnnotationController
from reader.gui.operations import QueryOp, TaskManager
from reader.gui.tags import TagNode, tag_tree
from reader.gui.theme import plain_tooltip

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(color: str | None, size: int = 12) -> QIcon:
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if color:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    else:
        pen = painter.pen()
        pen.setColor(QColor(150, 150, 150))
        pen.setWidthF(1.0)
        painter.setPen(pen)
        painter.drawEllipse(QRectF(2.5, 2.5, size - 5, size - 5))
    painter.end()
    return QIcon(pixmap)


class TagSidebar(QWidget):
    filterChanged = Signal(object, str)  # tuple[str, ...] of selected tags, "all" | "any"
    loaded = Signal()

    def __init__(
        self, tasks: TaskManager, controller: AnnotationController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.controller = controller
        self.nodes: list[TagNode] = []
        self.names: list[str] = []
        self._items: dict[str, QTreeWidgetItem] = {}
        self._generation = 0

        title = QLabel("Tags", self)
        title.setObjectName("tagSidebarTitle")
        font = title.font()
        font.setWeight(font.Weight.DemiBold)
        title.setFont(font)
        self.mode_all = QToolButton(self)
        self.mode_all.setText("All of")
        self.mode_all.setObjectName("tagModeAll")
        self.mode_all.setToolTip("Show articles carrying every selected tag")
        self.mode_any = QToolButton(self)
        self.mode_any.setText("Any of")
        self.mode_any.setObjectName("tagModeAny")
        self.mode_any.setToolTip("Show articles carrying at least one selected tag")
        self.mode_group = QButtonGroup(self)
        for button in (self.mode_all, self.mode_any):
            button.setCheckable(True)
            button.setAutoRaise(True)
            self.mode_group.addButton(button)
        self.mode_all.setChecked(True)
        self.mode_group.buttonToggled.connect(self._mode_toggled)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("Stop filtering by tags")
        self.clear_button.clicked.connect(self.clear_selection)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("tagTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setIndentation(14)
        self.tree.setFrameShape(QFrame.Shape.NoFrame)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("No tags yet. Select articles and press Ctrl+T to tag them.", self)
        self.empty.setWordWrap(True)
        self.empty.setObjectName("tagSidebarEmpty")
        self.empty.setStyleSheet(f"color: {theme.muted_text(self.palette()).name()};")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(2)
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.mode_all)
        top.addWidget(self.mode_any)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.tree, 1)
        self.filler = QWidget(self)  # keeps the hint at the top while the tree is hidden
        layout.addWidget(self.filler, 1)
        self._update_controls()

    # ----- contents --------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the tags and their counts off the UI thread (the newest answer wins)."""
        self._generation += 1
        generation = self._generation

        def job(library: Library) -> list[Any]:
            from reader.core.annotations import tag_counts

            try:
                return list(tag_counts(library))
            except Exception:  # no tag tables
                return []

        def done(counts: list[Any]) -> None:
            if generation == self._generation:
                self.set_counts(counts)

        QueryOp(parent=self, tasks=self.tasks, op=job, success=done).run_in_background()

    def set_counts(self, counts: list[Any]) -> None:
        selected = set(self.selected_tags())
        expanded = {name for name, item in self._items.items() if item.isExpanded()}
        first_load = not self._items
        self.names = [str(c.name) for c in counts]
        self.nodes = tag_tree(counts)
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items.clear()

        def add(node: TagNode, parent: QTreeWidgetItem | None) -> None:
            item = QTreeWidgetItem([node.label, str(node.count)])
            item.setData(0, NAME_ROLE, node.name)
            item.setIcon(0, swatch(node.color))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setForeground(1, theme.muted_text(self.palette()))
            own = f"{node.own} tagged “{node.name}” itself" if node.children else ""
            item.setToolTip(
                0, plain_tooltip(f"{node.name}\n{node.count} article{'s' if node.count != 1 else ''}"
                + (f" (with nested tags; {own})" if own else "")),
            )
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            self._items[node.name] = item
            for child in node.children:
                add(child, item)
            item.setExpanded(first_load or node.name in expanded)
            item.setSelected(node.name in selected)

        for node in self.nodes:
            add(node, None)
        self.tree.blockSignals(False)
        self._update_controls()
        if selected - set(self._items):
            self._selection_changed()  # a selected tag was renamed or deleted
        self.loaded.emit()

    def item_for(self, name: str) -> QTreeWidgetItem | None:
        return self._items.get(name)

    def count_of(self, name: str) -> int | None:
        item = self._items.get(name)
        return int(item.text(1)) if item is not None else None

    # ----- selection and mode ----------------------------------------------------------------
    def mode(self) -> str:
        return "any" if self.mode_any.isChecked() else "all"

    def set_mode(self, mode: str) -> None:
        (self.mode_any if mode == "any" else self.mode_all).setChecked(True)

    def selected_tags(self) -> list[str]:
        names: list[str] = []
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value() is not None:
            item = iterator.value()
            if item.isSelected():
                names.append(str(item.data(0, NAME_ROLE)))
            iterator += 1
        return names

    def select_tags(self, names: list[str], emit: bool = True) -> None:
        self.tree.blockSignals(True)
        self.tree.clearSelection()
        for name in names:
            item = self._items.get(name)
            if item is not None:
                item.setSelected(True)
                self.tree.scrollToItem(item)
        self.tree.blockSignals(False)
        self._update_controls()
        if emit:
            self._selection_changed()

    def clear_selection(self) -> None:
        self.select_tags([])

    def _selection_changed(self) -> None:
        self._update_controls()
        self.filterChanged.emit(tuple(self.selected_tags()), self.mode())

    def _mode_toggled(self, _button: Any, checked: bool) -> None:
        if checked and self.selected_tags():
            self.filterChanged.emit(tuple(self.selected_tags()), self.mode())

    def _update_controls(self) -> None:
        has_tags = bool(self._items)
        self.tree.setVisible(has_tags)
        self.empty.setVisible(not has_tags)
        self.filler.setVisible(not has_tags)
        several = len(self.tree.selectedItems()) > 1
        self.mode_all.setEnabled(several)
        self.mode_any.setEnabled(several)
        self.clear_button.setEnabled(bool(self.tree.selectedItems()))

    # ----- editing ---------------------------------------------------------------------------
    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is not None and not item.isSelected():
            self.select_tags([str(item.data(0, NAME_ROLE))])
        menu = self.build_menu()
        if not menu.isEmpty():
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def build_menu(self) -> QMenu:
        menu = QMenu(self)
        names = self.selected_tags()
        if len(names) == 1:
            name = names[0]
            real = name in self.names  # not a parent only implied by "name/child"
            menu.addAction("Rename…", lambda: self.rename(name))
            menu.addAction("Merge into…", lambda: self.merge(names)).setEnabled(real)
            menu.addAction("Colour…", lambda: self.choose_color(name)).setEnabled(real)
            if self._color_of(name):
                menu.addAction("Remove colour", lambda: self._set_color(name, None))
            menu.addSeparator()
            menu.addAction("Delete…", lambda: self.delete(name))
        elif len(names) > 1:
            menu.addAction(f"Merge {len(names)} tags into…", lambda: self.merge(names)).setEnabled(
                all(n in self.names for n in names)
            )
            menu.addSeparator()
            menu.addAction(f"Delete {len(names)} tags…", lambda: self.delete_many(names))
        return menu

    def _color_of(self, name: str) -> str | None:
        def find(nodes: list[TagNode]) -> str | None:
            for node in nodes:
                if node.name == name:
                    return node.color
                found = find(node.children)
                if found:
                    return found
            return None

        return find(self.nodes)

    def rename(self, name: str) -> None:
        new = dialogs.ask_text(
            self, "Rename tag",
            f"New name for “{name}” (tags nested under it move with it; an existing name merges):",
            name,
        )
        if new and new != name and self.controller is not None:
            self.controller.rename_tag(name, new)

    def merge(self, names: list[str]) -> None:
        target = dialogs.ask_merge_target(self, names, self.names)
        if target and self.controller is not None:
            self.controller.merge_tags(names, target)

    def choose_color(self, name: str) -> None:
        color = dialogs.ask_color(self, self._color_of(name), f"Colour of “{name}”")
        if color:
            self._set_color(name, color)

    def _set_color(self, name: str, color: str | None) -> None:
        if self.controller is not None:
            self.controller.set_tag_color(name, color)

    def delete(self, name: str) -> None:
        count = self.count_of(name) or 0
        nested = any(n.startswith(name + "/") for n in self.names)
        text = (
            f"Delete the tag “{name}”{' and the tags nested under it' if nested else ''}?\n"
            f"It is removed from {count} article{'s' if count != 1 else ''}; "
            "the articles stay in the library."
        )
        if dialogs.confirm(self, "Delete tag", text) and self.controller is not None:
            self.controller.delete_tag(name)

    def delete_many(self, names: list[str]) -> None:
        text = f"Delete {len(names)} tags ({', '.join(names)})? The articles stay in the library."
        if dialogs.confirm(self, "Delete tags", text) and self.controller is not None:
            for name in names:
                self.controller.delete_tag(name)
