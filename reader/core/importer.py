"""Import many files: extraction in worker processes, one writer committing articles in batches.

Two passes: the files are read, cleaned and stored first (the articles can be read and searched
at once), then analysed (attributions, related coverage) in a second pass over every article
still waiting for it, which also picks up what a cancel or a crash left.

Used by the CLI and by the GUI's background job alike: progress is a callback, cancelling is an
event checked between files, and what is committed is always whole articles.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import multiprocessing.context
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

from reader.core.attribution import ANALYZER_VERSION
from reader.core.errors import ImportRefused, LibraryError
from reader.core.ingest import (
    analyse_text,
    collect_files,
    import_file,
    is_candidate_in_folder,
)
from reader.core.library import Library, NewArticle, connect_read_only, pack_analysis

log = logging.getLogger("reader.importer")
_P = ParamSpec("_P")
_R = TypeVar("_R")

Status = Literal["imported", "duplicate", "refused", "skipped"]


@dataclass
class ImportOutcome:
    path: str
    status: Status
    article_id: int | None = None
    title: str | None = None
    duplicate_of: int | None = None
    likely_duplicate_of: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def describe(self) -> str:
        if self.status == "imported":
            line = f"imported  #{self.article_id}  {self.title}  ({self.path})"
            if self.likely_duplicate_of:
                line += f"  [likely duplicate of #{self.likely_duplicate_of}]"
            return line
        if self.status == "duplicate":
            return f"duplicate {self.path}: same file as #{self.duplicate_of}"
        if self.status == "skipped":
            return f"skipped   {self.path}: {self.reason}"
        return f"refused   {self.path}: {self.reason}"


@dataclass
class ImportReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    cancelled: bool = False
    analysis_pending: int = 0  # articles left waiting for the analysis pass (after a cancel)
    analysis_only: bool = False  # no files: the run only finished an earlier analysis pass

    @property
    def imported(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == "imported"]

    @property
    def refused(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def duplicates(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == "duplicate"]

    @property
    def skipped(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


ProgressCallback = Callable[[int, int, ImportOutcome], None]
DEFAULT_FILE_TIMEOUT = 60.0
FILES_PER_JOB = 8  # files sent to a worker at a time in the first pass
WORKER_NICENESS = 10  # workers run below the writer and the app (see _worker_init)
# Submitted and not yet stored, per worker: bounds the memory. Enough for the workers to keep
# going while the writer spends a slice storing or indexing (3 let them run dry: plain text on
# two cores 2,280-2,305 -> 2,380-2,430 articles/s, paired runs of 4,000 files).
JOBS_IN_FLIGHT_PER_WORKER = 6
IMPORT_WAL_PAGES = 10_000  # WAL auto-checkpoint while importing (SQLite's default: 1,000)
IMPORT_CACHE_KB = 65_536  # the writer's page cache while importing
# The writer stores results for at most this long before it tops up the workers' queue: a
# writer that drained every ready result first let the workers run out of files meanwhile.
WRITE_SLICE = 0.01


def _pool_context() -> multiprocessing.context.BaseContext:
    # Forking a process that runs other threads (the GUI, a Qt app) can deadlock the child;
    # a fresh interpreter is slower to start but always safe there. Windows cannot fork, and
    # macOS's system libraries are not safe to use in a forked child.
    if threading.active_count() > 1 or sys.platform in ("win32", "darwin"):
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("fork")


def _run_pool(
    job: Callable[..., Any],
    arguments: list[tuple[Any, ...]],
    queue: list[int],
    results: dict[int, Any],
    library_path: str,
    workers: int,
    max_in_flight: int,
    timeout: float,
    cancelled: Callable[[], bool],
    on_results: Callable[[], bool],
    on_error: Callable[[int, BaseException], Any],
    recurring: Mapping[str, frozenset[int]] | None = None,
    chunk: int = 1,
    alone: set[int] | None = None,
) -> int | None:
    """Run ``job(*arguments[i])`` for the queued indexes in a pool until the queue is empty,
    the user cancels, or a job overruns ``timeout``; in that last case the pool is killed and
    the job's index is returned (the other in-flight jobs are put back on the queue).

    Jobs go to the workers ``chunk`` at a time (one round trip for several small files). When
    a chunk overruns, its jobs are put back to run one by one (``alone``, kept by the caller
    across pools), so the next overrun names the job."""
    alone = alone if alone is not None else set()
    _join_retired_pools()  # a pool killed by the watchdog: its thread must not make this one spawn
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_pool_context(), initializer=_worker_init,
        initargs=(os.getpid(), library_path, recurring),
    )
    pending: dict[Future[Any], list[int]] = {}
    started: dict[Future[Any], float] = {}
    more_to_store = False
    try:
        _widen_result_pipe(pool)
        while queue or pending or more_to_store:
            # Results wait for slower jobs before them; don't let them pile up unbounded.
            while (queue and len(pending) < max_in_flight
                   and len(results) < max_in_flight * chunk * 8 and not cancelled()):
                indexes = [queue.pop()]
                while (len(indexes) < chunk and queue and indexes[0] not in alone
                       and queue[-1] not in alone):
                    indexes.append(queue.pop())
                future = pool.submit(_run_jobs, job, [arguments[i] for i in indexes])
                pending[future] = indexes
            if cancelled():
                return None
            done, _ = wait(pending, timeout=0 if more_to_store else 0.2,
                           return_when=FIRST_COMPLETED)
            for future in done:
                indexes = pending.pop(future)
                started.pop(future, None)
                try:
                    outcomes = future.result()
                except Exception as exc:  # a crashed worker costs its jobs, not the batch
                    outcomes = [(False, exc)] * len(indexes)
                for index, (ok, value) in zip(indexes, outcomes, strict=True):
                    results[index] = value if ok else on_error(index, value)
            more_to_store = on_results()
            now = time.monotonic()
            for future, indexes in pending.items():
                if future.running():
                    started.setdefault(future, now)
                    if now - started[future] > timeout:
                        others = [i for f, ii in pending.items() if f is not future for i in ii]
                        if len(indexes) > 1:
                            alone.update(indexes)
                            others += indexes
                        queue.extend(sorted(others, reverse=True))
                        return indexes[0] if len(indexes) == 1 else None
        return None
    finally:
        if pending:
            # Stopped with jobs in flight (a cancel, the watchdog, an error of the writer's,
            # Ctrl-C): their results would be thrown away, so their workers are killed rather
            # than waited for. (The futures are cancelled by the shutdown, from the executor's
            # own thread: cancelled here, CPython 3.11's broken-pool handling could fail on them.)
            _kill(pool)
        _retire(pool)


# The capacity asked for the pipe that carries the workers' results back (Linux's default is
# 64 KB; 1 MB is the most an unprivileged process may ask for by default).
RESULT_PIPE_BYTES = 1 << 20


def _widen_result_pipe(pool: ProcessPoolExecutor) -> None:
    """Let the workers' results queue up in the pipe rather than in the workers.

    One job's results (eight plain-text articles: ~70 KB pickled, text and compressed copies)
    overflow the default 64 KB pipe, so a worker sat blocked in its send until the writer's
    process read the rest (whose reading thread waits for the writer to let go of the GIL):
    traced on two cores, 8-16% of each worker's time in a 1,000-file text import, 1-9% with
    1 MB. The pipe's pages are only taken as results fill it. Linux only (``F_SETPIPE_SZ``),
    and it reaches into the executor's private result queue: anywhere either is missing, or
    the system refuses the size, the pipe stays as it is."""
    reader = getattr(getattr(pool, "_result_queue", None), "_reader", None)
    if reader is None or not sys.platform.startswith("linux"):
        return
    import fcntl

    with contextlib.suppress(OSError, ValueError, AttributeError):
        fcntl.fcntl(reader.fileno(), fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)


def _run_jobs(job: Callable[..., Any], arguments: list[tuple[Any, ...]]) -> list[tuple[bool, Any]]:
    """In a worker: several jobs, each one's exception kept as its own result."""
    outcomes: list[tuple[bool, Any]] = []
    for args in arguments:
        try:
            outcomes.append((True, job(*args)))
        except Exception as exc:
            outcomes.append((False, exc))
    return outcomes


