"""From a file on disk to an article record ready for the library.

``extract_file_bytes`` is a pure function of (bytes, file name, outlet boilerplate snapshot): it
runs unchanged in the CLI, the GUI's worker and a process pool, and the library's single writer
commits what it returns.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from reader.core.errors import ArticleNotFound, ImportRefused
from reader.core.library import Library, NewArticle
from reader.core.model import ExtractedArticle

log = logging.getLogger("reader.ingest")

MAX_FILE_BYTES = 50 * 1024 * 1024
FORMATS_BY_SUFFIX = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".mhtml": "mhtml",
    ".mht": "mhtml",
    ".pdf": "pdf",
}
SUPPORTED_SUFFIXES = tuple(sorted(FORMATS_BY_SUFFIX))
# A body shorter than this is not an article (an error page, a paywall stub, an empty export).
MIN_ARTICLE_WORDS = 25


def collect_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named directly) for files named directly and every file inside named folders.

    Folders are walked recursively in sorted order. Hidden files and the ``*_files`` folders
    browsers save next to a page (scripts, images) are passed over: they are parts of a saved
    page, not articles.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and not d.endswith("_files")
                )
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name, False
        else:
            yield path, True


def is_candidate_in_folder(path: Path) -> bool:
    """Whether a file found inside a folder is worth trying as an article.

    Supported suffixes always are; other files only when their first bytes show a supported
    format (a saved page without its .html). Folders hold READMEs, images and notes too, and
    those are skipped rather than reported as failures.
    """
    if path.suffix.lower() in FORMATS_BY_SUFFIX:
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except OSError:
        return True  # let the import report why it cannot be read
    return sniff_format(head, path.suffix) is not None


def sniff_format(raw: bytes, suffix: str) -> str | None:
    """The format by content where it is unmistakable, else by the file's suffix."""
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith(b"mime-version:") or (
        b"content-type: multipart/related" in head and b"boundary" in head
    ):
        return "mhtml"
    by_suffix = FORMATS_BY_SUFFIX.get(suffix.lower())
    if by_suffix in {"txt", None} and (
        head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]
    ):
        return "html"
    return by_suffix


