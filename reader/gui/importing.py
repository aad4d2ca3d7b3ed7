"""Importing in the background: one writer thread, progress and cancel on the UI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.importer import ImportOutcome, ImportReport, analyse_pending, run_import
from reader.core.library import Library
from reader.gui.operations import QueryOp, TaskManager
from reader.gui.theme import plain_tooltip

log = logging.getLogger("reader.gui.importing")


class ImportController(QObject):
    """Runs ``run_import`` on the write thread; signals arrive on the UI thread."""

    started = Signal(int)  # number of paths given (0: only the analysis pass)
    progressed = Signal(int, int, object)  # done, total, ImportOutcome
    articleAdded = Signal(int)
    analysing = Signal(int, int)  # done, total of the analysis pass
    articleAnalysed = Signal(int)
    finished = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._cancel: threading.Event | None = None
        self.last_report: ImportReport | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def start(self, paths: Sequence[str | Path]) -> bool:
        """Import ``paths``: the articles appear as they are stored, then the analysis pass
        (attributions, related coverage) follows in the same background job."""
        if self.running or not paths:
            return False
        return self._run(list(paths))

    def resume(self) -> bool:
        """Finish the analysis pass a cancel or a crash left (nothing to do: False)."""
        if self.running:
            return False
        return self._run([])

    def _run(self, paths: list[str | Path]) -> bool:
        cancel = threading.Event()
        self._cancel = cancel
        holder: list[QueryOp[ImportReport]] = []

        def job(library: Library) -> ImportReport:
            op = holder[0]

            def progress(done: int, total: int, outcome: ImportOutcome) -> None:
                op.report_progress(("progress", done, total, outcome))

            def added(article_id: int) -> None:
                op.report_progress(("added", article_id))

            def analysing(done: int, total: int) -> None:
                op.report_progress(("analysing", done, total))

            def analysed(article_id: int) -> None:
                op.report_progress(("analysed", article_id))

            if not paths:
                analyse_pending(
                    library, workers=1, progress=analysing, cancel=cancel,
                    after_analysis=analysed,
                )
                return ImportReport(
                    cancelled=cancel.is_set(), analysis_pending=library.pending_analysis_count(),
                    analysis_only=True,
                )
            return run_import(
                library, paths, workers=1, progress=progress, cancel=cancel,
                after_commit=added, analysis_progress=analysing, after_analysis=analysed,
            )

        op: QueryOp[ImportReport] = QueryOp(
            parent=self,
            tasks=self.tasks,
            op=job,
            success=self._done,
            failure=self._failed,
            progress=self._progress,
            write=True,
        )
        holder.append(op)
        if paths:
            log.info("importing %d path(s)", len(paths))
        else:
            log.info("resuming the analysis pass")
        self.started.emit(len(paths))
        op.run_in_background()
        return True

    def cancel(self) -> None:
        if self._cancel is not None:
            log.info("import cancelled by the user")
            self._cancel.set()

    def _progress(self, value: object) -> None:
        assert isinstance(value, tuple)
        if value[0] == "progress":
            _, done, total, outcome = value
            self.progressed.emit(done, total, outcome)
        elif value[0] == "added":
            self.articleAdded.emit(int(value[1]))
        elif value[0] == "analysing":
            self.analysing.emit(int(value[1]), int(value[2]))
        elif value[0] == "analysed":
            self.articleAnalysed.emit(int(value[1]))

    def _done(self, report: ImportReport) -> None:
        self._cancel = None
        self.last_report = report
        log.info(
            "import finished: %d imported, %d refused%s",
            len(report.imported), len(report.refused), " (cancelled)" if report.cancelled else "",
        )
        self.finished.emit(report)

    def _failed(self, exc: BaseException, tb: str) -> None:
        self._cancel = None
        log.error("import failed:\n%s", tb)
        self.failed.emit(str(exc))


def summary_text(report: ImportReport) -> str:
    parts = [f"{len(report.imported)} imported"]
    if report.duplicates:
        parts.append(f"{len(report.duplicates)} already in the library")
    if report.refused:
        parts.append(f"{len(report.refused)} refused")
    if report.skipped:
        parts.append(f"{len(report.skipped)} skipped")
    text = ", ".join(parts) + "."
    if report.cancelled:
        text = "Import cancelled. " + text + " Articles already imported are kept."
    if report.analysis_pending:
        text += (
            f" {report.analysis_pending} article(s) still wait for their sourcing analysis and "
            "related coverage, which go on at the next launch or import."
        )
    return text


class ImportSummaryDialog(QDialog):
    """What an import did, with every refused (and skipped) file and the reason."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished" if not report.cancelled else "Import cancelled")
        self.setObjectName("importSummary")
        layout = QVBoxLayout(self)
        self.label = QLabel(summary_text(report), self)
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        problems = report.refused + report.skipped
        self.table = QTableWidget(len(problems), 2, self)
        self.table.setHorizontalHeaderLabels(["File", "Reason"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, outcome in enumerate(problems):
            name = QTableWidgetItem(Path(outcome.path).name)
            name.setToolTip(plain_tooltip(outcome.path))
            self.table.setItem(row, 0, name)
            reason = outcome.reason or outcome.status
            self.table.setItem(row, 1, QTableWidgetItem(f"{outcome.status}: {reason}"))
        self.table.resizeColumnToContents(0)
        if problems:
            layout.addWidget(QLabel("Files that were not imported:", self))
            layout.addWidget(self.table, 1)
        else:
            self.table.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 380 if problems else 140)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
