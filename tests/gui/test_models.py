"""The library model holds ids and fetches rows by window; queries sort in SQL."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from reader.core.library import Library
from reader.gui.models import WINDOW, ArticleTableModel
from reader.gui.query import ArticleQuery, query_ids

pytestmark = pytest.mark.gui


def test_model_passes_qtmodeltester(qtmodeltester: Any, sample_library: Library) -> None:
    model = ArticleTableModel(sample_library)
    model.set_ids(query_ids(sample_library.conn, ArticleQuery()))
    qtmodeltester.check(model, force_py=True)


class CountingLibrary:
    """Pretends to hold 100,000 articles; counts what the model asks for."""

    def __init__(self, real: Library) -> None:
        self.conn = real.conn
        self.requested: list[int] = []

    def summaries(self, ids: Any) -> dict[int, dict[str, Any]]:
        ids = list(ids)
        self.requested.extend(ids)
        return {i: {"id": i, "title": f"Article {i}", "site": "X", "published": "2030-01-01",
                    "attribution_count": 3, "unnamed_share": 0.5} for i in ids}


def test_model_fetches_only_a_window(sample_library: Library) -> None:
    fake = CountingLibrary(sample_library)
    model = ArticleTableModel(fake)  # type: ignore[arg-type]
    model.set_ids(list(range(1, 100_001)))
    assert model.rowCount() == 100_000
    assert fake.requested == []
    assert model.index(50_000, 0).data() == "Article 50001"
    assert len(fake.requested) <= WINDOW
    assert model.index(50_010, 5).data() == "50%"
    assert model.fetches == 1  # a neighbour came from the same window
    assert model.index(99_999, 0).data() == "Article 100000"
    assert model.fetches == 2


def test_query_ids_orders_and_filters_in_sql(sample_library: Library) -> None:
    conn = sample_library.conn
    all_ids = query_ids(conn, ArticleQuery())
    dates = [sample_library.get(i)["published"] for i in all_ids]
    assert dates == sorted(dates, reverse=True)
    by_title = query_ids(conn, ArticleQuery(sort="title", descending=False))
    titles = [sample_library.get(i)["title"].casefold() for i in by_title]
    assert titles == sorted(titles)
    ledger = query_ids(conn, ArticleQuery(site="The Harbour Ledger"))
    assert len(ledger) == 3
    hits = query_ids(conn, ArticleQuery(search="brine", sort=None))
    assert len(hits) == 2
    assert query_ids(conn, ArticleQuery(search='"(')) == []
    assert query_ids(conn, ArticleQuery(date_from="2031-03-15", date_to="2031-03-15")) == [2]


def test_twenty_thousand_void_qt_calls_survive(qtbot: Any) -> None:
    """PySide6 6.12.0 aborted in none_dealloc after a few thousand calls returning None."""
    widget = QWidget()
    qtbot.addWidget(widget)
    for i in range(10_000):
        widget.setEnabled(i % 2 == 0)
        widget.setToolTip(f"tip {i}")
    assert widget.toolTip() == "tip 9999"
