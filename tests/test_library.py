"""The library file: schema versions, foreign files, search."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.errors import ArticleNotFound, LibraryError
from reader.core.importer import run_import
from reader.core.ingest import import_file
from reader.core.library import SCHEMA_VERSION, Library, fts_query

from .articles import STORY_PARAGRAPHS, article_txt


def test_new_library_has_schema_version_wal_and_fts(tmp_path: Path) -> None:
    with Library.open(tmp_path / "new.db") as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        assert {"articles", "originals", "articles_fts", "schema_version"} <= set(lib.db.table_names())
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_library_from_a_newer_program_is_refused_and_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with Library.open(path) as lib:
        lib.conn.execute("INSERT INTO schema_version VALUES (?, 'future')", (SCHEMA_VERSION + 5,))
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer"):
        Library.open(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="another program"):
        Library.open(path)
    assert path.read_bytes() == before


def test_non_database_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my precious notes")
    with pytest.raises(LibraryError, match="not an SQLite file"):
        Library.open(path)
    assert path.read_text() == "my precious notes"


def test_missing_article_raises(tmp_path: Path) -> None:
    with Library.open(tmp_path / "x.db") as lib, pytest.raises(ArticleNotFound):
        lib.get(42)


def test_full_text_search_ranks_and_snippets(library: Library, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    (tmp_path / "b.txt").write_text(article_txt(
        "Council approves new bridge budget",
        ["The council approved the bridge budget on Thursday after a long debate about tolls "
         "and the ferry's future, members said.", *STORY_PARAGRAPHS[2:]]))
    run_import(library, [tmp_path])
    hits = library.search("cracks hull")
    assert [h["id"] for h in hits] == [1]
    assert "[cracks]" in hits[0]["snippet"]
    # As-you-type: the last word is a prefix.
    assert {h["id"] for h in library.search("brid")} == {2}
    # Stray FTS syntax typed by a user is not an error.
    assert library.search('ferry" OR (') is not None
    rows = library.list_articles(search="ferry")
    assert {r["id"] for r in rows} == {1, 2}
    assert all("snippet" in r for r in rows)


def test_bounded_ranking_returns_the_head_of_the_full_order(tmp_path: Path) -> None:
    from reader.core.library import make_snippet, ranked_match_ids

    titles = [f"Harbour report number {n}" for n in range(12)]
    with Library.open(tmp_path / "lib.db") as lib:
        for n, title in enumerate(titles):
            body = ["Ferry crews " * (n + 1) + "met on Monday, the union said.", *STORY_PARAGRAPHS]
            (tmp_path / f"{n}.txt").write_text(article_txt(title, body))
        run_import(lib, [tmp_path])
        match = fts_query("ferry")
        for rank_limit in (3, 12, 50):
            full = ranked_match_ids(lib.conn, match, rank_limit)
            assert sorted(full) == list(range(1, 13))
            for wanted in (1, 2, 5):
                bounded = ranked_match_ids(lib.conn, match, rank_limit, wanted=wanted)
                expected = full[:wanted] if wanted <= rank_limit else full
                assert bounded == expected
        # the rank limit is honoured: the 3 newest matches ranked, the rest newest first
        assert ranked_match_ids(lib.conn, match, 3)[3:] == list(range(9, 0, -1))
        assert [h["id"] for h in lib.search("ferry", limit=4)] == ranked_match_ids(lib.conn, match)[:4]
    words = " ".join(f"w{i}" for i in range(40))
    assert make_snippet(words + " ferry " + words, "ferry", 6) == "…w38 w39 [ferry] w0 w1 w2…"
    assert make_snippet("A ferry sailed.", "ferry", 6) == "A [ferry] sailed"
    assert make_snippet(words, "ferry", 3) == "w0 w1 w2…"


def test_fts_query_quotes_user_words() -> None:
    assert fts_query("iran militias") == '"iran" "militias"*'
    assert fts_query('"state media" said ') == '"state media" "said"'
    assert fts_query("  ") == ""


def test_backup_is_a_working_copy(library: Library, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    run_import(library, [tmp_path / "a.txt"])
    copy = library.backup(tmp_path / "copy.db")
    with Library.open(copy) as restored:
        assert restored.count() == 1
        assert restored.get(1)["title"] == "Ferry suspended after cracks found"


def test_analysis_from_an_older_engine_is_redone_when_shown(library: Library, tmp_path: Path) -> None:
    from reader.core.article import article_object

    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    run_import(library, [tmp_path])
    fresh = article_object(library, 1, related=False)
    assert fresh["attributions"], "the fixture article has attributions"
    # An article stored by an earlier engine, with an analysis that engine got wrong.
    with library.conn:
        library.conn.execute("UPDATE articles SET analyzer_version = 1, analysis = NULL WHERE id = 1")
    shown = article_object(library, 1, related=False)
    assert shown["attributions"] == fresh["attributions"]
    assert shown["profile"] == fresh["profile"]


def test_texts_are_stored_compressed_and_searched_through_the_view(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    with Library.open(tmp_path / "lib.db") as lib:
        assert lib.conn.execute("PRAGMA page_size").fetchone()[0] == 16384
        run_import(lib, [tmp_path / "a.txt"], workers=1)
        stored, plain = lib.conn.execute("SELECT text, reader_text(text) FROM articles").fetchone()
        assert isinstance(stored, bytes) and len(stored) < len(plain.encode())
        assert lib.get(1)["text"] == plain and "Piet Varga" in plain
        hits = lib.search("Varga")
        assert [h["id"] for h in hits] == [1] and "Varga" in hits[0]["snippet"]
        # the index reads the texts through the view: a full comparison agrees
        assert lib.check() == []
        lib.delete_article(1)
        assert lib.search("Varga") == [] and lib.check() == []


def test_articles_are_indexed_at_commit_and_a_rolled_back_one_never(tmp_path: Path) -> None:
    texts = {
        "a": ["Harbour pilots walked out on Tuesday over night shifts."],
        "b": ["Quarry blasting cracked windows in the valley, residents said."],
        "c": ["The orchard cooperative sold its cider press to a museum."],
        "d": ["Lighthouse keepers' cottages will become a youth hostel."],
    }
    records = {}
    for name, paragraphs in texts.items():
        (tmp_path / f"{name}.txt").write_text(article_txt(f"Story {name}", paragraphs + STORY_PARAGRAPHS))
        records[name] = import_file(tmp_path / f"{name}.txt")
    with Library.open(tmp_path / "lib.db") as lib:
        with lib.transaction():
            lib.add_article(records["a"])
            with pytest.raises(RuntimeError), lib.transaction():
                lib.add_article(records["b"])  # id 2, rolled back with its savepoint ...
                raise RuntimeError
            lib.add_article(records["c"])  # ... and given to this one
            assert lib.search("pilots") == []  # not indexed before the commit
            lib.add_article(records["d"])
            lib.delete_article(3)  # added and deleted in one transaction
            with pytest.raises(RuntimeError), lib.transaction():
                lib.add_article(records["b"])  # rolled back, its id not given again
                raise RuntimeError
        assert [h["id"] for h in lib.search("pilots")] == [1]
        assert lib.search("quarry") == [] and lib.search("hostel") == []
        assert [h["id"] for h in lib.search("cider")] == [2]
        assert lib.check() == []
        with pytest.raises(RuntimeError), lib.transaction():
            lib.add_article(records["b"])
            raise RuntimeError  # the whole transaction rolled back: nothing left to index
        assert lib.count() == 2 and lib.search("quarry") == [] and lib.check() == []
        lib.conn.execute("BEGIN")  # a transaction the library did not open: indexed at once
        lib.add_article(records["b"])
        lib.conn.execute("COMMIT")
        assert [h["id"] for h in lib.search("quarry")] == [3] and lib.check() == []


@contextlib.contextmanager
def _library_as_an_older_version(
    monkeypatch: pytest.MonkeyPatch, path: Path, schema: int, page_size: int | None = None
) -> Iterator[Library]:
    """The library at ``path`` opened by a program that knows schemas up to ``schema`` (and
    creates files of ``page_size`` pages); today's program migrates it when it opens it."""
    import reader.core.library as library_module

    with monkeypatch.context() as patch:
        patch.setattr(library_module, "SCHEMA_VERSION", schema)
        if page_size is not None:
            patch.setattr(library_module, "NEW_LIBRARY_PAGE_SIZE", page_size)
        with Library.open(path) as lib:
            yield lib


