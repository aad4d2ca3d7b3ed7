"""The importer's writer commits articles in batches: each article whole or absent, in order."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.core import importer
from reader.core.importer import run_import
from reader.core.library import FTS_AUTOMERGE, Library, NewArticle

from .articles import (
    STORY_PARAGRAPHS,
    article_txt,
    extract_unless_hang,
    send_half_a_result,
    story_files,
)


def test_batch_commits_in_order_and_one_failure_rolls_back_alone(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = story_files(tmp_path, 7)
    monkeypatch.setattr(importer, "BATCH_ARTICLES", 3)
    original = Library.add_article

    def flaky(self: Library, record: NewArticle) -> Any:
        result = original(self, record)  # the row is written, then the savepoint fails
        if record.title.startswith("Story 4"):
            raise sqlite3.IntegrityError("simulated failure after the insert")
        return result

    monkeypatch.setattr(Library, "add_article", flaky)
    seen_in_db: list[int] = []
    committed: list[int] = []

    def after_commit(article_id: int) -> None:
        # Only called once the article's batch is committed: another connection sees it.
        other = sqlite3.connect(library.path)
        try:
            row = other.execute("SELECT id FROM articles WHERE id = ?", (article_id,)).fetchone()
        finally:
            other.close()
        seen_in_db.append(int(row[0]) if row else -1)
        committed.append(article_id)

    progress: list[str] = []
    report = run_import(
        library, paths, after_commit=after_commit,
        progress=lambda done, total, outcome: progress.append(outcome.status),
    )
    assert [o.status for o in report.outcomes] == ["imported"] * 4 + ["refused"] + ["imported"] * 2
    assert progress == [o.status for o in report.outcomes]  # one callback per file, in order
    ids = [o.article_id for o in report.imported]
    assert ids == sorted(ids)
    assert committed == ids == seen_in_db
    titles = [r["title"] for r in library.db.query("SELECT title FROM articles ORDER BY id")]
    assert titles == [f"Story {i} headline" for i in (0, 1, 2, 3, 5, 6)]
    assert not library.conn.in_transaction
    for article_id in ids:
        assert library.original_bytes(article_id)
    # related coverage of the failed article was never written (rolled back with it)
    assert library.conn.execute(
        "SELECT COUNT(*) FROM related_docs WHERE article_id NOT IN (SELECT id FROM articles)"
    ).fetchone()[0] == 0


def test_second_pass_analyses_in_id_order_and_resumes_after_a_cancel(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    paths = story_files(tmp_path, 8)
    # small analysis batches (the first pass keeps its own): the cancel lands between them
    monkeypatch.setattr(importer, "ANALYSIS_BATCH_ARTICLES", 2)
    cancel = threading.Event()
    stored: list[int] = []
    analysed: list[int] = []

    def after_commit(article_id: int) -> None:
        # the first pass: stored, searchable, and not analysed yet
        row = library.conn.execute(
            "SELECT analyzer_version FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        assert row == (None,)
        stored.append(article_id)

    def after_analysis(article_id: int) -> None:
        analysed.append(article_id)
        if len(analysed) == 3:
            cancel.set()  # the user cancels during the analysis pass

    report = run_import(
        library, paths, cancel=cancel, after_commit=after_commit, after_analysis=after_analysis
    )
    assert stored == list(range(1, 9))
    assert report.cancelled and len(report.imported) == 8
    # what was analysed is whole (analysis and related coverage together), in id order
    assert analysed[:3] == [1, 2, 3]
    waiting = library.pending_analysis()
    assert report.analysis_pending == len(waiting) > 0
    assert waiting == list(range(len(analysed) + 1, 9))
    indexed = {r[0] for r in library.conn.execute("SELECT article_id FROM related_docs")}
    assert indexed == set(analysed)
    # the next import (here: of files already in) finishes the pass
    resumed: list[int] = []
    again = run_import(library, paths[:1], after_analysis=resumed.append)
    assert [o.status for o in again.outcomes] == ["duplicate"]
    assert resumed == waiting
    assert library.pending_analysis() == []
    indexed = {r[0] for r in library.conn.execute("SELECT article_id FROM related_docs")}
    assert indexed == set(range(1, 9))
    for article_id in range(1, 9):
        row = library.get(article_id)
        assert row["analysis"] is not None and row["attribution_count"] is not None


def test_import_restores_the_writers_settings(library: Library, tmp_path: Path) -> None:
    settings = ("cache_size", "wal_autocheckpoint")
    before = [library.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in settings]
    report = run_import(library, story_files(tmp_path, 3), workers=1, analyse=False)
    assert len(report.imported) == 3
    assert [library.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in settings] == before
    assert library.check() == []


def test_what_is_stored_is_committed_while_the_workers_finish_the_last_files(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Text exports of one outlet (its banner names it) sharing a promo line: lines to count.
    paths = [tmp_path / f"o{n}.txt" for n in range(6)]
    for n, path in enumerate(paths):
        path.write_text(article_txt(
            f"Story {n} headline",
            [f"Story number {n} begins here. " + STORY_PARAGRAPHS[n % 4],
             "Get the Kessel Courier morning briefing in your inbox", f"Short update {n}."],
            site_banner="Home - Kesselcourier"), encoding="utf-8")
    with Library.open(tmp_path / "single.db") as single:
        lines_of_first: list[int] = []  # lines counted after each add
        for path in paths:  # one at a time: each add counts its lines in its transaction
            single.add_article(importer.import_file(str(path)))
            lines_of_first.append(sum(_outlet_lines(single).values()))
        expected = _outlet_lines(single)
    assert expected and max(expected.values()) > 1
    # One file in flight at a time, one batch: the queue empties when the last file is submitted.
    monkeypatch.setattr(importer, "FILES_PER_JOB", 1)
    monkeypatch.setattr(importer, "JOBS_IN_FLIGHT_PER_WORKER", 1)
    monkeypatch.setattr(importer, "BATCH_SECONDS", 3600.0)
    counted_at: list[tuple[int, int, bool]] = []  # articles stored, lines counted, in a batch
    real_count = Library.store_deferred_outlet_lines

    def spying_count(self: Library) -> None:
        real_count(self)
        state = (self.count(), sum(_outlet_lines(self).values()), self.conn.in_transaction)
        if not counted_at or counted_at[-1] != state:  # (called again with nothing new)
            counted_at.append(state)

    monkeypatch.setattr(Library, "store_deferred_outlet_lines", spying_count)
    committed_at_count: list[int] = []
    report = run_import(library, paths, workers=1, analyse=False,
                        after_commit=lambda _id: committed_at_count.append(len(counted_at)))
    assert len(report.imported) == 6
    # Five stored and their lines counted in the batch committed with them while the last file
    # was with the worker; the last one's counted in the final transaction, none twice.
    assert counted_at == [(5, lines_of_first[4], True), (6, lines_of_first[5], True)]
    assert committed_at_count == [1] * 5 + [2]
    assert _outlet_lines(library) == expected
    assert not library.conn.in_transaction and library.unindexed_articles() == 0


def _outlet_lines(library: Library) -> dict[tuple[str, int], int]:
    rows = library.conn.execute("SELECT site, line_key, articles FROM outlet_lines")
    return {(site, key): n for site, key, n in rows}


def test_the_last_results_are_indexed_as_soon_as_the_writer_catches_up(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = {i: importer._extract_job(str(p)) for i, p in enumerate(story_files(tmp_path, 5))}
    pending: list[int] = []
    # one batch, never committed by time
    batch = importer._Batch(
        library, lambda _outcome: None, max_articles=importer.BATCH_ARTICLES, max_seconds=3600.0
    )

    def store(index: int, record: NewArticle) -> None:
        batch.begin()
        library.add_article(record)
        batch.decided(index)

    first = {i: records[i] for i in range(3)}
    assert importer._store_in_order(first, 0, store, batch, lambda: False, 1.0) == (3, False)
    pending.append(library.unindexed_articles())  # fewer than INDEX_EVERY_ARTICLES: waiting
    rest = {i: records[i] for i in range(3, 5)}
    # The last results, but the slice runs out with one still ready: the writer is behind.
    assert importer._store_in_order(rest, 3, store, batch, lambda: False, 0.0,
                                     finishing=True) == (4, True)
    pending.append(library.unindexed_articles())
    assert importer._store_in_order(rest, 4, store, batch, lambda: False, 1.0,
                                     finishing=True) == (5, False)
    pending.append(library.unindexed_articles())  # caught up: indexed at once
    assert pending == [3, 4, 0]
    batch.commit()
    assert [r[0] for r in library.conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'headline' ORDER BY rowid")] \
        == [1, 2, 3, 4, 5]


def _segments(library: Library) -> int:
    """Segments of the full-text index (FTS5 b-trees, merged as they pile up)."""
    return int(library.conn.execute(
        "SELECT count(DISTINCT segid) FROM articles_fts_idx").fetchone()[0])


def test_the_first_pass_leaves_full_text_merging_to_the_second(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = story_files(tmp_path, 12)
    monkeypatch.setattr(importer, "BATCH_ARTICLES", 1)  # a segment per article
    automerge_while_storing: set[int] = set()
    report = run_import(library, paths, workers=1, analyse=False,
                        after_commit=lambda _id: automerge_while_storing.add(
                            library.fts_automerge()))
    assert len(report.imported) == 12
    assert automerge_while_storing == {0}  # off while the first pass stores
    assert library.fts_automerge() == FTS_AUTOMERGE  # and on again after it
    unmerged = _segments(library)
    assert unmerged > FTS_AUTOMERGE  # (a precondition: enough segments for a merge step)
    # The second pass merges them while its writer waits for the workers.
    monkeypatch.undo()
    assert importer.analyse_pending(library, workers=1) == 12
    assert _segments(library) < unmerged
    found = library.conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'headline' ORDER BY rowid")
    assert [r[0] for r in found] == list(range(1, 13))
    assert library.check() == []


def test_full_text_merging_is_turned_back_on_whatever_stops_the_first_pass(
    library: Library, tmp_path: Path
) -> None:
    def fail(_done: int, _total: int, _outcome: object) -> None:
        raise RuntimeError("the progress display breaks")

    with pytest.raises(RuntimeError):
        run_import(library, story_files(tmp_path, 3), workers=1, progress=fail)
    assert library.fts_automerge() == FTS_AUTOMERGE
    assert library.count() >= 1  # what was stored is kept
    # A crash leaves it off: the next analysis pass (or import) turns it back on.
    library.set_fts_automerge(0)
    importer.analyse_pending(library, workers=1)
    assert library.fts_automerge() == FTS_AUTOMERGE
    library.set_fts_automerge(0)  # and so does `reader compact`
    library.compact()
    assert library.fts_automerge() == FTS_AUTOMERGE


def _pipe_limit() -> int:
    try:
        return int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except (OSError, ValueError):
        return 0


@pytest.mark.skipif(_pipe_limit() < importer.RESULT_PIPE_BYTES,
                    reason="Linux pipes that may grow to 1 MB only")
def test_the_workers_results_pipe_holds_a_whole_jobs_results(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight articles' results overflow Linux's default 64 KB pipe: the workers would block.
    import fcntl

    sizes: list[int] = []
    widen = importer._widen_result_pipe

    def widen_and_measure(pool: Any) -> None:
        widen(pool)
        sizes.append(fcntl.fcntl(pool._result_queue._reader.fileno(), fcntl.F_GETPIPE_SZ))

    monkeypatch.setattr(importer, "_widen_result_pipe", widen_and_measure)
    files = story_files(tmp_path, 3)
    report = run_import(library, files, workers=2, analyse=False)
    assert len(report.imported) == 3
    assert sizes and all(size >= importer.RESULT_PIPE_BYTES for size in sizes)


def test_an_import_goes_on_where_the_pipe_cannot_be_widened(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer._widen_result_pipe(object())  # an executor without the private queue: nothing
    if sys.platform.startswith("linux"):
        import fcntl

        def refuse(*_args: Any) -> int:
            raise PermissionError("over the user's pipe pages")

        monkeypatch.setattr(fcntl, "fcntl", refuse)
    report = run_import(library, story_files(tmp_path, 3), workers=2, analyse=False)
    assert len(report.imported) == 3 and library.check() == []


def test_each_pass_leaves_no_pool_thread_behind(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pool's reaping thread left running made the next pool spawn fresh interpreters instead
    # of forking (``_pool_context`` sees a second thread), and CPython 3.11 could print
    # "Bad file descriptor" as the process exited.
    import threading

    threads_at_each_pool: list[int] = []
    choose = importer._pool_context

    def recording() -> Any:
        threads_at_each_pool.append(threading.active_count())
        return choose()

    monkeypatch.setattr(importer, "_pool_context", recording)
    importer._join_retired_pools()  # whatever an earlier test left
    before = threading.active_count()
    report = run_import(library, story_files(tmp_path, 4), workers=2)
    assert len(report.imported) == 4 and library.pending_analysis() == []
    assert threads_at_each_pool == [before, before]  # the first pass's, then the analysis's
    assert threading.active_count() == before


def test_a_cancel_stops_the_workers_at_once(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Jobs in flight at a cancel are thrown away: their workers are stopped, not waited for
    # (here the extractions would not end for a minute). More jobs than workers: some are
    # still waiting when the cancel comes, and the executor's thread must end cleanly too.
    import multiprocessing
    import threading
    import time

    monkeypatch.setattr(importer, "_extract_job", extract_unless_hang)
    monkeypatch.setattr(importer, "_pool_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(importer, "FILES_PER_JOB", 1)
    thread_errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: thread_errors.append(args.exc_value))
    paths = [tmp_path / f"hang{i}.txt" for i in range(10)]
    for path in paths:
        path.write_text(article_txt("Never finishes", STORY_PARAGRAPHS), encoding="utf-8")
    cancel = threading.Event()
    importer._join_retired_pools()
    before = threading.active_count()
    user = threading.Timer(1.0, cancel.set)
    user.start()
    began = time.monotonic()
    report = run_import(library, paths, workers=2, cancel=cancel)
    user.join()
    assert report.cancelled and report.outcomes == []
    assert time.monotonic() - began < importer.RETIRED_POOL_TIMEOUT
    assert threading.active_count() == before and thread_errors == []
    assert library.check() == []
    assert library.conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_a_worker_killed_halfway_through_a_result_leaves_no_thread_waiting(
    tmp_path: Path,
) -> None:
    # The executor's thread had read the length of a result and waited for the rest; after
    # the kill it must see the end of the pipe, or the interpreter's exit would wait for it.
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    results = pool._result_queue  # type: ignore[attr-defined]
    written = tmp_path / "written"
    pool.submit(send_half_a_result, results._writer.fileno(), str(written))
    waited = time.monotonic() + 30
    while not written.exists() and time.monotonic() < waited:
        time.sleep(0.01)
    assert written.exists()
    time.sleep(0.2)  # the executor's thread reads what is there and waits for the rest
    thread = pool._executor_manager_thread  # type: ignore[attr-defined]
    try:
        importer._kill(pool)
        importer._retire(pool)
        importer._join_retired_pools(timeout=5)
        assert not thread.is_alive()
    finally:
        if thread.is_alive():  # don't leave the test session waiting for it at exit
            results._writer.close()
            thread.join(5)
