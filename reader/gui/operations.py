"""Background work with results delivered on the UI thread (after Anki's ``QueryOp``).

    QueryOp(parent=window, op=lambda lib: lib.count(), success=show).run_in_background()

``op`` runs in a worker thread and receives a :class:`~reader.core.library.Library` opened in
that thread (its own SQLite connection; never the UI thread's). ``success`` / ``failure`` and
``progress`` callbacks run on the UI thread, through queued signals. Writes go to a
single-thread executor so that the library has one writer at a time; reads use a small pool.
Never touch a widget inside ``op``.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from reader.core.library import Library

log = logging.getLogger("reader.gui.operations")

T = TypeVar("T")


class TaskManager:
    """Owns the worker threads and their per-thread library connections."""

    def __init__(self, library_path: Path) -> None:
        self.library_path = library_path
        self._reader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reader-read")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-write")
        self._local = threading.local()
        self._libraries: list[Library] = []
        self._lock = threading.Lock()
        self.closed = False

    def library(self) -> Library:
        """The calling worker thread's own library connection (opened on first use)."""
        lib: Library | None = getattr(self._local, "library", None)
        if lib is None:
            lib = Library.open(self.library_path)
            self._local.library = lib
            with self._lock:
                self._libraries.append(lib)
        return lib

    def submit(self, fn: Callable[[], None], *, write: bool) -> None:
        if self.closed:
            log.debug("task manager closed; dropping a job")
            return
        (self._writer if write else self._reader).submit(fn)

    def shutdown(self) -> None:
        self.closed = True
        self._reader.shutdown(wait=True, cancel_futures=True)
        self._writer.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for lib in self._libraries:
                try:
                    lib.conn.close()
                except Exception:  # closing a connection from another thread may complain
                    log.debug("closing a worker connection failed", exc_info=True)
            self._libraries.clear()


class _Bridge(QObject):
    """Lives on the UI thread; worker threads emit, Qt queues the call to the UI thread."""

    succeeded = Signal(object)
    failed = Signal(object, str)
    progressed = Signal(object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)


_running: set[QueryOp[Any]] = set()


class QueryOp(Generic[T]):
    """One background job: ``op(library)`` off the UI thread, callbacks on it."""

    def __init__(
        self,
        *,
        parent: QObject,
        tasks: TaskManager,
        op: Callable[[Library], T],
        success: Callable[[T], None],
        failure: Callable[[BaseException, str], None] | None = None,
        progress: Callable[[Any], None] | None = None,
        write: bool = False,
    ) -> None:
        self._op = op
        self._success = success
        self._failure = failure
        self._progress = progress
        self._tasks = tasks
        self._write = write
        self._bridge = _Bridge(parent)
        self._bridge.succeeded.connect(self._on_success)
        self._bridge.failed.connect(self._on_failure)
        self._bridge.progressed.connect(self._on_progress)

    def report_progress(self, value: object) -> None:
        """Call from inside ``op`` (any thread) to send a progress value to the UI thread."""
        self._bridge.progressed.emit(value)

    def run_in_background(self) -> None:
        _running.add(self)
        self._tasks.submit(self._run, write=self._write)

    def _run(self) -> None:
        try:
            result = self._op(self._tasks.library())
        except BaseException as exc:
            self._bridge.failed.emit(exc, traceback.format_exc())
            return
        self._bridge.succeeded.emit(result)

    @Slot(object)
    def _on_success(self, result: Any) -> None:
        self._finish()
        if self._tasks.closed:  # the window is gone; its widgets must not be touched
            log.debug("dropping a result that arrived after shutdown")
            return
        self._success(result)

    @Slot(object, str)
    def _on_failure(self, exc: BaseException, tb: str) -> None:
        self._finish()
        if self._tasks.closed:
            log.debug("background job failed after shutdown:\n%s", tb)
            return
        if self._failure is not None:
            self._failure(exc, tb)
        else:
            log.error("background job failed:\n%s", tb)
            raise exc

    @Slot(object)
    def _on_progress(self, value: object) -> None:
        if self._progress is not None and not self._tasks.closed:
            self._progress(value)

    def _finish(self) -> None:
        _running.discard(self)
        self._bridge.deleteLater()
