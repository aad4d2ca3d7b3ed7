"""Colours and labels of the exported PDF (documented in docs/export.md).

Fills are light tints of the reading pane's hues (reader.gui.theme), chosen so black text stays
easily readable under them when a viewer multiplies them over the page, and so the six source
types stay distinguishable in print; ``unnamed`` is the warm outlier, as in the GUI.
"""

from __future__ import annotations

RGB = tuple[int, int, int]


SOURCE_LABELS: dict[str, str] = {
    "named_person": "named person",
    "named_organization": "named organization",
    "unnamed": "unnamed",
    "media": "media",
    "document": "document",
    "self": "self",
}

# Light fills for attribution highlights, one per source type.
SOURCE_FILLS: dict[str, RGB] = {
    "named_person": (158, 196, 255),  # light blue
    "named_organization": (140, 221, 198),  # light teal
    "unnamed": (255, 178, 122),  # light orange
    "media": (214, 176, 238),  # light purple
    "document": (232, 208, 118),  # light ochre
    "self": (200, 206, 208),  # light grey
}

# The user's highlight colours (reader.core.annotations.HIGHLIGHT_COLORS).
USER_FILLS: dict[str, RGB] = {
    "yellow": (255, 232, 92),
    "green": (160, 228, 140),
    "blue": (150, 200, 255),
    "pink": (255, 170, 205),
    "orange": (255, 190, 110),
}

CLAIM_COLOR: RGB = (200, 30, 30)  # squiggly underline: strong claim nobody is credited with
REUSED_COLOR: RGB = (214, 40, 120)  # underline: passage another saved article shares

HIGHLIGHT_OPACITY = 0.8  # /CA of highlight annotations (multiplied over the text)
LINE_OPACITY = 0.9  # /CA of underline and squiggly annotations



def source_fill(source_type: str | None) -> RGB:
    return SOURCE_FILLS.get(source_type or "self", SOURCE_FILLS["self"])


def user_fill(color: str | None) -> RGB:
    return USER_FILLS.get(color or "yellow", USER_FILLS["yellow"])


def hex_color(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
