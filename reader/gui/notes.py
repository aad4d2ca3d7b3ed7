"""The Notes tab: the reader's notes on the article, and every highlight with its note.

Clicking a highlight scrolls the article to it. Highlights that could not be placed again after
a re-extraction are listed under "Could not be placed" with their quote: kept, never dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.gui import theme
from reader.gui.dialogs import color_icon
from reader.gui.theme import plain_tooltip
from reader.gui.wrapping import MUTED_ROLE, WrapDelegate

HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 1  # highlight id


class NoteCard(QFrame):
    """One article note: editable in place, saved with the button (or Ctrl+Return)."""

    saveRequested = Signal(int, str)
    deleteRequested = Signal(int)

    def __init__(self, note: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note_id = int(note["id"])
        self.setObjectName("noteCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.edit = QPlainTextEdit(str(note.get("body") or ""), self)
        self.edit.setObjectName("noteEdit")
        self.edit.setFrameShape(QFrame.Shape.NoFrame)
        self.edit.setTabChangesFocus(True)
        lines = max(2, min(8, str(note.get("body") or "").count("\n") + 2))
        self.edit.setFixedHeight(int(self.edit.fontMetrics().lineSpacing() * (lines + 1.2)))
        self.save_button = QPushButton("Save", self)
        self.save_button.setEnabled(False)
        self.delete_button = QToolButton(self)
        self.delete_button.setText("Delete")
        self.delete_button.setAutoRaise(True)
        stamp = QLabel(str(note.get("created_at") or "")[:10], self)
        stamp.setStyleSheet(f"color: {theme.muted_text(self.palette()).name()};")
        self.edit.textChanged.connect(lambda: self.save_button.setEnabled(True))
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(lambda: self.deleteRequested.emit(self.note_id))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(stamp)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addLayout(row)

    def save(self) -> None:
        self.save_button.setEnabled(False)
        self.saveRequested.emit(self.note_id, self.edit.toPlainText())


class NotesPanel(QWidget):
    addNoteRequested = Signal(str)
    saveNoteRequested = Signal(int, str)
    deleteNoteRequested = Signal(int)
    highlightActivated = Signal(int)  # highlight id: scroll the article to it
    editHighlightRequested = Signal(int)
    deleteHighlightRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article_id: int | None = None
        self.highlights: list[dict[str, Any]] = []
        self.cards: list[NoteCard] = []
        muted = theme.muted_text(self.palette()).name()

        def heading(text: str) -> QLabel:
            label = QLabel(text, self)
            font = label.font()
            font.setWeight(QFont.Weight.DemiBold)
            label.setFont(font)
            return label

        self.notes_title = heading("Notes on this article")
        self.notes_box = QVBoxLayout()
        self.notes_box.setSpacing(6)
        self.new_note = QPlainTextEdit(self)
        self.new_note.setObjectName("newNote")
        self.new_note.setPlaceholderText("Write a note about this article…")
        self.new_note.setFixedHeight(int(self.new_note.fontMetrics().lineSpacing() * 3.6))
        self.add_button = QPushButton("Add note", self)
        self.add_button.setObjectName("addNote")
        self.add_button.setEnabled(False)
        self.new_note.textChanged.connect(
            lambda: self.add_button.setEnabled(bool(self.new_note.toPlainText().strip()))
        )
        self.add_button.clicked.connect(self._add_note)

        self.highlights_title = heading("Highlights")
        self.highlights_hint = QLabel(
            "Select text in the article and press Ctrl+H to highlight it "
            "(Ctrl+Shift+H to add a note).", self,
        )
        self.highlights_hint.setWordWrap(True)
        self.highlights_hint.setStyleSheet(f"color: {muted};")
        self.list = self._make_list("highlightList")
        self.orphans_title = heading("Could not be placed")
        self.orphans_hint = QLabel(
            "The article's text changed and these passages were not found again. "
            "They are kept with their notes.", self,
        )
        self.orphans_hint.setWordWrap(True)
        self.orphans_hint.setStyleSheet(f"color: {muted};")
        self.orphans = self._make_list("orphanList")

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.notes_title)
        layout.addLayout(self.notes_box)
        layout.addWidget(self.new_note)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        layout.addSpacing(6)
        layout.addWidget(self.highlights_title)
        layout.addWidget(self.highlights_hint)
        layout.addWidget(self.list)
        layout.addSpacing(6)
        layout.addWidget(self.orphans_title)
        layout.addWidget(self.orphans_hint)
        layout.addWidget(self.orphans)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.show_article(None)

    def _make_list(self, name: str) -> QListWidget:
        lst = QListWidget(self)
        lst.setObjectName(name)
        lst.setFrameShape(QFrame.Shape.NoFrame)
        lst.setWordWrap(True)
        lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lst.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lst.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        lst.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        lst.setItemDelegate(WrapDelegate(lst, max_lines=5))
        lst.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        lst.customContextMenuRequested.connect(lambda pos, w=lst: self._item_menu(w, pos))
        lst.itemClicked.connect(self._item_clicked)
        lst.itemActivated.connect(self._item_clicked)
        lst.itemDoubleClicked.connect(
            lambda item: self.editHighlightRequested.emit(int(item.data(HIGHLIGHT_ROLE)))
        )
        return lst

    # ----- contents --------------------------------------------------------------------------
    def show_article(self, article: dict[str, Any] | None) -> None:
        self.article_id = int(article["id"]) if article else None
        enabled = article is not None
        self.new_note.setEnabled(enabled)
        self.new_note.setPlaceholderText(
            "Write a note about this article…" if enabled else "Select an article to take notes."
        )
        self.set_notes((article or {}).get("notes") or [])
        self.set_highlights((article or {}).get("highlights") or [])

    def set_notes(self, notes: list[dict[str, Any]]) -> None:
        # Edits not saved yet in other cards survive the refresh that follows one card's save.
        unsaved = {c.note_id: c.edit.toPlainText() for c in self.cards if c.save_button.isEnabled()}
        for card in self.cards:
            self.notes_box.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for note in notes:
            card = NoteCard(note, self)
            card.saveRequested.connect(self.saveNoteRequested)
            card.deleteRequested.connect(self.deleteNoteRequested)
            if card.note_id in unsaved:
                card.edit.setPlainText(unsaved[card.note_id])  # enables its Save button again
            self.notes_box.addWidget(card)
            self.cards.append(card)
        self.notes_title.setText(f"Notes on this article ({len(notes)})" if notes else "Notes on this article")

    def set_highlights(self, highlights: list[dict[str, Any]]) -> None:
        self.highlights = list(highlights)
        placed = [h for h in highlights if not h.get("orphaned") and h.get("start") is not None]
        orphans = [h for h in highlights if h not in placed]
        self.list.clear()
        self.orphans.clear()
        for hl in placed:
            self.list.addItem(self._item(hl, muted=False))
        for hl in orphans:
            self.orphans.addItem(self._item(hl, muted=True))
        self.highlights_title.setText(f"Highlights ({len(placed)})" if placed else "Highlights")
        self.highlights_hint.setVisible(not placed)
        self.list.setVisible(bool(placed))
        for widget in (self.orphans_title, self.orphans_hint, self.orphans):
            widget.setVisible(bool(orphans))
        self.orphans_title.setText(f"Could not be placed ({len(orphans)})")
        self._fit_lists()

    def _item(self, hl: dict[str, Any], muted: bool) -> QListWidgetItem:
        quote = " ".join(str(hl.get("quote") or "").split())
        note = (hl.get("note") or "").strip()
        text = f"“{quote}”" + (f"\n✎ {note}" if note else "")
        item = QListWidgetItem(color_icon(theme.user_swatch(str(hl.get("color") or "yellow")), 12), text)
        item.setData(HIGHLIGHT_ROLE, int(hl["id"]))
        tip = f"“{quote}”" + (f"\n\nNote: {note}" if note else "")
        if muted:
            item.setData(MUTED_ROLE, True)
            tip = "Could not be placed in the current text.\n\n" + tip
        else:
            tip += "\n\nClick to go to it; double-click to edit its note."
        item.setToolTip(plain_tooltip(tip))
        return item

    def _fit_lists(self) -> None:
        """The lists grow to their contents; the whole tab scrolls instead."""
        for lst in (self.list, self.orphans):
            lst.doItemsLayout()
            height = sum(lst.sizeHintForRow(r) for r in range(lst.count()))
            lst.setFixedHeight(height + 2 * lst.frameWidth() + 2)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_lists)

    def item_for(self, highlight_id: int) -> QListWidgetItem | None:
        for lst in (self.list, self.orphans):
            for row in range(lst.count()):
                item = lst.item(row)
                if int(item.data(HIGHLIGHT_ROLE)) == highlight_id:
                    return item
        return None

    # ----- actions ---------------------------------------------------------------------------
    def _add_note(self) -> None:
        body = self.new_note.toPlainText().strip()
        if body and self.article_id is not None:
            self.new_note.clear()
            self.addNoteRequested.emit(body)

    def _item_clicked(self, item: QListWidgetItem) -> None:
        if item.listWidget() is self.list:
            self.highlightActivated.emit(int(item.data(HIGHLIGHT_ROLE)))

    def _item_menu(self, lst: QListWidget, pos: QPoint) -> None:
        item = lst.itemAt(pos)
        if item is None:
            return
        highlight_id = int(item.data(HIGHLIGHT_ROLE))
        menu = QMenu(self)
        if lst is self.list:
            menu.addAction("Go to highlight", lambda: self.highlightActivated.emit(highlight_id))
        menu.addAction("Edit note…", lambda: self.editHighlightRequested.emit(highlight_id))
        menu.addSeparator()
        menu.addAction("Delete highlight", lambda: self.deleteHighlightRequested.emit(highlight_id))
        menu.exec(lst.viewport().mapToGlobal(pos))
