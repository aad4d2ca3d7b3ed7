"""Plain data records that flow through the import pipeline.

file bytes -> DecodedDocument -> ExtractedArticle -> ArticleRecord (with analysis) -> library row.
Every record here is a frozen-ish dataclass of plain values so it can cross process boundaries
(pickle) and be compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph"]


@dataclass(frozen=True)
class Block:
    """One unit of the clean article body: a subheading or a paragraph."""

    kind: BlockKind
    text: str


@dataclass
class ExtractedArticle:
    """What an extractor (plain text, HTML, MHTML, PDF) gets out of one file.

    ``removed`` lists the boilerplate lines or blocks that were taken out, in document order,
    so the reader can show them on demand.
    """

    blocks: list[Block]
    title: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601, local time as printed when no zone is known
    url: str | None = None
    removed: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The clean body: blocks separated by one blank line."""
        return body_text(self.blocks)

    @property
    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "heading"]


def body_text(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)
