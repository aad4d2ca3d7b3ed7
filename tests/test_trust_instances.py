"""Two programs on one library, and library files that must not be used: no lost writes, clear
messages, nothing overwritten."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader import cli
from reader.core import annotations as ann
from reader.core import library as library_module
from reader.core.errors import LibraryError
from reader.core.importer import run_import
from reader.core.library import Library
from reader.core.synthetic import write_mixed_corpus
from tests.crash_driver import PROJECT_ROOT

WRITER = textwrap.dedent(
    """
    import sys
    from reader.core import annotations as ann
    from reader.core.library import Library

    path, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Library.open(path) as library:
        ids = [int(r[0]) for r in library.conn.execute("SELECT id FROM articles ORDER BY id")]
        for i in range(count):
            article = ids[i % len(ids)]
            ann.add_tags(library, [article], [f"{who}/{i}"])
            ann.add_article_note(library, article, f"{who} note {i}")
    """
)


def _seeded_library(tmp_path: Path, count: int = 8) -> Path:
    path = tmp_path / "library.db"
    write_mixed_corpus(tmp_path / "seed", count, broken_share=0.0, seed=5)
    with Library.open(path) as library:
        report = run_import(library, [tmp_path / "seed"], keep_related=False)
        assert len(report.imported) == count
    return path


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = _seeded_library(tmp_path)
    incoming = tmp_path / "incoming"
    stats = write_mixed_corpus(incoming, 40, broken_share=0.0, seed=6)
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), who, "150"], env=env,
                         stderr=subprocess.PIPE)
        for who in ("alpha", "beta")
    ]
    importer = subprocess.Popen(
        [sys.executable, "-m", "reader", "import", str(incoming), "--workers", "1",
         "--library", str(path)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    for process in [*writers, importer]:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    with Library.open(path) as library:
        assert library.check() == []
        assert library.count() == 8 + stats["good"]
        for who in ("alpha", "beta"):
            tags = {t.name for t in ann.tag_counts(library)}
            assert {f"{who}/{i}" for i in range(150)} <= tags
            (notes,) = library.conn.execute(
                "SELECT COUNT(*) FROM article_notes WHERE body LIKE ?", (f"{who} note %",)
            ).fetchone()
            assert notes == 150


def test_second_instance_opens_the_same_library_safely(tmp_path: Path) -> None:
    path = _seeded_library(tmp_path, 4)
    with Library.open(path) as first, Library.open(path) as second:
        assert first.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        ann.add_tags(first, [1], ["from-first"])
        ann.add_tags(second, [2], ["from-second"])
        # Each sees the other's committed writes; a reader never blocks a writer.
        assert ann.tags_for(second, 1) == ["from-first"]
        assert ann.tags_for(first, 2) == ["from-second"]
        with first.transaction():
            first.conn.execute("UPDATE articles SET title = 'Held' WHERE id = 3")
            assert second.get(3)["title"] != "Held"  # readers see the last commit
        assert second.get(3)["title"] == "Held"


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_module, "BUSY_TIMEOUT", 0.3)


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO tags (name) VALUES ('held by the other program')")
    return holder


def test_a_library_busy_past_the_timeout_is_reported_in_use_not_a_traceback(
    tmp_path: Path, short_busy_timeout: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _seeded_library(tmp_path, 4)
    holder = _hold_write_lock(path)
    try:
        code = cli.main(["--library", str(path), "tag", "1", "later"])
        err = capsys.readouterr().err
        assert code == 2
        assert "in use by another program" in err and str(path) in err
        assert "Traceback" not in err
        # Reading still works while the other program writes.
        assert cli.main(["--library", str(path), "list"]) == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cli.main(["--library", str(path), "tag", "1", "later"]) == 0
    with Library.open(path) as library:
        assert ann.tags_for(library, 1) == ["later"]


def test_import_into_a_busy_library_stops_with_the_message_and_keeps_what_it_wrote(
    tmp_path: Path, short_busy_timeout: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _seeded_library(tmp_path, 4)
    incoming = tmp_path / "incoming"
    write_mixed_corpus(incoming, 6, broken_share=0.0, seed=8)
    holder = _hold_write_lock(path)
    try:
        code = cli.main(["--library", str(path), "import", str(incoming), "--workers", "1"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 2 and "in use by another program" in err and str(path) in err
    with Library.open(path) as library:
        assert library.check() == [] and library.count() == 4
    assert cli.main(["--library", str(path), "import", str(incoming), "--workers", "1"]) == 0
    with Library.open(path) as library:
        assert library.count() == 10


def test_damaged_library_is_refused_and_never_overwritten(tmp_path: Path) -> None:
    path = _seeded_library(tmp_path, 4)
    with Library.open(path) as library:
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xde\xad" * ((4096 - 100) // 2)  # the schema page, keeping the header
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="damaged or not a database"):
        Library.open(path)
    assert cli.main(["--library", str(path), "check"]) == 2
    assert path.read_bytes() == before


def test_check_reports_orphans_and_missing_parts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _seeded_library(tmp_path, 4)
    with Library.open(path) as library:
        library.conn.execute("PRAGMA foreign_keys = OFF")
        library.conn.execute("DELETE FROM originals WHERE article_id = 2")
        library.conn.execute(
            "INSERT INTO article_tags (article_id, tag_id) VALUES (999, 999)"
        )
    assert cli.main(["--library", str(path), "check"]) == 1
    out = capsys.readouterr().out
    assert "1 article(s) without their original bytes" in out
    assert "foreign key: table article_tags" in out


def test_backup_is_online_and_never_over_the_library(tmp_path: Path) -> None:
    path = _seeded_library(tmp_path, 4)
    with Library.open(path) as library, Library.open(path) as other:
        with other.transaction():  # a write in progress elsewhere does not block a backup
            other.conn.execute("UPDATE articles SET title = 'uncommitted' WHERE id = 1")
            copy = library.backup(tmp_path / "copy.db")
        for target in (path, Path(f"{path}-wal")):
            with pytest.raises(LibraryError, match="over the library itself"):
                library.backup(target)
    with Library.open(copy) as restored:
        assert restored.check() == [] and restored.count() == 4
        assert restored.get(1)["title"] != "uncommitted"
