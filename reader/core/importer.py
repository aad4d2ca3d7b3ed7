"""Import many files: extraction in worker processes, one writer committing each article.

Used by the CLI and by the GUI's background job alike: progress is a callback, cancelling is an
event checked between files, and what is committed is always whole articles.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from reader.core.errors import ImportRefused
from reader.core.ingest import collect_files, import_file, is_candidate_in_folder
from reader.core.library import Library, NewArticle

log = logging.getLogger("reader.importer")

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


def _extract_job(
    path: str, recurring: Mapping[str, frozenset[int]]
) -> NewArticle | ImportRefused:
    """Runs in a worker: returns the record or the refusal (exceptions stay picklable)."""
    try:
        return import_file(path, recurring)
    except ImportRefused as refusal:
        return refusal


def run_import(
    library: Library,
    paths: Iterable[str | Path],
    *,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    after_commit: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import files and folders; each article is committed in its own transaction.

    ``after_commit(article_id)`` runs on the writer after each new article (e.g. to update
    related coverage). ``workers > 1`` extracts in that many processes.
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

    def commit(path: str, result: NewArticle | ImportRefused) -> None:
        if isinstance(result, ImportRefused):
            outcome = ImportOutcome(path, "refused", reason=result.reason)
        else:
            outcome = _commit(library, path, result)
            if outcome.article_id is not None and after_commit is not None:
                after_commit(outcome.article_id)
        report.outcomes.append(outcome)
        if progress is not None:
            progress(len(report.outcomes) - skipped, total, outcome)

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    if workers <= 1 or total < 4:
        for path in files:
            if cancelled():
                report.cancelled = True
                break
            commit(path, _extract_job(path, recurring))
        return report

    # Bounded look-ahead keeps memory flat however many files there are.
    max_in_flight = workers * 3
    pending: dict[Future[NewArticle | ImportRefused], int] = {}
    results: dict[int, NewArticle | ImportRefused] = {}
    next_to_submit = 0
    next_to_commit = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while next_to_commit < total:
            while next_to_submit < total and len(pending) < max_in_flight and not cancelled():
                future = pool.submit(_extract_job, files[next_to_submit], recurring)
                pending[future] = next_to_submit
                next_to_submit += 1
            if cancelled():
                report.cancelled = True
                for future in pending:
                    future.cancel()
                break
            if not pending:
                break
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    results[index] = future.result()
                except Exception as exc:  # a crashed worker refuses its file, not the batch
                    results[index] = ImportRefused(
                        files[index], f"could not be read ({exc.__class__.__name__})"
                    )
            # Commit in file order so ids follow the order the user gave.
            while next_to_commit in results:
                commit(files[next_to_commit], results.pop(next_to_commit))
                next_to_commit += 1
    return report


def _commit(library: Library, path: str, record: NewArticle) -> ImportOutcome:
    try:
        added = library.add_article(record)
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
