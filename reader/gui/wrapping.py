"""An item delegate that wraps text over a few lines (the default one elides to a single line
in a tree whose rows have no fixed width)."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPalette,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

PAD_X = 4
PAD_Y = 3
MUTED_ROLE = Qt.ItemDataRole.UserRole + 40  # bool: draw the text in the muted colour


def wrap_lines(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines of ``width`` px; the last one is elided
    when more text remains. Explicit newlines start new lines."""
    fm = QFontMetrics(font)
    width = max(width, 20)
    lines: list[str] = []
    paragraphs = text.split("\n")
    for p_index, para in enumerate(paragraphs):
        layout = QTextLayout(para, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            if len(lines) == max_lines - 1:
                rest = para[start:]
                more = bool(paragraphs[p_index + 1 :])
                piece = rest if not more else rest + " …"
                lines.append(fm.elidedText(piece.strip(), Qt.TextElideMode.ElideRight, width))
                layout.endLayout()
                return lines
            lines.append(para[start : start + length].rstrip())
        layout.endLayout()
        if not para:
            lines.append("")
    return lines


class WrapDelegate(QStyledItemDelegate):
    """Paints an item's icon and its text wrapped to ``max_lines`` lines (tooltips keep the whole
    text); rows grow to fit. Re-lays the view out when its width changes."""

    def __init__(self, view: QAbstractItemView, max_lines: int = 3) -> None:
        super().__init__(view)
        self.view = view
        self.max_lines = max_lines
        self._width = -1
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            width = self.view.viewport().width()
            if width != self._width:
                self._width = width
                QTimer.singleShot(0, self.view, self.view.doItemsLayout)
        return False

    def _text_width(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        view = self.view
        if isinstance(view, QTreeView):
            depth = 0
            parent = index.parent()
            while parent.isValid():
                depth += 1
                parent = parent.parent()
            root = 1 if view.rootIsDecorated() else 0
            width = view.columnWidth(0) if view.header().count() > 1 else view.viewport().width()
            width -= view.indentation() * (depth + root)
        else:
            width = view.viewport().width()
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            width -= max(option.decorationSize.width(), 14) + 6
        return width - 2 * PAD_X

    def _lines(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> list[str]:
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        font = index.data(Qt.ItemDataRole.FontRole)
        font = font if isinstance(font, QFont) else option.font
        return wrap_lines(text, font, self._text_width(option, index), self.max_lines)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        lines = self._lines(opt, index)
        fm = QFontMetrics(opt.font)
        height = max(len(lines), 1) * fm.lineSpacing() + 2 * PAD_Y
        return QSize(self._text_width(opt, index), max(height, opt.decorationSize.height() + 2 * PAD_Y))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        lines = self._lines(opt, index)
        icon = QIcon(opt.icon)  # a copy: the field is a reference into ``opt``
        opt.text = ""
        opt.icon = QIcon()
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        widget: QWidget | None = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        fm = QFontMetrics(opt.font)
        painter.save()
        if not icon.isNull():
            size = opt.decorationSize
            if not size.isValid():
                size = QSize(14, 14)
            top = rect.top() + max(0, (fm.lineSpacing() - size.height()) // 2)
            icon.paint(painter, QRect(rect.left(), top, size.width(), size.height()))
            rect.setLeft(rect.left() + size.width() + 6)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        if selected:
            color = palette.color(QPalette.ColorRole.HighlightedText)
        elif index.data(MUTED_ROLE):
            color = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
        else:
            brush = index.data(Qt.ItemDataRole.ForegroundRole)
            if isinstance(brush, QBrush):
                color = brush.color()
            elif isinstance(brush, QColor):
                color = brush
            else:
                color = palette.color(QPalette.ColorRole.Text)
        painter.setPen(color)
        painter.setFont(opt.font)
        y = rect.top()
        for line in lines:
            painter.drawText(
                QRect(rect.left(), y, rect.width(), fm.lineSpacing()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), line,
            )
            y += fm.lineSpacing()
        painter.restore()
