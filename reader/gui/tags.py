"""Tags: a lookup the library table and its filter plug into.

Tags arrive with a later issue. Until then :class:`NoTags` answers every question with
"none"; a real source only has to implement :class:`TagSource` (``tags_for`` for the column,
``all_tags`` for the filter menu, ``filter_clause`` for the id query) and be handed to the
main window.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class TagSource(Protocol):
    def tags_for(self, ids: Iterable[int]) -> dict[int, list[str]]:
        """Tags of each article (ids without tags may be missing from the result)."""
        ...

    def all_tags(self) -> list[str]:
        """Every tag in the library, for the filter menu."""
        ...

    def filter_clause(self, tag: str) -> tuple[str, list[Any]]:
        """An SQL condition on ``articles.id`` selecting the articles carrying ``tag``."""
        ...


class NoTags:
    """The library has no tags yet."""

    def tags_for(self, ids: Iterable[int]) -> dict[int, list[str]]:
        return {}

    def all_tags(self) -> list[str]:
        return []

    def filter_clause(self, tag: str) -> tuple[str, list[Any]]:
        return "0", []


class LibraryTags:
    """Tags stored in the library (``reader.core.annotations``); nested tags count as their
    parent's when filtering, as ``reader list --tag`` does."""

    def __init__(self, library: Any) -> None:
        from reader.core import annotations

        self.library = library
        self._annotations = annotations

    def tags_for(self, ids: Iterable[int]) -> dict[int, list[str]]:
        ids = list(ids)
        if not ids:
            return {}
        result: dict[int, list[str]] = self._annotations.tags_for_many(self.library, ids)
        return result

    def all_tags(self) -> list[str]:
        return [
            str(name)
            for (name,) in self.library.conn.execute(
                "SELECT name FROM tags ORDER BY name COLLATE NOCASE"
            )
        ]

    def filter_clause(self, tag: str) -> tuple[str, list[Any]]:
        escaped = tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return (
            "a.id IN (SELECT article_tags.article_id FROM article_tags "
            "JOIN tags ON tags.id = article_tags.tag_id "
            "WHERE tags.name = ? OR tags.name LIKE ? ESCAPE '\\')",
            [tag, escaped + "/%"],
        )


def default_tags(library: Any) -> TagSource:
    """The library's tags when the annotations module is present, else none."""
    try:
        source = LibraryTags(library)
        source.all_tags()
    except Exception:  # no tags table in this library or no annotations module
        return NoTags()
    return source
