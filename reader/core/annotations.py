"""Tags, highlights and notes: what a reader adds to the library.

Highlights are anchored the way Hypothesis anchors them: the exact quote plus some text before
and after, the offsets, and a hash of the article text. When the article is re-extracted the
highlight is found again by its quote and context; one that cannot be placed is kept and marked
orphaned, never dropped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

from reader.core.errors import ArticleNotFound, ReaderError
from reader.core.library import Library, utc_now

TAG_SEPARATOR = "/"
CONTEXT_CHARS = 32
HIGHLIGHT_COLORS = ("yellow", "green", "blue", "pink", "orange")

# The tables live in library.MIGRATIONS (migration 2: tags, highlights, notes).


class TagError(ReaderError):
    pass


def normalize_tag(name: str) -> str:
    """Tags are trimmed, inner spaces folded, and nested parts joined by a bare '/'."""
    parts = [re.sub(r"\s+", " ", part).strip() for part in name.split(TAG_SEPARATOR)]
    parts = [p for p in parts if p]
    if not parts:
        raise TagError(f"not a tag name: {name!r}")
    return TAG_SEPARATOR.join(parts)


def _tag_id(library: Library, name: str, *, create: bool) -> int | None:
    row = library.conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    if not create:
        return None
    cursor = library.conn.execute("INSERT INTO tags (name) VALUES (?)", (name,))
    return int(cursor.lastrowid or 0)


def _check_articles(library: Library, article_ids: list[int]) -> None:
    for article_id in article_ids:
        if not library.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            raise ArticleNotFound(article_id)


def add_tags(library: Library, article_ids: list[int], names: list[str]) -> None:
    with library.transaction():
        _check_articles(library, article_ids)
        for name in names:
            tag_id = _tag_id(library, normalize_tag(name), create=True)
            library.conn.executemany(
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES (?, ?)",
                [(article_id, tag_id) for article_id in article_ids],
            )


def remove_tags(library: Library, article_ids: list[int], names: list[str]) -> None:
    with library.transaction():
        _check_articles(library, article_ids)
        for name in names:
            tag_id = _tag_id(library, normalize_tag(name), create=False)
            if tag_id is None:
                continue
            library.conn.executemany(
                "DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?",
                [(article_id, tag_id) for article_id in article_ids],
            )


def tags_for(library: Library, article_id: int) -> list[str]:
    return tags_for_many(library, [article_id]).get(article_id, [])


def tags_for_many(library: Library, article_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for article_id, name in library.conn.execute(
            f"SELECT article_tags.article_id, tags.name FROM article_tags "
            f"JOIN tags ON tags.id = article_tags.tag_id "
            f"WHERE article_tags.article_id IN ({marks}) ORDER BY tags.name COLLATE NOCASE",
            chunk,
        ):
            result.setdefault(int(article_id), []).append(str(name))
    return result


@dataclass
class TagCount:
    name: str
    count: int  # articles tagged with this tag or one nested under it
    own: int  # articles tagged with exactly this tag
    color: str | None


def tag_counts(library: Library) -> list[TagCount]:
    """Every tag with counts; a parent counts its children's articles too (once each)."""
    tags = list(
        library.conn.execute("SELECT id, name, color FROM tags ORDER BY name COLLATE NOCASE")
    )
    articles_of: dict[str, set[int]] = {str(name): set() for _, name, _ in tags}
    name_of = {int(tag_id): str(name) for tag_id, name, _ in tags}
    for tag_id, article_id in library.conn.execute("SELECT tag_id, article_id FROM article_tags"):
        articles_of[name_of[int(tag_id)]].add(int(article_id))
    # Each tag's articles also count for every tag it is nested under ("a/b" counts for "a").
    subtree: dict[str, set[int]] = {name: set(ids) for name, ids in articles_of.items()}
    lowered = {name.casefold(): name for name in articles_of}
    for name, ids in articles_of.items():
        parts = name.split(TAG_SEPARATOR)
        for depth in range(1, len(parts)):
            parent = lowered.get(TAG_SEPARATOR.join(parts[:depth]).casefold())
            if parent is not None:
                subtree[parent] |= ids
    return [
        TagCount(str(name), len(subtree[str(name)]), len(articles_of[str(name)]), color)
        for _, name, color in tags
    ]


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def tag_subtree_sql(name: str, column: str = "tags.name") -> tuple[str, list[str]]:
    """An SQL condition on ``column`` matching a tag and every tag nested under it."""
    return (
        f"({column} = ? OR {column} LIKE ? ESCAPE '\\')",
        [name, _like_prefix(name) + TAG_SEPARATOR + "%"],
    )


