"""The main window: library | article | provenance and related coverage."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ArticleNotFound
from reader.core.importer import ImportOutcome, ImportReport
from reader.core.ingest import SUPPORTED_SUFFIXES
from reader.core.library import Library
from reader.gui.articles import load_article
from reader.gui.compare import CompareDialog
from reader.gui.importing import ImportController, ImportSummaryDialog, summary_text
from reader.gui.librarypane import LibraryPane
from reader.gui.operations import TaskManager
from reader.gui.provenance import ProvenancePanel
from reader.gui.reading import ReadingPane
from reader.gui.relatedpanel import RelatedPanel, related_module
from reader.gui.tags import TagSource, default_tags

log = logging.getLogger("reader.gui")

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "resources" / "samples"


class WelcomePage(QWidget):
    """What an empty library shows: a way in, and samples to see every panel working."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Your library is empty", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setWeight(font.Weight.DemiBold)
        title.setFont(font)
        text = QLabel(
            "Import saved articles (HTML, MHTML, PDF or plain text) to read them with their "
            "sourcing laid bare: who is quoted, who is not named, and which claims rest on "
            "nobody.\n\nYou can also drop files or folders onto this window.",
            self,
        )
        text.setWordWrap(True)
        text.setMaximumWidth(520)
        self.import_button = QPushButton("Import files…", self)
        self.import_button.setObjectName("welcomeImport")
        self.samples_button = QPushButton("Load sample articles", self)
        self.samples_button.setObjectName("welcomeSamples")
        self.import_button.setDefault(True)
        for button in (self.import_button, self.samples_button):
            button.setMinimumWidth(220)
            button.setMinimumHeight(34)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (title, text):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(18)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.samples_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)


