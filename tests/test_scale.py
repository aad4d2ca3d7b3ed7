"""Scale: the import pipeline is a pure function of file bytes, so any engine can run it.

The same files go through ``extract_file_bytes`` in a process pool (concurrent.futures) and in a
Dask bag (when Dask is installed); the records must be identical, field for field.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from reader import bench
from reader.core import importer
from reader.core.errors import ImportRefused
from reader.core.importer import run_import
from reader.core.ingest import extract_file_bytes
from reader.core.library import Library
from reader.core.related import prepare
from reader.core.synthetic import LibraryGenerator, library_html, library_txt


def _corpus(count: int = 12) -> list[tuple[str, bytes]]:
    gen = LibraryGenerator(seed=11)
    items: list[tuple[str, bytes]] = []
    for article in gen.articles(count):
        if article.index % 2:
            items.append((f"a{article.index}.html", library_html(article)))
        else:
            items.append((f"a{article.index}.txt", library_txt(article)))
    items.append(("broken.txt", b"\x00\xff" * 40))
    return items


def pipeline(item: tuple[str, bytes]) -> dict[str, Any]:
    """File bytes -> the record the library stores (or the refusal), as plain data."""
    name, raw = item
    try:
        record = extract_file_bytes(raw, name)
    except ImportRefused as refusal:
        return {"refused": refusal.reason}
    record.prepared = prepare(record.title, record.text)
    return dataclasses.asdict(record)


def test_pipeline_is_the_same_in_a_process_pool_and_in_a_dask_bag() -> None:
    items = _corpus()
    local = [pipeline(item) for item in items]
    with ProcessPoolExecutor(2) as pool:
        pooled = list(pool.map(pipeline, items))
    assert pooled == local
    assert sum("refused" in r for r in local) == 1
    assert all(r.get("analysis") for r in local if "refused" not in r)

    bag = pytest.importorskip("dask.bag")
    dasked = bag.from_sequence(items, npartitions=3).map(pipeline).compute(scheduler="processes")
    assert list(dasked) == local


def test_generator_is_reproducible_and_prefix_stable() -> None:
    first = [a.title for a in LibraryGenerator().articles(300)]
    again = LibraryGenerator().articles(500)
    assert [a.title for a in again][:300] == first
    articles = list(LibraryGenerator().articles(400))
    lengths = [sum(len(p.split()) for p in a.paragraphs) for a in articles]
    assert min(lengths) >= 120 and 400 < sorted(lengths)[len(lengths) // 2] < 800
    stories: dict[int, int] = {}
    for a in articles:
        stories[a.story] = stories.get(a.story, 0) + 1
    assert max(stories.values()) >= 4  # story clusters exist
    assert len({a.site for a in articles}) > 20


def test_prepared_features_give_the_same_index(tmp_path: Path) -> None:
    """update_related with worker-prepared features stores what it computes itself."""
    from reader.core import related
    from reader.core.library import Library

    gen = LibraryGenerator(seed=3)
    raws = [library_txt(a) for a in gen.articles(30)]
    rows: dict[bool, list[tuple[Any, ...]]] = {}
    for use_prepared in (False, True):
        with Library.open(tmp_path / f"lib{use_prepared}.db") as lib:
            for n, raw in enumerate(raws):
                record = extract_file_bytes(raw, f"a{n}.txt")
                added = lib.add_article(record)
                assert added.article_id is not None
                prepared = prepare(record.title, record.text) if use_prepared else None
                related.update_related(lib, added.article_id, prepared)
            rows[use_prepared] = lib.conn.execute(
                "SELECT article_id, terms, weights, prints FROM related_docs ORDER BY article_id"
            ).fetchall() + lib.conn.execute(
                "SELECT * FROM related_links ORDER BY 1, 2"
            ).fetchall()
    assert rows[True] == rows[False]


# ----- the benchmark's own machinery (its figures are printed, not asserted) ----------------


def _html_pages(folder: Path, count: int, seed: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for article in LibraryGenerator(seed=seed).articles(count):
        path = folder / f"p{article.index}.html"
        path.write_bytes(library_html(article))
        paths.append(str(path))
    return paths


def test_per_page_benchmark_stores_every_page_and_warms_up_before_a_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A library whose last transactions are still in its WAL (copied while open, as a library
    # a connection left behind): the benchmark's copies must carry them.
    source = tmp_path / "open" / "library.db"
    source.parent.mkdir()
    into = tmp_path / "lib" / "library.db"
    into.parent.mkdir()
    with Library.open(source) as library:
        assert len(run_import(library, _html_pages(tmp_path / "old", 3, seed=5)).imported) == 3
        assert Path(f"{source}-wal").stat().st_size > 0
        for end in ("", "-wal"):
            shutil.copyfile(f"{source}{end}", f"{into}{end}")
    pages = _html_pages(tmp_path / "new", 5, seed=6)
    stored: list[int] = []
    pending_at_indexing: list[int] = []
    real_open, real_index = Library.open, Library.index_new_articles

    def counting_open(path: Path) -> Library:  # each pass's copy, counted when it closes
        library = real_open(path)
        real_close = library.close

        def close() -> None:
            stored.append(library.count())
            real_close()

        library.close = close  # type: ignore[method-assign]
        return library

    def spying_index(library: Library) -> None:
        pending_at_indexing.append(library.unindexed_articles())
        real_index(library)

    monkeypatch.setattr(Library, "open", counting_open)
    monkeypatch.setattr(Library, "index_new_articles", spying_index)
    monkeypatch.setattr(importer, "INDEX_EVERY_ARTICLES", 2)
    if hasattr(bench.os, "sched_setaffinity"):  # the benchmark pins its (child) process
        monkeypatch.setattr(bench.os, "sched_setaffinity", lambda *_args: None)
    assert bench.per_page_child(pages, rounds=2, into=into) == 0
    into_figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert bench.per_page_child(pages, rounds=2) == 0
    empty_figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    monkeypatch.undo()
    # Into the library: an uncounted first pass, then two; each copy ends with all five pages.
    assert stored == [8, 8, 8, 5, 5]
    # Indexed on the way every two articles, as the importer's writer does, not all at commit.
    assert max(pending_at_indexing) == 2 and sum(pending_at_indexing) == 5 * 5
    for figures in (into_figures, empty_figures):
        assert figures["pages"] == 5 and len(figures["ratios"]) == 2
        assert figures["trafilatura_ms"] > 0 and figures["worker_ms"] > 0
        assert figures["writer_ms"] > 0
    assert "warm_up_ratio" in into_figures and "warm_up_ratio" not in empty_figures
    with Library.open(into) as library:
        assert library.count() == 3  # the library itself is never written


def _fake_import_runs(monkeypatch: pytest.MonkeyPatch, rates: dict[int, list[float]]) -> None:
    def fake_run(_path: Path, _files: list[str], workers: int, pin: bool,
                 analyse: bool = True) -> dict[str, float]:
        return {"per_second": rates[workers].pop(0) if not analyse else 1.0,
                "busy_cores": 1.5 * workers - 1.0, "analysed_per_second": 1.0}

    monkeypatch.setattr(bench, "_import_run", fake_run)


def test_import_scaling_is_paired_with_the_machines_round_by_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind in ("txt", "html"):
        (tmp_path / kind).mkdir()
    # Two kinds, three rounds each: one core, then two cores, then the machine's round.
    _fake_import_runs(monkeypatch, {1: [100.0, 100.0, 200.0] * 2, 2: [150.0, 190.0, 300.0] * 2})
    machine_rounds: list[int] = []

    def fake_machine(workers: int, rounds: int = 5, first_round: int = 0) -> list[float]:
        machine_rounds.append(first_round)
        return [[1.5, 2.0, 1.2][first_round]] * rounds

    monkeypatch.setattr(bench, "machine_scaling", fake_machine)
    out = bench.measure_imports(tmp_path, tmp_path / "library.db", cores=2, rounds=3)
    assert machine_rounds == [0, 1, 2] * 2  # alternating which goes first, as the imports do
    assert out["txt_runs"]["scaling"] == [1.5, 1.9, 1.5]
    assert out["txt_runs"]["machine"] == [1.5, 2.0, 1.2]
    assert out["txt_scaling"] == 1.5 and out["txt_machine_scaling"] == 1.5
    assert out["txt_scaling_of_machine"] == pytest.approx(1.0)  # 1.0, 0.95, 1.25
    assert out["txt_busy_cores"] == 2.0  # read from the all-cores runs

    # The long text batch: three more pairs, scaling and busy cores of their own.
    _fake_import_runs(monkeypatch, {1: [100.0] * 9, 2: [150.0] * 6 + [180.0, 170.0, 190.0]})
    monkeypatch.setattr(bench, "machine_scaling", lambda *a, **k: [1.0])
    longer = bench.measure_imports(tmp_path, tmp_path / "library.db", cores=2, rounds=3,
                                   long_txt=["a.txt", "b.txt"])
    assert longer["txt_long_files"] == 2
    assert longer["txt_long_runs"]["scaling"] == [1.8, 1.7, 1.9]
    assert longer["txt_long_scaling"] == 1.8 and longer["txt_long_busy_cores"] == 2.0

    _fake_import_runs(monkeypatch, {1: [100.0] * 12})  # both runs of a pair on one core
    monkeypatch.setattr(bench, "machine_scaling", lambda *a, **k: pytest.fail("not on one core"))
    alone = bench.measure_imports(tmp_path, tmp_path / "library.db", cores=1, rounds=3)
    assert alone["txt_scaling"] == 1.0 and "txt_machine_scaling" not in alone
    assert "machine" not in alone["txt_runs"]


def test_benchmark_report_prints_the_import_scaling_over_the_machines() -> None:
    figures = {"txt_scaling": 1.6, "txt_machine_scaling": 1.5, "txt_scaling_of_machine": 1.07,
               "html_scaling": 1.9, "html_machine_scaling": 1.8, "html_scaling_of_machine": 1.1}
    text = bench.report({1000: figures, 10000: dict(figures, txt_scaling_of_machine=0.98)}, {})
    row = next(line for line in text.splitlines() if line.startswith("| txt scaling ÷"))
    assert row.split(" | ")[1:3] == ["1.07", "0.98"]
    assert "| the machine's arithmetic after each HTML pair, all cores ÷ 1 core | ×1.80 |" in text


def test_import_run_counts_the_cores_its_workers_kept_busy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    files = []
    for article in LibraryGenerator(seed=3).articles(40):
        path = folder / f"a{article.index}.txt"
        path.write_bytes(library_txt(article))
        files.append(str(path))
    Library.open(tmp_path / "library.db").close()
    assert bench.import_child(tmp_path / "library.db", files, 2, pin=False, analyse=False) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["articles"] == 40
    # The workers (reaped before the count) did the extraction, and their CPU time counts.
    assert figures["workers_cpu_seconds"] > 0
    assert 0.0 < figures["busy_cores"] <= 2.5


def test_benchmark_refuses_zero_rounds(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
    assert "must be 1 or more" in capsys.readouterr().err
