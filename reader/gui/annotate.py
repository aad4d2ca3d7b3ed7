"""Tags, highlights and notes written through the single writer, with change signals.

Every widget that changes annotations calls this controller; the write runs on the writer
thread (``QueryOp(write=True)``) and the matching signal fires on the UI thread once it is
committed, so views re-read from their own connection and always see the new state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from reader.core import annotations as ann
from reader.core.library import Library
from reader.gui.operations import QueryOp, TaskManager

log = logging.getLogger("reader.gui.annotate")


class AnnotationController(QObject):
    tagsChanged = Signal(object)  # list[int]: articles whose tags changed, or None: any/all
    highlightsChanged = Signal(int)  # article id
    highlightAdded = Signal(int, int)  # article id, highlight id
    notesChanged = Signal(int)  # article id
    failed = Signal(str)  # a message for the user

    def __init__(self, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.pending = 0

    def _write(self, op: Callable[[Library], Any], done: Callable[[Any], None], what: str) -> None:
        self.pending += 1

        def success(result: Any) -> None:
            self.pending -= 1
            done(result)

        def failure(exc: BaseException, tb: str) -> None:
            self.pending -= 1
            log.warning("%s failed:\n%s", what, tb)
            self.failed.emit(f"Could not {what}: {exc}")

        QueryOp(
            parent=self, tasks=self.tasks, op=op, success=success, failure=failure, write=True
        ).run_in_background()

    # ----- tags ------------------------------------------------------------------------------
    def add_tags(self, ids: list[int], names: list[str]) -> None:
        ids, names = list(ids), [n for n in names if n.strip()]
        if ids and names:
            self._write(lambda lib: ann.add_tags(lib, ids, names),
                        lambda _r: self.tagsChanged.emit(ids), "add the tags")

    def remove_tags(self, ids: list[int], names: list[str]) -> None:
        ids, names = list(ids), list(names)
        if ids and names:
            self._write(lambda lib: ann.remove_tags(lib, ids, names),
                        lambda _r: self.tagsChanged.emit(ids), "remove the tags")

    def rename_tag(self, old: str, new: str) -> None:
        self._write(lambda lib: ann.rename_tag(lib, old, new),
                    lambda _r: self.tagsChanged.emit(None), f"rename “{old}”")

    def merge_tags(self, sources: list[str], target: str) -> None:
        sources = [s for s in sources if s != target]
        if sources:
            self._write(lambda lib: ann.merge_tags(lib, sources, target),
                        lambda _r: self.tagsChanged.emit(None), "merge the tags")

    def delete_tag(self, name: str) -> None:
        self._write(lambda lib: ann.delete_tag(lib, name, nested=True),
                    lambda _r: self.tagsChanged.emit(None), f"delete “{name}”")

    def set_tag_color(self, name: str, color: str | None) -> None:
        self._write(lambda lib: ann.set_tag_color(lib, name, color),
                    lambda _r: self.tagsChanged.emit(None), f"colour “{name}”")

    # ----- highlights ------------------------------------------------------------------------
    def add_highlight(
        self, article_id: int, start: int, end: int, color: str = "yellow", note: str | None = None
    ) -> None:
        def done(highlight_id: int) -> None:
            self.highlightsChanged.emit(article_id)
            self.highlightAdded.emit(article_id, int(highlight_id))

        self._write(
            lambda lib: ann.add_highlight(lib, article_id, start, end, color=color, note=note),
            done, "add the highlight",
        )

    def update_highlight(
        self, article_id: int, highlight_id: int, *, note: str | None = None,
        color: str | None = None,
    ) -> None:
        self._write(
            lambda lib: ann.update_highlight(lib, highlight_id, note=note, color=color),
            lambda _r: self.highlightsChanged.emit(article_id), "change the highlight",
        )

    def delete_highlight(self, article_id: int, highlight_id: int) -> None:
        self._write(lambda lib: ann.delete_highlight(lib, highlight_id),
                    lambda _r: self.highlightsChanged.emit(article_id), "delete the highlight")

    # ----- article notes ---------------------------------------------------------------------
    def add_note(self, article_id: int, body: str) -> None:
        if body.strip():
            self._write(lambda lib: ann.add_article_note(lib, article_id, body),
                        lambda _r: self.notesChanged.emit(article_id), "add the note")

    def update_note(self, article_id: int, note_id: int, body: str) -> None:
        if not body.strip():
            self.delete_note(article_id, note_id)
            return
        self._write(lambda lib: ann.update_article_note(lib, note_id, body),
                    lambda _r: self.notesChanged.emit(article_id), "save the note")

    def delete_note(self, article_id: int, note_id: int) -> None:
        self._write(lambda lib: ann.delete_article_note(lib, note_id),
                    lambda _r: self.notesChanged.emit(article_id), "delete the note")


def tag_colors(library: Library, tags: list[str]) -> dict[str, str]:
    """The colours set for any of these tags."""
    colors = dict(
        library.conn.execute("SELECT name, color FROM tags WHERE color IS NOT NULL").fetchall()
    )
    return {t: colors[t] for t in tags if t in colors}