def _insert_as_an_older_version_did(
    lib: Library, source: Path, *, plain_text: bool = False, plain_analysis: bool = False
) -> None:
    """The rows of one article written with plain SQL, as an older program did: its schema's
    own insert trigger indexes it (today's ``add_article`` indexes the article itself). Before
    schema 6 texts were stored plain, before schema 3 analyses were plain JSON."""
    import reader.core.library as library_module

    record = import_file(source)
    if plain_text:
        record.stored = dataclasses.replace(record.storage(), text=record.text)
    columns = library_module._extraction_columns(record)
    columns.update(sha256=record.sha256, imported_at="2026-01-01T00:00:00Z")
    if plain_analysis:
        columns["analysis"] = json.dumps(record.analysis)
    with lib.transaction():
        cursor = lib.conn.execute(
            f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()),
        )
        lib.conn.execute(
            "INSERT INTO originals (article_id, size, data) VALUES (?, ?, ?)",
            (cursor.lastrowid, len(record.original), record.original),
        )


def test_schema_5_library_migrates_its_index_and_mixes_plain_and_packed_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    (tmp_path / "b.txt").write_text(article_txt("Harbour pilots strike over night shifts"))
    with _library_as_an_older_version(monkeypatch, path, 5) as lib:
        _insert_as_an_older_version_did(lib, tmp_path / "a.txt", plain_text=True)
        assert lib.search("cracks") and lib.check() == []
        assert lib.conn.execute("SELECT typeof(text) FROM articles").fetchone()[0] == "text"
    with Library.open(path) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        run_import(lib, [tmp_path / "b.txt"], workers=1)
        kinds = [k for (k,) in lib.conn.execute("SELECT typeof(text) FROM articles ORDER BY id")]
        assert kinds == ["text", "blob"]
        assert {h["id"] for h in lib.search("Varga")} == {1, 2}
        assert {h["id"] for h in lib.search("pilots")} == {2}
        assert lib.check() == []
        lib.delete_article(1)  # a plain row leaves the rebuilt index cleanly
        assert {h["id"] for h in lib.search("Varga")} == {2} and lib.check() == []


