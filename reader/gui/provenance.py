"""The provenance panel: the article's sourcing profile, its attributions grouped by source,
and the strong claims nobody is credited with."""

from __future__ import annotations

import textwrap
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.attribution import SOURCE_TYPES
from reader.gui import describe, theme
from reader.gui.theme import plain_tooltip
from reader.gui.wrapping import WrapDelegate

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # ("attribution" | "claim", index)


class ProfileBar(QWidget):
    """A slim stacked bar: the share of each source type among the attributions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.setMinimumHeight(12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(200, 12)

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = {k: int(v) for k, v in counts.items() if v}
        parts = [
            f"{describe.SOURCE_LABELS.get(k, k)}: {v}" for k, v in self.counts.items() if v
        ]
        self.setToolTip(plain_tooltip("\n".join(parts)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        clip = QPainterPath()
        clip.addRoundedRect(rect, 4, 4)
        painter.setClipPath(clip)
        total = sum(self.counts.values())
        if not total:
            painter.fillRect(rect, self.palette().color(self.palette().ColorRole.Mid))
            return
        x = rect.left()
        for stype in SOURCE_TYPES:
            n = self.counts.get(stype, 0)
            if not n:
                continue
            width = rect.width() * n / total
            painter.fillRect(QRectF(x, rect.top(), width, rect.height()), theme.source_color(stype))
            x += width
        painter.end()


class LegendChip(QWidget):
    def __init__(self, source_type: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        swatch = QLabel(self)
        swatch.setFixedSize(11, 11)
        color = theme.source_color(source_type)
        swatch.setStyleSheet(f"background: {color.name()}; border-radius: 3px;")
        self.count_label = QLabel(self)
        self.label = QLabel(describe.SOURCE_LABELS[source_type], self)
        layout.addWidget(swatch)
        layout.addWidget(self.label)
        layout.addWidget(self.count_label)
        layout.addStretch(1)
        self.source_type = source_type

    def set_count(self, n: int) -> None:
        self.count_label.setText(f"{n}" if n else "")
        self.label.setEnabled(bool(n))


class LineKey(QWidget):
    """A legend entry for an underline style: a short painted sample and its meaning."""

    def __init__(self, style: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line_style = style
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        self.sample = QLabel(self)
        self.sample.setFixedSize(16, 11)
        layout.addWidget(self.sample)
        layout.addWidget(QLabel(text, self))
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        from PySide6.QtGui import QPixmap

        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(16 * ratio), int(11 * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.line_style == "claim":
            pen = QPen(theme.claim_color(self.palette()), 1.4)
            painter.setPen(pen)
            path = QPainterPath()
            path.moveTo(0, 7)
            for i in range(4):
                path.quadTo(2 + 4 * i, 3 if i % 2 == 0 else 11, 4 + 4 * i, 7)
            painter.drawPath(path)
        else:
            painter.fillRect(QRectF(6, 0, 4, 11), theme.reused_color(self.palette()))
        painter.end()
        self.sample.setPixmap(pixmap)


class ProvenancePanel(QWidget):
    entryActivated = Signal(str, int)  # "attribution" | "claim", index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article: dict[str, Any] | None = None
        self._items: dict[tuple[str, int], QTreeWidgetItem] = {}

        self.headline = QLabel(self)
        self.headline.setObjectName("profileHeadline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.08)
        font.setWeight(font.Weight.DemiBold)
        self.headline.setFont(font)
        self.bar = ProfileBar(self)
        self.stats = QLabel(self)
        self.stats.setObjectName("profileStats")
        self.stats.setWordWrap(True)
        self.legend = QWidget(self)
        grid = QGridLayout(self.legend)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(3)
        self.chips: dict[str, LegendChip] = {}
        for i, stype in enumerate(SOURCE_TYPES):
            chip = LegendChip(stype, self.legend)
            self.chips[stype] = chip
            grid.addWidget(chip, i // 2, i % 2)
        claim_key = LineKey("claim", "Strong claim, no source", self.legend)
        claim_key.setObjectName("claimKey")
        reused_key = LineKey("reused", "Reused elsewhere (margin bar)", self.legend)
        reused_key.setObjectName("reusedKey")
        grid.addWidget(claim_key, 3, 0)
        grid.addWidget(reused_key, 3, 1)
        self._keys = (claim_key, reused_key)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("provenanceTree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setIndentation(14)
        self.tree.setFrameShape(QFrame.Shape.NoFrame)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.header().setStretchLastSection(True)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Entries wrap to three lines (the whole excerpt is in the tooltip).
        self.tree.setItemDelegate(WrapDelegate(self.tree, max_lines=3))
        self.tree.itemClicked.connect(self._on_item_activated)
        self.tree.itemActivated.connect(self._on_item_activated)

        header = QWidget(self)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(12, 10, 12, 6)
        header_layout.setSpacing(6)
        header_layout.addWidget(self.headline)
        header_layout.addWidget(self.bar)
        header_layout.addWidget(self.stats)
        header_layout.addWidget(self.legend)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(line)
        layout.addWidget(self.tree, 1)
        self._apply_palette()
        self.show_article(None)

    def _apply_palette(self) -> None:
        muted = theme.muted_text(self.palette()).name()
        self.stats.setStyleSheet(f"color: {muted};")
        for key in self._keys:
            key.refresh()

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._apply_palette()

    def show_article(self, article: dict[str, Any] | None) -> None:
        self.article = article
        self.tree.clear()
        self._items.clear()
        if article is None:
            self.headline.setText("Sourcing")
            self.stats.setText("Select an article to see who says what in it.")
            self.bar.set_counts({})
            for chip in self.chips.values():
                chip.set_count(0)
            return
        profile = article.get("profile")
        attributions: list[dict[str, Any]] = article.get("attributions") or []
        claims: list[dict[str, Any]] = article.get("unattributed_claims") or []
        if profile is None:
            self.headline.setText("Not analysed")
            self.stats.setText(
                "The attribution analysis of this article could not be completed "
                "(see the log); the text is shown as imported."
            )
            self.bar.set_counts({})
            for chip in self.chips.values():
                chip.set_count(0)
            return
        counts = profile.get("counts") or {}
        self.headline.setText(describe.profile_sentence(profile))
        self.bar.set_counts(counts)
        for stype, chip in self.chips.items():
            chip.set_count(int(counts.get(stype, 0)))
        named = profile.get("distinct_named_sources")
        direct = profile.get("direct_quote_share")
        stats = []
        if named is not None:
            stats.append(f"{named} distinct named source{'s' if named != 1 else ''}")
        if direct is not None:
            stats.append(f"{direct:.0%} direct quotes")
        if claims:
            stats.append(f"{len(claims)} unsourced strong claim{'s' if len(claims) != 1 else ''}")
        self.stats.setText(" · ".join(stats))

        bold = self.tree.font()
        bold.setWeight(bold.Weight.DemiBold)
        sources_root = QTreeWidgetItem(self.tree, [f"Attributions by source ({len(attributions)})"])
        sources_root.setFont(0, bold)
        sources_root.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for group in describe.group_by_source(attributions):
            label = describe.SOURCE_LABELS.get(group.source_type, group.source_type)
            count = f" ×{len(group.indexes)}" if len(group.indexes) > 1 else ""
            gitem = QTreeWidgetItem(sources_root, [f"{group.name}{count}"])
            gitem.setFont(0, bold)
            gitem.setIcon(0, _swatch_icon(theme.source_color(group.source_type)))
            gitem.setToolTip(0, plain_tooltip(f"{label}\n{describe.why(attributions[group.indexes[0]])}"))
            gitem.setData(0, ENTRY_ROLE, ("attribution", group.indexes[0]))
            for i in group.indexes:
                att = attributions[i]
                cue = (att.get("cue") or {}).get("text") or ""
                content = (att.get("content") or {}).get("text") or ""
                item = QTreeWidgetItem(gitem, [f"{cue}: “{describe.excerpt(content, 400)}”"])
                full = " ".join(content.split())
                item.setToolTip(0, plain_tooltip(describe.tooltip(att) + (f"\n\n{_wrap(f'“{full}”')}" if full else "")))
                item.setData(0, ENTRY_ROLE, ("attribution", i))
                self._items[("attribution", i)] = item
            gitem.setExpanded(True)
        sources_root.setExpanded(True)
        if claims:
            croot = QTreeWidgetItem(self.tree, [f"Strong claims with no source ({len(claims)})"])
            croot.setFont(0, bold)
            croot.setForeground(0, QBrush(theme.claim_color(self.palette())))
            croot.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for i, claim in enumerate(claims):
                item = QTreeWidgetItem(croot, [describe.excerpt(claim.get("text") or "", 400)])
                full = " ".join((claim.get("text") or "").split())
                item.setToolTip(
                    0, plain_tooltip(describe.claim_tooltip(claim) + (f"\n\n{_wrap(f'“{full}”')}" if full else ""))
                )
                item.setData(0, ENTRY_ROLE, ("claim", i))
                self._items[("claim", i)] = item
            croot.setExpanded(True)

    def select_entry(self, kind: str, index: int) -> None:
        """Select (and scroll to) an entry without re-emitting entryActivated."""
        item = self._items.get((kind, index))
        if item is None:
            return
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self.tree.scrollToItem(item)

    def item_for(self, kind: str, index: int) -> QTreeWidgetItem | None:
        return self._items.get((kind, index))

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, ENTRY_ROLE)
        if data:
            kind, index = data
            self.entryActivated.emit(str(kind), int(index))


def _swatch_icon(color: QColor) -> Any:
    from PySide6.QtGui import QIcon, QPixmap

    pixmap = QPixmap(24, 24)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(Qt.PenStyle.NoPen))
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(5, 5, 14, 14), 4, 4)
    painter.end()
    return QIcon(pixmap)


def _wrap(text: str) -> str:
    """Plain-text tooltips do not wrap: break long excerpts into lines."""
    return textwrap.fill(text, 72)
