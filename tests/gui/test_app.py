"""App plumbing: Qt messages into logging, the exception hook, logging setup."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType
from PySide6.QtWidgets import QMessageBox

from reader.gui import app

pytestmark = pytest.mark.gui


def test_qt_messages_go_to_logging(caplog: Any) -> None:
    with caplog.at_level(logging.DEBUG, logger="reader.gui.qt"):
        app.qt_message_handler(QtMsgType.QtWarningMsg, QMessageLogContext(), "a qt warning")
    assert any(r.name == "reader.gui.qt" and r.levelno == logging.WARNING
               and "a qt warning" in r.message for r in caplog.records)


def test_exception_hook_logs_and_shows_a_dialog(qtbot: Any, caplog: Any,
                                               monkeypatch: Any) -> None:
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.detailedText())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    previous = sys.excepthook
    try:
        app.install_excepthook()
        try:
            raise ValueError("boom")
        except ValueError as exc:
            with caplog.at_level(logging.ERROR, logger="reader.gui"):
                sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert shown and "ValueError: boom" in shown[0]
    assert any("uncaught exception" in r.message and "boom" in r.message for r in caplog.records)


def test_an_old_library_is_updated_behind_a_notice(qtbot: Any, tmp_path: Any, monkeypatch: Any) -> None:
    import reader.core.library as library_module
    from reader.core.library import SCHEMA_VERSION, Library

    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:
        patch.setattr(library_module, "SCHEMA_VERSION", 5)
        Library.open(path).close()
    assert Library.needs_migration(path)
    seen: list[str] = []

    def open_and_look(p: Any) -> Library:
        from PySide6.QtWidgets import QApplication

        seen.extend(w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible())
        return real_open(p)

    real_open = Library.open
    monkeypatch.setattr(Library, "open", staticmethod(open_and_look))
    library = app.open_library(path)
    try:
        assert "migrationNotice" in seen  # shown while the schema was updated
        assert library.schema_version() == SCHEMA_VERSION
        assert not Library.needs_migration(path)
    finally:
        library.close()
    # a current library opens without the notice
    seen.clear()
    app.open_library(path).close()
    assert "migrationNotice" not in seen
    assert not Library.needs_migration(tmp_path / "missing.db")