def test_schema_6_library_drops_its_insert_trigger_and_indexes_each_new_article_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    (tmp_path / "b.txt").write_text(article_txt("Harbour pilots strike over night shifts"))
    with _library_as_an_older_version(monkeypatch, path, 6) as lib:  # indexed by its trigger
        _insert_as_an_older_version_did(lib, tmp_path / "a.txt")
        assert lib.search("cracks") and lib.check() == []
    with Library.open(path) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        triggers = {n for (n,) in lib.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert "articles_ai" not in triggers and {"articles_ad", "articles_au"} <= triggers
        run_import(lib, [tmp_path / "b.txt"], workers=1)
        assert {h["id"] for h in lib.search("Varga")} == {1, 2}
        assert {h["id"] for h in lib.search("pilots")} == {2}
        # a second index row for the new article would fail the full comparison
        assert lib.check() == []
        lib.delete_article(2)
        assert {h["id"] for h in lib.search("Varga")} == {1} and lib.check() == []


def test_schema_7_library_opens_without_a_backup_and_reads_zlib_and_zstd_originals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    sources = {name: tmp_path / f"{name}.txt" for name in "abc"}
    sources["a"].write_text(article_txt("Ferry suspended after cracks found"))
    sources["b"].write_text(article_txt("Harbour pilots strike over night shifts"))
    sources["c"].write_text(article_txt("Council delays vote on tram extension"))
    with _library_as_an_older_version(monkeypatch, path, 7) as lib:
        run_import(lib, [sources["a"], sources["b"]], workers=1)
        # the originals as schema 7 stored them: zlib, or plain when that was not smaller
        raw_a = sources["a"].read_bytes()
        with lib.transaction():
            lib.conn.execute(
                "UPDATE originals SET compression = 'zlib', data = ? WHERE article_id = 1",
                (zlib.compress(raw_a, 6),),
            )
            lib.conn.execute(
                "UPDATE originals SET compression = NULL, data = ? WHERE article_id = 2",
                (sources["b"].read_bytes(),),
            )
            # and its texts zlib-compressed
            text_a = lib.get(1)["text"]
            lib.conn.execute(
                "UPDATE articles SET text = ? WHERE id = 1", (zlib.compress(text_a.encode(), 6),)
            )
    assert not Library.needs_migration(path)  # nothing slow to announce: no notice, no copy
    with Library.open(path) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        run_import(lib, [sources["c"]], workers=1)
        stored = dict(lib.conn.execute("SELECT article_id, compression FROM originals"))
        assert stored == {1: "zlib", 2: None, 3: "zstd"}
        for article_id, name in enumerate("abc", start=1):
            assert lib.original_bytes(article_id) == sources[name].read_bytes()
        texts = dict(lib.conn.execute("SELECT id, substr(text, 1, 4) FROM articles"))
        assert texts[1][:1] == b"\x78" and texts[3] == b"\x28\xb5\x2f\xfd"  # zlib, zstd
        assert lib.get(1)["text"] == text_a
        assert {h["id"] for h in lib.search("Varga")} == {1, 2, 3}
        assert {h["id"] for h in lib.search("pilots")} == {2} and {h["id"] for h in lib.search("tram")} == {3}
        assert lib.check() == []
        lib.delete_article(1)  # the index's delete reads the zlib text
        assert {h["id"] for h in lib.search("Varga")} == {2, 3} and lib.check() == []
    # marking what new rows may hold changes no existing row: no copy of the library was made
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["old.db"]


def test_schema_8_library_gets_the_smaller_import_indexes_without_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    story = article_txt("Ferry suspended after cracks found")
    (tmp_path / "a.txt").write_text(story)
    # the same text in other bytes: a new file, and the same article
    (tmp_path / "a-crlf.txt").write_bytes(story.replace("\n", "\r\n").encode())
    (tmp_path / "b.txt").write_text(article_txt(
        "Harbour pilots strike over night shifts",
        ["Pilots at the harbour walked out at midnight over the new night rota.",
         "The port authority said ships would wait at anchor until talks resume on Monday."]))
    with _library_as_an_older_version(monkeypatch, path, 8) as lib:
        run_import(lib, [tmp_path / "a.txt"], workers=1)
        with lib.transaction():
            lib.conn.executemany(
                "INSERT INTO outlet_lines (site, line_key, articles) VALUES ('kessel.example', ?, ?)",
                [(key, key) for key in range(1, 6)],  # key k seen in k articles
            )
        recurring_before = lib.recurring_lines()
    assert recurring_before == {"kessel.example": frozenset({3, 4, 5})}
    assert not Library.needs_migration(path)  # only indexes change: no notice, no copy
    with Library.open(path) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        indexes = {n for (n,) in lib.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"articles_text_hash_prefix", "outlet_lines_recurring"} <= indexes
        assert "articles_text_sha256" not in indexes
        assert lib.recurring_lines() == recurring_before
        report = run_import(lib, [tmp_path / "a-crlf.txt", tmp_path / "b.txt"], workers=1)
        assert [o.likely_duplicate_of for o in report.imported] == [1, None]
        assert lib.check() == []
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["old.db"]


def test_same_text_and_boilerplate_look_ups_read_their_indexes(library: Library) -> None:
    """Both run for every import (the first for every article): a plan that scans the articles
    or every outlet line ever counted would slow imports into a big library, and still pass
    every other test."""
    from reader.core.library import (
        RECURRING_LINE_MIN_ARTICLES,
        RECURRING_LINES_QUERY,
        SAME_TEXT_QUERY,
    )

    def plan(query: str, *args: object) -> str:
        return " ".join(row[-1] for row in library.conn.execute(f"EXPLAIN QUERY PLAN {query}", args))

    assert "USING INDEX articles_text_hash_prefix" in plan(SAME_TEXT_QUERY, "ab" * 32)
    assert "USING INDEX outlet_lines_recurring" in plan(RECURRING_LINES_QUERY)
    # the partial index holds exactly the lines the threshold asks for (a different threshold
    # would read through a scan: this names the migration to write)
    (index_sql,) = library.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'outlet_lines_recurring'"
    ).fetchone()
    assert index_sql.endswith(f"WHERE articles >= {RECURRING_LINE_MIN_ARTICLES}")


