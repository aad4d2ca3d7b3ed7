"""Tags, highlights, notes and export, driven through the real window (offscreen)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from reader.core import annotations as ann
from reader.core.library import Library
from reader.gui import dialogs
from reader.gui.mainwindow import MainWindow
from tests.gui.test_window import open_titled, wait_rows

pytestmark = pytest.mark.gui


def wait_idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.annotations.pending == 0, timeout=5000)


def tag_ids(qtbot: Any, window: MainWindow, ids: list[int], names: str,
            monkeypatch: Any) -> None:
    """Select ``ids`` in the table and press Ctrl+T, answering the dialog with ``names``."""
    asked: list[str] = []

    def fake_ask(parent: Any, title: str, prompt: str, all_names: list[str], text: str = "") -> Any:
        asked.append(prompt)
        return dialogs.split_tags(names)

    monkeypatch.setattr(dialogs, "ask_tags", fake_ask)
    window.library_pane.select_ids(ids)
    assert window.library_pane.selected_ids() == sorted(
        ids, key=lambda i: window.library_pane.model.row_of(i) or 0
    )
    window.library_pane.table.setFocus()
    with qtbot.waitSignal(window.tag_sidebar.loaded, timeout=5000):
        qtbot.keySequence(window, "Ctrl+T")
    assert asked and (str(len(ids)) in asked[0] or len(ids) == 1)


def shown_ids(window: MainWindow) -> set[int]:
    return set(window.library_pane.model.ids())


def test_tag_several_articles_sidebar_counts_and_filters(
    qtbot: Any, make_window: Any, sample_library: Library, monkeypatch: Any
) -> None:
    window = make_window(sample_library)
    wait_rows(qtbot, window, 6)
    ids = window.library_pane.model.ids()
    a, b, c = ids[0], ids[1], ids[2]
    tag_ids(qtbot, window, [a, b], "water, iraq/militias", monkeypatch)
    tag_ids(qtbot, window, [b, c], "iraq", monkeypatch)
    assert set(ann.tags_for(sample_library, b)) == {"water", "iraq", "iraq/militias"}
    sidebar = window.tag_sidebar
    # A tree nested by "/": iraq ▸ militias, with counts that include nested tags.
    iraq = sidebar.item_for("iraq")
    assert iraq is not None and iraq.childCount() == 1
    assert iraq.child(0).text(0) == "militias"
    assert sidebar.count_of("iraq") == 3  # a, b (via iraq/militias) and c
    assert sidebar.count_of("iraq/militias") == 2
    assert sidebar.count_of("water") == 2
    # The Tags column shows the real tags.
    qtbot.waitUntil(lambda: "water" in (window.library_pane.model.index(0, 3).data() or ""))
    assert not window.library_pane.table.isColumnHidden(3)

    pane = window.library_pane
    # One tag, nested included.
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        sidebar.select_tags(["iraq"])
    assert shown_ids(window) == {a, b, c}
    assert pane.tag_filter.currentData() == "iraq"
    # Several tags: all of them...
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        sidebar.select_tags(["iraq/militias", "water"])
    assert shown_ids(window) == {a, b}
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        sidebar.select_tags(["water", "iraq"])
    assert shown_ids(window) == {a, b}
    assert "2 tags" in pane.tag_filter.currentText()
    # ...or any of them.
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        qtbot.mouseClick(sidebar.mode_any, Qt.MouseButton.LeftButton)
    assert pane.query.tag_mode == "any"
    assert shown_ids(window) == {a, b, c}
    # The tag menu filters too and moves the sidebar's selection.
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        pane.tag_filter.setCurrentIndex(pane.tag_filter.findData("iraq/militias"))
    assert shown_ids(window) == {a, b}
    assert sidebar.selected_tags() == ["iraq/militias"]
    with qtbot.waitSignal(pane.refreshed, timeout=3000):
        sidebar.clear_selection()
    assert len(shown_ids(window)) == 6


def test_rename_merge_delete_from_the_sidebar(
    qtbot: Any, make_window: Any, sample_library: Library, monkeypatch: Any
) -> None:
    ids = [r["id"] for r in sample_library.list_articles()]
    ann.add_tags(sample_library, ids[:2], ["iraq/militias"])
    ann.add_tags(sample_library, ids[1:3], ["water"])
    ann.add_tags(sample_library, ids[3:4], ["drought"])
    window = make_window(sample_library)
    sidebar = window.tag_sidebar
    qtbot.waitUntil(lambda: sidebar.item_for("water") is not None, timeout=5000)

    # Rename (nested tags move with their parent).
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "region/iraq")
    sidebar.select_tags(["iraq"], emit=False)
    menu = sidebar.build_menu()
    with qtbot.waitSignal(sidebar.loaded, timeout=5000):
        next(a for a in menu.actions() if a.text() == "Rename…").trigger()
    assert sidebar.item_for("region/iraq/militias") is not None
    assert sidebar.item_for("iraq/militias") is None
    assert sidebar.count_of("region") == 2

    # Merge two selected tags into one.
    monkeypatch.setattr(dialogs, "ask_merge_target", lambda parent, sources, names: "water")
    sidebar.select_tags(["drought", "water"], emit=False)
    menu = sidebar.build_menu()
    with qtbot.waitSignal(sidebar.loaded, timeout=5000):
        next(a for a in menu.actions() if a.text().startswith("Merge 2 tags")).trigger()
    assert sidebar.item_for("drought") is None
    assert sidebar.count_of("water") == 3

    # Colour: a swatch in the sidebar.
    monkeypatch.setattr(dialogs, "ask_color", lambda *a, **k: "#e0457b")
    sidebar.select_tags(["water"], emit=False)
    with qtbot.waitSignal(sidebar.loaded, timeout=5000):
        next(a for a in sidebar.build_menu().actions() if a.text() == "Colour…").trigger()
    assert sidebar._color_of("water") == "#e0457b"

    # Delete (after a confirmation); the filter on it is dropped.
    sidebar.select_tags(["water"])
    assert window.library_pane.query.tags == ("water",)
    qtbot.waitUntil(lambda: len(window.library_pane.model.ids()) == 3, timeout=3000)
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    with qtbot.waitSignal(sidebar.loaded, timeout=5000):
        next(a for a in sidebar.build_menu().actions() if a.text() == "Delete…").trigger()
    assert sidebar.item_for("water") is None
    assert all("water" not in t for t in ann.tags_for_many(sample_library, ids).values())
    qtbot.waitUntil(lambda: len(window.library_pane.model.ids()) == 6, timeout=3000)


def test_reading_pane_tag_chips(
    qtbot: Any, make_window: Any, sample_library: Library, monkeypatch: Any
) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "Veloria")
    doc = window.reading.browser.document()
    assert article["title"] in doc.toPlainText()
    monkeypatch.setattr(dialogs, "ask_tags", lambda *a, **k: ["grain", "trade/exports"])
    window.reading.addTagsRequested.emit()  # the "+ Add tags" chip
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.reading.article.get("tags") == ["grain", "trade/exports"])
    # The chips are anchors in the document, under the headline and before the body.
    browser = window.reading.browser
    hrefs = []
    block = browser.document().begin()
    while block.isValid() and block.position() < window.reading.adoc.body_base:
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor():
                hrefs.append(fmt.anchorHref())
            it += 1
        block = block.next()
    assert hrefs == ["tag:grain", "tag:trade/exports", "tag-add:"]
    # A chip's menu removes the tag from the article.
    window.reading.tagClicked.emit("grain", QPoint(10, 10))
    menu = window.tag_popup
    assert menu is not None
    next(a for a in menu.actions() if a.text().startswith("Remove")).trigger()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.reading.article.get("tags") == ["trade/exports"])
    assert ann.tags_for(sample_library, article["id"]) == ["trade/exports"]


def select_text(window: MainWindow, start: int, end: int) -> None:
    adoc = window.reading.adoc
    assert adoc is not None
    cursor = QTextCursor(adoc.doc)
    cursor.setPosition(adoc.to_doc(start))
    cursor.setPosition(adoc.to_doc(end), QTextCursor.MoveMode.KeepAnchor)
    window.reading.browser.setTextCursor(cursor)


def test_highlight_with_a_note_is_stored_rendered_and_listed(
    qtbot: Any, make_window: Any, sample_library: Library, monkeypatch: Any
) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "rail workers")
    text = article["text"]
    start = text.index("Kowal")
    end = start + len("Kowal")
    # Select a little surrounding space too: it is trimmed off.
    select_text(window, start - 1, end)
    monkeypatch.setattr(dialogs, "ask_note", lambda parent, quote, note, color, **k: ("union leader", "green"))
    window.reading.browser.setFocus()
    with qtbot.waitSignal(window.annotations.highlightAdded, timeout=5000) as blocker:
        qtbot.keySequence(window, "Ctrl+Shift+H")
    highlight_id = blocker.args[1]
    stored = ann.highlights_for(sample_library, article["id"])
    assert [(h["start"], h["end"], h["quote"], h["note"], h["color"]) for h in stored] == [
        (start, end, "Kowal", "union leader", "green")
    ]
    # Rendered in the text, with the highlight's marker fill.
    adoc = window.reading.adoc
    assert adoc is not None
    assert any(m.kind == "highlight" and m.index == highlight_id for m in adoc.marks)
    cursor = QTextCursor(adoc.doc)
    cursor.setPosition(adoc.to_doc(start + 2))
    from reader.gui import theme

    expected = theme.user_highlight_color("green", window.reading.palette())
    assert cursor.charFormat().background().color().rgba() == expected.rgba()
    # Listed in the Notes tab with its note; the tab says how many.
    assert "Notes (1)" in window.side.tabText(window.side.indexOf(window.notes))
    item = window.notes.item_for(highlight_id)
    assert item is not None and "Kowal" in item.text() and "union leader" in item.text()
    # Clicking it moves the reading cursor onto the highlight.
    plain = QTextCursor(adoc.doc)
    plain.setPosition(0)
    window.reading.browser.setTextCursor(plain)
    window.side.setCurrentWidget(window.notes)
    lst = window.notes.list
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=lst.visualItemRect(item).center())
    cur = window.reading.browser.textCursor()
    assert (cur.selectionStart(), cur.selectionEnd()) == (adoc.to_doc(start), adoc.to_doc(end))

    # Clicking the highlight in the text opens its menu; it edits or deletes it.
    browser = window.reading.browser
    middle = QTextCursor(adoc.doc)
    middle.setPosition(adoc.to_doc(start + 2))
    browser.setTextCursor(middle)
    browser.ensureCursorVisible()
    rect = browser.cursorRect(middle)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.x() + 1, rect.center().y()))
    popup = window.reading.highlight_popup
    assert popup is not None
    assert any("union leader" in a.text() for a in popup.actions())
    monkeypatch.setattr(dialogs, "ask_note", lambda *a, **k: ("changed", "pink"))
    with qtbot.waitSignal(window.annotations.highlightsChanged, timeout=5000):
        next(a for a in popup.actions() if a.text().startswith("Edit note")).trigger()
    assert ann.highlights_for(sample_library, article["id"])[0]["note"] == "changed"
    assert ann.highlights_for(sample_library, article["id"])[0]["color"] == "pink"
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    with qtbot.waitSignal(window.annotations.highlightsChanged, timeout=5000):
        window.reading.deleteHighlightRequested.emit(highlight_id)
    assert ann.highlights_for(sample_library, article["id"]) == []
    assert not any(m.kind == "highlight" for m in window.reading.adoc.marks)
    assert window.notes.item_for(highlight_id) is None


def test_ctrl_h_uses_the_chosen_colour_and_article_notes(
    qtbot: Any, make_window: Any, sample_library: Library
) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "Veloria")
    select_text(window, 0, 12)
    menu = window.reading.highlight_menu(window)
    with qtbot.waitSignal(window.annotations.highlightAdded, timeout=5000):
        next(a for a in menu.actions() if a.text() == "Blue").trigger()
    select_text(window, 20, 30)
    with qtbot.waitSignal(window.annotations.highlightAdded, timeout=5000):
        qtbot.keySequence(window, "Ctrl+H")
    colors = [h["color"] for h in ann.highlights_for(sample_library, article["id"])]
    assert colors == ["blue", "blue"]  # Ctrl+H reuses the last colour picked
    # An article note, added, edited and listed.
    notes = window.notes
    notes.new_note.setPlainText("Check the export figures")
    with qtbot.waitSignal(window.annotations.notesChanged, timeout=5000):
        qtbot.mouseClick(notes.add_button, Qt.MouseButton.LeftButton)
    assert [n["body"] for n in ann.article_notes_for(sample_library, article["id"])] == [
        "Check the export figures"
    ]
    assert len(notes.cards) == 1
    card = notes.cards[0]
    card.edit.setPlainText("Checked")
    with qtbot.waitSignal(window.annotations.notesChanged, timeout=5000):
        qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    assert ann.article_notes_for(sample_library, article["id"])[0]["body"] == "Checked"
    assert "Notes (3)" in window.side.tabText(window.side.indexOf(notes))


def test_orphaned_highlight_is_listed(
    qtbot: Any, make_window: Any, sample_library: Library
) -> None:
    article_id = next(
        r["id"] for r in sample_library.list_articles() if "Veloria" in (r["title"] or "")
    )
    placed = ann.add_highlight(sample_library, article_id, 0, 10, note="placed")
    lost = ann.add_highlight(sample_library, article_id, 20, 40, color="pink", note="kept anyway")
    with sample_library.transaction():
        sample_library.conn.execute(
            "UPDATE highlights SET orphaned = 1, quote = 'a passage since rewritten' WHERE id = ?",
            (lost,),
        )
    window = make_window(sample_library)
    open_titled(qtbot, window, "Veloria")
    notes = window.notes
    assert notes.item_for(placed) is not None
    item = notes.item_for(lost)
    assert item is not None and item.listWidget() is notes.orphans
    assert "a passage since rewritten" in item.text() and "kept anyway" in item.text()
    assert not notes.orphans.isHidden()
    assert notes.orphans_title.text() == "Could not be placed (1)"
    assert not any(m.index == lost for m in window.reading.adoc.marks if m.kind == "highlight")


def test_export_pdf_from_the_menu(
    qtbot: Any, make_window: Any, sample_library: Library, monkeypatch: Any, tmp_path: Path
) -> None:
    from reader.gui import mainwindow

    window = make_window(sample_library)
    article = open_titled(qtbot, window, "Veloria")
    ann.add_highlight(sample_library, article["id"], 0, 12, note="a note")
    target = tmp_path / "out" / "veloria"  # no suffix: it is added
    target.parent.mkdir()
    seen: list[str] = []

    def fake_save(parent: Any, caption: str, directory: str, filters: str) -> tuple[str, str]:
        seen.append(directory)
        return str(target), filters

    monkeypatch.setattr(mainwindow.QFileDialog, "getSaveFileName", staticmethod(fake_save))
    window.set_page_size("Letter")
    action = next(a for a in window.file_menu.actions() if a.text() == "Export &PDF…")
    with qtbot.waitSignal(window.exportFinished, timeout=30000) as blocker:
        action.trigger()
    written = blocker.args[0]
    assert written == [target.with_suffix(".pdf")]
    data = written[0].read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert seen and seen[0].endswith(".pdf")
    assert "Exported 1 PDF" in window.statusBar().currentMessage()
    import pikepdf

    with pikepdf.open(written[0]) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
        assert round(box[2]) == 612  # US Letter


def test_export_several_to_a_folder_and_backup(
    qtbot: Any, make_window: Any, sample_library: Library, monkeypatch: Any, tmp_path: Path
) -> None:
    from reader.gui import mainwindow

    window = make_window(sample_library)
    wait_rows(qtbot, window, 6)
    ids = window.library_pane.model.ids()[:3]
    window.library_pane.select_ids(ids)
    folder = tmp_path / "md"
    folder.mkdir()
    monkeypatch.setattr(
        mainwindow.QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder))
    )
    with qtbot.waitSignal(window.exportFinished, timeout=10000) as blocker:
        window.act_export_md.trigger()
    assert len(blocker.args[0]) == 3
    assert sorted(p.suffix for p in folder.iterdir()) == [".md"] * 3
    backup = tmp_path / "copy.db"
    monkeypatch.setattr(
        mainwindow.QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(backup), ""))
    )
    with qtbot.waitSignal(window.exportFinished, timeout=10000):
        window.act_backup.trigger()
    with Library.open(backup) as copy:
        assert copy.count() == 6


def test_compact_library_from_the_file_menu(
    qtbot: Any, make_window: Any, sample_library: Library
) -> None:
    window = make_window(sample_library)
    wait_rows(qtbot, window, 6)
    sample_library.delete_article(window.library_pane.model.ids()[0])
    window.act_compact.trigger()
    assert not window.act_compact.isEnabled()
    qtbot.waitUntil(lambda: window.act_compact.isEnabled(), timeout=20000)
    message = window.statusBar().currentMessage()
    assert re.fullmatch(r"Library compacted: [\d.]+ MB → [\d.]+ MB", message), message
    assert sample_library.check() == [] and sample_library.count() == 5


def test_tag_input_completes_the_last_of_several_tags(qtbot: Any) -> None:
    dialog = dialogs.TagDialog(None, "Add tags", "Tags:", ["iraq/militias", "water", "economy"])
    qtbot.addWidget(dialog)
    completer = dialog.completer
    assert completer.splitPath("water, mil") == ["mil"]
    dialog.edit.setText("water, mil")
    completer.setCompletionPrefix("mil")
    assert completer.setCurrentRow(0)
    assert completer.currentIndex().data() == "iraq/militias"  # matches inside a nested name
    assert completer.pathFromIndex(completer.currentIndex()) == "water, iraq/militias, "
    dialog.edit.setText("water, iraq/militias, , water ")
    assert dialog.tags() == ["water", "iraq/militias"]
    note = dialogs.NoteDialog(None, "a quote", "old", "green")
    qtbot.addWidget(note)
    note.edit.setPlainText("  new note ")
    assert note.result_values() == ("new note", "green")


def test_tag_tree_nests_and_implies_parents() -> None:
    from reader.core.annotations import TagCount
    from reader.gui.tags import tag_tree

    roots = tag_tree([
        TagCount("water/desalination", 2, 2, None), TagCount("iraq", 3, 1, "#ff0000"),
        TagCount("iraq/militias", 2, 2, None),
    ])
    assert [r.name for r in roots] == ["iraq", "water"]
    assert roots[0].children[0].label == "militias" and roots[0].color == "#ff0000"
    assert roots[1].exists is False and roots[1].count == 2


def test_sourcing_entries_wrap_over_several_lines(
    qtbot: Any, make_window: Any, sample_library: Library
) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "Coastal town")
    tree = window.provenance.tree
    longest = max(range(len(article["attributions"])), key=lambda i: len(
        (article["attributions"][i].get("content") or {}).get("text") or ""))
    item = window.provenance.item_for("attribution", longest)
    assert item is not None
    tree.scrollToItem(item)
    line = tree.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() >= 2 * line, timeout=3000)
    assert "“" in item.toolTip(0)  # the whole excerpt is in the tooltip


def test_saving_one_note_keeps_unsaved_edits_in_another(
    qtbot: Any, make_window: Any, sample_library: Library
) -> None:
    window = make_window(sample_library)
    article = open_titled(qtbot, window, "Veloria")
    ann.add_article_note(sample_library, article["id"], "first")
    ann.add_article_note(sample_library, article["id"], "second")
    window.notes.set_notes(ann.article_notes_for(sample_library, article["id"]))
    first, second = window.notes.cards
    second.edit.setPlainText("second, being edited")
    first.edit.setPlainText("first, saved")
    with qtbot.waitSignal(window.annotations.notesChanged, timeout=5000):
        qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    bodies = [n["body"] for n in ann.article_notes_for(sample_library, article["id"])]
    assert bodies == ["first, saved", "second"]
    kept = next(c for c in window.notes.cards if c.note_id == second.note_id)
    assert kept.edit.toPlainText() == "second, being edited"
    assert kept.save_button.isEnabled()
