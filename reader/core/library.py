"""The library file: one SQLite database holding articles, their original bytes and analyses.

Writes go through raw SQL inside explicit transactions (``Library.transaction``) so that one
article is either wholly in the library or not at all; sqlite-utils' helpers commit on their own,
so they are used for reads and introspection only. The full-text index is an FTS5 table kept in
step with ``articles``: ``add_article`` indexes a new article itself, triggers handle updates and
deletes. Article texts are stored compressed (``pack_text``); the index reads them through the
view ``articles_fts_content`` and the SQL function ``reader_text``, which every connection must
register (``register_functions``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
import zstandard

from reader.core.errors import ArticleNotFound, LibraryError

log = logging.getLogger("reader.library")

APPLICATION_ID = 0x50524452  # "PRDR": marks a file as a Provenance Reader library
DEFAULT_LIBRARY = "library.db"
# A line becomes outlet boilerplate once it has appeared in this many articles of one outlet
# (schema 9's partial index ``outlet_lines_recurring`` is built for 3: see RECURRING_LINES_QUERY).
RECURRING_LINE_MIN_ARTICLES = 3
# How long a write waits for another program (a second window, `reader import` in a terminal)
# to finish its own transaction before giving up with a "library in use" message.
BUSY_TIMEOUT = 10.0


# The full-text index's automatic merging (FTS5's default). An import's first pass turns it
# off and its second pass does the same merging while its writer waits for the workers
# (``merge_fts_step``): at 100,000 articles the merging was ~30% of the first pass's writer.
FTS_AUTOMERGE = 4
FTS_MERGE_PAGES = 64  # FTS5 leaf pages (~4 KB each) merged in one step: a few milliseconds


def default_library_path() -> Path:
    return Path(os.environ.get("READER_LIBRARY") or DEFAULT_LIBRARY)


_FTS_SCHEMA = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, site, author, text, content='articles', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, site, author, text)
  VALUES (new.id, new.title, new.site, new.author, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, site, author, text)
  VALUES ('delete', old.id, old.title, old.site, old.author, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, site, author, text ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, site, author, text)
  VALUES ('delete', old.id, old.title, old.site, old.author, old.text);
  INSERT INTO articles_fts (rowid, title, site, author, text)
  VALUES (new.id, new.title, new.site, new.author, new.text);
END;
"""