class MainWindow(QMainWindow):
    articleShown = Signal(int)

    def __init__(
        self,
        library: Library,
        *,
        tags: TagSource | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.settings = settings or QSettings()
        self.tasks = TaskManager(library.path)
        self.tags = tags or default_tags(library)
        self.current: dict[str, Any] | None = None
        self.last_open_ms = 0.0
        self.setWindowTitle(f"Provenance Reader — {library.path.name}")
        self.setAcceptDrops(True)

        self.library_pane = LibraryPane(library, self.tasks, self.tags, self)
        self.reading = ReadingPane(self)
        self.reading.original_loader = library.original_bytes
        self.provenance = ProvenancePanel(self)
        self.related = RelatedPanel(self.tasks, self)
        self.side = QTabWidget(self)
        self.side.setObjectName("sideTabs")
        self.side.setDocumentMode(True)
        self.side.addTab(self.provenance, "Sourcing")
        self.has_related = related_module() is not None
        if self.has_related:
            self.side.addTab(self.related, "Related coverage")
        else:
            self.related.hide()

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.library_pane)
        self.splitter.addWidget(self.reading)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([500, 640, 380])
        self.splitter.setChildrenCollapsible(False)
        self.welcome = WelcomePage(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)

        self.importer = ImportController(self.tasks, self)
        self._build_status_bar()
        self._build_actions()
        self._connect()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(250)
        self._refresh_timer.timeout.connect(lambda: self.library_pane.refresh())
        self.restore_settings()
        self._update_stack(library.count())
        self.library_pane.refresh()

    # ----- construction ----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.importer.cancel)
        for widget in (self.progress_label, self.progress, self.cancel_button):
            bar.addPermanentWidget(widget)
            widget.hide()

    def _action(
        self, text: str, slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        checkable: bool = False, tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_import_files = self._action(
            "&Import files…", self.import_files, "Ctrl+I", tip="Import article files (Ctrl+I)"
        )
        self.act_import_folder = self._action(
            "Import &folder…", self.import_folder, "Ctrl+Shift+I", tip="Import every article in a folder"
        )
        self.act_samples = self._action("Load &sample articles", self.load_samples)
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_find = self._action(
            "&Find in article…", self.find_in_article, QKeySequence.StandardKey.Find
        )
        self.act_search = self._action("&Search library", self.library_pane.focus_search, "Ctrl+K")
        self.act_boilerplate = self._action(
            "Show removed &boilerplate", self.reading.set_boilerplate_visible, "Ctrl+B",
            checkable=True, tip="Show the lines the importer removed (Ctrl+B)",
        )
        self.act_original = self._action(
            "Show &original file", self.reading.set_original_visible, "Ctrl+U",
            checkable=True, tip="Show the original file as source text (Ctrl+U)",
        )
        self.act_next = self._action("&Next article", lambda: self.library_pane.step(1), "J")
        self.act_prev = self._action("&Previous article", lambda: self.library_pane.step(-1), "K")
        self.act_zoom_in = self._action("Zoom &in", lambda: self.reading.zoom(1.0), QKeySequence.StandardKey.ZoomIn)
        self.act_zoom_out = self._action("Zoom &out", lambda: self.reading.zoom(-1.0), QKeySequence.StandardKey.ZoomOut)
        self.act_about = self._action("&About Provenance Reader", self.about)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.act_import_files, self.act_import_folder, self.act_samples])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.act_find, self.act_search])
        view_menu = menu.addMenu("&View")
        view_menu.addActions([self.act_next, self.act_prev])
        view_menu.addSeparator()
        view_menu.addActions([self.act_boilerplate, self.act_original])
        view_menu.addSeparator()
        view_menu.addActions([self.act_zoom_in, self.act_zoom_out])
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.act_about)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.act_import_files)
        toolbar.addSeparator()
        toolbar.addAction(self.act_boilerplate)
        toolbar.addAction(self.act_original)
        self.act_boilerplate.setIconText("Boilerplate")
        self.act_original.setIconText("Original file")
        self.act_import_files.setIconText("Import…")
        self.addToolBar(toolbar)
        # Escape in the search box returns to the table.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.library_pane.search,
                  lambda: self.library_pane.table.setFocus())

    def _connect(self) -> None:
        self.library_pane.articleSelected.connect(self.open_article)
        self.provenance.entryActivated.connect(self._entry_activated)
        self.reading.attributionClicked.connect(
            lambda i: self.provenance.select_entry("attribution", i)
        )
        self.reading.claimClicked.connect(lambda i: self.provenance.select_entry("claim", i))
        self.reading.reusedClicked.connect(lambda _i: self.side.setCurrentWidget(self.related))
        self.related.passagesChanged.connect(self._reused_passages)
        self.related.compareRequested.connect(self.open_compare)
        self.welcome.import_button.clicked.connect(self.import_files)
        self.welcome.samples_button.clicked.connect(self.load_samples)
        self.importer.started.connect(self._import_started)
        self.importer.progressed.connect(self._import_progress)
        self.importer.articleAdded.connect(self._article_added)
        self.importer.finished.connect(self._import_finished)
        self.importer.failed.connect(self._import_failed)

    # ----- articles --------------------------------------------------------------------------
    def open_article(self, article_id: int) -> None:
        if self.tasks.closed:  # a late selection after the window closed
            return
        started = time.perf_counter()
        try:
            article = load_article(self.library, article_id)
        except ArticleNotFound:
            self.reading.show_empty("This article is no longer in the library.")
            self.provenance.show_article(None)
            return
        self.current = article
        self.reading.show_article(article)
        self.provenance.show_article(article)
        if self.has_related:
            self.related.load(article_id)
        self.last_open_ms = (time.perf_counter() - started) * 1000
        log.debug("opened #%s in %.1f ms", article_id, self.last_open_ms)
        self.articleShown.emit(article_id)

    def _entry_activated(self, kind: str, index: int) -> None:
        if self.current is None:
            return
        if kind == "attribution":
            atts = self.current.get("attributions") or []
            if index < len(atts):
                att = atts[index]
                spans = [s for s in (att.get("source"), att.get("cue"), att.get("content")) if s]
                start = min(int(s["start"]) for s in spans)
                end = max(int(s["end"]) for s in spans)
                self.reading.select_span(start, end, att.get("source_type") or "self")
        elif kind == "claim":
            claims = self.current.get("unattributed_claims") or []
            if index < len(claims):
                self.reading.select_span(int(claims[index]["start"]), int(claims[index]["end"]), "unnamed")
        self.act_original.setChecked(False)

    def _reused_passages(self, passages: list[tuple[int, int]]) -> None:
        if self.current is not None and self.related.article_id == self.current.get("id"):
            self.reading.set_reused(passages)

    def open_compare(self, a: int, b: int) -> CompareDialog:
        dialog = CompareDialog(self.tasks, a, b, self)
        dialog.show()
        return dialog

    def find_in_article(self) -> None:
        self.act_original.setChecked(False)
        self.reading.set_original_visible(False)
        self.reading.find_bar.open_bar()

    # ----- import ---------------------------------------------------------------------------
    def import_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", str(Path.home()), f"Articles ({patterns});;All files (*)"
        )
        if paths:
            self.start_import(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles", str(Path.home()))
        if folder:
            self.start_import([folder])

    def load_samples(self) -> None:
        self.start_import([str(SAMPLES_DIR)])

    def start_import(self, paths: list[str]) -> bool:
        if self.importer.running:
            self.statusBar().showMessage("An import is already running.", 4000)
            return False
        return self.importer.start(paths)

    def _import_started(self, _n: int) -> None:
        self.progress.setRange(0, 0)
        self.progress_label.setText("Importing…")
        for widget in (self.progress_label, self.progress, self.cancel_button):
            widget.show()
        self.cancel_button.setEnabled(True)
        self.act_import_files.setEnabled(False)
        self.act_import_folder.setEnabled(False)
        self.act_samples.setEnabled(False)

    def _import_progress(self, done: int, total: int, outcome: ImportOutcome) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total}")
        self.progress_label.setText(f"Importing {Path(outcome.path).name}")

    def _article_added(self, _article_id: int) -> None:
        if self.stack.currentWidget() is self.welcome:
            self._update_stack(1)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _import_finished(self, report: ImportReport) -> None:
        self._import_idle()
        self.library_pane.reload_filters()
        self.library_pane.refresh()
        self._update_stack(self.library.count())
        self.statusBar().showMessage(summary_text(report), 8000)
        if report.refused or report.skipped or report.cancelled:
            self.summary_dialog = ImportSummaryDialog(report, self)
            self.summary_dialog.open()
        if self.library_pane.current_id() is None and report.imported:
            # Show something straight away on a first import.
            QTimer.singleShot(300, self.library_pane, lambda: self.library_pane.select_row(0))

    def _import_failed(self, message: str) -> None:
        self._import_idle()
        QMessageBox.warning(self, "Import failed", message)

    def _import_idle(self) -> None:
        for widget in (self.progress_label, self.progress, self.cancel_button):
            widget.hide()
        self.act_import_files.setEnabled(True)
        self.act_import_folder.setEnabled(True)
        self.act_samples.setEnabled(True)

    def _update_stack(self, count: int) -> None:
        self.stack.setCurrentWidget(self.splitter if count else self.welcome)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.start_import(paths)

    # ----- settings --------------------------------------------------------------------------
    def restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1480, 900)
        state = s.value("window/state")
        if state:
            self.restoreState(state)
        for key, splitter in (("splitter/main", self.splitter), ("splitter/reading", self.reading.splitter)):
            value = s.value(key)
            if value:
                splitter.restoreState(value)
        self.library_pane.restore_state(s.value("library/header"))
        self.act_boilerplate.setChecked(bool(s.value("view/boilerplate", False, type=bool)))
        self.reading.set_boilerplate_visible(self.act_boilerplate.isChecked())

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("splitter/main", self.splitter.saveState())
        s.setValue("splitter/reading", self.reading.splitter.saveState())
        s.setValue("library/header", self.library_pane.save_state())
        s.setValue("view/boilerplate", self.act_boilerplate.isChecked())
        s.sync()

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About Provenance Reader",
            "<b>Provenance Reader</b><p>Read saved news articles offline, with who says what "
            "laid bare.</p><p>Library: " + str(self.library.path) + "</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.tasks.closed:
            self.save_settings()
            self.importer.cancel()
            self._refresh_timer.stop()
            self.tasks.shutdown()
        super().closeEvent(event)