def tagged_articles_sql(name: str, id_column: str = "articles.id") -> tuple[str, list[str]]:
    """An SQL condition on ``id_column`` selecting the articles carrying ``name`` (nested too)."""
    condition, params = tag_subtree_sql(normalize_tag(name))
    return (
        f"{id_column} IN (SELECT article_tags.article_id FROM article_tags "
        f"JOIN tags ON tags.id = article_tags.tag_id WHERE {condition})",
        params,
    )


def complete_tags(library: Library, prefix: str, limit: int = 20) -> list[str]:
    return [
        str(name)
        for (name,) in library.conn.execute(
            "SELECT name FROM tags WHERE name LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' "
            "ORDER BY name COLLATE NOCASE LIMIT ?",
            (_like_prefix(prefix) + "%", "%" + TAG_SEPARATOR + _like_prefix(prefix) + "%", limit),
        )
    ]


def rename_tag(library: Library, old: str, new: str) -> None:
    """Rename a tag and the tags nested under it; renaming onto an existing tag merges."""
    old, new = normalize_tag(old), normalize_tag(new)
    with library.transaction():
        names = [
            str(n)
            for (n,) in library.conn.execute(
                "SELECT name FROM tags WHERE " + tag_subtree_sql(old, "name")[0],
                tag_subtree_sql(old, "name")[1],
            )
        ]
        if not names:
            raise TagError(f"no tag named {old!r}")
        for name in names:
            target = new + name[len(old) :]
            if target.casefold() == name.casefold():
                library.conn.execute("UPDATE tags SET name = ? WHERE name = ?", (target, name))
            else:
                _merge(library, name, target)


def merge_tags(library: Library, sources: list[str], target: str) -> None:
    target = normalize_tag(target)
    with library.transaction():
        for source in sources:
            _merge(library, normalize_tag(source), target)


def _merge(library: Library, source: str, target: str) -> None:
    source_id = _tag_id(library, source, create=False)
    if source_id is None:
        raise TagError(f"no tag named {source!r}")
    target_id = _tag_id(library, target, create=True)
    if source_id == target_id:
        return
    library.conn.execute(
        "INSERT OR IGNORE INTO article_tags (article_id, tag_id) "
        "SELECT article_id, ? FROM article_tags WHERE tag_id = ?",
        (target_id, source_id),
    )
    color = library.conn.execute("SELECT color FROM tags WHERE id = ?", (source_id,)).fetchone()[0]
    if color:
        library.conn.execute(
            "UPDATE tags SET color = COALESCE(color, ?) WHERE id = ?", (color, target_id)
        )
    library.conn.execute("DELETE FROM tags WHERE id = ?", (source_id,))


def delete_tag(library: Library, name: str, *, nested: bool = True) -> None:
    name = normalize_tag(name)
    with library.transaction():
        library.conn.execute("DELETE FROM tags WHERE name = ?", (name,))
        if nested:
            library.conn.execute(
                "DELETE FROM tags WHERE name LIKE ? ESCAPE '\\'",
                (_like_prefix(name) + TAG_SEPARATOR + "%",),
            )


def set_tag_color(library: Library, name: str, color: str | None) -> None:
    if color is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        raise TagError(f"not a colour: {color!r} (use #rrggbb)")
    with library.transaction():
        tag_id = _tag_id(library, normalize_tag(name), create=False)
        if tag_id is None:
            raise TagError(f"no tag named {name!r}")
        library.conn.execute("UPDATE tags SET color = ? WHERE id = ?", (color, tag_id))


def articles_with_tags(
    library: Library, names: list[str], mode: Literal["all", "any"] = "all"
) -> list[int]:
    """Ids of articles carrying all (or any) of the tags; a tag includes its nested tags."""
    if not names:
        return []
    sets: list[set[int]] = []
    for raw in names:
        name = normalize_tag(raw)
        condition, params = tag_subtree_sql(name)
        ids = {
            int(article_id)
            for (article_id,) in library.conn.execute(
                "SELECT DISTINCT article_tags.article_id FROM article_tags "
                f"JOIN tags ON tags.id = article_tags.tag_id WHERE {condition}",
                params,
            )
        }
        sets.append(ids)
    combined = set.intersection(*sets) if mode == "all" else set.union(*sets)
    return sorted(combined)


# ----- highlights and notes -----------------------------------------------------------------
def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_highlight(
    library: Library,
    article_id: int,
    start: int,
    end: int,
    *,
    color: str = "yellow",
    note: str | None = None,
) -> int:
    text = library.get(article_id)["text"]
    if not (0 <= start < end <= len(text)):
        raise ReaderError(f"highlight {start}-{end} is outside the article (length {len(text)})")
    if color not in HIGHLIGHT_COLORS:
        raise ReaderError(f"unknown highlight colour {color!r}; use one of {HIGHLIGHT_COLORS}")
    with library.transaction():
        cursor = library.conn.execute(
            "INSERT INTO highlights (article_id, start, end, quote, prefix, suffix, text_sha256, "
            "color, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                start,
                end,
                text[start:end],
                text[max(0, start - CONTEXT_CHARS) : start],
                text[end : end + CONTEXT_CHARS],
                text_hash(text),
                color,
                note or None,
                utc_now(),
            ),
        )
        return int(cursor.lastrowid or 0)


