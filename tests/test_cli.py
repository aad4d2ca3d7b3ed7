"""The ``reader`` command line and its JSON contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.cli import main

from .articles import article_txt

SHOW_KEYS = {"id", "title", "site", "author", "published", "url", "format", "source_path",
             "sha256", "text", "headings", "removed", "attributions", "profile",
             "unattributed_claims"}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_show_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib.db")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ferry.txt").write_text(article_txt(
        "Ferry suspended after cracks found", site_banner="News - Kesselcourier"))
    (tmp_path / "in" / "junk.html").write_bytes(b"\x00\x01\x02" * 100)

    code, out, _ = _run(capsys, "import", str(tmp_path / "in"), "--library", lib)
    assert code == 1  # one file refused
    assert "imported  #1  Ferry suspended after cracks found" in out
    assert f"refused   {tmp_path / 'in' / 'junk.html'}:" in out

    code, out, _ = _run(capsys, "--library", lib, "import", str(tmp_path / "in" / "ferry.txt"),
                        "--json")
    assert code == 0
    assert json.loads(out) == [{"path": str(tmp_path / "in" / "ferry.txt"), "status": "duplicate",
                                "duplicate_of": 1, "title": "Ferry suspended after cracks found"}]

    code, out, _ = _run(capsys, "list", "--json", "--library", lib)
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [1]
    assert {"id", "title", "site", "published", "source_path"} <= set(rows[0])

    code, out, _ = _run(capsys, "show", "1", "--json", "--library", lib)
    data = json.loads(out)
    assert set(data) >= SHOW_KEYS
    assert data["site"] == "Kessel Courier"
    assert data["text"].startswith("The river ferry between Aldmouth")
    assert data["removed"] == ["News - Kesselcourier"]

    code, out, _ = _run(capsys, "list", "--search", "ferry", "--library", lib)
    assert "Ferry suspended" in out

    code, _, err = _run(capsys, "show", "99", "--library", lib)
    assert code == 2 and "no article with id 99" in err


def test_library_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("READER_LIBRARY", str(tmp_path / "env.db"))
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    code, _, _ = _run(capsys, "import", str(tmp_path / "a.txt"))
    assert code == 0
    assert (tmp_path / "env.db").exists()


def test_foreign_library_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    code, _, err = _run(capsys, "list", "--library", str(bad))
    assert code == 2
    assert "not a Provenance Reader library" in err


def test_reextract_keeps_id_tags_and_reanchors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.core import annotations as ann
    from reader.core.library import Library, pack_text

    lib_path = str(tmp_path / "lib.db")
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    assert main(["import", str(tmp_path / "a.txt"), "--library", lib_path]) == 0
    with Library.open(lib_path) as lib:
        ann.add_tags(lib, [1], ["ferry"])
        text = lib.get(1)["text"]
        start = text.index("Piet Varga")
        ann.add_highlight(lib, 1, start, start + 10)
        # An older extractor left debris in the text: re-extraction must clean it.
        lib.conn.execute(
            "UPDATE articles SET text = ?, title = 'old' WHERE id = 1", (pack_text("Share this\n\n" + text),)
        )
    capsys.readouterr()
    assert main(["reextract", "--library", lib_path]) == 0
    assert "updated   #1  Ferry suspended after cracks found" in capsys.readouterr().out
    with Library.open(lib_path) as lib:
        row = lib.get(1)
        assert row["text"] == text and row["title"] == "Ferry suspended after cracks found"
        assert ann.tags_for(lib, 1) == ["ferry"]
        (highlight,) = ann.highlights_for(lib, 1)
        assert row["text"][highlight["start"]:highlight["end"]] == "Piet Varga"


def test_check_reports_a_sound_library_and_finds_orphans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.core.library import Library

    lib_path = str(tmp_path / "lib.db")
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    main(["import", str(tmp_path / "a.txt"), "--library", lib_path])
    capsys.readouterr()
    assert main(["check", "--library", lib_path]) == 0
    assert "ok (1 articles)" in capsys.readouterr().out
    with Library.open(lib_path) as lib:
        lib.conn.execute("PRAGMA foreign_keys = OFF")
        lib.conn.execute("DELETE FROM originals")
    assert main(["check", "--library", lib_path]) == 1
    assert "1 article(s) without their original bytes" in capsys.readouterr().out


def test_compact_reports_what_it_did_and_keeps_the_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib_path = str(tmp_path / "lib.db")
    for n, title in enumerate(["Ferry suspended after cracks found", "Harbour pilots strike"]):
        (tmp_path / f"{n}.txt").write_text(article_txt(title))
        main(["import", str(tmp_path / f"{n}.txt"), "--library", lib_path])
    capsys.readouterr()
    code, out, err = _run(capsys, "compact", "--library", lib_path)
    assert code == 0 and err == ""
    assert re.fullmatch(
        r"compacted .*lib\.db: [\d.]+ MB -> [\d.]+ MB \(0 text\(s\) and 0 analysis\(es\) "
        r"compressed; pages of 16 KB -> 16 KB\)\n", out)
    code, out, _ = _run(capsys, "list", "--library", lib_path, "--search", "pilots")
    assert code == 0 and "Harbour pilots strike" in out and "Ferry" not in out


def test_export_pdf_markdown_json(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    lib = str(tmp_path / "lib.db")
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    main(["import", str(tmp_path / "a.txt"), "--library", lib])
    capsys.readouterr()
    code = main(["export", "1", "--pdf", str(tmp_path / "out" / "a.pdf"), "--markdown",
                 str(tmp_path / "out"), "--json", str(tmp_path / "a.json"), "--library", lib])
    assert code == 0
    written = [line.split(" ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert len(written) == 3 and all(Path(p).stat().st_size > 0 for p in written)
    assert Path(written[0]).read_bytes().startswith(b"%PDF")
    assert json.loads(Path(written[2]).read_text())["title"] == "Ferry suspended after cracks found"
    assert main(["export", "1", "--library", lib]) == 2


def test_related_command_and_show_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .articles import STORY_PARAGRAPHS

    lib = str(tmp_path / "lib.db")
    shared = STORY_PARAGRAPHS[:3]
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found", STORY_PARAGRAPHS,
                                                site_banner="News - Kesselcourier",
                                                footer="Last Modified: 08 April 2024 10:30 AM"))
    (tmp_path / "b.txt").write_text(article_txt(
        "Aldmouth ferry halted as hull inspection finds damage",
        ["Passengers in Aldmouth faced a second day of disruption on Tuesday as the river service "
         "remained halted while engineers examined the damaged vessel in dry dock.", *shared],
        site_banner="Home - Aldmouthherald", footer="Last Modified: 09 April 2024 08:00 AM"))
    assert main(["import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--library", lib]) == 0
    capsys.readouterr()
    assert main(["related", "2", "--json", "--library", lib]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert item["id"] == 1 and item["first_published"] == "other"
    assert item["relation"] == "same story"  # shared paragraphs, same names, a day apart
    assert item["shared_passages"], item
    assert main(["related", "2", "--library", lib]) == 0
    assert "Ferry suspended after cracks found" in capsys.readouterr().out
    assert main(["show", "1", "--json", "--library", lib]) == 0
    related = json.loads(capsys.readouterr().out)["related"]
    assert [r["id"] for r in related] == [2]
    passage = related[0]["shared_passages"][0]
    assert {"this_start", "this_end", "other_start", "other_end", "similarity"} <= set(passage)


def test_analysis_left_waiting_is_reported_and_finished(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.core.importer import run_import
    from reader.core.library import Library

    lib = tmp_path / "lib.db"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ferry.txt").write_text(article_txt("Ferry suspended after cracks found"))
    with Library.open(lib) as library:
        report = run_import(library, [tmp_path / "in"], analyse=False)  # stopped after pass one
        assert report.analysis_pending == 1
    code, out, _ = _run(capsys, "check", "--library", str(lib))
    assert code == 0 and "1 article(s) wait for their analysis" in out
    # `show` already gives the current engine's attributions
    code, out, _ = _run(capsys, "show", "1", "--json", "--library", str(lib))
    shown = json.loads(out)["attributions"]
    assert shown
    code, _, err = _run(capsys, "analyse", "--workers", "1", "--library", str(lib))
    assert code == 0 and "1 article(s) analysed" in err
    code, out, _ = _run(capsys, "check", "--library", str(lib))
    assert "wait for their analysis" not in out
    with Library.open(lib) as library:
        row = library.get(1)
        assert row["analysis"]["attributions"] == shown
        assert library.pending_analysis() == []
        # and its related coverage is indexed
        assert library.conn.execute("SELECT COUNT(*) FROM related_docs").fetchone()[0] == 1