def test_a_migration_another_program_applied_meanwhile_is_not_applied_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two programs opening an old library at once: both read its version, one migrates; the
    other finds each version already applied once it holds the write lock, and opens it."""
    path = tmp_path / "old.db"
    with _library_as_an_older_version(monkeypatch, path, 8):
        pass
    with Library.open(path) as first:  # the first program migrates to the current version
        assert first.schema_version() == SCHEMA_VERSION
        real = Library.schema_version
        locked_reads: list[int] = []

        def read_before_the_other_committed(self: Library) -> int:
            # the second program's reads before it holds the write lock saw version 8
            if not self.conn.in_transaction:
                return 8
            locked_reads.append(real(self))
            return locked_reads[-1]

        with monkeypatch.context() as patch:
            patch.setattr(Library, "schema_version", read_before_the_other_committed)
            second = Library.open(path)
        try:
            assert locked_reads == [SCHEMA_VERSION]  # migration 9 found applied, and skipped
            assert second.schema_version() == SCHEMA_VERSION
            applied = [v for (v,) in second.conn.execute("SELECT version FROM schema_version")]
            assert applied == list(range(1, SCHEMA_VERSION + 1))
            assert second.check() == []
        finally:
            second.close()


def test_a_migration_that_changes_rows_backs_the_library_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    with _library_as_an_older_version(monkeypatch, path, 6) as lib:
        _insert_as_an_older_version_did(lib, tmp_path / "a.txt")
    assert Library.needs_migration(path)
    with Library.open(path) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
    backups = [p for p in tmp_path.glob("*.db") if p.name != "old.db"]
    assert len(backups) == 1 and "backup" in backups[0].name
    with Library.open(backups[0]) as copy:  # the copy is the library as it was
        assert copy.original_bytes(1) == (tmp_path / "a.txt").read_bytes()


def _older_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, titles: list[str]) -> Path:
    """A library an older version wrote: schema 5, 4 KB pages, plain texts, and analyses as
    plain JSON (as before schema 3)."""
    path = tmp_path / "old.db"
    with _library_as_an_older_version(monkeypatch, path, 5, page_size=4096) as lib:
        for n, title in enumerate(titles):
            (tmp_path / f"{n}.txt").write_text(article_txt(title))
            _insert_as_an_older_version_did(
                lib, tmp_path / f"{n}.txt", plain_text=True, plain_analysis=True
            )
    return path


COMPACT_TITLES = [
    "Ferry suspended after cracks found", "Harbour pilots strike over night shifts",
    "Council delays vote on tram extension", "Drought forces water limits in the valley",
    "Hospital opens new cancer wing", "Port workers agree pay deal",
]


def test_compact_rewrites_an_older_library_tight_and_keeps_every_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _older_library(tmp_path, monkeypatch, COMPACT_TITLES)
    with Library.open(path) as lib:
        lib.delete_article(2)  # leaves free pages behind
        kept = [1, 3, 4, 5, 6]
        before = {i: lib.get(i) for i in kept}
        assert all(before[i]["analysis"]["attributions"] for i in kept)
        searches = {term: [h["id"] for h in lib.search(term)] for term in ("Varga", "cancer", "tram")}
        assert searches["cancer"] == [5] and sorted(searches["Varga"]) == kept
        report = lib.compact()

        assert report.texts_packed == report.analyses_packed == len(kept)
        kinds = set(lib.conn.execute("SELECT typeof(text), typeof(analysis) FROM articles"))
        assert kinds == {("blob", "blob")}
        # a small library keeps its 4 KB pages: 16 KB ones would make it bigger
        assert (report.page_size_before, report.page_size_after) == (4096, 4096)
        assert report.bytes_after < report.bytes_before
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for i in kept:
            after = lib.get(i)
            assert after["text"] == before[i]["text"]
            assert after["analysis"] == before[i]["analysis"]
        assert {t: [h["id"] for h in lib.search(t)] for t in searches} == searches
        assert lib.check() == []
        lib.conn.execute("UPDATE articles SET title = 'Tram line reopens' WHERE id = 1")
        assert [h["id"] for h in lib.search("reopens")] == [1]  # the update trigger is back
        again = lib.compact()  # nothing left to compress; still a valid library
        assert (again.texts_packed, again.analyses_packed) == (0, 0) and lib.check() == []
    with Library.open(path) as lib:
        assert lib.count() == len(kept) and lib.get(3)["text"] == before[3]["text"]


def test_compact_leaves_an_unreadable_row_as_it_is_and_compresses_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _older_library(tmp_path, monkeypatch, COMPACT_TITLES[:3])
    with Library.open(path) as lib:
        lib.conn.execute("UPDATE articles SET analysis = '{broken' WHERE id = 2")
        seen: list[tuple[int, int]] = []
        report = lib.compact(progress=lambda done, total: seen.append((done, total)))
        assert (report.texts_packed, report.analyses_packed) == (2, 2) and seen[-1] == (3, 3)
        kinds = dict(lib.conn.execute("SELECT id, typeof(analysis) FROM articles"))
        assert kinds == {1: "blob", 2: "text", 3: "blob"}
        assert lib.conn.execute("SELECT analysis FROM articles WHERE id = 2").fetchone() == ("{broken",)
        assert [h["id"] for h in lib.search("tram")] == [3] and lib.get(1)["analysis"]


def test_compact_moves_a_large_library_to_the_new_page_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.core.library as library_module

    path = _older_library(tmp_path, monkeypatch, COMPACT_TITLES[:3])
    monkeypatch.setattr(library_module, "COMPACT_PAGE_SIZE_MIN_BYTES", 0)
    with Library.open(path) as lib:
        before = lib.get(3)
        report = lib.compact()
        assert (report.page_size_before, report.page_size_after) == (4096, 16384)
        assert lib.conn.execute("PRAGMA page_size").fetchone()[0] == 16384
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.get(3) == before and lib.check() == []
        assert [h["id"] for h in lib.search("tram")] == [3]


def test_compact_while_another_program_reads_the_library_keeps_its_page_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.core.library as library_module

    path = _older_library(tmp_path, monkeypatch, COMPACT_TITLES[:2])
    monkeypatch.setattr(library_module, "COMPACT_PAGE_SIZE_MIN_BYTES", 0)
    with Library.open(path) as lib:
        other = sqlite3.connect(path)  # e.g. the app left open on the same library
        try:
            assert other.execute("SELECT COUNT(*) FROM articles").fetchone() == (2,)
            report = lib.compact()
            assert report.texts_packed == 2 and report.page_size_after == 4096
            assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert other.execute("SELECT COUNT(*) FROM articles").fetchone() == (2,)
        finally:
            other.close()
        assert lib.check() == [] and [h["id"] for h in lib.search("pilots")] == [2]


def test_damaged_packed_text_is_reported_and_can_still_be_deleted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_txt("Ferry suspended after cracks found"))
    with Library.open(tmp_path / "lib.db") as lib:
        run_import(lib, [tmp_path / "a.txt"], workers=1)
        lib.conn.execute("UPDATE articles SET text = x'00ff00ff' WHERE id = 1")
        assert any("cannot be read" in p for p in lib.check())
        lib.delete_article(1)
        assert lib.count() == 0


def test_stored_analysis_drops_span_texts_and_restores_them() -> None:
    from reader.core.attribution import analyze
    from reader.core.library import pack_analysis, unpack_analysis

    text = '"The bridge is unsafe," Ada Brook said. Officials told Reuters the ferry would stop.'
    analysis = analyze(text).to_json()
    assert len(analysis["attributions"]) == 2
    packed = pack_analysis(analysis, text)
    plain = pack_analysis(analysis)
    assert packed is not None and plain is not None and len(packed) < len(plain)
    assert b"unsafe" not in zlib.decompress(packed)  # the content span's text is not stored
    assert unpack_analysis(packed, text) == analysis
    # a span whose text is not the article's text at its offsets keeps its own text
    odd = {"attributions": [{"cue": {"text": "said", "start": 0, "end": 4}}]}
    assert unpack_analysis(pack_analysis(odd, text), text) == odd
