"""Everything an export shows about one article, gathered once from the library."""

from __future__ import annotations

import importlib
import logging
import sqlite3
from typing import Any

from reader.core.annotations import article_notes_for, highlights_for, tags_for
from reader.core.library import Library

log = logging.getLogger("reader.export")


def related_for(library: Library, article_id: int) -> list[dict[str, Any]]:
    """Related coverage from ``reader.core.related`` when that module (and its tables) exist."""
    try:
        module = importlib.import_module("reader.core.related")
    except ImportError:
        return []
    finder = getattr(module, "related_for", None)
    if finder is None:
        return []
    try:
        result = finder(library, article_id)
    except (sqlite3.Error, LookupError) as exc:
        log.info("no related coverage for %s: %s", article_id, exc)
        return []
    return [dict(item) for item in (result or [])]


def export_object(library: Library, article_id: int) -> dict[str, Any]:
    """The ``reader show ID --json`` object, with every documented key filled in.

    ``tags``, ``highlights`` and ``related`` are taken from ``article_json`` when it provides
    them and gathered here otherwise; ``notes`` (the article notes) is an export-only addition.
    """
    from reader.cli import article_json  # lazily: the CLI imports this package

    data = article_json(library, article_id)
    if "tags" not in data:
        data["tags"] = tags_for(library, article_id)
    if "highlights" not in data:
        data["highlights"] = highlights_for(library, article_id)
    if "related" not in data:
        data["related"] = related_for(library, article_id)
    data["notes"] = article_notes_for(library, article_id)
    return data
