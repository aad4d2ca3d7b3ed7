"""What the library table shows, as SQL: ordered ids for a filter, and snippets by window.

Qt-free so it runs in a worker thread (with that thread's own connection) and in tests. The
table model holds only the ids this returns and fetches rows for the visible window.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from reader.core.library import fts_query
from reader.gui.tags import NoTags, TagSource

# Column key -> ORDER BY expression (ascending); every order ends on id so it is total.
SORT_SQL: dict[str, str] = {
    "title": "a.title COLLATE NOCASE {d}, a.id {d}",
    "site": "a.site {d}, a.published DESC, a.id DESC",
    "published": "a.published {d} NULLS LAST, a.id {d}",
    "attribution_count": "a.attribution_count {d} NULLS LAST, a.id {d}",
    "unnamed_share": "a.unnamed_share {d} NULLS LAST, a.id {d}",
}
BM25 = "bm25(articles_fts, 10.0, 2.0, 2.0, 1.0)"


@dataclass(frozen=True)
class ArticleQuery:
    """The library pane's filter and sort. ``sort=None`` means relevance when searching."""

    search: str = ""
    site: str | None = None
    tags: tuple[str, ...] = ()  # a tag includes the tags nested under it
    tag_mode: str = "all"  # "all": every tag in ``tags``; "any": at least one
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    sort: str | None = "published"
    descending: bool = True

    def with_(self, **changes: Any) -> ArticleQuery:
        return replace(self, **changes)

    @property
    def match(self) -> str:
        return fts_query(self.search) if self.search.strip() else ""


def query_ids(
    conn: sqlite3.Connection, query: ArticleQuery, tags: TagSource | None = None
) -> list[int]:
    """The ids of the matching articles, in display order, straight from SQL."""
    tags = tags or NoTags()
    where: list[str] = []
    params: list[Any] = []
    match = query.match
    if query.search.strip() and not match:
        return []  # only punctuation typed: nothing can match
    plain_search = bool(match) and not (
        query.site or query.date_from or query.date_to or query.tags or query.sort in SORT_SQL
    )
    if plain_search:
        # Relevance only: the full-text index alone answers, no row of ``articles`` is read.
        sql = f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY {BM25}"
        try:
            return [row[0] for row in conn.execute(sql, (match,))]
        except sqlite3.OperationalError:
            return []
    if match:
        sql = "SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        where.append("articles_fts MATCH ?")
        params.append(match)
    else:
        sql = "SELECT a.id FROM articles a"
    if query.site:
        where.append("a.site = ?")
        params.append(query.site)
    if query.date_from:
        where.append("a.published >= ?")
        params.append(query.date_from)
    if query.date_to:
        where.append("a.published < ?")
        params.append(query.date_to + "\uffff")  # inclusive of any time that day
    if query.tags:
        clauses: list[str] = []
        for tag in query.tags:
            clause, tag_params = tags.filter_clause(tag)
            clauses.append(f"({clause})")
            params.extend(tag_params)
        joiner = " OR " if query.tag_mode == "any" else " AND "
        where.append("(" + joiner.join(clauses) + ")")
    if where:
        sql += " WHERE " + " AND ".join(where)
    direction = "DESC" if query.descending else "ASC"
    if query.sort in SORT_SQL:
        sql += " ORDER BY " + SORT_SQL[query.sort].format(d=direction)
    elif match:
        sql += f" ORDER BY {BM25}"
    else:
        sql += " ORDER BY " + SORT_SQL["published"].format(d="DESC")
    try:
        return [row[0] for row in conn.execute(sql, params)]
    except sqlite3.OperationalError:
        return []


def snippets(conn: sqlite3.Connection, search: str, ids: list[int]) -> dict[int, str]:
    """Search snippets (hits in ``[`` ``]``) for a window of ids, one indexed look-up each."""
    match = fts_query(search)
    if not match or not ids:
        return {}
    out: dict[int, str] = {}
    sql = (
        "SELECT snippet(articles_fts, 3, '[', ']', '…', 14) FROM articles_fts "
        "WHERE articles_fts MATCH ? AND rowid = ?"
    )
    try:
        for article_id in ids:
            row = conn.execute(sql, (match, article_id)).fetchone()
            if row and row[0]:
                out[article_id] = str(row[0])
    except sqlite3.OperationalError:
        pass
    return out
