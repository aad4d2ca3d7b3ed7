"""The import pipeline on every format, on bad input, and its guarantees for the library."""

from __future__ import annotations

import email.policy
import json
import os
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest

from reader.core import ingest
from reader.core.importer import run_import
from reader.core.library import Library

from .articles import STORY_PARAGRAPHS, article_html, article_txt, extract_unless_hang, story_files
from .pdfgen import make_pdf


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _only(report_outcomes: list, status: str) -> list:
    return [o for o in report_outcomes if o.status == status]


def test_txt_import_stores_clean_text_metadata_and_original(library: Library, tmp_path: Path) -> None:
    raw = article_txt(
        "Ferry suspended after cracks found in hull",
        site_banner="Kessel News - Local - Kesselcourier",
        footer="Last Modified: Monday، 08 April 2024 10:30 AM",
    )
    path = _write(tmp_path / "ferry.txt", raw)
    report = run_import(library, [path])
    (outcome,) = report.outcomes
    assert outcome.status == "imported"
    row = library.get(outcome.article_id)
    assert row["title"] == "Ferry suspended after cracks found in hull"
    assert row["site"] == "Kessel Courier"
    assert row["published"] == "2024-04-08T10:30"
    assert row["format"] == "txt"
    assert row["text"] == "\n\n".join(STORY_PARAGRAPHS)
    assert row["removed"] == ["Kessel News - Local - Kesselcourier",
                              "Last Modified: Monday، 08 April 2024 10:30 AM"]
    assert library.original_bytes(outcome.article_id) == path.read_bytes()
    (size,) = library.conn.execute(
        "SELECT size FROM originals WHERE article_id = ?", (outcome.article_id,)
    ).fetchone()
    assert size == path.stat().st_size  # the worker sent the compressed copy only
    assert len(row["sha256"]) == 64


def test_html_import_uses_page_metadata(library: Library, tmp_path: Path) -> None:
    path = _write(tmp_path / "ferry.html", article_html("Ferry suspended after cracks found"))
    (outcome,) = run_import(library, [path]).outcomes
    assert outcome.status == "imported", outcome.reason
    row = library.get(outcome.article_id)
    assert row["title"] == "Ferry suspended after cracks found"
    assert row["site"] == "Kessel Courier"
    assert row["url"] == "https://kesselcourier.example/news/ferry-suspended"
    assert row["published"].startswith("2024-04-08")
    assert "Share on Facebook" not in row["text"]
    assert "All rights reserved" not in row["text"]
    assert "Board spokesman Piet Varga told reporters" in row["text"]


def test_mhtml_import_reads_html_part_and_content_location(library: Library, tmp_path: Path) -> None:
    message = EmailMessage(policy=email.policy.default)
    message["MIME-Version"] = "1.0"
    message["Snapshot-Content-Location"] = "https://kesselcourier.example/saved"
    message.make_related()
    html_part = EmailMessage(policy=email.policy.default)
    html_part.set_content(article_html("Ferry suspended after cracks found", url=""), subtype="html",
                          cte="quoted-printable")
    html_part["Content-Location"] = "https://kesselcourier.example/saved"
    message.attach(html_part)
    css = EmailMessage(policy=email.policy.default)
    css.set_content("body { color: red }", subtype="css")
    message.attach(css)
    path = _write(tmp_path / "ferry.mhtml", message.as_bytes())
    (outcome,) = run_import(library, [path]).outcomes
    assert outcome.status == "imported", outcome.reason
    row = library.get(outcome.article_id)
    assert row["format"] == "mhtml"
    assert "replacement service" in row["text"]
    assert row["url"] and row["url"].startswith("https://kesselcourier.example/")


