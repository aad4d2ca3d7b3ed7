"""Tags: a lookup the library table and its filter plug into.

Tags arrive with a later issue. Until then :class:`NoTags` answers every question with
"none"; a real source only has to implement :class:`TagSource` (``tags_for`` for the column,
``all_tags`` for the filter menu, ``filter_clause`` for the id query) and be handed to the
main window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

SEPARATOR = "/"


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

    def colors(self) -> dict[str, str]:
        """Tag name -> "#rrggbb" for the tags that have a colour."""
        return {
            str(name): str(color)
            for name, color in self.library.conn.execute(
                "SELECT name, color FROM tags WHERE color IS NOT NULL"
            )
        }

    def filter_clause(self, tag: str) -> tuple[str, list[Any]]:
        condition, params = self._annotations.tagged_articles_sql(tag, "a.id")
        return condition, list(params)


def default_tags(library: Any) -> TagSource:
    """The library's tags when the annotations module is present, else none."""
    try:
        source = LibraryTags(library)
        source.all_tags()
    except Exception:  # no tags table in this library or no annotations module
        return NoTags()
    return source


@dataclass
class TagNode:
    """One level of the tag tree: "iraq" holds "iraq/militias" as the child "militias"."""

    name: str  # the full tag name ("iraq/militias")
    label: str  # the last part ("militias")
    count: int = 0  # articles with this tag or one nested under it
    own: int = 0  # articles with exactly this tag
    color: str | None = None
    exists: bool = True  # False for a parent only implied by a nested tag's name
    children: list[TagNode] = field(default_factory=list)


def tag_tree(counts: Iterable[Any]) -> list[TagNode]:
    """Nest ``TagCount``-like rows (name, count, own, color) by "/" (Qt-free).

    A nested tag whose parent was never used on its own still gets a parent node
    (``exists=False``); its count is then the largest of its children's (a lower bound)."""
    roots: list[TagNode] = []
    index: dict[str, TagNode] = {}
    for row in sorted(counts, key=lambda r: str(r.name).casefold()):
        parts = str(row.name).split(SEPARATOR)
        siblings = roots
        for depth in range(len(parts)):
            name = SEPARATOR.join(parts[: depth + 1])
            node = index.get(name)
            if node is None:
                node = TagNode(name=name, label=parts[depth], exists=False)
                index[name] = node
                siblings.append(node)
            if depth == len(parts) - 1:
                node.count, node.own, node.color, node.exists = (
                    int(row.count), int(row.own), row.color, True
                )
            siblings = node.children

    def fill(node: TagNode) -> None:
        for child in node.children:
            fill(child)
        if not node.exists and node.children:
            node.count = max(c.count for c in node.children)

    for root in roots:
        fill(root)
    return roots
