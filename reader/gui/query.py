"""What the library table shows, as SQL: ordered ids for a filter, and snippets by window.

Qt-free so it runs in a worker thread (with that thread's own connection) and in tests. The
table model holds only the ids this returns and fetches rows for the visible window.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from reader.core.library import fts_query, ranked_match_ids, search_snippets
from reader.gui.tags import NoTags, TagSource

# Column key -> ORDER BY expression (ascending); every order ends on id so it is total.
SORT_SQL: dict[str, str] = {
    "title": "a.title COLLATE NOCASE {d}, a.id {d}",
    "site": "a.site {d}, a.published DESC, a.id DESC",
    "published": "a.published {d} NULLS LAST, a.id {d}",
    "attribution_count": "a.attribution_count {d} NULLS LAST, a.id {d}",
    "unnamed_share": "a.unnamed_share {d} NULLS LAST, a.id {d}",
}


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
    ranked: list[int] | None = None
    if match and query.sort not in SORT_SQL:
        # Relevance order comes from the full-text index alone, ranking bounded so a common
        # word stays fast at any library size; filters then keep the ids they allow.
        try:
            ranked = ranked_match_ids(conn, match)
        except sqlite3.OperationalError:
            return []
        if not (query.site or query.date_from or query.date_to or query.tags):
            return ranked
        match = ""  # the filter query below must not repeat the match
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
    elif ranked is None:
        sql += " ORDER BY " + SORT_SQL["published"].format(d="DESC")
    try:
        ids = [row[0] for row in conn.execute(sql, params)]
    except sqlite3.OperationalError:
        return []
    if ranked is not None:
        allowed = set(ids)
        return [article_id for article_id in ranked if article_id in allowed]
    return ids


def snippets(conn: sqlite3.Connection, search: str, ids: list[int]) -> dict[int, str]:
    """Search snippets (hits in ``[`` ``]``) for a window of ids, built from the stored text."""
    if not fts_query(search) or not ids:
        return {}
    return search_snippets(conn, search, ids)
