"""What the reading pane needs of one article, read on the UI thread (Qt-free).

The same fields as ``reader show --json`` (``reader.cli.article_json``) except the slow or
unrelated parts: related coverage is computed off the UI thread by the related panel.
"""

from __future__ import annotations

from typing import Any

from reader.core.library import Library


def load_article(library: Library, article_id: int) -> dict[str, Any]:
    """Raises ``ArticleNotFound``."""
    from reader.gui.annotate import load_annotations

    row = library.get(article_id)
    analysis = row.get("analysis") or {}
    return {
        "id": row["id"],
        "title": row.get("title"),
        "site": row.get("site"),
        "author": row.get("author"),
        "published": row.get("published"),
        "url": row.get("url"),
        "format": row.get("format"),
        "source_path": row.get("source_path"),
        "likely_duplicate_of": row.get("likely_duplicate_of"),
        "word_count": row.get("word_count"),
        "text": row.get("text") or "",
        "headings": row.get("headings") or [],
        "removed": row.get("removed") or [],
        "attributions": analysis.get("attributions") or [],
        "profile": analysis.get("profile"),
        "unattributed_claims": analysis.get("unattributed_claims") or [],
        **load_annotations(library, article_id),  # tags, tag_colors, highlights, notes
    }
