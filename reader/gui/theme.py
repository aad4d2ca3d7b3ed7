"""Colours and labels for source types, chosen to read on light and dark palettes alike.

Highlights are translucent tints of a hue: blended over the palette's base colour they stay
light on a light theme and dark on a dark theme, and the text keeps the palette's own colour.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QPalette

# Hues picked for distinctness (and for colour-blind readers: unnamed is the warm outlier).
_HUES: dict[str, tuple[int, int, int]] = {
    "named_person": (52, 120, 246),  # blue
    "named_organization": (22, 160, 133),  # teal
    "unnamed": (232, 96, 28),  # orange
    "media": (155, 89, 182),  # purple
    "document": (176, 140, 20),  # ochre
    "self": (127, 140, 141),  # grey
}

def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def source_color(source_type: str) -> QColor:
    """The solid colour of a source type (legend chips, the profile bar)."""
    r, g, b = _HUES.get(source_type, _HUES["self"])
    return QColor(r, g, b)


def highlight_color(source_type: str, palette: QPalette, strong: bool = False) -> QColor:
    """A tint for the background of highlighted text, readable with the palette's text colour."""
    color = source_color(source_type)
    alpha = 0.30 if is_dark(palette) else 0.20
    if strong:
        alpha *= 2.2
    color.setAlphaF(min(alpha, 0.9))
    return color


def reused_color(palette: QPalette) -> QColor:
    """Underline for passages another article reuses."""
    return QColor(214, 40, 120) if not is_dark(palette) else QColor(255, 121, 176)


def claim_color(palette: QPalette) -> QColor:
    """Wavy underline for strong claims nobody is credited with."""
    return QColor(200, 30, 30) if not is_dark(palette) else QColor(255, 110, 100)


def pair_color(index: int, palette: QPalette) -> QColor:
    """Distinct tints for the aligned passage pairs in the compare view."""
    hues = [(52, 120, 246), (22, 160, 133), (232, 96, 28), (155, 89, 182), (176, 140, 20)]
    r, g, b = hues[index % len(hues)]
    color = QColor(r, g, b)
    color.setAlphaF(0.32 if is_dark(palette) else 0.22)
    return color


def muted_text(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)


# The reader's own highlight colours (reader.core.annotations.HIGHLIGHT_COLORS): marker hues
# for the screen. The exported PDF uses lighter fills of the same hues
# (reader.export.style.USER_FILLS), since viewers multiply them over the page.
USER_HUES: dict[str, tuple[int, int, int]] = {
    "yellow": (255, 226, 60),
    "green": (130, 220, 110),
    "blue": (120, 185, 255),
    "pink": (255, 150, 195),
    "orange": (255, 178, 90),
}
USER_COLOR_LABELS: dict[str, str] = {
    "yellow": "Yellow",
    "green": "Green",
    "blue": "Blue",
    "pink": "Pink",
    "orange": "Orange",
}


def user_swatch(color: str) -> QColor:
    """The solid colour of a reader's highlight colour (menus, the Notes tab)."""
    r, g, b = USER_HUES.get(color, USER_HUES["yellow"])
    return QColor(r, g, b)


def user_highlight_color(color: str, palette: QPalette) -> QColor:
    """A marker fill for the reader's highlights: far stronger than the attribution tints (which
    are 20–30 % washes), so the two never read as the same thing, yet the text stays legible
    (dark text on a light marker; on a dark theme a deep, half-opaque marker under light text)."""
    fill = user_swatch(color)
    fill.setAlphaF(0.88 if is_dark(palette) else 0.82)
    return fill


def user_highlight_text(palette: QPalette) -> QColor | None:
    """Text on a reader's highlight: dark on a dark theme (the marker stays bright there, so it
    never reads as one of the translucent attribution tints); the palette's own otherwise."""
    return QColor(24, 24, 27) if is_dark(palette) else None


def user_underline_color(color: str, palette: QPalette) -> QColor:
    """A darker stroke under a reader's highlight, so it stays visible on top of attributions."""
    return user_swatch(color).darker(160)


def tag_color(color: str | None, palette: QPalette) -> QColor:
    """The fill of a tag chip: its own colour as a tint, or a neutral one."""
    if color:
        fill = QColor(color)
        fill.setAlphaF(0.45 if is_dark(palette) else 0.28)
        return fill
    neutral = palette.color(QPalette.ColorRole.Text)
    neutral.setAlphaF(0.16 if is_dark(palette) else 0.09)
    return neutral


def plain_tooltip(text: str) -> str:
    """Tooltip text shown as typed: Qt renders a tooltip whose first line looks like a tag as
    HTML (and loads its images), and tooltips quote article text."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
