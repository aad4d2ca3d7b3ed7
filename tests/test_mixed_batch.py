"""A mixed batch with broken files imports in one command, with a line for each broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import main
from reader.core.library import Library
from reader.core.synthetic import write_mixed_corpus


def test_mixed_batch_with_a_tenth_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stats = write_mixed_corpus(tmp_path / "in", 60)
    code = main(["import", str(tmp_path / "in"), "--library", str(tmp_path / "lib.db")])
    out = capsys.readouterr().out
    assert code == 1
    refused = [line for line in out.splitlines() if line.startswith(("refused", "skipped"))]
    imported = [line for line in out.splitlines() if line.startswith("imported")]
    # An unsupported file type inside a folder is "skipped", the rest "refused": a line each.
    assert len(refused) == stats["broken"] == 6
    assert sum(line.startswith("skipped") for line in refused) == 1
    assert len(imported) == stats["good"]
    for line in refused:
        path, reason = line[len("refused   "):].split(": ", 1)
        assert Path(path).exists() and reason
    with Library.open(tmp_path / "lib.db") as lib:
        assert lib.count() == stats["good"]
        assert lib.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = lib.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM originals)"
        ).fetchone()[0]
        assert orphans == 0
