"""Speed at scale: one command, every figure, at 1,000 / 10,000 / 100,000 articles.

    python -m reader.bench [--sizes 1000,10000,100000] [--cache /tmp/reader-bench] [--batch 1000]

For each size it builds (once; cached under ``--cache``) a synthetic library from
``reader.core.synthetic.LibraryGenerator`` through the real pipeline (txt and HTML files
extracted and analysed in worker processes, stored with ``Library.add_article``, related coverage
built with ``rebuild_related``), then measures, on that library:

* import articles/second of a batch of new txt files and of new HTML files (the generator's next
  articles, so they belong to the library's stories), on one core (the import pinned to one CPU)
  and on all cores, each into a fresh copy of the library: the first pass (articles stored,
  readable and searchable) and the whole import with its analysis pass (attributions and
  related coverage);
* full-text search (ranked ids and snippets of the first 50 hits), median and p95, and p95 of
  common terms; open article (row, analysis, related panel) median and p95; related panel alone;
* app launch to an interactive window and the app's peak memory (a fresh process);
* database size per article, the original bytes excluded (dbstat);

and, once per run, the anchors on the same HTML pages: trafilatura alone and lxml parsing alone;
one HTML page at a time on one core, our first pass against trafilatura alone interleaved page
by page (steady state, CPU time: the figure the shared machine's drift does not move); with
../shared present, the same for real saved pages and their import against trafilatura alone.
Finally the growth of each figure from the smallest to the largest size. Results also go to
``<cache>/results.json``.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

BUILD_VERSION = 4  # bump when the generator or the build changes (cached libraries are rebuilt)
HTML_EVERY = 5  # one article in five of a built library is a saved web page, the rest text
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "reader-bench"
SEARCHES = 40
OPENS = 100


# ----- building a library ------------------------------------------------------------------


def _extract(item: tuple[int, str, bytes]) -> Any:
    from reader.core.errors import ImportRefused
    from reader.core.ingest import extract_file_bytes

    _index, name, raw = item
    try:
        record = extract_file_bytes(raw, name)
    except ImportRefused:
        return None
    record.source_path = f"/synthetic/{name}"
    return record


def _files(gen: Any, count: int) -> Iterator[tuple[int, str, bytes]]:
    from reader.core.synthetic import library_html, library_txt

    for article in gen.articles(count):
        index = article.index
        if index % HTML_EVERY == HTML_EVERY - 1:
            yield index, f"a{index:06d}.html", library_html(article)
        else:
            yield index, f"a{index:06d}.txt", library_txt(article)


def build_library(folder: Path, size: int, batch: int, workers: int) -> Path:
    """The cached library of ``size`` articles and its import batches (txt/, html/)."""
    from reader.core.library import Library
    from reader.core.related import rebuild_related
    from reader.core.synthetic import LibraryGenerator

    path = folder / "library.db"
    stamp = folder / "built.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("version") == BUILD_VERSION:
        _write_batches(folder, size, batch)
        return path
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    gen = LibraryGenerator()
    library = Library.open(path)
    stored = 0
    with ProcessPoolExecutor(workers) as pool:
        records = pool.map(_extract, _files(gen, size), chunksize=32)
        waiting: list[Any] = []
        for record in records:
            if record is not None:
                waiting.append(record)
            if len(waiting) >= 500:
                _store(library, waiting)
                stored += len(waiting)
                waiting = []
        _store(library, waiting)
        stored += len(waiting)
    extracted = time.perf_counter() - started
    t1 = time.perf_counter()
    rebuild_related(library, workers=workers)
    related_s = time.perf_counter() - t1
    library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    library.close()
    _write_batches(folder, size, batch, gen)
    stamp.write_text(json.dumps({"version": BUILD_VERSION, "articles": stored,
                                 "extract_store_s": extracted, "related_s": related_s}))
    print(f"  built {size:,}-article library in {time.perf_counter() - started:.0f} s "
          f"(extract+store {extracted:.0f} s, related index {related_s:.0f} s)", flush=True)
    return path


def _store(library: Any, records: list[Any]) -> None:
    with library.transaction():  # one transaction, each article a savepoint inside it
        for record in records:
            library.add_article(record)


def _write_batches(folder: Path, size: int, batch: int, gen: Any = None) -> None:
    """The import batches (txt/, html/): the stream's next ``2 * batch`` articles after the
    library's ``size``, new coverage of its stories; rewritten when ``batch`` changes."""
    from reader.core.synthetic import LibraryGenerator, library_html, library_txt

    txt = folder / "txt"
    if txt.is_dir() and len(list(txt.iterdir())) == batch:
        return
    for kind in ("txt", "html"):
        shutil.rmtree(folder / kind, ignore_errors=True)
        (folder / kind).mkdir()
    if gen is None:
        gen = LibraryGenerator()
        for _ in gen.articles(size):  # the same stream position as after the build
            pass
    for n, article in enumerate(gen.articles(2 * batch)):
        kind, render = (("txt", library_txt), ("html", library_html))[n % 2]
        (folder / kind / f"new{article.index:06d}.{kind}").write_bytes(render(article))