# Each migration runs in its own transaction; append, never edit a released one.
MIGRATIONS: list[str] = [
    # 1: articles, originals, full-text index, learned outlet boilerplate
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        title TEXT,
        site TEXT,
        author TEXT,
        published TEXT,
        url TEXT,
        format TEXT NOT NULL,
        source_path TEXT,
        sha256 TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        text_sha256 TEXT NOT NULL,
        title_key TEXT,
        headings TEXT NOT NULL DEFAULT '[]',
        removed TEXT NOT NULL DEFAULT '[]',
        word_count INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        likely_duplicate_of INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        analysis TEXT,
        analyzer_version INTEGER,
        attribution_count INTEGER,
        unnamed_share REAL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_site ON articles(site);
    CREATE INDEX articles_text_sha256 ON articles(text_sha256);
    CREATE INDEX articles_title_key ON articles(title_key);
    CREATE TABLE originals (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        filename TEXT,
        size INTEGER NOT NULL,
        compression TEXT,
        data BLOB NOT NULL
    );
    CREATE TABLE outlet_lines (
        site TEXT NOT NULL,
        line_key INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (site, line_key)
    ) WITHOUT ROWID;
    """
    + _FTS_SCHEMA,
    # 2: tags (nested by "/"), highlights anchored by quote and context, article notes, and a
    # full-text index over both kinds of note
    """
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    color TEXT
);
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags(tag_id);
CREATE TABLE highlights (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER,
    end INTEGER,
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    text_sha256 TEXT NOT NULL,
    color TEXT NOT NULL DEFAULT 'yellow',
    note TEXT,
    orphaned INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX highlights_article ON highlights(article_id);
CREATE TABLE article_notes (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX article_notes_article ON article_notes(article_id);
CREATE VIRTUAL TABLE notes_fts USING fts5(body, article_id UNINDEXED, tokenize='porter unicode61');
CREATE TRIGGER highlights_note_ai AFTER INSERT ON highlights WHEN new.note IS NOT NULL BEGIN
  INSERT INTO notes_fts (rowid, body, article_id) VALUES (new.id * 2, new.note, new.article_id);
END;
CREATE TRIGGER highlights_note_au AFTER UPDATE OF note ON highlights BEGIN
  DELETE FROM notes_fts WHERE rowid = old.id * 2;
  INSERT INTO notes_fts (rowid, body, article_id)
    SELECT new.id * 2, new.note, new.article_id WHERE new.note IS NOT NULL;
END;
CREATE TRIGGER highlights_note_ad AFTER DELETE ON highlights BEGIN
  DELETE FROM notes_fts WHERE rowid = old.id * 2;
END;
CREATE TRIGGER article_notes_ai AFTER INSERT ON article_notes BEGIN
  INSERT INTO notes_fts (rowid, body, article_id) VALUES (new.id * 2 + 1, new.body, new.article_id);
END;
CREATE TRIGGER article_notes_au AFTER UPDATE OF body ON article_notes BEGIN
  DELETE FROM notes_fts WHERE rowid = old.id * 2 + 1;
  INSERT INTO notes_fts (rowid, body, article_id) VALUES (new.id * 2 + 1, new.body, new.article_id);
END;
CREATE TRIGGER article_notes_ad AFTER DELETE ON article_notes BEGIN
  DELETE FROM notes_fts WHERE rowid = old.id * 2 + 1;
END;
""",
    # related coverage and reused passages (reader/core/related.py, docs/related.md)
    """
    CREATE TABLE related_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE related_docs (
        article_id INTEGER PRIMARY KEY,
        version INTEGER NOT NULL,
        terms BLOB NOT NULL,
        weights BLOB NOT NULL,
        prints BLOB NOT NULL
    );
    CREATE TABLE related_df (term INTEGER PRIMARY KEY, df INTEGER NOT NULL);
    CREATE TABLE related_prints (
        print INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (print, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE related_links (
        article_id INTEGER NOT NULL,
        other_id INTEGER NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (article_id, other_id)
    ) WITHOUT ROWID;
    CREATE INDEX related_links_other ON related_links(other_id);
    CREATE TABLE related_reuse (
        a_id INTEGER NOT NULL,
        b_id INTEGER NOT NULL,
        duplicate INTEGER NOT NULL,
        passages TEXT NOT NULL,
        PRIMARY KEY (a_id, b_id)
    ) WITHOUT ROWID;
    CREATE INDEX related_reuse_b ON related_reuse(b_id);
    CREATE TRIGGER related_articles_ad AFTER DELETE ON articles BEGIN
      DELETE FROM related_links WHERE article_id = old.id;
      DELETE FROM related_links WHERE other_id = old.id;
      DELETE FROM related_reuse WHERE a_id = old.id;
      DELETE FROM related_reuse WHERE b_id = old.id;
    END;
    """,
    # 4: indexes for the library pane's sorts (title, attribution count, unnamed share), so a
    # sorted page of a large library is read in order instead of sorting every row
    """
    CREATE INDEX articles_title_nocase ON articles(title COLLATE NOCASE, id);
    CREATE INDEX articles_attribution_count ON articles(attribution_count, id);
    CREATE INDEX articles_unnamed_share ON articles(unnamed_share, id);
    """,
    # 5: articles waiting for their analysis (imports store articles first and analyse them
    # in a second pass); a partial index, so it holds only the waiting ones
    """
    CREATE INDEX articles_pending_analysis ON articles(id) WHERE analyzer_version IS NULL;
    """,
    # 6: texts are stored compressed (``pack_text``); the full-text index reads them through a
    # view that decompresses (``reader_text``, registered on every connection) and is rebuilt
    # once. Texts stored before stay plain until they are re-extracted; both read the same.
    """
    DROP TRIGGER articles_ai;
    DROP TRIGGER articles_ad;
    DROP TRIGGER articles_au;
    DROP TABLE articles_fts;
    CREATE VIEW articles_fts_content AS
      SELECT id, title, site, author, reader_text(text) AS text FROM articles;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, site, author, text, content='articles_fts_content', content_rowid='id',
        tokenize='porter unicode61'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
      INSERT INTO articles_fts (rowid, title, site, author, text)
      VALUES (new.id, new.title, new.site, new.author, reader_text(new.text));
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
      INSERT INTO articles_fts (articles_fts, rowid, title, site, author, text)
      VALUES ('delete', old.id, old.title, old.site, old.author, reader_text(old.text));
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, site, author, text ON articles BEGIN
      INSERT INTO articles_fts (articles_fts, rowid, title, site, author, text)
      VALUES ('delete', old.id, old.title, old.site, old.author, reader_text(old.text));
      INSERT INTO articles_fts (rowid, title, site, author, text)
      VALUES (new.id, new.title, new.site, new.author, reader_text(new.text));
    END;
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    """,
    # 7: ``add_article`` indexes a new article with the plain text it already holds: the insert
    # trigger decompressed the text the writer had just compressed, a fifth of the single
    # writer's time per article during an import (updates and deletes keep their triggers).
    """
    DROP TRIGGER articles_ai;
    """,
    # 8: new originals and texts are stored zstd-compressed (``originals.compression =
    # 'zstd'``; a text's blob says which by its first bytes). No row changes; the version tells
    # an older program, which could not read them, to refuse the library instead.
    """
    """,
    # 9: fewer index pages written by an import, no row changes. The exact-text look-up
    # (``find_likely_duplicate``) indexes the text hash's first 16 hex digits (64 bits), not all
    # 64: a third of the pages, which an import into a big library rewrites batch after batch.
    # The outlet lines that count as boilerplate (``recurring_lines``, read as an import starts)
    # get a partial index rather than a scan of every line ever counted (212,000 at 100,000
    # articles). Its 3 is ``RECURRING_LINE_MIN_ARTICLES``.
    """
    DROP INDEX articles_text_sha256;
    CREATE INDEX articles_text_hash_prefix ON articles(substr(text_sha256, 1, 16));
    CREATE INDEX outlet_lines_recurring ON outlet_lines(site) WHERE articles >= 3;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
# Migrations that change no stored row: a library that needs only these is not backed up
# first (the copy of a large library would be the slowest part of opening it).
_MIGRATIONS_WITHOUT_ROW_CHANGES = frozenset({8, 9})


def _migration_rewrites_rows(current: int) -> bool:
    """Whether bringing an existing library at schema ``current`` up to date changes stored
    rows (so it is backed up first, and takes a while on a large library)."""
    due = set(range(current + 1, SCHEMA_VERSION + 1))
    return current > 0 and not due <= _MIGRATIONS_WITHOUT_ROW_CHANGES


# zstd packs a saved page to a fifth of its size, as zlib at level 6 does, in a sixth of the
# time or less, and reads it back three times as fast; an article's text likewise (to under half).
# Level 1 rather than 3: inside an import, between extractions that have evicted its tables
# from the CPU caches, level 3 took 0.27-0.30 ms a synthetic page (original and text, ~6% of
# its first pass), level 1 0.13-0.14, for originals 6% larger (181 real pages: 0.209 of their
# size against 0.197) and texts 2% larger (80 real texts: 0.436 against 0.427). Either level
# reads back the same; rows written at level 3 stay as they are.
ORIGINAL_COMPRESSION = "zstd"
_ZSTD_LEVEL = 1
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # every zstd frame starts so; a zlib stream never does
# Raised by a damaged compressed text or original.
DECOMPRESSION_ERRORS = (zlib.error, zstandard.ZstdError)
_codecs = threading.local()  # zstd contexts are not thread-safe; making one costs ~4 µs


def _zstd_compress(data: bytes) -> bytes:
    compressor = getattr(_codecs, "compressor", None)
    if compressor is None:
        compressor = _codecs.compressor = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
    return bytes(compressor.compress(data))


def _zstd_decompress(data: bytes) -> bytes:
    decompressor = getattr(_codecs, "decompressor", None)
    if decompressor is None:
        decompressor = _codecs.decompressor = zstandard.ZstdDecompressor()
    return bytes(decompressor.decompress(data))


@dataclass
class NewArticle:
    """Everything the importer hands the library for one article."""

    title: str | None
    site: str | None
    author: str | None
    published: str | None
    url: str | None
    format: str
    source_path: str
    sha256: str
    text: str
    text_sha256: str
    headings: list[str]
    removed: list[str]
    original: bytes
    analysis: dict[str, Any] | None = None
    analyzer_version: int | None = None
    line_keys: Sequence[int] = ()
    # Related-coverage features (reader.core.related.Prepared), a pure function of title and
    # text, computed by the import worker so the single writer does not have to.
    prepared: Any = None
    # The stored form, worked out once by ``storage()`` — by the import worker, so that the
    # single writer does not have to (which is why the worker may then drop ``original``).
    stored: Storage | None = None

    def storage(self) -> Storage:
        """The columns as stored (compressed text and original, JSON, keys); pure, computed on
        the first call and kept."""
        if self.stored is None:
            compressed = _zstd_compress(self.original)
            self.stored = Storage(
                text=pack_text(self.text),
                word_count=count_words(self.text),
                original_packed=compressed if len(compressed) < len(self.original) else None,
                original_size=len(self.original),
                title_key=title_key(self.title),
                headings_json=json.dumps(self.headings, ensure_ascii=False),
                removed_json=json.dumps(self.removed, ensure_ascii=False),
            )
        return self.stored


@dataclass(frozen=True)
class Storage:
    """How an article's text and original bytes are written to the library."""

    text: bytes | str  # ``pack_text`` of the clean text
    word_count: int
    # The original bytes compressed (``ORIGINAL_COMPRESSION``), when that is smaller.
    original_packed: bytes | None
    original_size: int
    # Columns as stored, worked out with the rest (the single writer only inserts them).
    title_key: str | None
    headings_json: str
    removed_json: str


def unpack_original(compression: str | None, data: bytes) -> bytes:
    """An original as stored: zstd (schema 8 on), zlib (before), or the bytes themselves."""
    if compression == "zstd":
        return _zstd_decompress(data)
    if compression == "zlib":
        return zlib.decompress(data)
    return bytes(data)


def count_words(text: str) -> int:
    """Words as ``wc -w`` counts them (runs of non-space): a fifth of the time of matching
    ``\\w+``, whose count split "U.S.-led" in three."""
    return len(text.split())


_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class CompactReport:
    """What ``Library.compact`` did."""

    bytes_before: int
    bytes_after: int
    texts_packed: int
    analyses_packed: int
    page_size_before: int
    page_size_after: int


@dataclass
class AddResult:
    article_id: int | None
    duplicate_of: int | None = None
    likely_duplicate_of: int | None = None


ARTICLE_SUMMARY_COLUMNS = (
    "id, title, site, author, published, url, format, source_path, word_count, "
    "attribution_count, unnamed_share, likely_duplicate_of"
)


def pack_text(text: str) -> bytes | str:
    """An article's clean text as stored: zstd-compressed UTF-8 (about half the size), or the
    text itself when compressing does not make it smaller (short texts)."""
    raw = text.encode("utf-8")
    compressed = _zstd_compress(raw)
    return compressed if len(compressed) < len(raw) else text


def unpack_text(stored: bytes | str | None) -> str:
    """Read a stored text: compressed (bytes: zstd from schema 8, zlib in schemas 6 and 7) or
    plain (short texts, libraries written before schema 6)."""
    if stored is None:
        return ""
    if isinstance(stored, bytes):
        if stored.startswith(_ZSTD_MAGIC):
            return _zstd_decompress(stored).decode("utf-8")
        return zlib.decompress(stored).decode("utf-8")
    return str(stored)


def pack_analysis(analysis: dict[str, Any] | None, text: str | None = None) -> bytes | None:
    """The analysis as stored: zlib-compressed JSON. With the article's ``text``, spans drop
    their ``text`` when it is the article's text at their offsets (half the stored size; the
    content spans are whole sentences) and ``unpack_analysis`` puts it back."""
    if not analysis:
        return None
    if text is not None:
        analysis = _strip_span_texts(analysis, text)
    return zlib.compress(json.dumps(analysis, ensure_ascii=False).encode("utf-8"), 6)


def unpack_analysis(stored: bytes | str | None, text: str) -> dict[str, Any] | None:
    """Read a stored analysis (compressed JSON, or JSON text as libraries before schema 3 kept
    it), with span texts restored from the article's ``text``."""
    if not stored:
        return None
    if isinstance(stored, bytes):
        stored = zlib.decompress(stored).decode("utf-8")
    return dict(_restore_span_texts(json.loads(stored), text))


def _is_span(value: dict[str, Any]) -> bool:
    return isinstance(value.get("start"), int) and isinstance(value.get("end"), int)


def _strip_span_texts(value: Any, text: str) -> Any:
    if isinstance(value, dict):
        if _is_span(value) and value["start"] >= 0 and value.get("text") == text[value["start"] : value["end"]]:
            return {k: v for k, v in value.items() if k != "text"}
        return {k: _strip_span_texts(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_span_texts(v, text) for v in value]
    return value


def _restore_span_texts(value: Any, text: str) -> Any:
    if isinstance(value, dict):
        if _is_span(value) and "text" not in value:
            return {"text": text[value["start"] : value["end"]], **value}
        return {k: _restore_span_texts(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore_span_texts(v, text) for v in value]
    return value


def title_key(title: str | None) -> str | None:
    if not title:
        return None
    key = re.sub(r"[^\w]+", " ", title.casefold()).strip()
    return key or None


def _shingles(text: str, size: int = 5) -> set[int]:
    words = re.findall(r"\w+", text.casefold())
    return {hash(tuple(words[i : i + size])) for i in range(max(0, len(words) - size + 1))}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of word 5-shingles: 1.0 for the same text, ~0 for unrelated texts."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 1.0 if a.strip() == b.strip() else 0.0
    return len(sa & sb) / len(sa | sb)


def _analysis_columns(
    analysis: dict[str, Any] | None,
    analyzer_version: int | None,
    text: str | None,
    packed: bytes | None = None,
) -> dict[str, Any]:
    """The columns the attribution analysis fills (the summary ones let the library pane sort);
    ``packed`` is ``pack_analysis(analysis, text)`` when a worker already made it."""
    attributions = (analysis or {}).get("attributions")
    profile = (analysis or {}).get("profile") or {}
    return {
        "analysis": packed if packed is not None else pack_analysis(analysis, text),
        "analyzer_version": analyzer_version,
        "attribution_count": len(attributions) if attributions is not None else None,
        "unnamed_share": profile.get("unnamed_share"),
    }


def _extraction_columns(article: NewArticle) -> dict[str, Any]:
    """The columns an extraction fills, for both a new article and a re-extraction."""
    storage = article.storage()
    return {
        "title": article.title,
        "site": article.site,
        "author": article.author,
        "published": article.published,
        "url": article.url,
        "format": article.format,
        "text": storage.text,
        "text_sha256": article.text_sha256,
        "title_key": storage.title_key,
        "headings": storage.headings_json,
        "removed": storage.removed_json,
        "word_count": storage.word_count,
        **_analysis_columns(article.analysis, article.analyzer_version, article.text),
    }


NEW_LIBRARY_PAGE_SIZE = 16384
# The oldest article with the same text: the index holds the text hash's first 16 digits
# (schema 9). The "+" keeps SQLite from putting the full hash into the prefix expression
# (constant propagation), which then no longer matched the index: every article was scanned.
SAME_TEXT_QUERY = (
    "SELECT id FROM articles WHERE substr(text_sha256, 1, 16) = substr(?1, 1, 16) "
    "AND +text_sha256 = ?1 ORDER BY id LIMIT 1"
)
# Lines counted in enough of an outlet's articles to be boilerplate. The threshold is written
# into the SQL (not bound) so that the partial index ``outlet_lines_recurring`` (schema 9, built
# for 3) is certain to be used whenever it covers the threshold.
RECURRING_LINES_QUERY = (
    f"SELECT site, line_key FROM outlet_lines WHERE articles >= {int(RECURRING_LINE_MIN_ARTICLES)}"
)
# A new article's full-text index row (``add_article`` writes it; no trigger does since schema 7).
_FTS_INSERT = "INSERT INTO articles_fts (rowid, title, site, author, text) VALUES (?, ?, ?, ?, ?)"
# ``compact`` moves a library to NEW_LIBRARY_PAGE_SIZE only from this size up: every table and
# index takes at least one page, so a small library would grow (about 0.6 MB at 16 KB pages).
COMPACT_PAGE_SIZE_MIN_BYTES = 32 * 1024 * 1024


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the schema relies on: ``reader_text`` (the full-text index reads and
    writes article texts through it). Every connection to a library must have them."""
    conn.create_function("reader_text", 1, _sql_text, deterministic=True)


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to a library (import and related-coverage workers, probes),
    with the schema's SQL functions."""
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=False)
    register_functions(conn)
    return conn


def _sql_text(stored: bytes | str | None) -> str:
    # Lenient, unlike unpack_text: a damaged row must not block its own deletion or
    # re-extraction (the index triggers call this); `reader check` reports the damage.
    try:
        return unpack_text(stored)
    except (*DECOMPRESSION_ERRORS, UnicodeDecodeError):
        return ""


class Library:
    """A library file. Open with ``Library.open(path)``; use as a context manager to close."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.db = sqlite_utils.Database(conn)
        # New articles' full-text index rows, written just before their transaction commits
        # (``index_new_articles``): FTS5 writes its pending rows out as a new index segment
        # at every savepoint, and an import opens one per article — indexing inside them cost
        # the single writer two fifths of its time per article.
        self._unindexed: dict[int, tuple[str | None, str | None, str | None, str]] = {}
        self._transaction_open = False  # an outermost ``transaction()`` is open
        # New articles' outlet line keys while ``deferred_outlet_lines()`` holds them back.
        self._deferred_lines: dict[int, tuple[str, Sequence[int]]] | None = None

    # ----- opening, schema ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True) -> Library:
        path = Path(path) if path is not None else default_library_path()
        if path.exists() and path.is_dir():
            raise LibraryError(f"{path} is a folder, not a library file")
        if not path.exists() and not create:
            raise LibraryError(f"no library at {path}")
        if path.exists() and path.stat().st_size > 0:
            with open(path, "rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise LibraryError(
                        f"{path} is not a Provenance Reader library (not an SQLite file); "
                        "it was left untouched"
                    )
        try:
            conn = sqlite3.connect(
                path, isolation_level=None, timeout=BUSY_TIMEOUT, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise LibraryError(f"cannot open {path}: {exc}") from exc
        library = cls(conn, path)
        try:
            # Identity first: nothing may be written to a file that is not ours.
            library._check_identity()
            library._configure()
            library._migrate()
        except BaseException:
            conn.close()
            raise
        return library

    @staticmethod
    def needs_migration(path: str | Path) -> bool:
        """Whether opening ``path`` will rewrite an existing library's rows first (a backup
        and, from schema 5, a rebuild of the full-text index: seconds to a minute on a big
        library), so a caller can say so before it starts; a migration that changes no row
        (schema 8 marks what new rows may hold, schema 9 swaps two indexes: 0.36 s at 100,000
        articles) is quick and does not count. Reads only; False when unsure."""
        path = Path(path)
        if not path.is_file() or path.stat().st_size == 0:
            return False
        try:
            conn = connect_read_only(path)
            try:
                row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return bool(row and row[0] is not None and _migration_rewrites_rows(int(row[0])))

    @contextlib.contextmanager
    def _opening(self) -> Iterator[None]:
        """SQLite errors while opening, as the messages a reader should see."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise self._in_use(exc) from exc
            raise LibraryError(f"{self.path} is damaged or not a database: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{self.path} is damaged or not a database: {exc}") from exc

    def _check_identity(self) -> None:
        with self._opening():
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            tables = set(self.db.table_names())
            app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        if tables and app_id != APPLICATION_ID:
            raise LibraryError(
                f"{self.path} is an SQLite database of another program, not a Provenance Reader "
                "library; it was left untouched"
            )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise LibraryError(
                f"{self.path} was written by a newer Provenance Reader (schema {current}; this "
                f"program knows up to {SCHEMA_VERSION}). Update the program; the library was "
                "not modified."
            )

    def _configure(self) -> None:
        with self._opening():
            register_functions(self.conn)
            if not self.db.table_names():
                # A new library: 16 KB pages pack rows of 1–4 KB (texts, story vectors) with
                # little slack (4 KB pages leave a third of the file empty). Must precede WAL.
                self.conn.execute(f"PRAGMA page_size = {NEW_LIBRARY_PAGE_SIZE}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                log.warning("library %s: journal mode %s, not WAL", self.path, mode)
            self.conn.execute("PRAGMA synchronous = NORMAL")

    def _in_use(self, exc: sqlite3.Error) -> LibraryError:
        return LibraryError(
            f"the library {self.path} is in use by another program that has been writing to it "
            f"for over {BUSY_TIMEOUT:.0f} s ({exc}); nothing was changed — try again when it "
            "has finished"
        )

    def schema_version(self) -> int:
        if "schema_version" not in self.db.table_names():
            return 0
        row = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        current = self.schema_version()
        if current == SCHEMA_VERSION:
            return
        if _migration_rewrites_rows(current):
            backup = self.backup()
            log.info("backed up %s to %s before migrating", self.path, backup)
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                # Read again inside the write lock: another program opening the library at the
                # same moment may have applied this one since (its statements would fail twice).
                if self.schema_version() >= version:
                    continue
                if version == 1:
                    self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    self.conn.execute(
                        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)"
                    )
                for statement in _split_sql(MIGRATIONS[version - 1]):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, utc_now()),
                )

    def backup(self, destination: str | Path | None = None) -> Path:
        """An online copy made with SQLite's backup API (safe while the library is in use)."""
        if destination is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            destination = self.path.with_name(f"{self.path.stem}-backup-{stamp}{self.path.suffix}")
        destination = Path(destination)
        if destination.resolve() in {
            self.path.resolve(), *(Path(f"{self.path}{end}").resolve() for end in ("-wal", "-shm"))
        }:
            raise LibraryError(f"a backup of {self.path} cannot be written over the library itself")
        target = sqlite3.connect(destination)
        try:
            self.conn.backup(target)
        finally:
            target.close()
        return destination

    def file_bytes(self) -> int:
        """The library's size on disk: the database file and its write-ahead log."""
        return sum(
            p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists()
        )

    def compact(self, progress: Callable[[int, int], None] | None = None) -> CompactReport:
        """Rewrite the library file tight: texts and analyses an older version stored plain
        are compressed, the full-text indexes merged, and the file rebuilt (``VACUUM``) without
        the free pages deletions leave, in pages of ``NEW_LIBRARY_PAGE_SIZE`` (from
        ``COMPACT_PAGE_SIZE_MIN_BYTES`` up).

        Each step is atomic: a crash or a full disk leaves the library as the last finished
        step left it. The page size changes only when no other program has the library open
        (it needs the rollback journal for the rebuild); otherwise the rebuild keeps it."""
        if self.conn.in_transaction:
            raise LibraryError("a library cannot be compacted inside a transaction")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # sizes compared without the log
        before, page_before = self.file_bytes(), self._pragma_int("page_size")
        texts = analyses = 0
        with self.transaction():
            rows = [
                int(r[0]) for r in self.conn.execute(
                    "SELECT id FROM articles WHERE typeof(text) = 'text' "
                    "OR typeof(analysis) = 'text' ORDER BY id"
                )
            ]
            # The update trigger would delete and re-add each article's index row for the very
            # same words; it is put back, unchanged, in this same transaction.
            trigger = self.conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_au'"
            ).fetchone()
            if trigger:
                self.conn.execute("DROP TRIGGER articles_au")
            for done, article_id in enumerate(rows, 1):
                stored_text, stored_analysis = self.conn.execute(
                    "SELECT text, analysis FROM articles WHERE id = ?", (article_id,)
                ).fetchone()
                try:
                    text = unpack_text(stored_text)
                    packed_text = pack_text(text) if isinstance(stored_text, str) else None
                    packed_analysis = (
                        pack_analysis(unpack_analysis(stored_analysis, text), text)
                        if isinstance(stored_analysis, str) else None
                    )
                except (*DECOMPRESSION_ERRORS, ValueError, TypeError):  # damaged: `reader check` reports it
                    log.warning("compact: article %s left as it is (unreadable)", article_id)
                    continue
                if isinstance(packed_text, bytes):
                    self.conn.execute(
                        "UPDATE articles SET text = ? WHERE id = ?", (packed_text, article_id)
                    )
                    texts += 1
                if packed_analysis is not None:
                    self.conn.execute(
                        "UPDATE articles SET analysis = ? WHERE id = ?",
                        (packed_analysis, article_id),
                    )
                    analyses += 1
                if progress and done % 500 == 0:
                    progress(done, len(rows))
            if progress and rows:
                progress(len(rows), len(rows))
            if trigger:
                self.conn.execute(trigger[0])
            for index in ("articles_fts", "notes_fts"):
                self.conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
            self.set_fts_automerge(FTS_AUTOMERGE)  # if a crash cut an import's first pass short
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            # The page size of a WAL database is fixed; the rollback journal lets VACUUM change
            # it. Leaving WAL fails while another connection has the library open.
            if (self._pragma_int("page_size") != NEW_LIBRARY_PAGE_SIZE
                    and self.file_bytes() >= COMPACT_PAGE_SIZE_MIN_BYTES and self._leave_wal()):
                self.conn.execute(f"PRAGMA page_size = {NEW_LIBRARY_PAGE_SIZE}")
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # in WAL, VACUUM wrote the log
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise self._in_use(exc) from exc
            if "full" in str(exc).lower():
                raise LibraryError(
                    f"not enough free disk space to compact {self.path} (the rebuild needs "
                    "about the library's size again); the library is unchanged"
                ) from exc
            raise
        finally:
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("library %s: journal mode %s, not WAL", self.path, mode)
        return CompactReport(
            bytes_before=before, bytes_after=self.file_bytes(), texts_packed=texts,
            analyses_packed=analyses, page_size_before=page_before,
            page_size_after=self._pragma_int("page_size"),
        )

    def _leave_wal(self) -> bool:
        try:
            mode = self.conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                return False
            raise
        return str(mode).lower() == "delete"

    def _pragma_int(self, name: str) -> int:
        return int(self.conn.execute(f"PRAGMA {name}").fetchone()[0])

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA optimize")
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (nesting uses savepoints)."""
        if self.conn.in_transaction:
            name = f"sp{id(self)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            self.conn.execute(f"RELEASE {name}")
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise self._in_use(exc) from exc
            raise
        self._transaction_open = True
        try:
            yield self.conn
            self.index_new_articles()
        except BaseException:
            self._unindexed.clear()
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self._transaction_open = False
        self.conn.execute("COMMIT")

    def unindexed_articles(self) -> int:
        """Articles this transaction inserted that are not in the full-text index yet."""
        return len(self._unindexed)

    def fts_automerge(self) -> int:
        """The full-text index's automatic merging setting (FTS5's ``automerge``)."""
        row = self.conn.execute(
            "SELECT v FROM articles_fts_config WHERE k = 'automerge'"
        ).fetchone()
        return FTS_AUTOMERGE if row is None else int(row[0])

    def set_fts_automerge(self, level: int) -> None:
        """Set the full-text index's automatic merging (0: off; stored in the library, so it
        outlives this connection: whoever turns it off turns it back on)."""
        if self.fts_automerge() != level:
            with self.transaction():
                self.conn.execute(
                    "INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', ?)",
                    (level,),
                )

    @contextlib.contextmanager
    def fts_merging_held_back(self) -> Iterator[None]:
        """The full-text index's automatic merging off (an import's first pass; its second pass
        does the merging with ``merge_fts_step``), back on whatever ends the block."""
        self.set_fts_automerge(0)
        try:
            yield
        finally:
            self.resume_fts_merging()

    def resume_fts_merging(self) -> None:
        """Automatic merging back on (also after a crash left it off); an error is logged, and
        the next import or analysis pass tries again."""
        try:
            self.set_fts_automerge(FTS_AUTOMERGE)
        except (sqlite3.Error, LibraryError):
            log.exception("full-text index merging not turned back on")

    def merge_fts_step(self, pages: int = FTS_MERGE_PAGES) -> bool:
        """Do up to about ``pages`` FTS5 leaf pages of merging: a merge already under way is
        carried on, else the segments of a level holding at least ``usermerge`` (4) of them
        are merged one level up. False when there was none to do."""
        before = self.conn.total_changes
        with self.transaction():
            self.conn.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', ?)", (pages,)
            )
        return self.conn.total_changes - before >= 2  # (FTS5's documented test for work done)

    def index_new_articles(self) -> None:
        """Add the full-text index rows of the articles this transaction inserted so far (those
        a rolled-back savepoint removed are left out; a reused id carries its last article).

        Runs at every commit; call it between savepoints too, at the transaction's top level,
        to spread a long transaction's indexing over it (one index segment per call)."""
        if not self._unindexed:
            return
        queued, self._unindexed = self._unindexed, {}
        present = self._present_ids(queued)
        self.conn.executemany(
            _FTS_INSERT,
            [(article_id, *row) for article_id, row in queued.items() if article_id in present],
        )

    def _present_ids(self, new_ids: Iterable[int]) -> set[int]:
        """Which of the ids this connection's writes gave new articles are still there (a
        rolled-back savepoint takes its article away; its id may be given again)."""
        return {
            int(r[0])
            for r in self.conn.execute("SELECT id FROM articles WHERE id >= ?", (min(new_ids),))
        }

    # ----- writing --------------------------------------------------------------------
    def find_by_sha256(self, sha256: str) -> int | None:
        row = self.conn.execute("SELECT id FROM articles WHERE sha256 = ?", (sha256,)).fetchone()
        return int(row[0]) if row else None

    def find_likely_duplicate(self, text: str, text_sha256: str, key: str | None) -> int | None:
        """An article with the same body text, or the same title (``key``: its ``title_key``)
        and mostly the same words."""
        row = self.conn.execute(SAME_TEXT_QUERY, (text_sha256,)).fetchone()
        if row:
            return int(row[0])
        if not key:
            return None
        for other_id, other_text in self.conn.execute(
            "SELECT id, text FROM articles WHERE title_key = ? ORDER BY id LIMIT 20", (key,)
        ):
            if text_similarity(text, unpack_text(other_text)) >= 0.6:
                return int(other_id)
        return None

    def add_article(self, article: NewArticle) -> AddResult:
        """Insert one article, its original bytes and its analysis in one transaction."""
        with self.transaction():
            existing = self.find_by_sha256(article.sha256)
            if existing is not None:
                return AddResult(None, duplicate_of=existing)
            storage = article.storage()
            likely = self.find_likely_duplicate(article.text, article.text_sha256, storage.title_key)
            columns = _extraction_columns(article)
            columns.update(
                source_path=article.source_path,
                sha256=article.sha256,
                imported_at=utc_now(),
                likely_duplicate_of=likely,
            )
            cursor = self.conn.execute(
                f"INSERT INTO articles ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                list(columns.values()),
            )
            article_id = int(cursor.lastrowid or 0)
            index_row = (article.title, article.site, article.author, article.text)
            if self._transaction_open:
                self._unindexed[article_id] = index_row  # indexed before the commit
            else:  # inside a transaction begun with raw SQL: index it now
                self.conn.execute(_FTS_INSERT, (article_id, *index_row))
            packed = storage.original_packed
            self.conn.execute(
                "INSERT INTO originals (article_id, filename, size, compression, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    article_id,
                    os.path.basename(article.source_path),
                    storage.original_size,
                    ORIGINAL_COMPRESSION if packed is not None else None,
                    packed if packed is not None else article.original,
                ),
            )
            if self._deferred_lines is not None:
                # keyed by id: an id a rolled-back article had, reused, carries the new one's
                self._deferred_lines.pop(article_id, None)
                if article.site and article.line_keys:
                    self._deferred_lines[article_id] = (article.site, article.line_keys)
            elif article.site and article.line_keys:
                self._count_outlet_lines(Counter((article.site, key) for key in article.line_keys))
            return AddResult(article_id, likely_duplicate_of=likely)

    def _count_outlet_lines(self, counts: Counter[tuple[str, int]]) -> None:
        self.conn.executemany(
            "INSERT INTO outlet_lines (site, line_key, articles) VALUES (?, ?, ?) "
            "ON CONFLICT (site, line_key) DO UPDATE SET articles = articles + excluded.articles",
            [(site, key, n) for (site, key), n in sorted(counts.items())],
        )

    @contextlib.contextmanager
    def deferred_outlet_lines(self) -> Iterator[None]:
        """Hold back the new articles' outlet line counts until the end, or until
        ``store_deferred_outlet_lines`` (an import's writer).

        Each article counts ~10 short lines under scattered keys, so in a big library every
        commit rewrote nearly every page of ``outlet_lines`` (a third of the WAL an article
        wrote at 100,000 articles). The counts are read only when an import starts
        (``recurring_lines``), so holding them back changes nothing an import does; a process
        killed before the end loses only those counts, the input of a heuristic. Articles a
        rollback removed are not counted."""
        if self._deferred_lines is not None:  # already deferred by an outer caller
            yield
            return
        self._deferred_lines = {}
        try:
            yield
        finally:
            deferred, self._deferred_lines = self._deferred_lines, None
            if deferred:
                self._store_deferred_lines(deferred)

    def store_deferred_outlet_lines(self) -> None:
        """Count the outlet lines held back so far now (in the open transaction, if any) and
        go on holding back the next ones: an import does it while its workers finish their last
        files, so that little is left to do once they are idle.

        Inside a transaction an error is the transaction's (raised: SQLite may have rolled it
        all back, e.g. disk full); counts that a failed commit takes away are not redone."""
        if self._deferred_lines:
            deferred, self._deferred_lines = self._deferred_lines, {}
            if self.conn.in_transaction:
                self._count_deferred_lines(deferred)
            else:
                self._store_deferred_lines(deferred)

    def _store_deferred_lines(self, deferred: dict[int, tuple[str, Sequence[int]]]) -> None:
        try:
            self._count_deferred_lines(deferred)
        except (sqlite3.Error, LibraryError):
            log.exception("outlet line counts of %d new articles not stored", len(deferred))

    def _count_deferred_lines(self, deferred: dict[int, tuple[str, Sequence[int]]]) -> None:
        with self.transaction():
            present = self._present_ids(deferred)
            counts: Counter[tuple[str, int]] = Counter()
            for article_id, (site, keys) in deferred.items():
                if article_id in present:
                    counts.update((site, key) for key in keys)
            self._count_outlet_lines(counts)

    def store_analysis(
        self,
        article_id: int,
        analysis: dict[str, Any] | None,
        analyzer_version: int | None,
        *,
        packed: bytes | None = None,
    ) -> None:
        """Store the attribution analysis of an article imported without it (``packed``: the
        analysis as ``pack_analysis`` stores it, made by the worker that analysed the text)."""
        text = None
        if analysis and packed is None:
            row = self.conn.execute("SELECT reader_text(text) FROM articles WHERE id = ?", (article_id,)).fetchone()
            text = row[0] if row else None
        columns = _analysis_columns(analysis, analyzer_version, text, packed)
        with self.transaction():
            self.conn.execute(
                f"UPDATE articles SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                [*columns.values(), article_id],
            )

    def pending_analysis(self) -> list[int]:
        """Articles imported whose analysis (and related coverage) is still to come, oldest
        first: the second pass of an import, or what a cancel or a crash left for later."""
        return [
            int(r[0])
            for r in self.conn.execute(
                "SELECT id FROM articles INDEXED BY articles_pending_analysis "
                "WHERE analyzer_version IS NULL ORDER BY id"
            )
        ]

    def pending_analysis_count(self) -> int:
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM articles INDEXED BY articles_pending_analysis "
            "WHERE analyzer_version IS NULL"
        ).fetchone()[0])

    def delete_article(self, article_id: int) -> None:
        self.index_new_articles()  # the index's delete needs the row indexed first
        with self.transaction():
            self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    # ----- reading --------------------------------------------------------------------
    def recurring_lines(self) -> dict[str, frozenset[int]]:
        """Per outlet, the line keys seen in enough of its articles to count as boilerplate."""
        result: dict[str, set[int]] = {}
        for site, key in self.conn.execute(RECURRING_LINES_QUERY):
            result.setdefault(site, set()).add(int(key))
        return {site: frozenset(keys) for site, keys in result.items()}

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def get(self, article_id: int) -> dict[str, Any]:
        """The full article row, decoded; raises ArticleNotFound."""
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        if not rows:
            raise ArticleNotFound(article_id)
        row = rows[0]
        row["text"] = unpack_text(row["text"])
        row["headings"] = json.loads(row["headings"] or "[]")
        row["removed"] = json.loads(row["removed"] or "[]")
        row["analysis"] = unpack_analysis(row["analysis"], row["text"])
        return row

    def original_bytes(self, article_id: int) -> bytes:
        row = self.conn.execute(
            "SELECT compression, data FROM originals WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise ArticleNotFound(article_id)
        compression, data = row
        return unpack_original(compression, data)

    def summaries(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Light rows (no text) for the given ids, keyed by id: what list views show."""
        ids = list(ids)
        result: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(
                f"SELECT {ARTICLE_SUMMARY_COLUMNS} FROM articles WHERE id IN ({marks})", chunk
            ):
                result[int(row["id"])] = row
        return result

    def list_articles(
        self,
        *,
        search: str | None = None,
        site: str | None = None,
        tags: Sequence[str] = (),
        limit: int | None = None,
        order: str = "published",
    ) -> list[dict[str, Any]]:
        """Summaries, newest first, or by search rank when searching (with a snippet).

        ``tags``: only articles carrying all of them (nested tags included); filters apply
        before ``limit``.
        """
        from reader.core.annotations import tagged_articles_sql

        where: list[str] = []
        params: list[Any] = []
        if site:
            where.append("site = ?")
            params.append(site)
        for tag in tags:
            condition, tag_params = tagged_articles_sql(tag, "id")
            where.append(condition)
            params.extend(tag_params)
        where_sql = f"WHERE {' AND '.join(where)}" if where else ""
        if search:
            allowed = None
            if where:
                allowed = {
                    int(r[0])
                    for r in self.conn.execute(f"SELECT id FROM articles {where_sql}", params)
                }
            hits = self.search(search, limit=1000 if allowed is None else 100_000)
            if allowed is not None:
                hits = [hit for hit in hits if hit["id"] in allowed]
            hits = hits[: limit or 1000]
            rows = self.summaries(hit["id"] for hit in hits)
            out = []
            for hit in hits:
                row = dict(rows[hit["id"]])
                row["snippet"] = hit["snippet"]
                out.append(row)
            return out
        order_sql = {
            "published": "published DESC NULLS LAST, id DESC",
            "title": "title COLLATE NOCASE, id",
            "id": "id",
        }.get(order, "id")
        sql = f"SELECT {ARTICLE_SUMMARY_COLUMNS}, sha256 FROM articles {where_sql} ORDER BY {order_sql}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return list(self.db.query(sql, params))

    def search(
        self, query: str, *, limit: int = 200, site: str | None = None
    ) -> list[dict[str, Any]]:
        """Full-text search, best match first: [{id, rank, snippet}]."""
        match = fts_query(query)
        if not match:
            return []
        try:
            ids = ranked_match_ids(self.conn, match, wanted=None if site else limit)
            if site:
                wanted = {
                    int(r[0])
                    for r in self.conn.execute("SELECT id FROM articles WHERE site = ?", (site,))
                }
                ids = [i for i in ids if i in wanted]
            snippets = search_snippets(self.conn, query, ids[:limit])
            hits = [
                {"id": article_id, "rank": float(position), "snippet": snippets.get(article_id, "")}
                for position, article_id in enumerate(ids[:limit])
            ]
            # Readers' own notes are searchable too: articles whose notes match follow the
            # text matches, with the note as the snippet.
            seen = {hit["id"] for hit in hits}
            for row in self.db.query(
                "SELECT article_id AS id, snippet(notes_fts, 0, '[', ']', '…', 12) AS snippet "
                "FROM notes_fts WHERE notes_fts MATCH ? ORDER BY rank LIMIT ?",
                [match, limit],
            ):
                if row["id"] in seen or len(hits) >= limit:
                    continue
                if site and self.conn.execute(
                    "SELECT site IS NOT ? FROM articles WHERE id = ?", (site, row["id"])
                ).fetchone()[0]:
                    continue
                seen.add(row["id"])
                hits.append({"id": row["id"], "rank": 0.0, "snippet": "note: " + row["snippet"]})
            return hits
        except sqlite3.OperationalError as exc:
            log.info("search %r failed: %s", query, exc)
            return []

    def replace_extraction(self, article_id: int, article: NewArticle) -> None:
        """Store a fresh extraction of an article's original (text, metadata, analysis).

        The original bytes, the id, tags and notes stay; the caller re-anchors highlights.
        """
        columns = _extraction_columns(article)
        self.index_new_articles()  # the index's update needs the row indexed first
        with self.transaction():
            cursor = self.conn.execute(
                f"UPDATE articles SET {', '.join(f'{name} = ?' for name in columns)} WHERE id = ?",
                [*columns.values(), article_id],
            )
            if cursor.rowcount == 0:
                raise ArticleNotFound(article_id)

    def check(self) -> list[str]:
        """Integrity problems found, as sentences; an empty list means the library is sound."""
        problems: list[str] = []
        for (line,) in self.conn.execute("PRAGMA integrity_check"):
            if line != "ok":
                problems.append(f"integrity: {line}")
        for row in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: table {row[0]} row {row[1]} points to a missing {row[2]}")
        (missing,) = self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM originals)"
        ).fetchone()
        if missing:
            problems.append(f"{missing} article(s) without their original bytes")
        (empty,) = self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE text IS NULL OR text = ''"
        ).fetchone()
        if empty:
            problems.append(f"{empty} article(s) without text")
        (unreadable,) = self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE typeof(text) = 'blob' AND reader_text(text) = ''"
        ).fetchone()
        if unreadable:
            problems.append(f"{unreadable} article(s) whose stored text cannot be read (`reader reextract` restores it from the original)")
        try:
            self.conn.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index out of step with articles ({exc})")
        return problems

    def sites(self) -> list[tuple[str, int]]:
        return [
            (str(site), int(n))
            for site, n in self.conn.execute(
                "SELECT site, COUNT(*) FROM articles WHERE site IS NOT NULL "
                "GROUP BY site ORDER BY COUNT(*) DESC, site"
            )
        ]


# Ranking every match of a very common word costs time proportional to the library; beyond
# this many matches only the newest ones are ranked by relevance and the rest follow, newest
# first. Readers searching a common word want recent coverage first anyway.
RANK_LIMIT = 5000
BM25 = "bm25(articles_fts, 10.0, 2.0, 2.0, 1.0)"


def ranked_match_ids(
    conn: sqlite3.Connection, match: str, rank_limit: int = RANK_LIMIT, wanted: int | None = None
) -> list[int]:
    """Ids matching an FTS5 query, best first, in time bounded by ``rank_limit``: the newest
    ``rank_limit`` matches ranked, then the older ones newest first. With ``wanted`` (at most
    ``rank_limit``), only the first ``wanted`` of them (listing every id of a word in all
    100,000 articles took half of such a search)."""
    bounded = wanted is not None and wanted <= rank_limit
    newest_first = [
        int(row[0])
        for row in conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC"
            + (" LIMIT ?" if bounded else ""),
            (match, rank_limit) if bounded else (match,),
        )
    ]
    if not newest_first:
        return []
    floor = newest_first[min(rank_limit, len(newest_first)) - 1]
    ranked = [
        int(row[0])
        for row in conn.execute(
            f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? "
            f"ORDER BY {BM25}",
            (match, floor),
        )
    ]
    ordered = ranked + newest_first[len(ranked) :]
    return ordered[:wanted] if bounded else ordered


def search_snippets(conn: sqlite3.Connection, query: str, ids: Sequence[int]) -> dict[int, str]:
    """A few words around the first hit of the query's words in each article ([ ] mark hits).

    Built from the stored text in one query per 500 ids rather than with FTS5's snippet(),
    which re-runs the whole match for every row (milliseconds each for a common word in a
    large library).
    """
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for article_id, text in conn.execute(
            f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk
        ):
            snippet = make_snippet(unpack_text(text), query)
            if snippet:
                out[int(article_id)] = snippet
    return out


def make_snippet(text: str, query: str, words: int = 14) -> str:
    """The stretch of ``text`` around the first word matching the query, hits in [ ]."""
    terms = [t.casefold() for t in re.findall(r"\w+", query)]
    if not text or not terms:
        return ""
    # Word starts, so "militia" finds "militias" as the porter-stemmed index does.
    stems = tuple(t[: max(4, len(t) - 2)] if len(t) > 4 else t for t in terms)
    # Words up to one past the snippet's window: a common word's first hit is near the start,
    # and tokenising whole articles cost a search 0.4 ms per hit shown.
    tokens: list[re.Match[str]] = []
    first: int | None = None
    for match in _WORD_RE.finditer(text):
        tokens.append(match)
        if first is None and match.group().casefold().startswith(stems):
            first = len(tokens) - 1
        if first is not None and len(tokens) > max(0, first - words // 3) + words:
            break
    if first is None:
        return " ".join(m.group() for m in tokens[:words]) + ("…" if len(tokens) > words else "")
    start = max(0, first - words // 3)
    end = min(len(tokens), start + words)
    out = []
    position = tokens[start].start()
    for m in tokens[start:end]:
        out.append(text[position : m.start()])
        hit = m.group().casefold().startswith(stems)
        out.append(f"[{m.group()}]" if hit else m.group())
        position = m.end()
    snippet = re.sub(r"\s+", " ", "".join(out)).strip()
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(tokens) else "")


def fts_query(user_query: str) -> str:
    """Turn what a user types into a safe FTS5 query: all words, the last one as a prefix.

    Quoted phrases stay phrases; FTS5 operators typed by the user are treated as words, so a
    stray quote or parenthesis never turns into a syntax error.
    """
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]+)"|(\w+)', user_query):
        if phrase:
            words = re.findall(r"\w+", phrase)
            if words:
                parts.append('"' + " ".join(words) + '"')
        elif word:
            parts.append(f'"{word}"')
    if not parts:
        return ""
    if user_query[-1:].isalnum() and not parts[-1].count(" "):
        parts[-1] = parts[-1] + "*"
    return " ".join(parts)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN … END;) whole."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece
        if not buffer.strip():
            buffer = ""
            continue
        if re.search(r"\bBEGIN\b", buffer, re.I) and not re.search(r"\bEND\s*$", buffer, re.I):
            buffer += ";"
            continue
        statements.append(buffer.strip())
        buffer = ""
    return statements


def _is_busy(exc: sqlite3.Error) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock past the busy timeout."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