def _worker_init(
    parent: int, library_path: str, recurring: Mapping[str, frozenset[int]] | None
) -> None:
    global _LIBRARY_PATH, _RECURRING
    _LIBRARY_PATH = library_path
    _RECURRING = recurring or {}  # sent once per worker rather than with every file
    if hasattr(os, "nice"):
        # Below the writer (and the app): the single writer is the import's serial stage, and
        # a worker that takes its core makes every other worker wait for it (plain text on
        # two cores: 1,160 -> 1,340 articles/s, medians of six paired runs).
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)
    _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the importing process is gone (killed, crashed), rather than
    linger as an orphan."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()


def _kill(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers. The parent's end of the result pipe is closed too: a worker
    killed halfway through sending a large result would otherwise leave the executor's thread
    waiting for the rest for ever (the parent's own open end means no end of file), and the
    interpreter's exit joins that thread."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.kill()
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.close()


# Pools shut down without waiting (their workers exit while the writer stores the last
# results): the threads that reap them, joined by ``_join_retired_pools``.
_RETIRED_POOL_THREADS: list[threading.Thread] = []
RETIRED_POOL_TIMEOUT = 5.0  # seconds to wait for them


def _retire(pool: ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting for its workers to exit; ``_join_retired_pools``
    waits for them later."""
    thread = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    if isinstance(thread, threading.Thread):
        _RETIRED_POOL_THREADS.append(thread)


def _join_retired_pools(timeout: float = RETIRED_POOL_TIMEOUT) -> None:
    """Wait (at most ``timeout`` seconds in all) for retired pools' workers to exit and the
    executor threads that reap them to end: at the end of a pass, once its last commit is
    made, and before a new pool starts (after the watchdog killed one).

    A thread left running made the next pool a spawned one (``_pool_context`` sees a second
    thread), so the CLI's analysis pass started fresh interpreters instead of forking; and at
    the interpreter's exit CPython 3.11's ProcessPoolExecutor could wake such a thread through
    a pipe the thread was closing ("OSError: [Errno 9] Bad file descriptor" printed after
    `reader import`: 1 run in 40 of the samples)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            thread = _RETIRED_POOL_THREADS.pop()
        except IndexError:
            return
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            log.warning("a worker pool is still shutting down after %.0f s", timeout)


_SNAPSHOT: tuple[str, sqlite3.Connection] | None = None
_LIBRARY_PATH = ""  # in a worker: the library being imported into
_RECURRING: Mapping[str, frozenset[int]] = {}  # in a worker: each outlet's boilerplate lines


def _snapshot(library_path: str) -> sqlite3.Connection | None:
    """In a worker: a read-only connection to the library (opened once per process)."""
    global _SNAPSHOT
    if _SNAPSHOT is not None and _SNAPSHOT[0] == library_path:
        return _SNAPSHOT[1]
    if not library_path or not Path(library_path).is_file():
        return None
    conn = connect_read_only(library_path)
    _SNAPSHOT = (library_path, conn)
    return conn


def _extract_job(path: str) -> NewArticle | ImportRefused:
    """Runs in a worker (first pass): the record without its analysis, or the refusal
    (exceptions stay picklable)."""
    try:
        record = import_file(path, _RECURRING, analyse=False)
        # The stored form is worked out here (and kept), not on the single writer.
        if record.storage().original_packed is not None:
            record.original = b""  # the writer stores the compressed copy: send only that
        return record
    except ImportRefused as refusal:
        return refusal


@dataclass
class Analysed:
    """What the second pass computes for one stored article, in a worker."""

    analysis: dict[str, Any] | None
    analyzer_version: int | None
    prepared: Any = None  # related.Prepared (with the snapshot search in ``found``), or None
    packed: bytes | None = None  # the analysis as stored (``pack_analysis``), made here


def _analyse_job(article_id: int, keep_related: bool) -> Analysed | None:
    """Runs in a worker (second pass): the attribution analysis of a stored article and, with
    ``keep_related``, its related-coverage features and the search of the library's last
    committed state for its neighbours and reused passages (``search_snapshot``), so the
    single writer only merges in what was indexed since. None when the article is gone."""
    conn = _snapshot(_LIBRARY_PATH)
    if conn is None:
        raise RuntimeError("the library cannot be read")
    row = conn.execute(
        "SELECT title, site, reader_text(text) FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return None
    title, site, text = row[0], row[1], row[2] or ""
    analysis, version = analyse_text(text, site)
    result = Analysed(analysis, version, packed=pack_analysis(analysis, text))
    if keep_related:
        try:  # pure work, done here rather than on the single writer
            from reader.core.related import prepare, search_snapshot

            result.prepared = prepare(title, text)
            result.prepared.found = search_snapshot(conn, result.prepared, text)
        except Exception:  # the writer computes them itself
            log.exception("related features not prepared for #%s", article_id)
            result.prepared = None
    return result


AnalysisProgress = Callable[[int, int], None]


@contextlib.contextmanager
def _writer_settings(library: Library) -> Iterator[None]:
    """The writer's connection while it imports, restored afterwards: a larger page cache (the
    full-text index and related tables of a big library are written all over; SQLite's
    default is 2 MB) and fewer WAL checkpoints (pages the full-text index rewrites batch after
    batch are copied to the database once rather than each time), and the new articles'
    outlet line counts held back (``Library.deferred_outlet_lines``): ``run_import`` stores
    them when its last files are with the workers and at its end, otherwise the end does.

    Checkpoints stay on the writer: taken by a second process every 0.1 s instead, they halved
    the import rate (each one syncs the disk, and the writer's own writes waited for it)."""
    conn = library.conn
    cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    checkpoint = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KB}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_WAL_PAGES}")
    try:
        with library.deferred_outlet_lines():
            yield
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")


def _with_writer_settings(
    function: Callable[Concatenate[Library, _P], _R],
) -> Callable[Concatenate[Library, _P], _R]:
    @functools.wraps(function)
    def wrapper(library: Library, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _writer_settings(library):
            return function(library, *args, **kwargs)

    return wrapper


@_with_writer_settings
def run_import(
    library: Library,
    paths: Iterable[str | Path],
    *,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    after_commit: Callable[[int], None] | None = None,
    file_timeout: float = DEFAULT_FILE_TIMEOUT,
    keep_related: bool = True,
    analyse: bool = True,
    analysis_progress: AnalysisProgress | None = None,
    after_analysis: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import files and folders; each article is committed whole or not at all.

    Two passes. The first reads, cleans and stores the files: articles are committed in input
    order, in batches (up to ``BATCH_ARTICLES`` articles or ``BATCH_SECONDS`` per
    transaction), each article a savepoint of its batch: one that cannot be stored rolls back
    alone and is refused. A cancel or an error commits the batch so far; a crash loses at most
    the uncommitted batch. Progress is reported once per file, in input order, once its
    outcome is durable: an "imported" line is never shown for an article a crash could still
    lose. ``after_commit(article_id)`` runs on the writer after each new article's batch is
    committed: from then on it can be read and searched.

    The second pass (``analyse``; see ``analyse_pending``) adds the attribution analysis and,
    with ``keep_related``, the related coverage of every article still waiting for them —
    this import's, and any a cancel or a crash left before.

    Files are extracted in ``workers`` child processes (at least one, even for one file), with
    a watchdog: a file whose extraction runs longer than ``file_timeout`` seconds is refused
    and its worker killed.
    """
    report = ImportReport()
    files: list[str] = []
    for found, named in collect_files(paths):
        if named or is_candidate_in_folder(found):
            files.append(str(found))
        else:
            report.outcomes.append(
                ImportOutcome(str(found), "skipped", reason="not an article file type")
            )
    recurring = library.recurring_lines()
    total = len(files)
    skipped = len(report.outcomes)
    results: dict[int, Any] = {}
    next_to_commit = 0
    queue = list(reversed(range(total)))  # indexes still to submit to the workers, next one last
    finishing = False  # the queue has been empty: the last files are with the workers

    def announce(outcome: ImportOutcome) -> None:
        # Called by the batch once the outcome is durable, in input order.
        report.outcomes.append(outcome)
        if outcome.article_id is not None and after_commit is not None:
            after_commit(outcome.article_id)
        if progress is not None:
            progress(len(report.outcomes) - skipped, total, outcome)

    batch = _Batch(library, announce, max_articles=BATCH_ARTICLES, max_seconds=BATCH_SECONDS)

    def commit(path: str, result: NewArticle | ImportRefused) -> None:
        if isinstance(result, ImportRefused):
            batch.decided(ImportOutcome(path, "refused", reason=result.reason))
            return
        batch.begin()
        batch.decided(_commit(library, path, result))

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    def commit_ready(slice_seconds: float = WRITE_SLICE) -> bool:
        # Commit in file order so ids follow the order the user gave.
        nonlocal next_to_commit, finishing
        if not queue and not finishing:
            # The last files are with the workers: commit what is stored (and count its outlet
            # lines) while they finish them, not once they are idle (the end of a 1,000-file
            # text import on two cores was ~35 ms of the writer alone).
            finishing = True
            library.store_deferred_outlet_lines()
            batch.commit()
        next_to_commit, more = _store_in_order(
            results, next_to_commit, lambda i, result: commit(files[i], result), batch,
            cancelled, slice_seconds, finishing=finishing,
        )
        return more

    def refuse(index: int, exc: BaseException) -> ImportRefused:
        return ImportRefused(files[index], f"could not be read ({exc.__class__.__name__})")

    # Even one worker runs in a child process: that is what lets the watchdog stop a runaway
    # extractor (stuck inside lxml's or pypdf's C code, where no signal or thread can reach it)
    # and refuse its file, and what keeps an extractor crash out of the writer.
    workers = max(1, workers)
    if total:
        pool_workers = min(workers, total)
        # Bounded look-ahead keeps memory flat however many files there are.
        max_in_flight = pool_workers * JOBS_IN_FLIGHT_PER_WORKER
        # Each file is checked (missing, not a regular file, empty, too large) by its worker
        # before it is read, not here in a pass over every file: the workers start at once,
        # and a file found in a folder (listed without a stat) whose stat hangs on a dead
        # network mount meets the watchdog.
        arguments = [(path,) for path in files]
        alone: set[int] = set()
        # a few files per round trip once there are enough to keep every worker busy
        chunk = max(1, min(FILES_PER_JOB, total // (pool_workers * 4)))
        # The full-text index's merging waits for the second pass (see ``FTS_AUTOMERGE``).
        with library.fts_merging_held_back():
            try:
                while next_to_commit < total and not report.cancelled:
                    hung = _run_pool(_extract_job, arguments, queue, results, "", pool_workers,
                                     max_in_flight, file_timeout, cancelled, commit_ready,
                                     refuse, recurring, chunk, alone)
                    if hung is not None:
                        # The pool was torn down to stop a runaway extractor; its file is
                        # refused and the files that were in flight with it go back in the queue.
                        results[hung] = ImportRefused(
                            files[hung], f"took longer than {file_timeout:.0f} s to read; skipped"
                        )
                    if cancelled():
                        report.cancelled = True
                    commit_ready(float("inf"))
                    if (not queue and next_to_commit < total and hung is None
                            and not report.cancelled):
                        break
            finally:
                # Whatever stops the import (the end, a cancel, an error), the articles written
                # so far are whole (each one is a savepoint): keep them, and count the outlet
                # lines not counted yet in the same transaction.
                try:
                    library.store_deferred_outlet_lines()
                finally:
                    batch.commit()
        _join_retired_pools()
    if analyse and not report.cancelled:
        analyse_pending(
            library, workers=workers, progress=analysis_progress, cancel=cancel,
            after_analysis=after_analysis, timeout=file_timeout, keep_related=keep_related,
        )
        report.cancelled = cancelled()
    if report.cancelled or not analyse:
        report.analysis_pending = library.pending_analysis_count()
    return report


@_with_writer_settings
def analyse_pending(
    library: Library,
    *,
    workers: int = 1,
    progress: AnalysisProgress | None = None,
    cancel: threading.Event | None = None,
    after_analysis: Callable[[int], None] | None = None,
    timeout: float = DEFAULT_FILE_TIMEOUT,
    keep_related: bool = True,
) -> int:
    """The second pass of an import: analyse every article still waiting for its analysis
    (``Library.pending_analysis``), oldest first, and bring related coverage up to date for
    each. Returns how many were analysed.

    The analysis and the related search run in ``workers`` child processes against the last
    committed state of the library; the writer stores each article's analysis and merges its
    related coverage in one savepoint, committing in batches (``ANALYSIS_BATCH_ARTICLES`` or
    ``ANALYSIS_BATCH_SECONDS``), in id order. A cancel or a crash leaves the rest waiting for
    the next import or launch of the app; an article whose analysis fails or overruns
    ``timeout`` is stored as analysed with nothing found (and logged), so it never blocks the
    queue.
    """
    library.resume_fts_merging()  # after a crash during a first pass
    ids = library.pending_analysis()
    total = len(ids)
    if not total:
        return 0
    results: dict[int, Any] = {}
    done = 0
    next_to_store = 0

    def announce(article_id: int) -> None:
        nonlocal done
        done += 1
        if after_analysis is not None:
            after_analysis(article_id)
        if progress is not None:
            progress(done, total)

    batch = _Batch(
        library, announce,
        max_articles=ANALYSIS_BATCH_ARTICLES, max_seconds=ANALYSIS_BATCH_SECONDS,
    )
    merging = True  # the full-text index may have merging left from a first pass

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    def store(index: int, result: Analysed | BaseException | None) -> None:
        article_id = ids[index]
        if result is None:
            return  # deleted meanwhile
        batch.begin()
        try:
            with library.transaction():
                if isinstance(result, Analysed):
                    library.store_analysis(article_id, result.analysis, result.analyzer_version, packed=result.packed)
                else:
                    log.error("analysis failed for #%s: %s", article_id, result)
                    library.store_analysis(article_id, None, ANALYZER_VERSION)
        except LibraryError:
            raise
        except Exception:
            log.exception("could not store the analysis of #%s", article_id)
            return
        if keep_related:
            prepared = result.prepared if isinstance(result, Analysed) else None
            _update_related(library, article_id, prepared)
        batch.decided(article_id)

    def store_ready(slice_seconds: float = WRITE_SLICE) -> bool:
        nonlocal next_to_store, merging
        next_to_store, more = _store_in_order(
            results, next_to_store, store, batch, cancelled, slice_seconds
        )
        if merging and not more and batch.is_open and not cancelled():
            # Caught up with the workers: a step of the full-text index's merging that the
            # first pass left, in the open batch (committed with its analyses; a batch is not
            # opened for it, so the write lock is not held longer than before).
            try:
                merging = library.merge_fts_step()
            except sqlite3.Error:
                if not library.conn.in_transaction:
                    raise  # SQLite rolled the whole batch back: the batch's own error
                log.exception("full-text index merging stopped; automatic merging takes over")
                merging = False
        return more

    pool_workers = max(1, min(workers, total))
    queue = list(reversed(range(total)))
    arguments = [(article_id, keep_related) for article_id in ids]
    try:
        while next_to_store < total and not cancelled():
            hung = _run_pool(_analyse_job, arguments, queue, results, str(library.path),
                             pool_workers, pool_workers * JOBS_IN_FLIGHT_PER_WORKER, timeout, cancelled, store_ready,
                             lambda _index, exc: exc)
            if hung is not None:
                results[hung] = TimeoutError(f"analysis took longer than {timeout:.0f} s")
            store_ready(float("inf"))
            if not queue and next_to_store < total and hung is None and not cancelled():
                break
    finally:
        batch.commit()
    _join_retired_pools()
    return done


def _store_in_order(
    results: dict[int, Any],
    next_index: int,
    store: Callable[[int, Any], None],
    batch: _Batch,
    cancelled: Callable[[], bool],
    slice_seconds: float,
    finishing: bool = False,
) -> tuple[int, bool]:
    """The writer's turn: store the results ready from ``next_index`` on, in order, for at
    most ``slice_seconds``. Returns the next index to store and whether results are still
    ready (the slice ran out). ``finishing`` (the last files are with the workers): once the
    writer has caught up with them, the new articles go into the full-text index and their
    outlet lines are counted at once, so that the final commit has little left."""
    ends = time.monotonic() + slice_seconds
    while next_index in results and not cancelled():
        store(next_index, results.pop(next_index))
        next_index += 1
        batch.commit_if_due()
        if time.monotonic() > ends:
            break
    batch.commit_if_due()
    # Index the new articles once enough have gathered: done all at once at the commit, the
    # indexing of a batch stopped the writer long enough for the workers to run out of files;
    # done after every slice (a dozen articles), each call wrote a full-text index segment
    # that later merges copied again (a sixth of the writer's time on plain text).
    more = next_index in results and not cancelled()
    if finishing and not more:  # caught up (a writer still behind goes on as before)
        batch.index_new_articles()
        batch.library.store_deferred_outlet_lines()
    elif batch.library.unindexed_articles() >= INDEX_EVERY_ARTICLES:
        batch.index_new_articles()
    return next_index, more


# Articles committed together: one commit (and its WAL sync and page writes) per batch rather than
# per article. Each article is a savepoint inside the batch, so a failing one rolls back alone.
# The larger a batch, the fewer index pages each commit writes again: into a big library a
# commit is mostly copying into the WAL pages of the scattered-key indexes (hashes, titles,
# dates) that every batch rewrites (docs/scale.md, thirteenth round). Whichever limit comes
# first ends a batch (plain text reaches 1,000 articles in ~0.8 s on two cores); outcomes are
# announced at commits, and ``commit_if_due`` runs at least every 0.2 s.
BATCH_ARTICLES = 1000
BATCH_SECONDS = 1.0
# The analysis pass's batches: it stores ~50 articles a second, each with writes all over the
# related-coverage tables, so a batch is time-bound and its commits rewrite few shared pages;
# left at the size it was measured with.
ANALYSIS_BATCH_ARTICLES = 500
ANALYSIS_BATCH_SECONDS = 0.5
INDEX_EVERY_ARTICLES = 100  # new articles added to the full-text index together (and at commit)


class _Batch:
    """The writer's open transaction and the outcomes waiting for its commit.

    Outcomes are announced only after the commit that makes them durable (or at once when no
    transaction is open, e.g. a refusal between batches), always in input order.
    """

    def __init__(
        self, library: Library, announce: Callable[[Any], None], *,
        max_articles: int, max_seconds: float,
    ) -> None:
        self.library = library
        self.announce = announce
        self.max_articles = max_articles
        self.max_seconds = max_seconds
        self.waiting: list[Any] = []
        self.articles = 0
        self.started = 0.0
        self._open: contextlib.AbstractContextManager[Any] | None = None

    @property
    def is_open(self) -> bool:
        return self._open is not None

    def begin(self) -> None:
        if self._open is None:
            opening = self.library.transaction()
            opening.__enter__()  # BEGIN IMMEDIATE (a savepoint if the caller has a transaction)
            self._open = opening
            self.started = time.monotonic()
        self.articles += 1

    def decided(self, outcome: Any) -> None:
        self.waiting.append(outcome)
        if self._open is None:
            self._flush()

    def commit_if_due(self) -> None:
        if self._open is not None and (
            self.articles >= self.max_articles
            or time.monotonic() - self.started >= self.max_seconds
        ):
            self.commit()

    def index_new_articles(self) -> None:
        if self._open is not None:
            self.library.index_new_articles()

    def commit(self) -> None:
        opened, self._open = self._open, None
        if opened is not None:
            try:
                opened.__exit__(None, None, None)  # COMMIT
            except BaseException:
                self.waiting, self.articles = [], 0
                if self.library.conn.in_transaction:
                    with contextlib.suppress(Exception):
                        self.library.conn.execute("ROLLBACK")
                raise
        self._flush()

    def _flush(self) -> None:
        waiting, self.waiting, self.articles = self.waiting, [], 0
        for outcome in waiting:
            self.announce(outcome)


def _update_related(library: Library, article_id: int, prepared: Any = None) -> None:
    from reader.core.related import update_related

    try:
        update_related(library, article_id, prepared)
    except Exception:  # derived data: `reader related --rebuild` can always redo it
        log.exception("related coverage not updated for #%s", article_id)


def _commit(library: Library, path: str, record: NewArticle) -> ImportOutcome:
    try:
        with library.transaction():  # the article's savepoint inside the writer's batch
            added = library.add_article(record)
    except LibraryError:
        raise  # the library is in use or unusable: stop the batch with that message
    except Exception as exc:
        log.exception("could not store %s", path)
        return ImportOutcome(path, "refused", reason=f"could not be stored ({exc})")
    if added.duplicate_of is not None:
        return ImportOutcome(path, "duplicate", duplicate_of=added.duplicate_of, title=record.title)
    return ImportOutcome(
        path,
        "imported",
        article_id=added.article_id,
        title=record.title,
        likely_duplicate_of=added.likely_duplicate_of,
    )


def default_workers() -> int:
    return max(1, (os.cpu_count() or 1))