# A 1,000-file text import lasts about half a second on two cores, and its start (listing the
# files, forking the pool) leaves a core idle, as the last commit and outlet counts did before
# the eleventh round: the plain-text scaling is also measured on a batch this many times longer.
LONG_TXT_FACTOR = 4
LONG_TXT_SEED = 4_000


def _long_txt_batch(cache: Path, count: int) -> list[str]:
    """``count`` text files for the plain-text scaling figure (written once in the cache, for
    every size)."""
    from reader.core.synthetic import LibraryGenerator, library_txt

    target = cache / "txt-long"
    if not target.is_dir() or len(list(target.iterdir())) != count:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for article in LibraryGenerator(seed=LONG_TXT_SEED).articles(count):
            (target / f"long{article.index:06d}.txt").write_bytes(library_txt(article))
    return sorted(str(p) for p in target.iterdir())


# ----- measurements ------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _import_run(
    library_path: Path, files: list[str], workers: int, pin: bool, analyse: bool = True
) -> dict[str, Any]:
    """In a child process: import ``files`` into a copy of the library; articles/second."""
    args = [sys.executable, "-m", "reader.bench", "--import-run", str(library_path),
            "--workers", str(workers), *(["--pin"] if pin else []),
            *([] if analyse else ["--first-pass-only"]), "--", *files]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _copy_library(source: Path, destination: Path) -> None:
    """A copy of a closed library, with its WAL if a connection left one behind (the main
    file alone would miss the transactions the WAL still holds)."""
    for end in ("", "-wal"):
        if Path(f"{source}{end}").exists():
            shutil.copyfile(f"{source}{end}", f"{destination}{end}")


def import_child(
    library_path: Path, files: list[str], workers: int, pin: bool, analyse: bool = True
) -> int:
    """The two passes of an import, timed apart: the files stored (readable, searchable),
    then (with ``analyse``) their analysis (attributions, related coverage). Also how many
    cores the first pass kept busy: the CPU time of this process and of its workers over the
    wall time (a machine that slows both cores when both run shows here as more CPU time,
    not as fewer busy cores)."""
    import multiprocessing

    from reader.core.importer import analyse_pending, run_import
    from reader.core.library import Library

    if pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with tempfile.TemporaryDirectory(dir=library_path.parent) as tmp:
        copy = Path(tmp) / "copy.db"
        _copy_library(library_path, copy)
        with Library.open(copy) as library:
            cpu_before = _cpu_seconds()
            started = time.perf_counter()
            report = run_import(library, files, workers=workers, analyse=False)
            stored = time.perf_counter() - started
            waited = time.monotonic() + 5.0  # the pool's workers reaped, so their time counts
            while multiprocessing.active_children() and time.monotonic() < waited:
                time.sleep(0.01)
            cpu_after = _cpu_seconds()
            busy = (sum(cpu_after) - sum(cpu_before)) / stored
            workers_cpu = cpu_after[1] - cpu_before[1]
            if analyse:
                analysed = analyse_pending(library, workers=workers)
                assert analysed == len(report.imported) and not library.pending_analysis_count()
            elapsed = time.perf_counter() - started
    n = len(report.imported)
    print(json.dumps({"articles": n, "seconds": stored, "per_second": n / stored,
                      "busy_cores": busy, "workers_cpu_seconds": workers_cpu,
                      "analysed_seconds": elapsed,
                      "analysed_per_second": n / elapsed}))
    return 0


def _cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of this process, and of its children that have ended."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def _queries(library: Any, rng: random.Random) -> tuple[list[str], list[str]]:
    """Search queries drawn from the library: (all queries, the common-term ones)."""
    rows = library.conn.execute(
        "SELECT title, site, reader_text(text) FROM articles WHERE id IN (SELECT id FROM articles "
        "ORDER BY random() LIMIT 200)"
    ).fetchall()
    words = [w for _t, _s, text in rows for w in text.split() if w.isalpha() and len(w) > 3]
    counts: dict[str, int] = {}
    for w in words:
        counts[w.lower()] = counts.get(w.lower(), 0) + 1
    by_freq = sorted(counts, key=lambda w: -counts[w])
    common = by_freq[:10]
    rare = rng.sample(by_freq[200:], 10)
    people = [w for w in words if w[:1].isupper()]
    queries = [*common, *rare]
    queries += [rng.choice(people) for _ in range(5)]
    queries += [f"{rng.choice(by_freq[:300])} {rng.choice(by_freq[:300])}" for _ in range(5)]
    queries += [w[:4] for w in rng.sample(by_freq[:500], 5)]  # typing: a prefix
    queries += [str(rows[i][1]) for i in range(5)]  # an outlet
    return queries[:SEARCHES], common


