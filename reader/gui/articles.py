"""What the reading pane needs of one article, read on the calling thread (Qt-free).

The ``reader show --json`` object without related coverage (the related panel computes that off
the UI thread), plus the colours of the article's tags.
"""

from __future__ import annotations

from typing import Any

from reader.core.article import article_object
from reader.core.library import Library


def load_article(library: Library, article_id: int) -> dict[str, Any]:
    """Raises ``ArticleNotFound``."""
    from reader.gui.annotate import tag_colors

    article = article_object(library, article_id, related=False)
    article["tag_colors"] = tag_colors(library, article["tags"])
    return article
