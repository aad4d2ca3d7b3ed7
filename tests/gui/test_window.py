"""Drive the real main window (offscreen): import, read, provenance, search, filter, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget

from reader.core.library import Library, NewArticle
from reader.gui.mainwindow import MainWindow

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"

pytestmark = pytest.mark.gui


def wait_rows(qtbot: Any, window: MainWindow, n: int | None = None) -> None:
    model = window.library_pane.model
    if n is None:
        qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    else:
        qtbot.waitUntil(lambda: model.rowCount() == n, timeout=5000)


def open_titled(qtbot: Any, window: MainWindow, words: str) -> dict[str, Any]:
    wait_rows(qtbot, window)
    library = window.library
    article_id = next(
        int(r["id"]) for r in library.list_articles() if words in (r["title"] or "")
    )
    with qtbot.waitSignal(window.articleShown, timeout=3000):
        assert window.library_pane.select_id(article_id)
    assert window.current is not None
    return window.current


def test_first_run_offers_import_and_samples(qtbot: Any, make_window: Any,
                                             empty_library: Library) -> None:
    window = make_window(empty_library)
    assert window.stack.currentWidget() is window.welcome
    assert window.welcome.import_button.text() == "Import files…"
    with qtbot.waitSignal(window.importer.finished, timeout=20000):
        qtbot.mouseClick(window.welcome.samples_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.splitter
    wait_rows(qtbot, window, len(list(SAMPLES.iterdir())))
    # The first article is opened for a new user straight away.
    qtbot.waitUntil(lambda: window.current is not None, timeout=3000)
    assert window.reading.adoc is not None


def test_select_article_fills_reading_and_provenance(qtbot: Any, make_window: Any,
                                                     sample_library: Library) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "Veloria")
    doc_text = window.reading.browser.document().toPlainText()
    assert article["title"] in doc_text
    assert "Civic Lens".upper() in doc_text.upper()
    # Body text maps back to the stored offsets.
    adoc = window.reading.adoc
    assert adoc is not None
    for start, end in [(0, 20), (100, 140)]:
        cursor = QTextCursor(adoc.doc)
        cursor.setPosition(adoc.to_doc(start))
        cursor.setPosition(adoc.to_doc(end), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == article["text"][start:end].replace("\n", "\u2029")
    assert article["attributions"], "the sample should have attributions"
    panel = window.provenance
    assert "unnamed sources" in panel.headline.text()
    assert panel.item_for("attribution", 0) is not None
    assert sum(panel.bar.counts.values()) == len(article["attributions"])


def test_clicking_an_entry_moves_the_text_cursor_to_its_span(
    qtbot: Any, make_window: Any, sample_library: Library
) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "rail workers")
    index = len(article["attributions"]) - 1
    att = article["attributions"][index]
    item = window.provenance.item_for("attribution", index)
    assert item is not None
    tree = window.provenance.tree
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    spans = [s for s in (att["source"], att["cue"], att["content"]) if s]
    start = min(s["start"] for s in spans)
    end = max(s["end"] for s in spans)
    adoc = window.reading.adoc
    assert adoc is not None
    cursor = window.reading.browser.textCursor()
    assert cursor.selectionStart() == adoc.to_doc(start)
    assert cursor.selectionEnd() == adoc.to_doc(end)
    assert window.reading.browser.extraSelections(), "the span flashes"
    # The span is on screen.
    rect_span = window.reading.browser.cursorRect(cursor)
    assert window.reading.browser.viewport().rect().intersects(rect_span)


def test_clicking_a_highlighted_span_selects_its_entry(
    qtbot: Any, make_window: Any, sample_library: Library
) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "rail workers")
    index, att = next(
        (i, a) for i, a in enumerate(article["attributions"]) if a.get("source")
    )
    browser = window.reading.browser
    adoc = window.reading.adoc
    assert adoc is not None
    middle = (att["source"]["start"] + att["source"]["end"]) // 2
    cursor = QTextCursor(adoc.doc)
    cursor.setPosition(adoc.to_doc(middle))
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    rect = browser.cursorRect(cursor)
    point = QPoint(rect.x() + 2, rect.center().y())
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.provenance.tree.currentItem() is window.provenance.item_for("attribution", index)
    # Hovering explains the source type.
    assert browser.tooltip_for is not None
    tip = browser.tooltip_for(browser.marks_at(point))
    assert "·" in tip and "cue" in tip


def test_search_as_you_type_with_snippets(qtbot: Any, make_window: Any,
                                         sample_library: Library) -> None:
    window = make_window(sample_library)
    wait_rows(qtbot, window, 6)
    pane = window.library_pane
    qtbot.keySequence(window, "Ctrl+K")
    qtbot.keyClicks(pane.search, "desalin")
    wait_rows(qtbot, window, 2)
    from reader.gui.models import SNIPPET_ROLE

    snippet = pane.model.index(0, 0).data(SNIPPET_ROLE)
    assert snippet and "[" in snippet
    pane.search.clear()
    wait_rows(qtbot, window, 6)


def test_filters_by_outlet_and_date(qtbot: Any, make_window: Any,
                                    sample_library: Library) -> None:
    window = make_window(sample_library)
    wait_rows(qtbot, window, 6)
    pane = window.library_pane
    pane.site_filter.setCurrentIndex(pane.site_filter.findData("The Harbour Ledger"))
    wait_rows(qtbot, window, 3)
    pane.date_from.setDate(QDate(2031, 4, 1))
    wait_rows(qtbot, window, 2)
    pane.site_filter.setCurrentIndex(0)
    pane.date_to.setDate(QDate(2031, 4, 30))
    wait_rows(qtbot, window, 1)
    assert pane.tag_filter.isEnabled() is False or pane.tag_filter.count() >= 1


def test_tag_filter_plugs_in(qtbot: Any, make_window: Any, sample_library: Library) -> None:
    from reader.gui.tags import NoTags

    class FakeTags(NoTags):
        def tags_for(self, ids: Any) -> dict[int, list[str]]:
            return {i: ["water"] for i in ids if i in (1, 2)}

        def all_tags(self) -> list[str]:
            return ["water"]

        def filter_clause(self, tag: str) -> tuple[str, list[Any]]:
            return "a.id IN (1, 2)", []

    window = make_window(sample_library, tags=FakeTags())
    wait_rows(qtbot, window, 6)
    pane = window.library_pane
    assert pane.tag_filter.isEnabled()
    pane.tag_filter.setCurrentIndex(pane.tag_filter.findData("water"))
    wait_rows(qtbot, window, 2)
    assert pane.model.index(0, 3).data() == "water"


def test_sorting_asks_sql(qtbot: Any, make_window: Any, sample_library: Library) -> None:
    window = make_window(sample_library)
    wait_rows(qtbot, window, 6)
    pane = window.library_pane
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        pane.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    titles = [pane.model.index(r, 0).data() for r in range(6)]
    assert titles == sorted(titles, key=str.casefold)
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        pane.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    shares = [pane.model.row_data(r)["unnamed_share"] for r in range(6)]
    assert shares == sorted(shares, reverse=True)


def test_keyboard_j_k_moves_between_articles(qtbot: Any, make_window: Any,
                                             sample_library: Library) -> None:
    window = make_window(sample_library)
    wait_rows(qtbot, window, 6)
    window.library_pane.table.setFocus()
    with qtbot.waitSignal(window.articleShown, timeout=3000):
        qtbot.keyClick(window.library_pane.table, Qt.Key.Key_J)
    first = window.library_pane.current_id()
    with qtbot.waitSignal(window.articleShown, timeout=3000):
        qtbot.keyClick(window.library_pane.table, Qt.Key.Key_J)
    assert window.library_pane.current_id() != first
    with qtbot.waitSignal(window.articleShown, timeout=3000):
        qtbot.keyClick(window.library_pane.table, Qt.Key.Key_K)
    assert window.library_pane.current_id() == first


def test_find_in_article(qtbot: Any, make_window: Any, sample_library: Library) -> None:
    window = make_window(sample_library)
    open_titled(qtbot, window, "rail workers")
    qtbot.keySequence(window, "Ctrl+F")
    bar = window.reading.find_bar
    assert bar.isVisible()
    qtbot.keyClicks(bar.edit, "Kowal")
    assert window.reading.browser.textCursor().selectedText() == "Kowal"


def test_boilerplate_drawer_and_original(qtbot: Any, make_window: Any,
                                         sample_library: Library) -> None:
    window = make_window(sample_library)
    open_titled(qtbot, window, "Veloria")
    window.act_boilerplate.trigger()
    assert window.reading.drawer_box.isVisible()
    lines = [window.reading.drawer.item(i).text() for i in range(window.reading.drawer.count())]
    assert any("newsletter" in line.lower() for line in lines)
    window.act_original.trigger()
    assert window.reading.stack.currentWidget() is window.reading.original
    assert "<article>" in window.reading.original.toPlainText()  # source, not rendered
    window.act_original.trigger()
    assert window.reading.stack.currentWidget() is window.reading.browser


def test_reading_pane_refuses_remote_resources(qtbot: Any) -> None:
    from reader.gui.reading import SafeBrowser

    browser = SafeBrowser()
    qtbot.addWidget(browser)
    browser.setHtml('<p>x</p><img src="http://tracker.example/pixel.png">')
    browser.show()
    qtbot.waitExposed(browser)
    blank = browser.loadResource(2, "http://tracker.example/pixel.png")
    assert blank.width() == 1 and blank.height() == 1  # a stand-in, never the resource
    assert any("tracker.example" in url for url in browser.refused)


def test_article_waiting_for_its_analysis_is_analysed_when_shown(
    qtbot: Any, make_window: Any, empty_library: Library
) -> None:
    # Stored by an import's first pass: no analysis yet (the second pass adds it).
    empty_library.add_article(
        NewArticle(
            title="Waiting for analysis", site="Test Outlet", author=None, published="2030-01-01",
            url=None, format="txt", source_path="/tmp/x.txt", sha256="ab" * 32,
            text="The minister said that the bridge would reopen in May.\n\nAnother one.",
            text_sha256="cd" * 32, headings=[], removed=[], original=b"raw",
        )
    )
    assert empty_library.pending_analysis() == [1]
    window = make_window(empty_library)
    wait_rows(qtbot, window, 1)
    with qtbot.waitSignal(window.articleShown, timeout=3000):
        window.library_pane.select_row(0)
    assert window.provenance.headline.text() != "Not analysed"
    assert "Attributions by source (1)" in [
        window.provenance.tree.topLevelItem(i).text(0)
        for i in range(window.provenance.tree.topLevelItemCount())
    ]
    assert "Another one." in window.reading.browser.document().toPlainText()


def test_article_whose_analysis_failed_is_shown_plainly(
    qtbot: Any, make_window: Any, empty_library: Library
) -> None:
    added = empty_library.add_article(
        NewArticle(
            title="No analysis here", site="Test Outlet", author=None, published="2030-01-01",
            url=None, format="txt", source_path="/tmp/x.txt", sha256="ab" * 32,
            text="A plain paragraph of words.\n\nAnother one.", text_sha256="cd" * 32,
            headings=[], removed=[], original=b"raw",
        )
    )
    assert added.article_id is not None
    from reader.core.attribution import ANALYZER_VERSION

    empty_library.store_analysis(added.article_id, None, ANALYZER_VERSION)
    window = make_window(empty_library)
    wait_rows(qtbot, window, 1)
    with qtbot.waitSignal(window.articleShown, timeout=3000):
        window.library_pane.select_row(0)
    assert window.provenance.headline.text() == "Not analysed"
    assert "Another one." in window.reading.browser.document().toPlainText()


def test_import_summary_lists_refused_files(qtbot: Any, make_window: Any,
                                            empty_library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes((SAMPLES / "harbour-ferry-fares.txt").read_bytes())
    (folder / "empty.html").write_bytes(b"")
    (folder / "stub.txt").write_text("Too short to be an article.")
    window = make_window(empty_library)
    with qtbot.waitSignal(window.importer.finished, timeout=20000):
        window.start_import([str(folder)])
    dialog = window.summary_dialog
    assert dialog.isVisible()
    assert "1 imported" in dialog.label.text() and "2 refused" in dialog.label.text()
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
            for r in range(dialog.table.rowCount())}
    assert "empty file" in rows["empty.html"]
    assert "no article text" in rows["stub.txt"]
    dialog.close()


def test_cancel_an_import(qtbot: Any, make_window: Any, empty_library: Library,
                          tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    base = (SAMPLES / "northvale-rail-strike.txt").read_text()
    for i in range(80):
        (folder / f"a{i:03}.txt").write_text(base.replace("48-hour", f"{i + 2}-hour"))
    window = make_window(empty_library)
    progressed: list[int] = []
    window.importer.progressed.connect(lambda done, total, _o: progressed.append(done))
    window.start_import([str(folder)])
    assert window.cancel_button.isVisible()
    qtbot.waitUntil(lambda: len(progressed) >= 2, timeout=10000)
    with qtbot.waitSignal(window.importer.finished, timeout=10000) as blocker:
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert report.cancelled
    # Stopped while the files were read (some imported), or during the analysis pass that
    # follows (all imported, some still waiting for their analysis).
    assert 0 < len(report.imported) < 80 or (
        len(report.imported) == 80 and report.analysis_pending > 0
    ), (len(report.imported), report.analysis_pending)
    assert report.analysis_pending == len(empty_library.pending_analysis())
    assert not window.cancel_button.isVisible()
    assert "cancelled" in window.summary_dialog.label.text().lower()
    # The library view shows what arrived before the cancel.
    wait_rows(qtbot, window, empty_library.count())


def test_related_panel_and_compare(qtbot: Any, make_window: Any,
                                   sample_library: Library) -> None:
    window = make_window(sample_library)
    with qtbot.waitSignal(window.related.loaded, timeout=5000):
        open_titled(qtbot, window, "Caldera approves")
    entries = window.related.entries
    assert entries and "Coastal town" in entries[0]["title"]
    assert window.related.list.count() == len(entries)
    reused = [m for m in window.reading.adoc.marks if m.kind == "reused"]
    assert reused, "reused passages are marked in the text"
    item = window.related.list.item(0)
    shown: list[Any] = []
    window.related.compareRequested.connect(lambda a, b: shown.append((a, b)))
    qtbot.mouseClick(
        window.related.list.viewport(), Qt.MouseButton.LeftButton,
        pos=window.related.list.visualItemRect(item).center(),
    )
    assert shown
    dialog = next(w for w in window.findChildren(QWidget) if w.objectName() == "compareDialog")
    qtbot.waitUntil(lambda: dialog.comparison is not None, timeout=5000)
    assert "First published" in dialog.left.header.text()
    assert dialog.passages.count() >= 1
    dialog.close()


def test_related_panel_with_a_fake_module(qtbot: Any, make_window: Any,
                                          sample_library: Library, monkeypatch: Any) -> None:
    import types

    import reader.core

    fake = types.SimpleNamespace(
        related_for=lambda lib, aid, limit=20: [
            {"id": 2, "title": "Other", "site": "Elsewhere", "published": "2031-01-01",
             "score": 0.9, "relation": "same story",
             "shared_passages": [{"this_start": 0, "this_end": 10, "other_start": 0,
                                  "other_end": 10, "similarity": 1.0}],
             "shared_names": ["Elena Voss"], "first_published": "other"}
        ],
        update_related=lambda lib, aid: None,
    )
    monkeypatch.setattr(reader.core, "related", fake)
    window = make_window(sample_library)
    with qtbot.waitSignal(window.related.loaded, timeout=5000):
        open_titled(qtbot, window, "Veloria")
    widget = window.related.list.itemWidget(window.related.list.item(0))
    from PySide6.QtWidgets import QLabel

    texts = " ".join(label.text() for label in widget.findChildren(QLabel))
    assert "Same story" in texts and "published first" in texts and "Elena Voss" in texts
    assert "1 reused passage" in texts


def test_settings_are_remembered(qtbot: Any, make_window: Any, sample_library: Library) -> None:
    window = make_window(sample_library)
    window.splitter.setSizes([300, 700, 400])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window(sample_library)
    assert again.splitter.sizes() == sizes


def test_drop_files_starts_an_import(qtbot: Any, make_window: Any,
                                     empty_library: Library) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    window = make_window(empty_library)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLES / "harbour-ferry-fares.txt"))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.importer.finished, timeout=10000):
        window.dropEvent(event)
    wait_rows(qtbot, window, 1)


def test_original_file_is_shown_in_its_own_encoding() -> None:
    from reader.gui.reading import original_as_text

    page = '<html><head><meta charset="windows-1252"></head><body>Caf\xe9 cr\xe8me</body></html>'
    assert "Café crème" in original_as_text(page.encode("cp1252"), "html")
    assert original_as_text("Zürich\n".encode("utf-16"), "txt").startswith("Zürich")


def test_analysis_left_by_an_interrupted_import_resumes(
    qtbot: Any, make_window: Any, empty_library: Library, tmp_path: Path
) -> None:
    # An import stopped after its first pass: the articles are in, their analysis is not.
    from reader.core.importer import run_import

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("harbour-ferry-fares.txt",):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    report = run_import(empty_library, [folder], analyse=False)
    assert len(report.imported) == 1
    assert empty_library.pending_analysis() == [report.imported[0].article_id]
    window = make_window(empty_library)
    analysed: list[int] = []
    window.importer.articleAnalysed.connect(analysed.append)
    with qtbot.waitSignal(window.importer.finished, timeout=30000):
        assert window.resume_pending_analysis()
    assert analysed == [report.imported[0].article_id]
    assert empty_library.pending_analysis() == []
    assert "up to date" in window.statusBar().currentMessage()
    assert not window.resume_pending_analysis()  # nothing left


def test_welcome_text_is_shown_whole(qtbot: Any, make_window: Any, empty_library: Library) -> None:
    from PySide6.QtWidgets import QLabel

    window = make_window(empty_library)
    window.resize(1500, 900)
    qtbot.waitExposed(window)
    assert window.stack.currentWidget() is window.welcome
    (text,) = [label for label in window.welcome.findChildren(QLabel) if "drop files" in label.text()]
    # a wrapped label given less than the height its lines need is clipped (it was: the
    # heading covered its first line and the second paragraph was cut off)
    assert text.height() >= text.heightForWidth(text.width())
    assert text.geometry().top() >= window.welcome.findChildren(QLabel)[0].geometry().bottom()
