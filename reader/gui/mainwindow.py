"""The main window: library | article | provenance and related coverage."""

from __future__ import annotations

import logging
import time
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core import annotations as ann
from reader.core.errors import ArticleNotFound
from reader.core.importer import ImportOutcome, ImportReport
from reader.core.ingest import SUPPORTED_SUFFIXES
from reader.core.library import CompactReport, Library
from reader.gui import dialogs
from reader.gui.annotate import AnnotationController, tag_colors
from reader.gui.articles import load_article
from reader.gui.compare import CompareDialog
from reader.gui.importing import ImportController, ImportSummaryDialog, summary_text
from reader.gui.librarypane import LibraryPane
from reader.gui.notes import NotesPanel
from reader.gui.operations import QueryOp, TaskManager
from reader.gui.provenance import ProvenancePanel
from reader.gui.reading import ReadingPane
from reader.gui.relatedpanel import RelatedPanel
from reader.gui.tags import TagSource, default_tags

log = logging.getLogger("reader.gui")

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "resources" / "samples"
EXPORT_FORMATS: dict[str, tuple[str, str]] = {  # kind -> (suffix, label)
    "pdf": (".pdf", "PDF"),
    "markdown": (".md", "Markdown"),
    "json": (".json", "JSON"),
}


def default_page_size() -> str:
    """Letter where it is the norm (the US, Canada, Mexico, …), A4 elsewhere."""
    country = QLocale.Country
    letter = {
        country.UnitedStates, country.Canada, country.Mexico,
        country.Philippines, country.Chile, country.Colombia,
    }
    return "Letter" if QLocale().territory() in letter else "A4"


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
        # A wrapped label centred in a box layout is given its one-line height (the layout
        # does not ask it for a height at its width): fix the width and reserve the height.
        text.setFixedWidth(520)
        text.setMinimumHeight(text.heightForWidth(520))
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
    exportFinished = Signal(list)  # the paths written (an export or a backup)

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

        self.annotations = AnnotationController(self.tasks, self)
        self.library_pane = LibraryPane(
            library, self.tasks, self.tags, self, controller=self.annotations
        )
        self.tag_sidebar = self.library_pane.tag_sidebar
        self.reading = ReadingPane(self)
        self.reading.original_loader = library.original_bytes
        self.provenance = ProvenancePanel(self)
        self.related = RelatedPanel(self.tasks, self)
        self.notes = NotesPanel(self)
        self.notes.setObjectName("notesPanel")
        self.tag_popup: QMenu | None = None
        self.side = QTabWidget(self)
        self.side.setObjectName("sideTabs")
        self.side.setDocumentMode(True)
        self.side.addTab(self.provenance, "Sourcing")
        self.side.addTab(self.related, "Related coverage")
        self.side.addTab(self.notes, "Notes")

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.library_pane)
        self.splitter.addWidget(self.reading)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([620, 560, 360])
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
        # Tags, highlights and notes.
        self.act_add_tags = self._action(
            "Add &tags…", self.add_tags_to_selection, "Ctrl+T",
            tip="Tag the selected articles (Ctrl+T)",
        )
        self.act_highlight = self._action(
            "&Highlight selection", lambda: self._highlight_selection(False), "Ctrl+H",
            tip="Highlight the selected text (Ctrl+H)",
        )
        self.act_highlight_note = self._action(
            "Highlight with a &note…", lambda: self._highlight_selection(True), "Ctrl+Shift+H",
            tip="Highlight the selected text and write a note on it (Ctrl+Shift+H)",
        )
        self.act_add_note = self._action(
            "Add a note on the &article…", self.focus_new_note, "Ctrl+Shift+N",
            tip="Write a note about the whole article",
        )
        # Export and back-up.
        self.act_export_pdf = self._action(
            "Export &PDF…", lambda: self.export("pdf"), "Ctrl+E",
            tip="Export the current or selected articles as annotated PDFs (Ctrl+E)",
        )
        self.act_export_md = self._action("Export &Markdown…", lambda: self.export("markdown"))
        self.act_export_json = self._action("Export &JSON…", lambda: self.export("json"))
        self.act_backup = self._action(
            "&Back up library…", self.backup_library, tip="Save a copy of the whole library"
        )
        self.act_compact = self._action(
            "&Compact library", self.compact_library,
            tip="Shrink the library file (after deleting articles, or an older library)",
        )
        self.page_size_group = QActionGroup(self)
        self.page_size_actions: dict[str, QAction] = {}
        saved = str(self.settings.value("export/page_size", "") or default_page_size())
        for size, label in (("A4", "A4"), ("Letter", "US Letter")):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(size == saved)
            action.triggered.connect(lambda _c=False, sz=size: self.set_page_size(sz))
            self.page_size_group.addAction(action)
            self.page_size_actions[size] = action
        if not any(a.isChecked() for a in self.page_size_actions.values()):
            self.page_size_actions["A4"].setChecked(True)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.act_import_files, self.act_import_folder, self.act_samples])
        file_menu.addSeparator()
        file_menu.addActions([self.act_export_pdf, self.act_export_md, self.act_export_json])
        page_menu = file_menu.addMenu("PDF page si&ze")
        page_menu.addActions(list(self.page_size_actions.values()))
        file_menu.addSeparator()
        file_menu.addActions([self.act_backup, self.act_compact])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        self.file_menu = file_menu
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.act_find, self.act_search])
        article_menu = menu.addMenu("&Article")
        article_menu.addAction(self.act_add_tags)
        self.remove_tag_menu = article_menu.addMenu("&Remove tag")
        self.remove_tag_menu.aboutToShow.connect(
            lambda: self._fill_remove_menu(self.remove_tag_menu, self.library_pane.selected_ids())
        )
        article_menu.addSeparator()
        article_menu.addAction(self.act_highlight)
        self.highlight_color_menu = self.reading.highlight_menu(self)
        self.highlight_color_menu.setTitle("Highlight in colour")
        article_menu.addMenu(self.highlight_color_menu)
        article_menu.addAction(self.act_highlight_note)
        article_menu.addSeparator()
        article_menu.addAction(self.act_add_note)
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
        toolbar.addAction(self.act_add_tags)
        highlight_button = QToolButton(self)
        highlight_button.setObjectName("highlightButton")
        highlight_button.setDefaultAction(self.act_highlight)
        highlight_button.setMenu(self.reading.highlight_menu(self))
        highlight_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        highlight_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addWidget(highlight_button)
        toolbar.addSeparator()
        toolbar.addAction(self.act_boilerplate)
        toolbar.addAction(self.act_original)
        toolbar.addSeparator()
        toolbar.addAction(self.act_export_pdf)
        self.act_boilerplate.setIconText("Boilerplate")
        self.act_original.setIconText("Original file")
        self.act_import_files.setIconText("Import…")
        self.act_add_tags.setIconText("Tag…")
        self.act_highlight.setIconText("Highlight")
        self.act_export_pdf.setIconText("Export PDF…")
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
        self.importer.analysing.connect(self._analysis_progress)
        self.importer.articleAnalysed.connect(self._article_analysed)
        self.importer.finished.connect(self._import_finished)
        self.importer.failed.connect(self._import_failed)
        # Tags, highlights and notes.
        self.library_pane.contextMenuRequested.connect(self._library_menu)
        self.annotations.tagsChanged.connect(self._tags_changed)
        self.annotations.highlightsChanged.connect(self._highlights_changed)
        self.annotations.notesChanged.connect(self._notes_changed)
        self.annotations.failed.connect(self._annotation_failed)
        self.reading.highlightRequested.connect(self._create_highlight)
        self.reading.editHighlightRequested.connect(self.edit_highlight)
        self.reading.recolorHighlightRequested.connect(self._recolor_highlight)
        self.reading.deleteHighlightRequested.connect(self.delete_highlight)
        self.reading.tagClicked.connect(self._tag_chip_clicked)
        self.reading.addTagsRequested.connect(self.add_tags_to_current)
        self.notes.highlightActivated.connect(self._go_to_highlight)
        self.notes.editHighlightRequested.connect(self.edit_highlight)
        self.notes.deleteHighlightRequested.connect(self.delete_highlight)
        self.notes.addNoteRequested.connect(self._add_note)
        self.notes.saveNoteRequested.connect(self._save_note)
        self.notes.deleteNoteRequested.connect(self._delete_note)

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
            self.notes.show_article(None)
            self._update_notes_tab()
            return
        self.current = article
        self.reading.show_article(article)
        self.provenance.show_article(article)
        self.notes.show_article(article)
        self._update_notes_tab()
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

    def current_id(self) -> int | None:
        return int(self.current["id"]) if self.current is not None else None

    # ----- tags ------------------------------------------------------------------------------
    def _all_tag_names(self) -> list[str]:
        return self.tags.all_tags()

    def add_tags_to_selection(self) -> None:
        self.ask_and_add_tags(self.library_pane.selected_ids() or self._current_list())

    def add_tags_to_current(self) -> None:
        self.ask_and_add_tags(self._current_list())

    def _current_list(self) -> list[int]:
        current = self.current_id()
        return [current] if current is not None else []

    def ask_and_add_tags(self, ids: list[int]) -> None:
        if not ids:
            self.statusBar().showMessage("Select an article to tag first.", 4000)
            return
        if len(ids) == 1:
            row = self.library_pane.model.row_of(ids[0])
            data = self.library_pane.model.row_data(row) if row is not None else None
            title = (data or {}).get("title")
            prompt = f"Tags for “{title}”:" if title else "Tags for this article:"
        else:
            prompt = f"Tags for the {len(ids)} selected articles:"
        names = dialogs.ask_tags(self, "Add tags", prompt, self._all_tag_names())
        if names:
            self.annotations.add_tags(ids, names)

    def remove_tag(self, ids: list[int], name: str) -> None:
        self.annotations.remove_tags(ids, [name])

    def _fill_remove_menu(self, menu: QMenu, ids: list[int]) -> None:
        menu.clear()
        on = sorted({t for tags in self.tags.tags_for(ids).values() for t in tags}, key=str.casefold)
        if not on:
            menu.addAction("(no tags)").setEnabled(False)
        for name in on:
            menu.addAction(name, partial(self.remove_tag, ids, name))

    def _library_menu(self, global_pos: QPoint) -> None:
        ids = self.library_pane.selected_ids()
        if not ids:
            return
        menu = QMenu(self)
        noun = f"{len(ids)} articles" if len(ids) > 1 else "article"
        menu.addAction(f"Add tags to {noun}…\tCtrl+T", lambda: self.ask_and_add_tags(ids))
        remove = menu.addMenu("Remove tag")
        self._fill_remove_menu(remove, ids)
        menu.addSeparator()
        for kind, (_suffix, label) in EXPORT_FORMATS.items():
            menu.addAction(f"Export {label}…", partial(self.export, kind, ids))
        menu.exec(global_pos)

    def _tag_chip_clicked(self, name: str, global_pos: QPoint) -> None:
        article_id = self.current_id()
        if article_id is None:
            return
        menu = QMenu(self)
        menu.setObjectName("tagChipMenu")
        menu.addAction(f"Remove “{name}” from this article", lambda: self.remove_tag([article_id], name))
        menu.addAction(f"Show articles tagged “{name}”", lambda: self.library_pane.set_tag_filter((name,)))
        menu.addAction("Colour…", lambda: self.tag_sidebar.choose_color(name))
        if self.tag_popup is not None:
            self.tag_popup.deleteLater()
        self.tag_popup = menu
        menu.popup(global_pos)

    def _tags_changed(self, ids: list[int] | None) -> None:
        pane = self.library_pane
        pane.model.invalidate(ids)
        pane.reload_filters()
        self.tag_sidebar.reload()
        if pane.query.tags:
            pane.refresh()  # membership of the filtered list may have changed
        current = self.current_id()
        if current is not None and (ids is None or current in ids):
            tags = ann.tags_for(self.library, current)
            self.reading.set_annotations({"tags": tags, "tag_colors": tag_colors(self.library, tags)})
        if ids:
            self.statusBar().showMessage(
                f"Tags updated on {len(ids)} article{'s' if len(ids) != 1 else ''}.", 3000
            )

    # ----- highlights and notes ---------------------------------------------------------------
    def _highlight_selection(self, with_note: bool) -> None:
        if not self.reading.request_highlight(with_note=with_note):
            self.statusBar().showMessage("Select some of the article's text to highlight it.", 4000)

    def _create_highlight(self, start: int, end: int, color: str, with_note: bool) -> None:
        article_id = self.current_id()
        if article_id is None or self.reading.adoc is None:
            return
        note: str | None = None
        if with_note:
            answer = dialogs.ask_note(self, self.reading.adoc.text[start:end], "", color)
            if answer is None:
                return
            note, color = answer
        self.reading.highlight_color = color
        self.annotations.add_highlight(article_id, start, end, color, note or None)

    def edit_highlight(self, highlight_id: int) -> None:
        article_id = self.current_id()
        hl = self.reading.highlight_by_id(highlight_id)
        if article_id is None or hl is None:
            return
        answer = dialogs.ask_note(
            self, str(hl.get("quote") or ""), str(hl.get("note") or ""),
            str(hl.get("color") or "yellow"), title="Edit highlight",
        )
        if answer is not None:
            note, color = answer
            self.annotations.update_highlight(article_id, highlight_id, note=note, color=color)

    def _recolor_highlight(self, highlight_id: int, color: str) -> None:
        article_id = self.current_id()
        if article_id is not None:
            self.reading.highlight_color = color
            self.annotations.update_highlight(article_id, highlight_id, color=color)

    def delete_highlight(self, highlight_id: int) -> None:
        article_id = self.current_id()
        hl = self.reading.highlight_by_id(highlight_id)
        if article_id is None or hl is None:
            return
        if hl.get("note") and not dialogs.confirm(
            self, "Delete highlight", "Delete this highlight and its note?"
        ):
            return
        self.annotations.delete_highlight(article_id, highlight_id)

    def _go_to_highlight(self, highlight_id: int) -> None:
        self.act_original.setChecked(False)
        self.reading.select_highlight(highlight_id)

    def focus_new_note(self) -> None:
        self.side.setCurrentWidget(self.notes)
        self.notes.new_note.setFocus()

    def _add_note(self, body: str) -> None:
        if (article_id := self.current_id()) is not None:
            self.annotations.add_note(article_id, body)

    def _save_note(self, note_id: int, body: str) -> None:
        if (article_id := self.current_id()) is not None:
            self.annotations.update_note(article_id, note_id, body)

    def _delete_note(self, note_id: int) -> None:
        if (article_id := self.current_id()) is not None and dialogs.confirm(
            self, "Delete note", "Delete this note?"
        ):
            self.annotations.delete_note(article_id, note_id)

    def _highlights_changed(self, article_id: int) -> None:
        if article_id != self.current_id() or self.current is None:
            return
        highlights = ann.highlights_for(self.library, article_id)
        self.current["highlights"] = highlights
        self.reading.set_annotations({"highlights": highlights})  # drawn in the text
        self.notes.set_highlights(highlights)
        self._update_notes_tab()

    def _notes_changed(self, article_id: int) -> None:
        # Article notes are not drawn in the text: only the Notes tab changes.
        if article_id != self.current_id() or self.current is None:
            return
        notes = ann.article_notes_for(self.library, article_id)
        self.current["notes"] = notes
        self.notes.set_notes(notes)
        self._update_notes_tab()

    def _update_notes_tab(self) -> None:
        article = self.current or {}
        n = len(article.get("highlights") or []) + len(article.get("notes") or [])
        self.side.setTabText(self.side.indexOf(self.notes), f"Notes ({n})" if n else "Notes")

    def _annotation_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        QMessageBox.warning(self, "Provenance Reader", message)

    # ----- export and back-up ----------------------------------------------------------------
    def page_size(self) -> str:
        return next((s for s, a in self.page_size_actions.items() if a.isChecked()), "A4")

    def set_page_size(self, size: str) -> None:
        self.page_size_actions[size].setChecked(True)
        self.settings.setValue("export/page_size", size)

    def export_ids(self) -> list[int]:
        """The selected articles when several are selected, else the one being read."""
        selected = self.library_pane.selected_ids()
        if len(selected) > 1:
            return selected
        return self._current_list() or selected

    def _export_folder(self) -> str:
        return str(self.settings.value("export/folder", "") or Path.home())

    def export(self, kind: str, ids: list[int] | None = None) -> None:
        ids = ids if ids is not None else self.export_ids()
        suffix, label = EXPORT_FORMATS[kind]
        if not ids:
            self.statusBar().showMessage("Select an article to export first.", 4000)
            return
        folder = self._export_folder()
        if len(ids) == 1:
            from reader.export.paths import article_filename

            title = (self.current or {}).get("title") if ids[0] == self.current_id() else None
            default = str(Path(folder) / article_filename(ids[0], title, suffix))
            path, _ = QFileDialog.getSaveFileName(
                self, f"Export {label}", default, f"{label} (*{suffix})"
            )
            if not path:
                return
            out = Path(path)
            if out.suffix.lower() != suffix:
                out = out.with_name(out.name + suffix)
            self.settings.setValue("export/folder", str(out.parent))
        else:
            chosen = QFileDialog.getExistingDirectory(
                self, f"Export {len(ids)} articles as {label}: choose a folder", folder
            )
            if not chosen:
                return
            out = Path(chosen)
            self.settings.setValue("export/folder", str(out))
        page_size = self.page_size()
        self.statusBar().showMessage(f"Exporting {len(ids)} article{'s' if len(ids) != 1 else ''} as {label}…")

        def job(library: Library) -> list[Path]:
            from reader import export as exporter

            if kind == "pdf":
                return exporter.export_pdf(library, ids, out, page_size=page_size)
            if kind == "markdown":
                return exporter.export_markdown(library, ids, out)
            return exporter.export_json(library, ids, out)

        def done(paths: list[Path]) -> None:
            where = paths[0] if len(paths) == 1 else out
            extra = f" (page size {page_size})" if kind == "pdf" else ""
            self.statusBar().showMessage(
                f"Exported {len(paths)} {label} file{'s' if len(paths) != 1 else ''}{extra}: {where}", 10000
            )
            self.exportFinished.emit(list(paths))

        def failed(exc: BaseException, _tb: str) -> None:
            self._export_failed(label, exc)

        QueryOp(parent=self, tasks=self.tasks, op=job, success=done, failure=failed).run_in_background()

    def _export_failed(self, label: str, exc: BaseException) -> None:
        self.statusBar().showMessage(f"{label} export failed: {exc}", 10000)
        QMessageBox.warning(self, f"{label} export failed", str(exc) or type(exc).__name__)

    def backup_library(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M")
        default = Path(self._export_folder()) / f"{self.library.path.stem}-backup-{stamp}.db"
        path, _ = QFileDialog.getSaveFileName(
            self, "Back up library", str(default), "Library (*.db);;All files (*)"
        )
        if not path:
            return
        target = Path(path)
        if target.resolve() == self.library.path.resolve():
            QMessageBox.warning(self, "Back up library", "Choose another file than the library itself.")
            return
        self.statusBar().showMessage("Backing up the library…")

        def done(written: Path) -> None:
            self.statusBar().showMessage(f"Library backed up to {written}", 10000)
            self.exportFinished.emit([Path(written)])

        def job(library: Library) -> Path:
            return library.backup(target)

        def failed(exc: BaseException, _tb: str) -> None:
            self._export_failed("Back-up", exc)

        QueryOp(parent=self, tasks=self.tasks, op=job, success=done, failure=failed).run_in_background()

    def compact_library(self) -> None:
        if self.importer.running:
            self.statusBar().showMessage("Compact the library when the import has finished.", 6000)
            return
        self.act_compact.setEnabled(False)
        self.statusBar().showMessage("Compacting the library…")

        def done(report: CompactReport) -> None:
            self.act_compact.setEnabled(True)
            megabytes = 1024 * 1024
            self.statusBar().showMessage(
                f"Library compacted: {report.bytes_before / megabytes:.1f} MB → "
                f"{report.bytes_after / megabytes:.1f} MB", 10000)

        def failed(exc: BaseException, _tb: str) -> None:
            self.act_compact.setEnabled(True)
            self.statusBar().showMessage(f"Compacting failed: {exc}", 10000)
            QMessageBox.warning(self, "Compact library", str(exc) or type(exc).__name__)

        QueryOp(parent=self, tasks=self.tasks, op=lambda library: library.compact(),
                success=done, failure=failed, write=True).run_in_background()

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

    def resume_pending_analysis(self) -> bool:
        """At launch: finish the analysis pass a cancelled or interrupted import left."""
        if self.importer.running or not self.library.pending_analysis_count():
            return False
        return self.importer.resume()

    def _import_started(self, n_paths: int) -> None:
        self.progress.setRange(0, 0)
        self.progress_label.setText("Importing…" if n_paths else "Analysing…")
        for widget in (self.progress_label, self.progress, self.cancel_button):
            widget.show()
        self.cancel_button.setEnabled(True)
        self.act_import_files.setEnabled(False)
        self.act_import_folder.setEnabled(False)
        self.act_samples.setEnabled(False)

    def _import_progress(self, done: int, total: int, outcome: ImportOutcome) -> None:
        self._show_progress(done, total, f"Importing {Path(outcome.path).name}")

    def _show_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total}")
        self.progress_label.setText(label)

    def _analysis_progress(self, done: int, total: int) -> None:
        self._show_progress(done, total, "Analysing sources and related coverage")

    def _article_analysed(self, article_id: int) -> None:
        # The sourcing shown was computed when the article was opened (the same engine);
        # its related coverage exists only now.
        if self.current is not None and self.current.get("id") == article_id:
            self.related.load(article_id)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _article_added(self, _article_id: int) -> None:
        if self.stack.currentWidget() is self.welcome:
            self._update_stack(1)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _import_finished(self, report: ImportReport) -> None:
        self._import_idle()
        if report.analysis_only:  # resumed at launch
            self.library_pane.refresh()
            self.statusBar().showMessage(
                "Analysis paused; it goes on at the next launch or import." if report.cancelled
                else "Sourcing and related coverage brought up to date.",
                6000,
            )
            return
        self.library_pane.reload_filters()
        self.tag_sidebar.reload()
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
        for key, splitter in (
            ("splitter/main", self.splitter),
            ("splitter/reading", self.reading.splitter),
            ("splitter/library", self.library_pane.splitter),
        ):
            value = s.value(key)
            if value:
                splitter.restoreState(value)
        self.library_pane.restore_state(s.value("library/header2"))
        hidden = s.value("library/hidden")
        if hidden is not None:
            values = hidden if isinstance(hidden, list) else [hidden] if hidden != "" else []
            self.library_pane.set_hidden_columns([int(v) for v in values if str(v).isdigit()])
        self.act_boilerplate.setChecked(bool(s.value("view/boilerplate", False, type=bool)))
        self.reading.set_boilerplate_visible(self.act_boilerplate.isChecked())

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("splitter/main", self.splitter.saveState())
        s.setValue("splitter/reading", self.reading.splitter.saveState())
        s.setValue("splitter/library", self.library_pane.splitter.saveState())
        s.setValue("library/header2", self.library_pane.save_state())
        s.setValue("library/hidden", [str(c) for c in self.library_pane.hidden_columns()] or "")
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
