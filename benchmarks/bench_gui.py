"""GUI benchmark on a 100,000-article library (not a test).

    .venv/bin/python benchmarks/bench_gui.py [--library /tmp/reader-bench-100k.db] [--rebuild]

Builds (once, cached under /tmp) a synthetic library: 1,000 distinct invented articles analysed
by the real attribution engine, stored 100 times each under different titles, outlets and dates
through bulk SQL into the library's own schema (its FTS triggers index every row). Then, in a
fresh process, prints: launch to an interactive window, opening an article with both panels
filled, search latency (query + first visible rows with snippets), sorting the whole library,
and peak memory. Targets: window <= 1.5 s, article <= 100 ms, search <= 100 ms, memory <= 400 MB.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import zlib  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = Path(tempfile.gettempdir()) / "reader-bench-100k.db"
N_ARTICLES = 100_000
N_DISTINCT = 1_000
OUTLETS = [f"{town} {kind}" for town in ("Aldmouth", "Kessel", "Brindle", "Oskarvik", "Tellis",
                                          "Vardo", "Quillon", "Rookford")
           for kind in ("Courier", "Herald", "Daily", "Ledger", "Wire")]


def build(path: Path) -> None:
    from reader.core.attribution import ANALYZER_VERSION, analyze
    from reader.core.library import Library, title_key
    from reader.core.synthetic import make_article

    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rng = random.Random(100_000)
    pool: list[tuple[dict[str, Any], str, str, int, float | None]] = []
    for i in range(N_DISTINCT):
        art = make_article(rng, i)
        text = "\n\n".join(art["paragraphs"])  # type: ignore[arg-type]
        result = analyze(text, site=None).to_json()
        pool.append((art, text, json.dumps(result), len(result["attributions"]),
                     result["profile"].get("unnamed_share")))
    library = Library.open(path)
    conn = library.conn
    conn.execute("PRAGMA synchronous = OFF")
    batch: list[tuple[object, ...]] = []
    originals: list[tuple[object, ...]] = []

    def flush() -> None:
        with library.transaction():
            conn.executemany(
                "INSERT INTO articles (id, title, site, author, published, url, format, "
                "source_path, sha256, text, text_sha256, title_key, headings, removed, word_count, "
                "imported_at, analysis, analyzer_version, attribution_count, unnamed_share) "
                "VALUES (?, ?, ?, ?, ?, ?, 'txt', ?, ?, ?, ?, ?, '[]', '[]', ?, ?, ?, ?, ?, ?)",
                batch,
            )
            conn.executemany(
                "INSERT INTO originals (article_id, filename, size, compression, data) "
                "VALUES (?, ?, ?, 'zlib', ?)",
                originals,
            )
        batch.clear()
        originals.clear()

    for i in range(1, N_ARTICLES + 1):
        art, text, analysis, n_att, share = pool[i % N_DISTINCT]
        title = f"{art['title']} #{i}"
        site = OUTLETS[(i * 7919) % len(OUTLETS)]
        published = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        digest = hashlib.sha256(f"{i}".encode()).hexdigest()
        batch.append((
            i, title, site, art["author"], published, f"https://example.invalid/{i}",
            f"/synthetic/{i}.txt", digest, text, hashlib.sha256(text.encode()).hexdigest(),
            title_key(title), len(text.split()), "2025-01-01T00:00:00Z", analysis,
            ANALYZER_VERSION, n_att, share,
        ))
        raw = f"Title: {title}\n\n{text}".encode()
        originals.append((i, f"{i}.txt", len(raw), zlib.compress(raw)))
        if len(batch) >= 5_000:
            flush()
    if batch:
        flush()
    with library.transaction():  # rows inserted directly: index them in one go
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    library.close()
    print(f"built {path} ({N_ARTICLES:,} articles) in {time.perf_counter() - started:.1f} s")


def measure(path: Path) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.bench import open_window, peak_rss_mb
    from reader.gui.models import SNIPPET_ROLE

    app, window, launch = open_window(path, T0)
    library = window.library
    pane = window.library_pane

    def wait_for(signal: object, timeout_ms: int = 20_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)  # type: ignore[attr-defined]

    rows = pane.model.rowCount()

    opens = []
    rng = random.Random(3)
    for _ in range(30):
        row = rng.randrange(rows)
        started = time.perf_counter()
        pane.select_row(row)
        app.processEvents()  # lay out and paint both panels
        opens.append((time.perf_counter() - started) * 1000)

    searches = []
    for query in ("ferry", "harbour authority", "Kessel", "bridge cost", "teachers union strike",
                  "Miriam", "water compa", "report 42"):
        started = time.perf_counter()
        pane.search.setText(query)
        pane._apply_search()
        wait_for(pane.refreshed)
        for r in range(min(30, pane.model.rowCount())):
            pane.model.index(r, 0).data(SNIPPET_ROLE)
        app.processEvents()
        searches.append(((time.perf_counter() - started) * 1000, query, pane.model.rowCount()))
    pane.search.setText("")
    pane._apply_search()
    wait_for(pane.refreshed)

    sorts = []
    for column in (0, 1, 5, 2):
        started = time.perf_counter()
        pane.table.sortByColumn(column, pane.table.horizontalHeader().sortIndicatorOrder())
        wait_for(pane.refreshed)
        app.processEvents()
        sorts.append((time.perf_counter() - started) * 1000)

    peak_mb = peak_rss_mb()
    window.close()
    library.close()
    QApplication.processEvents()

    def verdict(ok: bool) -> str:
        return "ok" if ok else "OVER TARGET"

    open_med, open_max = statistics.median(opens), max(opens)
    search_times = [s[0] for s in searches]
    print(f"library: {path} ({rows:,} articles)")
    print(f"launch to interactive window: {launch:.2f} s   (target <= 1.5 s) "
          f"{verdict(launch <= 1.5)}")
    print(f"open an article, both panels: median {open_med:.1f} ms, max {open_max:.1f} ms   "
          f"(target <= 100 ms) {verdict(open_max <= 100)}")
    print(f"search (ids + first 30 snippets): median {statistics.median(search_times):.1f} ms, "
          f"max {max(search_times):.1f} ms   (target <= 100 ms) "
          f"{verdict(max(search_times) <= 100)}")
    for ms, query, n in searches:
        print(f"    {query!r:26} {n:>7,} hits  {ms:6.1f} ms")
    print("sort the whole library (off the UI thread): "
          + ", ".join(f"{ms:.0f} ms" for ms in sorts) + " (title, outlet, unnamed, date)")
    print(f"peak memory: {peak_mb:.0f} MB   (target <= 400 MB) {verdict(peak_mb <= 400)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--library", type=Path, default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.library)
        return 0
    if args.measure_only:
        return measure(args.library)
    if args.rebuild or not args.library.exists():
        # Build in its own process so its memory does not count against the app's.
        subprocess.check_call([sys.executable, __file__, "--build-only", "--library",
                               str(args.library)])
    # Measure in a fresh process: launch time and peak memory are the app's own.
    return subprocess.call([sys.executable, __file__, "--measure-only", "--library",
                            str(args.library)])


if __name__ == "__main__":
    raise SystemExit(main())
