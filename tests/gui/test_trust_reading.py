"""The reading pane never renders article HTML as given and loads no external resource: a page
with a remote image and a tracking pixel causes no resource request and no network attempt."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument, QTextImageFormat

from reader.core.importer import run_import
from reader.core.library import Library
from tests.gui.test_window import open_titled
from tests.hostile_page import HOSTILE_MARKERS, HOSTILE_PAGE


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[:2])
        raise OSError("network access attempted in a test")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def _image_names(doc: QTextDocument) -> list[str]:
    names = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(QTextImageFormat(fmt).name())
            it += 1
        block = block.next()
    return names


def test_hostile_page_in_the_reading_pane_requests_nothing(
    qtbot: Any, make_window: Any, empty_library: Library, tmp_path: Path,
    network_attempts: list[Any],
) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    (outcome,) = run_import(empty_library, [page]).outcomes
    assert outcome.status == "imported"
    window = make_window(empty_library)
    open_titled(qtbot, window, "Ferry service")
    browser = window.reading.browser
    window.reading.grab()  # lay out and paint everything
    browser.viewport().grab()
    assert browser.refused == []  # the document asked for no resource at all
    doc = browser.document()
    assert all(name.startswith("chip:") for name in _image_names(doc))  # only our tag chips
    shown = doc.toHtml() + doc.toPlainText()
    for marker in HOSTILE_MARKERS:
        assert marker not in shown, marker
    assert "inspection report" in doc.toPlainText()
    window.act_original.trigger()  # the original file: shown as source text, never rendered
    assert window.reading.stack.currentWidget() is window.reading.original
    assert "evil.example" in window.reading.original.toPlainText()
    window.reading.grab()
    assert browser.refused == [] and network_attempts == []


def test_even_html_given_to_the_pane_loads_nothing_from_network_or_disk(
    qtbot: Any, tmp_path: Path, network_attempts: list[Any]
) -> None:
    from reader.gui.reading import SafeBrowser

    local = tmp_path / "local.png"
    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(0xFF0000)
    assert picture.save(str(local))
    (tmp_path / "style.css").write_text("p { font-size: 60pt }")
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    browser.resize(500, 400)
    doc = QTextDocument(browser)
    browser.setDocument(doc)
    doc.setHtml(
        f'<html><head><link rel="stylesheet" href="{(tmp_path / "style.css").as_uri()}"></head>'
        f'<body><p>Text <img src="http://evil.example/photo.jpg"> '
        f'<img src="https://tracker.example/pixel.gif" width="1" height="1"> '
        f'<img src="{local.as_uri()}"> <img src="{local}"></p></body></html>'
    )
    browser.show()
    qtbot.waitExposed(browser)
    browser.viewport().grab()
    requested = set(browser.refused)
    assert {"http://evil.example/photo.jpg", "https://tracker.example/pixel.gif",
            local.as_uri()} <= requested
    for url in (local.as_uri(), str(local)):
        got = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(url))
        assert got.width() == 1 and got.height() == 1, url  # the blank stand-in, not the file
    assert network_attempts == []


def test_tooltips_quote_article_text_as_text(qtbot: Any) -> None:
    from reader.gui.reading import plain_tooltip

    quote = '<img src="file:///etc/passwd"> said the source'
    shown = plain_tooltip(quote)
    assert "<img" not in shown and "&lt;img" in shown
    rendered = QTextDocument()
    rendered.setHtml(shown)  # how Qt shows a tooltip that looks like markup
    assert rendered.toPlainText() == quote
