"""Typed errors the core raises; the CLI prints them and the GUI shows them."""

from __future__ import annotations

from pathlib import Path


class ReaderError(Exception):
    """Base class for errors a user should see as a message, not a traceback."""


class ImportRefused(ReaderError):
    """A file could not be imported; ``reason`` is one short human sentence."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self) -> tuple[type[ImportRefused], tuple[str, str]]:
        # Refusals cross process boundaries from import workers; pickle them by their fields.
        return (ImportRefused, (self.path, self.reason))


class LibraryError(ReaderError):
    """The library file cannot be used (too new, foreign, corrupt, locked)."""


class ArticleNotFound(ReaderError):
    def __init__(self, article_id: int) -> None:
        super().__init__(f"no article with id {article_id}")
        self.article_id = article_id
