"""Where exports go: one named file, or one file per article inside a chosen folder.

File names made from titles can never leave the folder: every character that is not a letter,
digit, space, hyphen or underscore is dropped (so no separators, no "..", no drive letters), the
name always starts with the article id, and the resolved path is checked to sit directly in the
folder before anything is written.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from reader.core.errors import ReaderError

SLUG_MAX = 60


class ExportError(ReaderError):
    """An export that cannot be done as asked (bad target, path escaping the folder)."""


def unique_ids(article_ids: Iterable[int]) -> list[int]:
    seen: list[int] = []
    for article_id in article_ids:
        if int(article_id) not in seen:
            seen.append(int(article_id))
    return seen


def slug(title: str | None) -> str:
    """A file-name-safe rendering of a title: letters, digits, '-' and '_' only."""
    text = unicodedata.normalize("NFKC", title or "")
    kept = "".join(
        ch if (ch.isalnum() or ch in "-_") else " "
        for ch in text
        if unicodedata.category(ch)[0] != "C"
    )
    words = re.sub(r"[\s_-]+", " ", kept).strip().split()
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > SLUG_MAX:
            break
        result = candidate
    if not result and words:
        result = words[0][:SLUG_MAX]
    return result.lower()


def article_filename(article_id: int, title: str | None, suffix: str) -> str:
    name = f"{int(article_id):04d}"
    title_slug = slug(title)
    if title_slug:
        name += f"-{title_slug}"
    return name + suffix


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any name that would land anywhere but directly in folder."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ExportError(f"unsafe file name {name!r}")
    base = folder.resolve()
    target = (base / name).resolve()
    if target.parent != base:
        raise ExportError(f"{name!r} would be written outside {base}")
    return target


def plan_targets(
    article_ids: list[int], titles: dict[int, str | None], out: Path, suffix: str
) -> tuple[Path | None, dict[int, Path]]:
    """Decide where each article goes.

    Returns ``(single_file, per_article)``: ``single_file`` is set when ``out`` names one file
    (it ends with ``suffix`` and is not an existing folder); otherwise ``out`` is a folder
    (created if needed) and ``per_article`` maps each id to its own safe file inside it.
    """
    out = Path(out)
    if out.suffix.lower() == suffix and not out.is_dir():
        out.parent.mkdir(parents=True, exist_ok=True)
        return out.resolve(), {}
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return None, {
        article_id: inside(out, article_filename(article_id, titles.get(article_id), suffix))
        for article_id in article_ids
    }


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a failed export leaves no stub."""
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
