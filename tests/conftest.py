"""Shared fixtures: temporary libraries and paths to the evaluation data beside the project."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import Library

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = PROJECT_ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (the evaluation data lives in ../shared/)")
    return path


@pytest.fixture(scope="session", autouse=True)
def one_qt_application() -> Iterator[None]:
    """Create the QApplication before any test runs.

    Exports start a bare QGuiApplication when none exists, after which no widget can be made;
    with the full QApplication first, export and GUI tests pass in any order.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:  # Qt missing: the GUI and export tests fail on their own import
        yield
        return
    app = QApplication.instance() or QApplication([])
    yield
    del app


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "library.db")
    yield lib
    lib.close()
