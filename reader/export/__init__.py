"""Export articles as an annotated PDF, as Markdown and as JSON.

All three take a list of article ids and a target ``out``:

- one id and ``out`` ending with the format's suffix (``.pdf``, ``.md``, ``.json``) → that file;
- ``out`` an existing folder, or a path without that suffix → a folder (created if needed)
  holding one file per article, named ``<id>-<title-slug><suffix>``; names are built so they
  can never leave the folder;
- several ids and ``out`` ending with the suffix: Markdown and JSON write them all into that
  one file (sections, or a JSON array); PDF refuses (one PDF per article: give a folder).

Each returns the paths written. See docs/export.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reader.core.errors import ArticleNotFound
from reader.core.library import Library
from reader.export.data import export_object
from reader.export.paths import ExportError, plan_targets, unique_ids, write_atomic

__all__ = ["ExportError", "export_json", "export_markdown", "export_pdf"]


def _titles(library: Library, article_ids: list[int]) -> dict[int, str | None]:
    rows = library.summaries(article_ids)
    return {article_id: (rows.get(article_id) or {}).get("title") for article_id in article_ids}


def _check(library: Library, article_ids: list[int]) -> list[int]:
    ids = unique_ids(article_ids)
    if not ids:
        raise ExportError("no articles to export")
    found = library.summaries(ids)
    for article_id in ids:
        if article_id not in found:  # refused before anything is written
            raise ArticleNotFound(article_id)
    return ids


def export_pdf(
    library: Library, article_ids: list[int], out: Path, page_size: str = "A4"
) -> list[Path]:
    """Annotated PDFs (``page_size`` "A4" or "Letter"); returns the files written."""
    from reader.export.pdf import PAGE_SIZES, render

    if page_size.upper() not in PAGE_SIZES:
        raise ExportError(f"unknown page size {page_size!r}; use A4 or Letter")
    ids = _check(library, article_ids)
    out = Path(out)
    if len(ids) > 1 and out.suffix.lower() == ".pdf" and not out.is_dir():
        raise ExportError("several articles make several PDFs: give a folder, not a .pdf file")
    single, targets = plan_targets(ids, _titles(library, ids), out, ".pdf")
    if single is not None:
        targets = {ids[0]: single}
    written: list[Path] = []
    for article_id, path in targets.items():
        write_atomic(path, render(export_object(library, article_id), page_size))
        written.append(path)
    return written


def export_markdown(library: Library, article_ids: list[int], out: Path) -> list[Path]:
    """Markdown: the article, its sourcing, the reader's highlights and notes."""
    from reader.export.markdown import render_markdown

    ids = _check(library, article_ids)
    single, targets = plan_targets(ids, _titles(library, ids), Path(out), ".md")
    if single is not None:
        parts = [render_markdown(export_object(library, article_id)) for article_id in ids]
        write_atomic(single, "\n\n---\n\n".join(p.rstrip("\n") for p in parts).encode() + b"\n")
        return [single]
    written: list[Path] = []
    for article_id, path in targets.items():
        write_atomic(path, render_markdown(export_object(library, article_id)).encode())
        written.append(path)
    return written


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def export_json(library: Library, article_ids: list[int], out: Path) -> list[Path]:
    """The ``reader show ID --json`` object: one file per article, or one file (an object for
    one article, an array for several)."""
    ids = _check(library, article_ids)
    single, targets = plan_targets(ids, _titles(library, ids), Path(out), ".json")
    if single is not None:
        objects = [export_object(library, article_id) for article_id in ids]
        write_atomic(single, _json_bytes(objects[0] if len(objects) == 1 else objects))
        return [single]
    written: list[Path] = []
    for article_id, path in targets.items():
        write_atomic(path, _json_bytes(export_object(library, article_id)))
        written.append(path)
    return written
