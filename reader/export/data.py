"""Everything an export shows about one article, gathered once from the library."""

from __future__ import annotations

from typing import Any

from reader.core.article import article_object
from reader.core.library import Library


def export_object(library: Library, article_id: int) -> dict[str, Any]:
    """The ``reader show ID --json`` object (docs/json.md), related coverage included."""
    return article_object(library, article_id)