def measure_reads(path: Path) -> dict[str, Any]:
    from reader.core.library import Library
    from reader.core.related import related_for

    rng = random.Random(7)
    out: dict[str, Any] = {}
    with Library.open(path) as library:
        queries, common = _queries(library, rng)
        for q in queries[:3]:  # warm the page cache as a reader's session would
            library.search(q, limit=50)
        times: dict[str, float] = {}
        for q in queries:
            t = time.perf_counter()
            library.search(q, limit=50)
            times[q] = (time.perf_counter() - t) * 1000
        out["search_median_ms"] = statistics.median(times.values())
        out["search_p95_ms"] = _pct(list(times.values()), 0.95)
        out["search_common_p95_ms"] = _pct([times[q] for q in common], 0.95)
        n = library.count()
        max_id = int(library.conn.execute("SELECT MAX(id) FROM articles").fetchone()[0])
        ids = [rng.randint(1, max_id) for _ in range(OPENS)]
        opens, panels = [], []
        for aid in ids:
            t = time.perf_counter()
            row = library.get(aid)
            _ = (row["text"], (row["analysis"] or {}).get("attributions"))
            t_panel = time.perf_counter()
            related_for(library, aid)
            done = time.perf_counter()
            opens.append((done - t) * 1000)
            panels.append((done - t_panel) * 1000)
        out["open_median_ms"] = statistics.median(opens)
        out["open_p95_ms"] = _pct(opens, 0.95)
        out["related_median_ms"] = statistics.median(panels)
        out["related_p95_ms"] = _pct(panels, 0.95)
        sizes = dict(library.conn.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        originals = sum(v for k, v in sizes.items() if k == "originals"
                        or k.startswith("sqlite_autoindex_originals"))
        total = sum(sizes.values())
        out["articles"] = n
        out["db_kb_per_article"] = (total - originals) / n / 1024
        out["originals_kb_per_article"] = originals / n / 1024

        def group(name: str) -> str:
            if name.startswith(("articles_fts",)):
                return "fts"
            if name.startswith(("related_", "sqlite_autoindex_related")):
                return "related"
            if name.startswith(("articles", "sqlite_autoindex_articles")):
                return "articles"
            return "other"

        parts: dict[str, float] = {}
        for k, v in sizes.items():
            if k == "originals" or k.startswith("sqlite_autoindex_originals"):
                continue
            parts[group(k)] = parts.get(group(k), 0.0) + v / n / 1024
        out["db_parts_kb"] = parts
    return out


def open_window(path: Path, started: float) -> tuple[Any, Any, Any]:
    """Launch the app on ``path`` with throwaway settings, as a user would see it.

    Returns (app, window, seconds from ``started`` to the first page of rows drawn); the window
    owns its library (``window.library``). Shared with benchmarks/bench_gui.py.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from reader.core.library import Library
    from reader.gui.app import create_app
    from reader.gui.mainwindow import MainWindow

    settings_dir = tempfile.mkdtemp(prefix="reader-bench-settings-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = create_app(["bench"])
    library = Library.open(path)
    window = MainWindow(library, settings=QSettings(f"{settings_dir}/s.ini",
                                                    QSettings.Format.IniFormat))
    window.resize(1500, 920)
    window.show()
    loop = QEventLoop()
    window.library_pane.refreshed.connect(loop.quit)
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    # First rows drawn: the visible window of summaries is fetched by the paint.
    app.processEvents()
    return app, window, time.perf_counter() - started


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across fork and exec,
    so a child started by a large parent reports the parent's size (2,190 MB measured for an
    app of ~110 MB after building the 100,000 library); ``VmHWM`` belongs to this process's
    own address space."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gui_child(path: Path) -> int:
    """In a fresh process: launch to interactive window, 10 article opens, peak memory."""
    app, window, launch = open_window(path, T0)
    library = window.library
    pane = window.library_pane
    rows = pane.model.rowCount()
    rng = random.Random(3)
    opens = []
    for _ in range(10):
        t = time.perf_counter()
        pane.select_row(rng.randrange(rows))
        app.processEvents()
        opens.append((time.perf_counter() - t) * 1000)
    peak = peak_rss_mb()
    window.close()
    library.close()
    print(json.dumps({"launch_s": launch, "peak_mb": peak, "gui_open_median_ms":
                      statistics.median(opens), "rows": rows}))
    return 0


def measure_gui(path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "reader.bench", "--gui-run", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def anchors(html_files: list[Path]) -> dict[str, float]:
    """Pages/second on one core: our HTML extraction (no library), trafilatura alone, lxml alone."""
    import lxml.html

    from reader.core.decode import decode_html_bytes
    from reader.core.html_extract import extract_html

    pages = [p.read_bytes() for p in html_files]

    def seconds(fn: Any) -> float:
        t = time.process_time()
        for raw in pages:
            fn(raw)
        return time.process_time() - t

    contenders: dict[str, Any] = {
        "ours_extract_per_s": lambda raw: extract_html(decode_html_bytes(raw)),
        "trafilatura_per_s": trafilatura_alone,
        "lxml_per_s": lambda raw: lxml.html.document_fromstring(raw),
    }
    for fn in contenders.values():
        fn(pages[0])  # imports and first-call set-up outside the timing
    # Alternating rounds, best of three: a load spike or a collection in one round of one
    # contender would otherwise decide the ratio (single rounds ranged from x1.2 to x1.7).
    best = {name: float("inf") for name in contenders}
    for _round in range(3):
        for name, fn in contenders.items():
            best[name] = min(best[name], seconds(fn))
    return {name: len(pages) / best[name] for name in contenders}


def trafilatura_alone(raw: bytes) -> Any:
    """The anchor: trafilatura's own extraction of a page, with the options ours uses and its
    own XPaths (not the faster equivalent ones ours installs, ``trafilatura_xpaths``)."""
    import trafilatura

    from reader.core.trafilatura_xpaths import stock

    with stock():
        return trafilatura.extract(raw.decode("utf-8", "replace"), include_comments=False,
                                   favor_precision=True)


def per_page_child(files: list[str], rounds: int, into: Path | None = None) -> int:
    """In a child process pinned to one core: what one HTML page costs the first pass of an
    import — the worker's job, the record's round trip between processes, the writer's share
    of its batch (the article stored, its commit and full-text indexing) — against trafilatura
    alone on the same page, in CPU time, the two interleaved page by page (alternating which
    goes first) so that the shared machine's drift falls on both alike. The pool's start (a
    worker importing the extractors, ~0.4 s once per import) is left out: it is the same for
    ten pages or a million. Medians of ``rounds`` shuffled passes, printed as JSON. Each pass
    stores into an empty library, or with ``into`` into a fresh copy of that library: the
    writer's share grows with the library (its indexes' pages are written whole at commits,
    and the full-text index merges ever larger segments). New articles are added to the
    full-text index every ``INDEX_EVERY_ARTICLES`` and at each commit, as the importer does."""
    import contextlib
    import pickle

    from reader.core import importer
    from reader.core.library import Library

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    raws = {f: Path(f).read_bytes() for f in files}
    for f in files[:3]:  # imports and first-call set-up outside the timing
        importer._extract_job(f)
        trafilatura_alone(raws[f])
    clock = time.process_time
    per_round: list[tuple[float, float, float]] = []
    warm_up: tuple[float, float, float] | None = None
    # Into a big library, a first pass is left uncounted (its ratio is printed apart). Every
    # pass opens a fresh copy with a cold page cache; what only the first one pays is the
    # process's memory: the writer's cache (64 MB, filled from the library) lands on heap pages
    # touched for the first time, later passes reuse the freed ones (one run: 9,765 page faults
    # against 1,600–2,240, its writer ×1.3–1.5 theirs) — once per process that imports, like
    # the pool's start.
    for round_number in range(-1 if into is not None else 0, rounds):
        order = list(files)
        random.Random(round_number if round_number >= 0 else "warm-up").shuffle(order)
        alone = worker = writer = 0.0
        with contextlib.ExitStack() as stack:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(
                dir=into.parent if into is not None else None))
            if into is not None:
                _copy_library(into, Path(tmp) / "l.db")
            library = stack.enter_context(Library.open(Path(tmp) / "l.db"))
            settings = contextlib.ExitStack()  # closed in the timing: it stores line counts
            settings.enter_context(importer._writer_settings(library))
            batch: contextlib.ExitStack | None = None
            batch_articles, batch_seconds = 0, 0.0
            for i, f in enumerate(order):
                if batch is None:  # batches end as the importer's do (articles or seconds)
                    began = clock()
                    batch = contextlib.ExitStack()
                    batch.enter_context(library.transaction())
                    writer += clock() - began
                    batch_articles, batch_seconds = 0, clock() - began
                if i % 2:
                    began = clock()
                    trafilatura_alone(raws[f])
                    alone += clock() - began
                began = clock()
                record = pickle.loads(pickle.dumps(importer._extract_job(f)))
                middle = clock()
                if isinstance(record, importer.NewArticle):
                    importer._commit(library, f, record)
                ended = clock()
                worker += middle - began
                writer += ended - middle
                batch_articles += 1
                batch_seconds += ended - began
                if not i % 2:
                    began = clock()
                    trafilatura_alone(raws[f])
                    alone += clock() - began
                if (batch_articles >= importer.BATCH_ARTICLES
                        or batch_seconds >= importer.BATCH_SECONDS or i == len(order) - 1):
                    began = clock()
                    batch.close()  # the commit and its full-text indexing
                    writer += clock() - began
                    batch = None
                elif library.unindexed_articles() >= importer.INDEX_EVERY_ARTICLES:
                    began = clock()  # indexed on the way, as the importer's writer does
                    library.index_new_articles()
                    writer += clock() - began
                    batch_seconds += clock() - began  # the importer's batch clock counts it
            began = clock()
            settings.close()  # the import's end: its outlet line counts stored
            writer += clock() - began
        if round_number >= 0:
            per_round.append((alone, worker, writer))
        else:
            warm_up = (alone, worker, writer)
    n = len(files)
    print(json.dumps({
        "pages": n,
        "trafilatura_ms": statistics.median(r[0] for r in per_round) / n * 1000,
        "worker_ms": statistics.median(r[1] for r in per_round) / n * 1000,
        "writer_ms": statistics.median(r[2] for r in per_round) / n * 1000,
        "ratio": statistics.median((r[1] + r[2]) / r[0] for r in per_round),
        "ratios": [round((r[1] + r[2]) / r[0], 3) for r in per_round],
        **({"warm_up_ratio": round((warm_up[1] + warm_up[2]) / warm_up[0], 3),
            "warm_up_writer_ms": warm_up[2] / n * 1000} if warm_up else {}),
    }))
    return 0


PER_PAGE_INTO_PAGES = 300  # each pass copies the library: fewer pages than the empty-library run


def per_page_cost(files: list[str], rounds: int, into: Path | None = None) -> dict[str, Any]:
    args = [sys.executable, "-m", "reader.bench", "--per-page-run", "--rounds", str(rounds),
            *(["--into", str(into)] if into is not None else []), "--", *files]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


REAL_PAGES = (Path(__file__).resolve().parents[2] / "shared" / "data"
              / "article-extraction-benchmark" / "html")


def real_pages_vs_trafilatura(cache: Path, cores: int, rounds: int) -> dict[str, Any]:
    """HTML import of real saved pages (../shared's extraction benchmark, when present) against
    trafilatura alone on the same pages: the synthetic pages are a tenth of a real page's size,
    so fixed per-page costs weigh more there. Each round times trafilatura (one core), the
    first pass pinned to one core and on all cores, into an empty library; medians of the
    rounds and of each round's ratios."""
    import gzip

    from reader.core.library import Library

    if not REAL_PAGES.is_dir():
        print(f"  real pages skipped: {REAL_PAGES} is not present", flush=True)
        return {}
    folder = cache / "real-pages"
    sources = sorted(REAL_PAGES.glob("*.html.gz"))
    if len(list(folder.glob("*.html"))) != len(sources):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for source in sources:
            (folder / source.name.removesuffix(".gz")).write_bytes(gzip.decompress(
                source.read_bytes()))
    files = sorted(str(p) for p in folder.glob("*.html"))
    empty = cache / "real-pages-library" / "library.db"
    empty.parent.mkdir(parents=True, exist_ok=True)
    Library.open(empty).close()
    pages = [Path(f).read_bytes() for f in files]

    def trafilatura_seconds() -> float:
        started = time.process_time()
        for raw in pages:
            trafilatura_alone(raw)
        return time.process_time() - started

    trafilatura_seconds()  # first-call set-up outside the timing
    alone, one, every = [], [], []
    for _round in range(rounds):
        alone.append(trafilatura_seconds())
        one.append(_import_run(empty, files, 1, pin=True, analyse=False)["seconds"])
        every.append(_import_run(empty, files, cores, pin=False, analyse=False)["seconds"])
    n = len(files)
    return {
        "pages": n,
        "per_page": per_page_cost(files, rounds),
        "page_kb": sum(map(len, pages)) / n / 1024,
        "trafilatura_ms": statistics.median(alone) / n * 1000,
        "import_1core_ms": statistics.median(one) / n * 1000,
        "import_all_ms": statistics.median(every) / n * 1000,
        "ratio_1core": statistics.median(o / a for o, a in zip(one, alone, strict=True)),
        "ratio_all": statistics.median(e / a for e, a in zip(every, alone, strict=True)),
    }


def _paired_first_passes(
    path: Path, files: list[str], cores: int, rounds: int, with_machine: bool
) -> dict[str, list[float]]:
    """``rounds`` pairs of first-pass imports of ``files``, one core (pinned) then all cores;
    with ``with_machine``, one round of the machine's arithmetic right after each pair."""
    runs: dict[str, list[float]] = {"one_core": [], "all": [], "busy_cores": [], "machine": []}
    for round_number in range(rounds):
        runs["one_core"].append(
            _import_run(path, files, 1, pin=True, analyse=False)["per_second"])
        every = _import_run(path, files, cores, pin=False, analyse=False)
        runs["all"].append(every["per_second"])
        runs["busy_cores"].append(every["busy_cores"])
        if with_machine:
            runs["machine"].extend(machine_scaling(cores, rounds=1, first_round=round_number))
    return runs


def _scaling_figures(prefix: str, runs: dict[str, list[float]]) -> dict[str, Any]:
    """Medians of paired runs under ``prefix`` (rates, the median of the pairs' scalings, the
    busy cores, the arithmetic's), and the runs themselves."""
    scalings = [a / o for o, a in zip(runs["one_core"], runs["all"], strict=True)]
    out: dict[str, Any] = {
        f"{prefix}_1core_per_s": statistics.median(runs["one_core"]),
        f"{prefix}_all_per_s": statistics.median(runs["all"]),
        f"{prefix}_scaling": statistics.median(scalings),
        f"{prefix}_busy_cores": statistics.median(runs["busy_cores"]),
        f"{prefix}_runs": {"one_core": [round(x) for x in runs["one_core"]],
                           "all": [round(x) for x in runs["all"]],
                           "scaling": [round(x, 2) for x in scalings],
                           "busy_cores": [round(x, 2) for x in runs["busy_cores"]]},
    }
    if runs["machine"]:
        out[f"{prefix}_runs"]["machine"] = [round(x, 2) for x in runs["machine"]]
        out[f"{prefix}_machine_scaling"] = statistics.median(runs["machine"])
        # Each pair's import scaling over the arithmetic's just after it (on a VM whose host
        # takes CPU back, the arithmetic's single rounds range ×1.2–2.5). Not a bound: the
        # pinned one-core import runs its writer and worker on one CPU, which costs them
        # switches the lone arithmetic process does not pay, so it can exceed 1.
        out[f"{prefix}_scaling_of_machine"] = statistics.median(
            s / m for s, m in zip(scalings, runs["machine"], strict=True))
    return out


def measure_imports(
    folder: Path, path: Path, cores: int, rounds: int, long_txt: list[str] | None = None
) -> dict[str, Any]:
    """Import rates, one core (pinned) and all cores. The first pass is timed ``rounds`` times,
    one core and all cores alternating, and the medians are reported with the median of the
    paired ratios: on a shared VM a single run can be a fifth off either way. Right after each
    pair, one round of the machine's own arithmetic scaling (``machine_scaling``), and each
    pair's import scaling over it. The pass with the analysis is timed once (it takes
    minutes). With ``long_txt``, the text import's scaling once more on those files."""
    out: dict[str, Any] = {}
    for kind in ("txt", "html"):
        files = sorted(str(p) for p in (folder / kind).iterdir())
        out.update(_scaling_figures(
            kind, _paired_first_passes(path, files, cores, rounds, with_machine=cores > 1)))
        one = _import_run(path, files, 1, pin=True)
        both = _import_run(path, files, cores, pin=False)
        out[f"{kind}_analysed_1core_per_s"] = one["analysed_per_second"]
        out[f"{kind}_analysed_all_per_s"] = both["analysed_per_second"]
    if long_txt:
        out["txt_long_files"] = len(long_txt)
        out.update(_scaling_figures(
            "txt_long", _paired_first_passes(path, long_txt, cores, rounds, with_machine=False)))
    return out


# ----- report ------------------------------------------------------------------------------

ROWS: list[tuple[str, str, str]] = [
    ("txt import, 1 core (articles/s)", "txt_1core_per_s", "{:.0f}"),
    ("txt import, all cores (articles/s)", "txt_all_per_s", "{:.0f}"),
    ("HTML import, 1 core (articles/s)", "html_1core_per_s", "{:.0f}"),
    ("HTML import, all cores (articles/s)", "html_all_per_s", "{:.0f}"),
    ("txt import, all cores ÷ 1 core (median of paired runs)", "txt_scaling", "×{:.2f}"),
    ("HTML import, all cores ÷ 1 core (median of paired runs)", "html_scaling", "×{:.2f}"),
    ("the machine's arithmetic after each txt pair, all cores ÷ 1 core", "txt_machine_scaling",
     "×{:.2f}"),
    ("the machine's arithmetic after each HTML pair, all cores ÷ 1 core",
     "html_machine_scaling", "×{:.2f}"),
    ("txt scaling ÷ the arithmetic's, per pair (median)", "txt_scaling_of_machine", "{:.2f}"),
    ("HTML scaling ÷ the arithmetic's, per pair (median)", "html_scaling_of_machine", "{:.2f}"),
    ("txt import on all cores: cores kept busy (CPU time ÷ wall time)", "txt_busy_cores",
     "{:.2f}"),
    ("HTML import on all cores: cores kept busy", "html_busy_cores", "{:.2f}"),
    (f"txt import of {LONG_TXT_FACTOR}× as many files, all cores ÷ 1 core (median of paired "
     "runs)", "txt_long_scaling", "×{:.2f}"),
    (f"txt import of {LONG_TXT_FACTOR}× as many files: cores kept busy", "txt_long_busy_cores",
     "{:.2f}"),
    ("txt import + analysis, 1 core (articles/s)", "txt_analysed_1core_per_s", "{:.0f}"),
    ("txt import + analysis, all cores (articles/s)", "txt_analysed_all_per_s", "{:.0f}"),
    ("HTML import + analysis, 1 core (articles/s)", "html_analysed_1core_per_s", "{:.0f}"),
    ("HTML import + analysis, all cores (articles/s)", "html_analysed_all_per_s", "{:.0f}"),
    ("search median (ms)", "search_median_ms", "{:.1f}"),
    ("search p95 (ms)", "search_p95_ms", "{:.1f}"),
    ("search p95, common terms (ms)", "search_common_p95_ms", "{:.1f}"),
    ("open article median (ms)", "open_median_ms", "{:.1f}"),
    ("open article p95 (ms)", "open_p95_ms", "{:.1f}"),
    ("related panel median (ms)", "related_median_ms", "{:.1f}"),
    ("related panel p95 (ms)", "related_p95_ms", "{:.1f}"),
    ("app launch to interactive (s)", "launch_s", "{:.2f}"),
    ("app peak memory (MB)", "peak_mb", "{:.0f}"),
    ("DB per article, originals excluded (KB)", "db_kb_per_article", "{:.1f}"),
]


def report(results: dict[int, dict[str, Any]], extra: dict[str, Any]) -> str:
    sizes = sorted(results)
    head = "| figure | " + " | ".join(f"{s:,}" for s in sizes) + " | growth |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for label, key, fmt in ROWS:
        cells = [fmt.format(results[s][key]) if key in results[s] else "–" for s in sizes]
        first, last = results[sizes[0]].get(key), results[sizes[-1]].get(key)
        growth = f"×{last / first:.2f}" if first and last and len(sizes) > 1 else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {growth} |")
    lines.append("")
    big = results[sizes[-1]]
    parts = big.get("db_parts_kb", {})
    lines.append(f"DB at {sizes[-1]:,}: " + ", ".join(f"{k} {v:.1f} KB"
                                                      for k, v in sorted(parts.items()))
                 + f"; originals {big.get('originals_kb_per_article', 0):.1f} KB per article")
    a = extra.get("anchors", {})
    if a:
        lines.append(
            f"Anchors (one core, the same {extra.get('html_pages')} HTML pages): our extraction "
            f"{a['ours_extract_per_s']:.0f} pages/s, trafilatura alone {a['trafilatura_per_s']:.0f}"
            f" pages/s (ours takes ×{a['trafilatura_per_s'] / a['ours_extract_per_s']:.2f} its "
            f"time), lxml parsing alone {a['lxml_per_s']:.0f} pages/s")
        smallest = results[sizes[0]]  # the anchors ran on its import batch
        if "html_1core_per_s" in smallest:
            lines.append(
                f"HTML import at {sizes[0]:,} (first pass) against trafilatura alone on its "
                f"pages: 1 core ×{a['trafilatura_per_s'] / smallest['html_1core_per_s']:.2f} its "
                f"time, all cores ×{a['trafilatura_per_s'] / smallest['html_all_per_s']:.2f}")
    real = extra.get("real_pages", {})
    if real:
        lines.append(
            f"Real pages (../shared extraction benchmark, {real['pages']} pages of "
            f"{real['page_kb']:.0f} KB on average), ms per page: trafilatura alone "
            f"{real['trafilatura_ms']:.1f} (one core); HTML import, first pass, 1 core "
            f"{real['import_1core_ms']:.1f} (×{real['ratio_1core']:.2f} trafilatura's time), all "
            f"cores {real['import_all_ms']:.1f} (×{real['ratio_all']:.2f})")
    into = extra.get("per_page_into_largest") or {}
    for label, cost in (("synthetic pages", extra.get("synthetic_per_page")),
                        ("real pages", real.get("per_page")),
                        (f"synthetic pages stored into the {into.get('size', 0):,}-article "
                         "library", into)):
        if cost:
            lines.append(
                f"One HTML page on one core, steady state ({label}, {cost['pages']}, CPU time, "
                f"interleaved with trafilatura page by page): worker {cost['worker_ms']:.2f} ms "
                f"+ writer {cost['writer_ms']:.2f} ms against trafilatura alone "
                f"{cost['trafilatura_ms']:.2f} ms: ×{cost['ratio']:.2f} (rounds "
                + ", ".join(f"×{r:.2f}" for r in cost["ratios"])
                + (f"; a first pass, uncounted: ×{cost['warm_up_ratio']:.2f}"
                   if "warm_up_ratio" in cost else "") + ")")
    if extra.get("machine_scaling"):
        ratios = extra["machine_scaling"]
        lines.append(f"The machine on all cores ({extra.get('workers')} processes of pure arithmetic "
                     f"÷ one; two-core figures above follow it): "
                     f"×{statistics.median(ratios):.2f} (rounds "
                     + ", ".join(f"×{r:.2f}" for r in ratios) + ")")
    lines.append(f"Machine: {extra.get('machine')}")
    return "\n".join(lines)


SPIN_STEPS = 15_000_000


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _spin(_job: int) -> float:
    """Pure-Python arithmetic, a fixed amount: its wall time (CPU bound, no memory traffic)."""
    began = time.perf_counter()
    total = 0
    for i in range(SPIN_STEPS):
        total += i
    return time.perf_counter() - began


def machine_scaling(workers: int, rounds: int = 5, first_round: int = 0) -> list[float]:
    """What the machine itself gives on all cores: ``workers`` processes of the same arithmetic
    at once against one alone, per round. On a VM whose two vCPUs are one core's two
    hyperthreads, or whose host takes CPU back, it is well under ×2, and an import's scaling
    follows it (not strictly: see ``measure_imports``)."""
    import multiprocessing

    ratios = []
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_spin, range(workers))  # workers started outside the timing
        # which goes first alternates, as in the imports (``first_round``: a caller's count)
        for round_number in range(first_round, first_round + rounds):
            if round_number % 2:
                one = _spin(0)
            began = time.perf_counter()
            pool.map(_spin, range(workers), chunksize=1)
            together = time.perf_counter() - began
            if not round_number % 2:
                one = _spin(0)
            ratios.append(workers * one / together)
    return ratios


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reader.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--batch", type=int, default=1000,
                        help="files of each kind per import measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip", default="", help="comma list of: import,gui,reads")
    parser.add_argument("--import-run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--gui-run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pin", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first-pass-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--per-page-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--into", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=_positive, default=3,
                        help="first-pass import runs per figure (medians are reported)")
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.import_run:
        return import_child(args.import_run, args.files, args.workers, args.pin,
                            analyse=not args.first_pass_only)
    if args.gui_run:
        return gui_child(args.gui_run)
    if args.per_page_run:
        return per_page_child(args.files, args.rounds, args.into)
    skip = set(filter(None, args.skip.split(",")))
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, Any]] = {}
    extra: dict[str, Any] = {"machine": machine(), "workers": args.workers}
    if "import" not in skip and args.workers > 1:
        extra["machine_scaling"] = machine_scaling(args.workers)
    for size in sizes:
        print(f"{size:,} articles", flush=True)
        folder = args.cache / f"lib-{size}"
        path = build_library(folder, size, args.batch, args.workers)
        figures: dict[str, Any] = {}
        if "reads" not in skip:
            figures.update(measure_reads(path))
        if "gui" not in skip:
            figures.update(measure_gui(path))
        if "import" not in skip:
            long_txt = (_long_txt_batch(args.cache, LONG_TXT_FACTOR * args.batch)
                        if args.workers > 1 else None)
            figures.update(measure_imports(folder, path, args.workers, args.rounds, long_txt))
        results[size] = figures
        print("  " + json.dumps({k: round(v, 2) if isinstance(v, float) else v
                                 for k, v in figures.items() if k != "db_parts_kb"}), flush=True)
        if "anchors" not in extra:
            html_files = sorted((folder / "html").iterdir())
            extra["anchors"] = anchors(html_files)
            extra["html_pages"] = len(html_files)
            if "import" not in skip:
                extra["synthetic_per_page"] = per_page_cost([str(p) for p in html_files],
                                                            args.rounds)
                extra["real_pages"] = real_pages_vs_trafilatura(args.cache, args.workers,
                                                                args.rounds)
    if "import" not in skip:  # the same, stored into the largest library of the run
        largest = args.cache / f"lib-{sizes[-1]}"
        pages = [str(p) for p in sorted((largest / "html").iterdir())[:PER_PAGE_INTO_PAGES]]
        extra["per_page_into_largest"] = {
            "size": sizes[-1], **per_page_cost(pages, args.rounds, largest / "library.db")}
    text = report(results, extra)
    print()
    print(text)
    args.cache.mkdir(parents=True, exist_ok=True)
    (args.cache / "results.json").write_text(json.dumps(
        {"results": {str(k): v for k, v in results.items()}, **extra}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