def check_file(path: Path) -> int:
    """Refuse, from its directory entry alone, a file that cannot be an article; else its size.

    ``read_file`` calls it before opening the file (in an import, in the worker), so a 4 GB
    video named .txt is refused unread and a FIFO never blocks a read. One ``stat``.
    """
    try:
        status = os.stat(path)
    except OSError as exc:
        if exc.errno in _MISSING_ERRNOS:
            raise ImportRefused(path, "no such file") from exc
        raise ImportRefused(path, f"cannot read file ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(status.st_mode):
        raise ImportRefused(path, "not a regular file")
    size = status.st_size
    if size == 0:
        raise ImportRefused(path, "empty file")
    if size > MAX_FILE_BYTES:
        raise ImportRefused(
            path,
            f"file too large ({size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 10**6} MB)",
        )
    return size


# What Path.exists() takes for "not there": the path or one of its folders is missing.
_MISSING_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def read_file(path: Path) -> bytes:
    """The file's bytes, refusing what cannot be an article before reading it all."""
    size = check_file(path)
    try:
        with open(path, "rb") as fh:
            # Asking for the size read rather than the limit spares allocating (and freeing)
            # a 50 MB buffer per file; a file that grew since is read on, to one byte past
            # the limit, so the size check after still refuses it.
            raw = fh.read(size + 1)
            if len(raw) > size:
                raw += fh.read(MAX_FILE_BYTES + 1 - len(raw))
            return raw
    except OSError as exc:
        raise ImportRefused(path, f"cannot read file ({exc.strerror or exc})") from exc


def extract_file_bytes(
    raw: bytes,
    path: str | Path,
    recurring_lines: Mapping[str, frozenset[int]] | None = None,
    *,
    analyse: bool = True,
) -> NewArticle:
    """Bytes of one file into a library record, or ImportRefused naming the reason.

    ``analyse=False`` leaves the attribution analysis out (``analysis`` and
    ``analyzer_version`` None): the importer adds it in a second pass."""
    from reader.core.text_import import recurrence_candidates, strip_recurring

    path = Path(path)
    if not raw or raw.isspace():
        raise ImportRefused(path, "empty file")
    if len(raw) > MAX_FILE_BYTES:
        raise ImportRefused(path, "file too large")
    fmt = sniff_format(raw, path.suffix)
    if fmt is None:
        suffix = path.suffix or "(no extension)"
        raise ImportRefused(
            path, f"unsupported file type {suffix}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        article = _extract(raw, fmt, path)
    except ImportRefused:
        raise
    except ValueError as exc:
        raise ImportRefused(path, str(exc)) from exc
    except RecursionError as exc:
        raise ImportRefused(path, "document too deeply nested to read") from exc
    except Exception as exc:  # an extractor bug must cost one file, never the batch
        log.exception("extractor failed on %s", path)
        raise ImportRefused(path, f"could not be read ({exc.__class__.__name__})") from exc

    if article.site and recurring_lines and article.site in recurring_lines:
        article = strip_recurring(article, recurring_lines[article.site])
    text = article.text
    words = text.split()
    if len(words) < MIN_ARTICLE_WORDS:
        raise ImportRefused(path, "no article text found")
    analysis, version = analyse_text(text, article.site) if analyse else (None, None)
    return NewArticle(
        title=article.title or path.stem,
        site=article.site,
        author=article.author,
        published=article.published,
        url=article.url,
        format=fmt,
        source_path=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        text_sha256=hashlib.sha256(" ".join(words).casefold().encode("utf-8")).hexdigest(),
        headings=article.headings,
        removed=article.removed,
        original=raw,
        analysis=analysis,
        analyzer_version=version,
        line_keys=sorted(recurrence_candidates(article)),
    )


def _extract(raw: bytes, fmt: str, path: Path) -> ExtractedArticle:
    # Imported per format so a worker only loads what its files need.
    from reader.core.text_import import extract_plain_text

    if fmt == "txt":
        from reader.core.decode import decode_text_bytes

        return extract_plain_text(decode_text_bytes(raw), fallback_title=path.stem)
    if fmt == "html":
        from reader.core.decode import decode_html_bytes
        from reader.core.html_extract import extract_html

        return extract_html(decode_html_bytes(raw))
    if fmt == "mhtml":
        from reader.core.html_extract import extract_html
        from reader.core.mhtml import read_mhtml

        page = read_mhtml(raw)
        article = extract_html(page.html, url=page.url)
        if not article.url:
            article.url = page.url
        return article
    if fmt == "pdf":
        from reader.core.pdf import read_pdf

        pdf = read_pdf(raw)
        article = extract_plain_text(pdf.text, fallback_title=pdf.title or path.stem, paginated=True)
        article.title = pdf.title or article.title
        article.author = article.author or pdf.author
        article.published = article.published or pdf.published
        return article
    raise ImportRefused(path, f"unsupported format {fmt}")


def analyse_text(text: str, site: str | None) -> tuple[dict[str, object] | None, int | None]:
    """The stored attribution analysis of an article's text, and the engine version."""
    from reader.core import attribution

    result = attribution.analyze(text, site=site)
    return result.to_json(), attribution.ANALYZER_VERSION


def reextract(
    library: Library,
    article_id: int,
    recurring_lines: Mapping[str, frozenset[int]] | None = None,
) -> NewArticle:
    """Run the current pipeline again on an article's stored original bytes.

    Pass ``recurring_lines`` (``library.recurring_lines()``) when re-extracting many articles,
    so the outlet boilerplate table is read once.
    """
    row = library.conn.execute(
        "SELECT source_path, format FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        raise ArticleNotFound(article_id)
    source_path, fmt = row
    raw = library.original_bytes(article_id)
    name = Path(source_path or f"article-{article_id}.{fmt}")
    if recurring_lines is None:
        recurring_lines = library.recurring_lines()
    record = extract_file_bytes(raw, name, recurring_lines)
    record.source_path = source_path
    return record


def import_file(
    path: str | Path,
    recurring_lines: Mapping[str, frozenset[int]] | None = None,
    *,
    analyse: bool = True,
) -> NewArticle:
    """Read and extract one file (no library writes); its record names the file by its full
    path, symbolic links resolved."""
    path = Path(path)
    record = extract_file_bytes(read_file(path), path, recurring_lines, analyse=analyse)
    record.source_path = os.path.realpath(path)
    return record