def test_pdf_with_text_layer_is_imported(library: Library, tmp_path: Path) -> None:
    lines = ["Ferry suspended after cracks found in hull", ""]
    for paragraph in STORY_PARAGRAPHS:
        words = paragraph.split()
        lines += [" ".join(words[i : i + 11]) for i in range(0, len(words), 11)]
        lines.append("")
    path = _write(tmp_path / "ferry.pdf", make_pdf([lines], title="Ferry suspended"))
    (outcome,) = run_import(library, [path]).outcomes
    assert outcome.status == "imported", outcome.reason
    row = library.get(outcome.article_id)
    assert row["format"] == "pdf"
    assert row["title"] == "Ferry suspended"
    assert "Board spokesman Piet Varga told reporters" in row["text"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"   \n\n  ", "empty file"),
        ("junk.txt", bytes(range(256)) * 40, ""),
        ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "unsupported file type .png"),
        ("nothing.html", b"<html><head><title>x</title></head><body><nav>Home</nav></body></html>",
         "no article text"),
        ("short.txt", b"Title\n\nToo short to be an article.", "no article text found"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer garbage", ""),
        ("scanned.pdf", make_pdf([[]]), "no text layer"),
        ("latin1.txt", article_txt("Caf\xe9 owners protest new rules").encode("cp1252"), None),
    ],
)
def test_bad_input_gets_one_clear_reason_and_the_batch_goes_on(
    library: Library, tmp_path: Path, name: str, data: bytes, reason: str | None
) -> None:
    bad = _write(tmp_path / name, data)
    good = _write(tmp_path / "good.txt", article_txt("Ferry suspended after cracks found"))
    report = run_import(library, [bad, good])
    first, second = report.outcomes
    assert second.status == "imported"
    if reason is None:  # decodable after all (cp1252): imported, not refused
        assert first.status == "imported"
        assert "Café owners" in library.get(first.article_id)["title"]
        return
    assert first.status == "refused"
    assert first.path == str(bad)
    assert first.reason and reason in first.reason
    assert library.count() == 1


def test_encrypted_pdf_is_refused(library: Library, tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(make_pdf([[p[:80] for p in STORY_PARAGRAPHS * 3]]))
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    (outcome,) = run_import(library, [locked]).outcomes
    assert outcome.status == "refused"
    assert outcome.reason and "encrypted" in outcome.reason


def test_oversized_file_is_refused_before_reading(library: Library, tmp_path: Path) -> None:
    # A sparse file over the real limit: the worker refuses it from its size, unread (the limit
    # is not patched, as a spawned worker would not see the patch).
    path = _write(tmp_path / "big.txt", article_txt("Big"))
    with open(path, "r+b") as fh:
        fh.truncate(ingest.MAX_FILE_BYTES + 1)
    (outcome,) = run_import(library, [path]).outcomes
    assert outcome.status == "refused"
    assert outcome.reason and "too large" in outcome.reason


def test_missing_files_and_fifos_are_refused_by_name(library: Library, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it to read would block the import for ever
    missing = tmp_path / "gone" / "missing.txt"
    report = run_import(library, [fifo, missing], workers=1)
    assert [(o.path, o.reason) for o in report.outcomes] == [
        (str(fifo), "not a regular file"),
        (str(missing), "no such file"),
    ]
    assert library.count() == 0


def test_a_file_that_grows_past_the_limit_after_its_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "growing.txt", article_txt("Growing file"))
    checked = ingest.check_file

    def check_then_grow(p: Path) -> int:
        size = checked(p)
        with open(p, "ab") as fh:  # the file grows between the check and the read
            fh.write(b"x" * 5000)
        return size

    monkeypatch.setattr(ingest, "check_file", check_then_grow)
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 3000)
    raw = ingest.read_file(path)
    assert len(raw) == 3001  # read on to one byte past the limit: the size check refuses it
    with pytest.raises(ingest.ImportRefused, match="too large"):
        ingest.extract_file_bytes(raw, path)


def test_the_record_names_the_file_by_its_resolved_path(tmp_path: Path) -> None:
    real = _write(tmp_path / "real" / "story.txt", article_txt("Linked story"))
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    record = ingest.import_file(link, analyse=False)
    assert record.source_path == str(real.resolve())
    # The pure function never touches the disk: the name it is given is the name it keeps.
    assert ingest.extract_file_bytes(real.read_bytes(), "story.txt").source_path == "story.txt"


