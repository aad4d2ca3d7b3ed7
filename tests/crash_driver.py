"""Kill `reader import` with SIGKILL at random moments and check the library after every kill.

Shared by tests/test_trust_crash.py (a short campaign) and benchmarks/trust_figures.py (the full
30 kills over a 1,000-file import). A campaign:

1. builds a library holding earlier articles with the reader's tags, notes and highlights;
2. starts ``python -m reader import FOLDER --workers 1`` on a folder of ``files`` mixed files
   (a tenth of them broken) and SIGKILLs its whole process group after a random delay, ``kills``
   times; after each kill it opens the library and checks SQLite's integrity, the foreign keys,
   the full-text index, that every article has its text, original bytes and analysis (or is
   waiting for it in the import's second pass), that every
   article seen after an earlier kill is still there, and that every tag, note and highlight that
   existed before is intact;
3. runs the import once more without a kill and checks it completes the rest.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.core import annotations as ann
from reader.core.importer import run_import
from reader.core.library import Library
from reader.core.synthetic import write_mixed_corpus

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class CampaignResult:
    files: int
    good_files: int
    kills_tried: int = 0
    kills_survived: int = 0  # the library passed every check after the kill
    finished_before_kill: int = 0  # runs that ended before their kill moment (not counted)
    records_lost: int = 0
    problems: list[str] = field(default_factory=list)
    final_articles: int = 0
    expected_articles: int = 0
    final_exit: int | None = None
    seconds: float = 0.0


def _annotations_snapshot(path: Path) -> dict[str, set[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            "tags": set(conn.execute("SELECT id, name, color FROM tags")),
            "article_tags": set(conn.execute("SELECT article_id, tag_id FROM article_tags")),
            "highlights": set(conn.execute(
                "SELECT id, article_id, start, end, quote, color, note FROM highlights")),
            "notes": set(conn.execute("SELECT id, article_id, body FROM article_notes")),
        }
    finally:
        conn.close()


def prepare_library(path: Path, folder: Path, count: int = 12) -> None:
    """Earlier articles, with tags, highlights and notes, that no crash may touch."""
    write_mixed_corpus(folder, count, broken_share=0.0, seed=99)
    with Library.open(path) as library:
        report = run_import(library, [folder])
        for n, outcome in enumerate(report.imported):
            assert outcome.article_id is not None
            article_id = outcome.article_id
            ann.add_tags(library, [article_id], [f"beat/{n % 3}", "kept"])
            text = library.get(article_id)["text"]
            ann.add_highlight(library, article_id, 0, min(40, len(text)), color="green",
                              note=f"note on highlight {n}")
            ann.add_article_note(library, article_id, f"Reader's note {n}: check the sourcing.")


def check_library(path: Path, *, finished: bool = False) -> tuple[list[str], set[tuple[int, str]]]:
    """Problems found (empty when sound) and the (id, sha256) of every article.

    An import stores articles first and analyses them in a second pass, so after a kill some
    articles may still be waiting for their analysis (``analyzer_version`` NULL, picked up by
    the next run); once an import has ``finished``, none may be."""
    problems: list[str] = []
    with Library.open(path, create=False) as library:
        problems += library.check()
        conn = library.conn
        (no_analysis,) = conn.execute(
            "SELECT COUNT(*) FROM articles WHERE analysis IS NULL AND analyzer_version IS NOT NULL"
        ).fetchone()
        if no_analysis:
            problems.append(f"{no_analysis} article(s) whose analysis was lost")
        waiting = library.pending_analysis_count()
        if finished and waiting:
            problems.append(f"{waiting} article(s) still waiting for their analysis")
        (orphans,) = conn.execute(
            "SELECT COUNT(*) FROM originals WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()
        if orphans:
            problems.append(f"{orphans} original(s) without their article")
        articles = {(int(i), str(s)) for i, s in conn.execute("SELECT id, sha256 FROM articles")}
    return problems, articles


def run_campaign(
    workdir: Path,
    *,
    files: int,
    kills: int,
    seed: int = 1,
    log: Callable[[str], None] = lambda _line: None,
) -> CampaignResult:
    started = time.monotonic()
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    library = workdir / "library.db"
    prepare_library(library, workdir / "earlier")
    folder = workdir / "incoming"
    stats = write_mixed_corpus(folder, files, seed=seed)
    result = CampaignResult(files=files, good_files=stats["good"])
    before = _annotations_snapshot(library)
    _, seen = check_library(library)
    earlier = len(seen)
    # Kill moments: mostly after a random number of the import's outcome lines (plus up to 50 ms,
    # so the kill lands anywhere in the extraction or commit of the next files), aimed at the
    # files not yet imported; one kill in five at a random moment of start-up instead.
    command = [sys.executable, "-m", "reader", "import", str(folder), "--workers", "1",
               "--library", str(library)]
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    while result.kills_tried < kills:
        done = len(seen) - earlier
        first_pending = min(files - 1, int(done * files / max(1, stats["good"])))
        # A few dozen files past what is already in: every kill interrupts new writes, and the
        # import is still unfinished when the last kill comes.
        step = max(2, files // max(1, kills))
        at_line = min(files - 1, first_pending + rng.randrange(step)) if rng.random() < 0.8 else None
        delay = rng.uniform(0.0, 0.05) if at_line is not None else rng.uniform(0.05, 1.5)
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert process.stdout is not None
        lines = 0
        if at_line is not None:
            while lines < at_line and process.stdout.readline():
                lines += 1
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.005)
        if process.poll() is not None:
            process.stdout.close()
            result.finished_before_kill += 1
            if result.finished_before_kill > kills:
                break  # the import is done; nothing left to interrupt
            continue
        moment = f"line {at_line} +{delay * 1000:.0f} ms" if at_line is not None else f"{delay:.2f} s"
        os.killpg(process.pid, signal.SIGKILL)  # the importer and its extraction worker
        process.wait()
        process.stdout.close()
        result.kills_tried += 1
        problems, articles = check_library(library)
        lost_articles = seen - articles
        after = _annotations_snapshot(library)
        lost_annotations = sum(len(before[key] - after[key]) for key in before)
        lost = len(lost_articles) + lost_annotations
        result.records_lost += lost
        if lost_articles:
            problems.append(f"{len(lost_articles)} committed article(s) gone")
        if lost_annotations:
            problems.append(f"{lost_annotations} tag(s), note(s) or highlight(s) changed or gone")
        if problems:
            result.problems += [f"kill {result.kills_tried} at {moment}: {p}" for p in problems]
        else:
            result.kills_survived += 1
        seen |= articles
        log(f"kill {result.kills_tried:>2} at {moment:>16}: {len(articles) - earlier:>5} of "
            f"{stats['good']} new articles in the library, "
            f"{'ok' if not problems else '; '.join(problems)}")
    final = subprocess.run(command, cwd=workdir, env=env, capture_output=True, timeout=3600)
    result.final_exit = final.returncode
    problems, articles = check_library(library, finished=True)
    result.problems += [f"after the final run: {p}" for p in problems]
    result.final_articles = len(articles) - earlier
    result.expected_articles = stats["good"]
    lost_annotations = sum(len(before[k] - _annotations_snapshot(library)[k]) for k in before)
    result.records_lost += len(seen - articles) + lost_annotations
    result.seconds = time.monotonic() - started
    return result
