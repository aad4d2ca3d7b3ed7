"""One article as the outside world sees it: the documented ``reader show ID --json`` object.

Built here once for the CLI, the exporters and the reading pane (docs/json.md is its contract).
"""

from __future__ import annotations

from typing import Any

from reader.core import annotations as ann
from reader.core import attribution
from reader.core.library import Library


def article_object(library: Library, article_id: int, *, related: bool = True) -> dict[str, Any]:
    """The article with its provenance, tags, highlights and notes; raises ArticleNotFound.

    ``related=False`` leaves out related coverage (the reading pane fetches it off the UI
    thread).
    """
    row = library.get(article_id)
    analysis = row.get("analysis") or {}
    stored_version = row.get("analyzer_version")
    if row["text"] and stored_version != attribution.ANALYZER_VERSION:
        # Waiting for the import's second pass, or stored by an older engine: show what this
        # version finds (a few ms per article); the second pass or `reader reextract` stores it.
        analysis = attribution.analyze(row["text"], site=row["site"]).to_json()
    data: dict[str, Any] = {
        "id": row["id"],
        "title": row["title"],
        "site": row["site"],
        "author": row["author"],
        "published": row["published"],
        "url": row["url"],
        "format": row["format"],
        "source_path": row["source_path"],
        "sha256": row["sha256"],
        "likely_duplicate_of": row["likely_duplicate_of"],
        "word_count": row["word_count"],
        "text": row["text"] or "",
        "headings": row["headings"] or [],
        "removed": row["removed"] or [],
        "attributions": analysis.get("attributions") or [],
        "profile": analysis.get("profile"),
        "unattributed_claims": analysis.get("unattributed_claims") or [],
        "tags": ann.tags_for(library, article_id),
        "highlights": ann.highlights_for(library, article_id),
        "notes": ann.article_notes_for(library, article_id),
    }
    if related:
        # Looked up at call time so tests can stand in a fake module.
        from reader.core.related import related_for

        data["related"] = related_for(library, article_id)
    return data
