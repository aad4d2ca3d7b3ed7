"""GUI test fixtures: offscreen Qt, a temporary settings location, libraries with samples."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from reader.core.importer import run_import
from reader.core.library import Library

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.fixture(autouse=True)
def temp_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """QSettings in a fresh temporary folder for every test, never the user's."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def settings(temp_settings: Path) -> QSettings:
    return QSettings(str(temp_settings / "reader.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="session")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with the sample articles imported once (copied per test)."""
    path = tmp_path_factory.mktemp("samples") / "samples.db"
    with Library.open(path) as library:
        report = run_import(library, [SAMPLES])
        assert len(report.imported) >= 6, [o.describe() for o in report.outcomes]
        try:
            from reader.core.related import update_related

            for outcome in report.imported:
                assert outcome.article_id is not None
                update_related(library, outcome.article_id)
        except ImportError:
            pass
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def close_windows() -> None:
    """Close every main window (stopping its worker threads) before its library closes, so no
    queued callback reaches a closed database after the test."""
    from PySide6.QtWidgets import QApplication

    from reader.gui.mainwindow import MainWindow

    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.close()
    app.processEvents()


@pytest.fixture
def sample_library(samples_db: Path, tmp_path: Path) -> Iterator[Library]:
    target = tmp_path / "library.db"
    target.write_bytes(samples_db.read_bytes())
    library = Library.open(target)
    yield library
    close_windows()
    library.close()


@pytest.fixture
def empty_library(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "empty.db")
    yield library
    close_windows()
    library.close()


@pytest.fixture
def make_window(qtbot: Any, settings: QSettings) -> Iterator[Any]:
    from reader.gui.mainwindow import MainWindow

    windows: list[MainWindow] = []

    def make(library: Library, **kwargs: Any) -> MainWindow:
        window = MainWindow(library, settings=settings, **kwargs)
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
