"""Small dialogs for tags, highlight notes and confirmations.

Callers go through the ``ask_*`` functions (not the classes) so tests can stand in for the
user by monkeypatching them, as they do for QFileDialog.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.gui import theme


def split_tags(text: str) -> list[str]:
    """"iraq/militias, water ,, x" -> ["iraq/militias", "water", "x"] (order kept, no repeats)."""
    seen: list[str] = []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name not in seen:
            seen.append(name)
    return seen


class TagCompleter(QCompleter):
    """Completes the last of several comma-separated tags, matching anywhere in a name (so
    "mil" offers "iraq/militias")."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names_model = QStringListModel(names, self)  # owned here, not garbage-collected
        self.setModel(self.names_model)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        chosen = super().pathFromIndex(index)
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head = text.rsplit(",", 1)[0] + ", " if "," in text else ""
        return head + chosen + ", "


class TagDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, title: str, prompt: str, names: list[str], text: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("tagDialog")
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        self.edit = QLineEdit(text, self)
        self.edit.setObjectName("tagInput")
        self.edit.setPlaceholderText("e.g. water, iraq/militias")
        self.edit.setMinimumWidth(360)
        self.completer = TagCompleter(names, self.edit)
        self.edit.setCompleter(self.completer)
        hint = QLabel("Separate tags with commas; nest them with “/” (region/iraq).", self)
        hint.setStyleSheet(f"color: {theme.muted_text(self.palette()).name()};")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def tags(self) -> list[str]:
        return split_tags(self.edit.text())


def ask_tags(
    parent: QWidget | None, title: str, prompt: str, names: list[str], text: str = ""
) -> list[str] | None:
    dialog = TagDialog(parent, title, prompt, names, text)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.tags()


def color_icon(color: QColor, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(color)
    return QIcon(pixmap)


class NoteDialog(QDialog):
    """A highlight's note and colour, with its quote for context."""

    def __init__(
        self, parent: QWidget | None, quote: str, note: str = "", color: str = "yellow",
        title: str = "Highlight note",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("noteDialog")
        quote_label = QLabel(f"“{quote if len(quote) < 300 else quote[:299] + '…'}”", self)
        quote_label.setWordWrap(True)
        quote_label.setStyleSheet(f"color: {theme.muted_text(self.palette()).name()};")
        self.edit = QPlainTextEdit(note, self)
        self.edit.setPlaceholderText("Your note on this passage (optional)")
        self.edit.setMinimumSize(380, 110)
        self.colors = QButtonGroup(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Colour:", self))
        for name in theme.USER_HUES:
            button = QToolButton(self)
            button.setCheckable(True)
            button.setIcon(color_icon(theme.user_swatch(name)))
            button.setToolTip(theme.USER_COLOR_LABELS[name])
            button.setObjectName(f"color-{name}")
            button.setChecked(name == color)
            self.colors.addButton(button)
            button.setProperty("colorName", name)
            row.addWidget(button)
        row.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(quote_label)
        layout.addWidget(self.edit)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.edit.setFocus()

    def result_values(self) -> tuple[str, str]:
        checked = self.colors.checkedButton()
        color = str(checked.property("colorName")) if checked is not None else "yellow"
        return self.edit.toPlainText().strip(), color


def ask_note(
    parent: QWidget | None, quote: str, note: str = "", color: str = "yellow",
    title: str = "Highlight note",
) -> tuple[str, str] | None:
    """(note, colour), or None when cancelled."""
    dialog = NoteDialog(parent, quote, note, color, title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.result_values()


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    value = " ".join(value.split())
    return value if ok and value else None


def ask_merge_target(parent: QWidget | None, sources: list[str], names: list[str]) -> str | None:
    """The tag to merge ``sources`` into: one of them, another tag, or a new name."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Merge tags")
    label = QLabel(
        "Merge " + ", ".join(f"“{s}”" for s in sources) + " into:", dialog
    )
    label.setWordWrap(True)
    combo = QComboBox(dialog)
    combo.setEditable(True)
    combo.addItems(sources + [n for n in names if n not in sources])
    combo.setCurrentIndex(0)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(label)
    layout.addWidget(combo)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    value = " ".join(combo.currentText().split())
    return value or None


def ask_color(parent: QWidget | None, initial: str | None, title: str) -> str | None:
    color = QColorDialog.getColor(QColor(initial or "#3478f6"), parent, title)
    return color.name() if color.isValid() else None


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent, title, text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
