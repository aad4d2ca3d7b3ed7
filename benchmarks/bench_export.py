"""Benchmark exporting one 5,000-word article as an annotated PDF (and as Markdown and JSON).

The article is invented from the synthetic templates (reader.core.synthetic), imported into a
temporary library (so the attribution engine runs and its output is what gets annotated), and
given 25 user highlights, some of them long enough to cross lines and a page break. The figure
is the wall time of ``export_pdf`` for that one article, median of ``--runs`` runs after one
warm-up run (the warm-up also pays for creating the QGuiApplication and loading fonts, which
the GUI has already done by the time a user exports).

Usage: .venv/bin/python benchmarks/bench_export.py [--words 5000] [--runs 7] [--page-size A4]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pikepdf  # noqa: E402

from reader.core.annotations import add_highlight  # noqa: E402
from reader.core.importer import run_import  # noqa: E402
from reader.core.library import Library  # noqa: E402
from reader.core.synthetic import make_article  # noqa: E402
from reader.export import export_json, export_markdown, export_pdf  # noqa: E402


def long_article_text(words: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    index = 0
    while count < words:
        article = make_article(rng, index)
        for paragraph in article["paragraphs"]:  # type: ignore[attr-defined]
            paragraphs.append(str(paragraph))
            count += len(str(paragraph).split())
        if index % 3 == 2:
            paragraphs.append(f"Officials in {rng.choice(['Kessel', 'Aldmouth'])}")  # a subheading
        index += 1
    title = "A long report on the harbour office, the official flight plan and the ferry affair"
    return "\n\n".join([title, *paragraphs]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--page-size", default="A4")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "long-report.txt"
        source.write_text(long_article_text(args.words), encoding="utf-8")
        library = Library.open(folder / "library.db")
        report = run_import(library, [source])
        article_id = report.outcomes[0].article_id
        assert article_id is not None, report.outcomes[0]
        row = library.get(article_id)
        text = row["text"]
        rng = random.Random(3)
        for _ in range(25):
            start = rng.randrange(0, len(text) - 900)
            add_highlight(library, article_id, start, start + rng.choice([40, 120, 400, 850]),
                          color=rng.choice(["yellow", "green", "blue", "pink", "orange"]),
                          note="a note")
        attributions = len((row["analysis"] or {}).get("attributions") or [])

        out = folder / "out.pdf"
        t0 = time.perf_counter()
        export_pdf(library, [article_id], out, page_size=args.page_size)
        first = time.perf_counter() - t0
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            export_pdf(library, [article_id], out, page_size=args.page_size)
            times.append(time.perf_counter() - t0)
        size = out.stat().st_size
        with pikepdf.open(out) as pdf:
            pages = len(pdf.pages)
            annots = sum(len(p.obj.get("/Annots", [])) for p in pdf.pages)
        t0 = time.perf_counter()
        export_markdown(library, [article_id], folder / "out.md")
        md_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        export_json(library, [article_id], folder / "out.json")
        json_time = time.perf_counter() - t0
        library.close()

    print(f"article: {row['word_count']} words, {attributions} attributions, 25 highlights")
    print(f"PDF ({args.page_size}): {pages} pages, {annots} annotations, {size} bytes")
    print(f"export_pdf first run (creates the Qt app, loads fonts): {first * 1000:.0f} ms")
    print(f"export_pdf median of {args.runs}: {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
    print(f"export_markdown: {md_time * 1000:.0f} ms, export_json: {json_time * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
