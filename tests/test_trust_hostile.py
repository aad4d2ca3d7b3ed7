"""Hostile content: what an article file carries never becomes active, never reaches the network
or the disk, and cannot steer where exports are written. (The reading pane's side is in
tests/gui/test_trust_reading.py.)"""

from __future__ import annotations

import json
import multiprocessing
import socket
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import importer
from reader.core.importer import run_import
from reader.core.library import Library
from reader.export import export_json, export_markdown, export_pdf
from reader.export.paths import ExportError, article_filename, inside
from tests.hostile_page import HOSTILE_MARKERS, HOSTILE_PAGE
from tests.trust_inputs import mhtml_page


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Every attempt to open a connection or resolve a name, recorded and refused (in forked
    extraction workers too: they inherit the patch and append to the same file)."""
    record = tmp_path / "network-attempts.txt"
    record.write_text("")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        with open(record, "a") as fh:
            fh.write(repr(args[:2]) + "\n")
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    class Attempts(list[str]):
        def __eq__(self, other: object) -> bool:
            return record.read_text().splitlines() == other

    return Attempts()


@pytest.fixture
def hostile(
    library: Library, tmp_path: Path, no_network: list[str], monkeypatch: pytest.MonkeyPatch
) -> int:
    page = tmp_path / "hostile.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    archive = tmp_path / "hostile.mhtml"
    archive.write_bytes(mhtml_page(HOSTILE_PAGE.replace("Ferry service", "Ferry line")))
    # fork, so the workers inherit the network guard (spawn is used when threads run)
    monkeypatch.setattr(importer, "_pool_context", lambda: multiprocessing.get_context("fork"))
    report = run_import(library, [page, archive])
    assert [o.status for o in report.outcomes] == ["imported", "imported"], report.outcomes
    assert no_network == []  # importing the page looked nothing up
    first = report.outcomes[0].article_id
    assert first is not None
    return first


def test_nothing_active_survives_extraction(library: Library, hostile: int) -> None:
    for article_id in (hostile, hostile + 1):
        row = library.get(article_id)
        stored = json.dumps(
            {k: row[k] for k in ("title", "site", "author", "url", "text", "headings", "removed")},
            ensure_ascii=False,
        )
        for marker in HOSTILE_MARKERS:
            assert marker not in stored, marker
        assert "<" not in row["text"] and "inspection report" in row["text"]
        assert row["url"] == "https://kesselcourier.example/news/ferry"


def test_exports_of_a_hostile_article_carry_nothing_active(
    library: Library, hostile: int, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    written = export_pdf(library, [hostile, hostile + 1], out)
    written += export_markdown(library, [hostile], out)
    written += export_json(library, [hostile], out)
    assert all(path.parent == out.resolve() for path in written)
    for path in written:
        data = path.read_bytes()
        for marker in HOSTILE_MARKERS:
            assert marker.encode() not in data, (path.name, marker)
    for path in (p for p in written if p.suffix == ".pdf"):
        with pikepdf.open(path) as pdf:
            assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
            assert "/AcroForm" not in pdf.Root
            assert "/Names" not in pdf.Root or (
                "/JavaScript" not in pdf.Root.Names and "/EmbeddedFiles" not in pdf.Root.Names
            )
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary):
                    assert "/JS" not in obj and "/AA" not in obj and "/A" not in obj
                    if "/S" in obj:
                        assert str(obj.S) not in (
                            "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/URI"
                        )


@given(title=st.text(max_size=80) | st.sampled_from([
    "../../../etc/passwd", "/etc/passwd", "..", ".", "C:\\Windows\\system32", "\\\\server\\share",
    "a/../../b", "~/.bashrc", "CON", "nul\x00byte", "\u202egnp.exe", "..\u2215..\u2215x",
    "．．／．．／x", "%2e%2e%2f", "file:///etc/passwd",
]), article_id=st.integers(1, 10**9), suffix=st.sampled_from([".pdf", ".md", ".json"]))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_export_file_names_never_leave_the_folder(
    title: str, article_id: int, suffix: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.getbasetemp() / "exports"
    folder.mkdir(exist_ok=True)
    name = article_filename(article_id, title, suffix)
    try:
        target = inside(folder, name)
    except ExportError:
        return  # refused: also fine, nothing is written
    assert target.parent == folder.resolve()
    assert target.name.startswith(f"{article_id:04d}") and target.suffix == suffix