def test_same_bytes_twice_is_a_duplicate_not_a_second_article(library: Library, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", article_txt("Ferry suspended after cracks found"))
    copy = _write(tmp_path / "copy" / "a-again.txt", path.read_bytes())
    report = run_import(library, [path, copy])
    assert [o.status for o in report.outcomes] == ["imported", "duplicate"]
    assert report.outcomes[1].duplicate_of == report.outcomes[0].article_id
    assert library.count() == 1


def test_same_story_from_html_and_txt_is_flagged_as_likely_duplicate(
    library: Library, tmp_path: Path
) -> None:
    title = "Ferry suspended after cracks found"
    html = _write(tmp_path / "ferry.html", article_html(title))
    txt = _write(tmp_path / "ferry.txt", article_txt(title))
    first, second = run_import(library, [html, txt]).outcomes
    assert first.status == second.status == "imported"
    assert second.likely_duplicate_of == first.article_id
    assert library.get(second.article_id)["likely_duplicate_of"] == first.article_id


def test_folders_are_walked_and_non_article_files_skipped(library: Library, tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", article_txt("First story about the ferry"))
    _write(tmp_path / "in" / "deep" / "b.htm", article_html("Second story about the ferry",
                                                            paragraphs=STORY_PARAGRAPHS[::-1]))
    _write(tmp_path / "in" / "notes.json", json.dumps({"not": "an article"}))
    _write(tmp_path / "in" / "page_files" / "script.js", "alert(1)")
    _write(tmp_path / "in" / ".hidden.txt", article_txt("Hidden"))
    report = run_import(library, [tmp_path / "in"])
    assert sorted(Path(o.path).name for o in report.imported) == ["a.txt", "b.htm"]
    assert [Path(o.path).name for o in report.skipped] == ["notes.json"]
    assert not report.refused


def test_a_failure_while_storing_leaves_no_half_written_article(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _write(tmp_path / "good.txt", article_txt("Ferry suspended after cracks found"))
    run_import(library, [good])
    before = library.count()
    # Make the second statement of the insert (the original bytes) fail.
    library.conn.execute(
        "CREATE TRIGGER fail_originals BEFORE INSERT ON originals "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    other = _write(tmp_path / "other.txt", article_txt("A different story", STORY_PARAGRAPHS[:3]))
    (outcome,) = run_import(library, [other]).outcomes
    assert outcome.status == "refused"
    assert outcome.reason and "disk trouble" in outcome.reason
    assert library.count() == before
    assert library.conn.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'different'").fetchone()[0] == 0
    assert library.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_outlet_boilerplate_is_learned_from_the_library(library: Library, tmp_path: Path) -> None:
    promo = "Get the Kessel Courier morning briefing in your inbox"
    paths = []
    for number in range(4):
        paragraphs = [f"Story number {number} begins here. " + STORY_PARAGRAPHS[number % 4], promo,
                      STORY_PARAGRAPHS[(number + 1) % 4] + f" Item {number}."]
        paths.append(_write(tmp_path / f"s{number}.txt",
                            article_txt(f"Story {number} headline", paragraphs,
                                        site_banner="Home - Kesselcourier")))
    run_import(library, paths[:3])
    (fourth,) = run_import(library, paths[3:]).outcomes
    row = library.get(fourth.article_id)
    assert promo not in row["text"]
    assert promo in row["removed"]


def _outlet_lines(library: Library) -> dict[tuple[str, int], int]:
    rows = library.conn.execute("SELECT site, line_key, articles FROM outlet_lines")
    return {(site, key): n for site, key, n in rows}


def _outlet_files(folder: Path, count: int) -> list[Path]:
    """Text exports of one outlet (its banner names it), sharing a promo line."""
    promo = "Get the Kessel Courier morning briefing in your inbox"
    return [
        _write(folder / f"o{n}.txt", article_txt(
            f"Story {n} headline",
            [f"Story number {n} begins here. " + STORY_PARAGRAPHS[n % 4], promo,
             f"Short update {n}.", STORY_PARAGRAPHS[(n + 1) % 4] + f" Item {n}."],
            site_banner="Home - Kesselcourier"))
        for n in range(count)
    ]


def test_an_import_holds_back_outlet_line_counts_and_ends_with_those_of_single_adds(tmp_path: Path) -> None:
    paths = _outlet_files(tmp_path, 6)
    records = [ingest.import_file(p) for p in paths]
    with Library.open(tmp_path / "single.db") as single, \
            Library.open(tmp_path / "imported.db") as imported:
        for record in records:  # one at a time: each add counts its lines in its transaction
            single.add_article(record)
        expected = _outlet_lines(single)
        assert expected and max(expected.values()) > 1  # the stories share their outlet's lines
        run_import(imported, paths, workers=2, analyse=False)
        assert _outlet_lines(imported) == expected


def test_held_back_outlet_lines_leave_out_articles_a_rollback_removed(tmp_path: Path) -> None:
    first, second, third, fourth = (ingest.import_file(p) for p in _outlet_files(tmp_path, 4))
    assert first.site and first.line_keys
    with Library.open(tmp_path / "l.db") as library:
        with library.deferred_outlet_lines():
            with library.deferred_outlet_lines():  # nested: the outer one stores them
                with pytest.raises(RuntimeError), library.transaction():
                    library.add_article(first)
                    raise RuntimeError("the batch fails after the article was added")
                assert library.count() == 0
                second.site = None  # takes the rolled-back article's id, with no lines
                library.add_article(second)
            assert _outlet_lines(library) == {}  # not yet
            library.add_article(third)
            with pytest.raises(RuntimeError), library.transaction():
                library.add_article(fourth)  # the last id, rolled back and never reused
                raise RuntimeError("the last batch fails too")
        assert library.count() == 2
        assert _outlet_lines(library) == {(third.site, key): 1 for key in third.line_keys}


def test_parallel_import_gives_the_same_records_in_the_same_order(tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"f{i}.txt", article_txt(f"Story {i} headline",
                                                        [f"Paragraph {i}. " + p for p in STORY_PARAGRAPHS]))
             for i in range(8)]
    with Library.open(tmp_path / "one.db") as one, Library.open(tmp_path / "two.db") as two:
        serial = run_import(one, paths, workers=1)
        parallel = run_import(two, paths, workers=2)
        assert [o.path for o in serial.outcomes] == [o.path for o in parallel.outcomes]
        rows_one = one.db.query("SELECT title, text, sha256 FROM articles ORDER BY id")
        rows_two = two.db.query("SELECT title, text, sha256 FROM articles ORDER BY id")
        assert list(rows_one) == list(rows_two)


@pytest.mark.parametrize("batch_articles", [1, 50])
def test_cancel_stops_between_whole_articles(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_articles: int
) -> None:
    import threading

    from reader.core import importer

    monkeypatch.setattr(importer, "BATCH_ARTICLES", batch_articles)
    paths = story_files(tmp_path, 6)
    cancel = threading.Event()
    reported: list[int] = []

    def progress(done: int, total: int, outcome: object) -> None:
        # Every reported article is already committed: another connection sees it.
        article_id = getattr(outcome, "article_id", None)
        with Library.open(library.path) as other:
            assert other.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        reported.append(done)
        if done == 2:
            cancel.set()

    report = run_import(library, paths, progress=progress, cancel=cancel)
    # Only whole articles, exactly the ones reported; with one article per batch the cancel
    # lands right after the second.
    assert library.count() == len(report.imported) == len(reported)
    if batch_articles == 1:
        assert report.cancelled and library.count() == 2
    for row in library.db.query("SELECT id FROM articles"):
        assert library.original_bytes(row["id"])


def test_library_survives_sqlite_errors_as_messages(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Library.open(path) as lib:
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    sqlite3.connect(path).close()


def _stories_with_a_hanging_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, count: int, at: int
) -> list[Path]:
    """``count`` story files with hang.txt at position ``at``, whose extraction never ends."""
    import multiprocessing

    from reader.core import importer

    # Forked workers inherit the patched job; the real pool picks spawn when threads run.
    monkeypatch.setattr(importer, "_extract_job", extract_unless_hang)
    monkeypatch.setattr(importer, "_pool_context", lambda: multiprocessing.get_context("fork"))
    paths = story_files(tmp_path, count)
    paths.insert(at, _write(tmp_path / "hang.txt", article_txt("Never finishes")))
    return paths


def test_watchdog_refuses_a_file_whose_extraction_hangs(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _stories_with_a_hanging_file(monkeypatch, tmp_path, 6, at=2)
    report = run_import(library, paths, workers=2, file_timeout=1.0)
    statuses = {Path(o.path).name: o.status for o in report.outcomes}
    assert statuses.pop("hang.txt") == "refused"
    assert set(statuses.values()) == {"imported"} and len(statuses) == 6
    (refused,) = report.refused
    assert refused.reason and "took longer than 1 s" in refused.reason
    assert [o.article_id for o in report.imported] == [1, 2, 3, 4, 5, 6]


def test_watchdog_names_the_hung_file_of_a_chunk(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Enough files that the first pass sends them several per job: the chunk holding the
    # hanging file overruns, its files are retried one by one, and only that one is refused.
    paths = _stories_with_a_hanging_file(monkeypatch, tmp_path, 40, at=13)
    report = run_import(library, paths, workers=1, file_timeout=1.0, analyse=False)
    (refused,) = report.refused
    assert Path(refused.path).name == "hang.txt"
    assert refused.reason and "took longer than 1 s" in refused.reason
    assert [Path(o.path).name for o in report.imported] == [Path(p).name for p in paths if "hang" not in str(p)]


def test_refusals_cross_process_boundaries() -> None:
    import pickle

    from reader.core.errors import ImportRefused

    again = pickle.loads(pickle.dumps(ImportRefused("/x/a.txt", "empty file")))
    assert (again.path, again.reason, str(again)) == ("/x/a.txt", "empty file", "/x/a.txt: empty file")


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on this platform")
def test_import_workers_run_below_the_writer() -> None:
    import functools
    from concurrent.futures import ProcessPoolExecutor

    from reader.core import importer

    with ProcessPoolExecutor(
        max_workers=1, mp_context=importer._pool_context(), initializer=importer._worker_init,
        initargs=(os.getpid(), "", None),
    ) as pool:
        worker_niceness = pool.submit(functools.partial(os.nice, 0)).result()
    assert worker_niceness == min(19, os.nice(0) + importer.WORKER_NICENESS)