def update_highlight(
    library: Library, highlight_id: int, *, note: str | None = None, color: str | None = None
) -> None:
    with library.transaction():
        if note is not None:
            library.conn.execute(
                "UPDATE highlights SET note = ? WHERE id = ?", (note or None, highlight_id)
            )
        if color is not None:
            if color not in HIGHLIGHT_COLORS:
                raise ReaderError(f"unknown highlight colour {color!r}")
            library.conn.execute("UPDATE highlights SET color = ? WHERE id = ?", (color, highlight_id))


def delete_highlight(library: Library, highlight_id: int) -> None:
    with library.transaction():
        library.conn.execute("DELETE FROM highlights WHERE id = ?", (highlight_id,))


def highlights_for(library: Library, article_id: int) -> list[dict[str, Any]]:
    """Highlights in text order (orphans last), as in the ``highlights`` key of show --json."""
    rows = library.db.query(
        "SELECT id, start, end, quote, prefix, suffix, color, note, orphaned, created_at "
        "FROM highlights WHERE article_id = ? ORDER BY orphaned, start, id",
        [article_id],
    )
    result = []
    for row in rows:
        row["orphaned"] = bool(row["orphaned"])
        if row["orphaned"]:
            row["start"] = row["end"] = None
        result.append(row)
    return result


def add_article_note(library: Library, article_id: int, body: str) -> int:
    if not body.strip():
        raise ReaderError("an empty note")
    with library.transaction():
        _check_articles(library, [article_id])
        cursor = library.conn.execute(
            "INSERT INTO article_notes (article_id, body, created_at) VALUES (?, ?, ?)",
            (article_id, body.strip(), utc_now()),
        )
        return int(cursor.lastrowid or 0)


def update_article_note(library: Library, note_id: int, body: str) -> None:
    with library.transaction():
        library.conn.execute("UPDATE article_notes SET body = ? WHERE id = ?", (body.strip(), note_id))


def delete_article_note(library: Library, note_id: int) -> None:
    with library.transaction():
        library.conn.execute("DELETE FROM article_notes WHERE id = ?", (note_id,))


def article_notes_for(library: Library, article_id: int) -> list[dict[str, Any]]:
    return list(
        library.db.query(
            "SELECT id, body, created_at FROM article_notes WHERE article_id = ? ORDER BY id",
            [article_id],
        )
    )


def anchor(
    text: str, quote: str, prefix: str, suffix: str, hint: int | None
) -> tuple[int, int] | None:
    """Where a quote with this context sits in ``text`` now, or None if it cannot be placed."""
    if not quote:
        return None
    if hint is not None and text[hint : hint + len(quote)] == quote:
        return hint, hint + len(quote)
    positions = [m.start() for m in re.finditer(re.escape(quote), text)]
    if positions:
        def score(pos: int) -> tuple[int, int]:
            before = text[max(0, pos - len(prefix)) : pos]
            after = text[pos + len(quote) : pos + len(quote) + len(suffix)]
            context = _common_suffix(before, prefix) + _common_prefix(after, suffix)
            distance = abs(pos - hint) if hint is not None else 0
            return (-context, distance)

        best = min(positions, key=score)
        return best, best + len(quote)
    # Whitespace may have changed with re-extraction: match the quote's words loosely.
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, text)
    if match:
        return match.start(), match.end()
    return None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def reanchor_highlights(library: Library, article_id: int) -> tuple[int, int]:
    """After re-extraction: place each highlight again; returns (placed, orphaned)."""
    text = library.get(article_id)["text"]
    digest = text_hash(text)
    placed = orphaned = 0
    with library.transaction():
        for hid, start, quote, prefix, suffix, old_digest in list(
            library.conn.execute(
                "SELECT id, start, quote, prefix, suffix, text_sha256 FROM highlights "
                "WHERE article_id = ?",
                (article_id,),
            )
        ):
            if old_digest == digest:
                placed += 1
                continue
            span = anchor(text, quote, prefix, suffix, start)
            if span is None:
                library.conn.execute("UPDATE highlights SET orphaned = 1 WHERE id = ?", (hid,))
                orphaned += 1
            else:
                library.conn.execute(
                    "UPDATE highlights SET start = ?, end = ?, orphaned = 0, text_sha256 = ? "
                    "WHERE id = ?",
                    (span[0], span[1], digest, hid),
                )
                placed += 1
    return placed, orphaned
