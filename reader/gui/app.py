"""Start the desktop app: logging, Qt message routing, the exception hook, the window."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QMessageLogContext,
    QStandardPaths,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QSplashScreen

from reader.core.errors import ReaderError
from reader.core.library import Library

log = logging.getLogger("reader.gui")
qt_log = logging.getLogger("reader.gui.qt")

ORGANIZATION = "ProvenanceReader"
APPLICATION = "Provenance Reader"

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to the ``reader.gui.qt`` logger instead of stderr."""
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def log_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base or Path.home() / ".provenance-reader")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "reader.log"


def setup_logging() -> Path | None:
    root = logging.getLogger("reader")
    if getattr(setup_logging, "done", False):
        return None
    root.setLevel(logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    path: Path | None = None
    try:
        path = log_path()
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError:
        log.warning("cannot write the log file", exc_info=True)
    setattr(setup_logging, "done", True)  # noqa: B010
    return path


def install_excepthook() -> None:
    """Log any uncaught exception with its traceback and tell the user in a dialog."""

    def hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception:\n%s", text)
        app = QApplication.instance()
        if app is None or issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong", str(exc) or exc_type.__name__)
        box.setInformativeText(
            "The error was written to the log file; please attach it to a report:\n"
            + str(log_path())
        )
        box.setDetailedText(text)
        box.exec()

    sys.excepthook = hook


def create_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    return app


def open_library(library_path: Path) -> Library:
    """Open the library; when its schema must be updated first (once, after an upgrade; up to
    a minute for a very large library), say so in a small window while it happens instead of
    showing nothing."""
    if not Library.needs_migration(library_path):
        return Library.open(library_path)
    notice = QSplashScreen()
    notice.setObjectName("migrationNotice")
    notice.showMessage(
        f"Updating the library {library_path.name} for this version of {APPLICATION}\n"
        "(once; a backup copy is made first)…",
        Qt.AlignmentFlag.AlignCenter,
    )
    notice.resize(520, 120)
    notice.show()
    QApplication.processEvents()
    try:
        return Library.open(library_path)
    finally:
        notice.close()


def run_app(library_path: Path) -> int:
    """``reader gui``: open the window on a library; returns the exit status."""
    from reader.gui.mainwindow import MainWindow

    setup_logging()
    qInstallMessageHandler(qt_message_handler)
    app = create_app()
    install_excepthook()
    try:
        library = open_library(library_path)
    except ReaderError as exc:
        log.error("cannot open %s: %s", library_path, exc)
        QMessageBox.critical(None, APPLICATION, f"The library could not be opened:\n{exc}")
        return 2
    window = MainWindow(library)
    window.show()
    # an import cancelled or interrupted during its analysis pass left articles waiting
    window.resume_pending_analysis()
    try:
        return app.exec()
    finally:
        library.close()
