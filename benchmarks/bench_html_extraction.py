"""Benchmark HTML main-content extraction: our extractor vs trafilatura alone.

Data: ../shared/data/article-extraction-benchmark (181 news pages + human-annotated bodies) and,
for metadata, ../shared/data/mozilla-readability-test-pages. Both live outside the repo and are
never copied into it.

Metric (the benchmark's official one): tokens = regex ``\\w+``; 4-token shingles compared as
multisets per page; per-page TP/FP/FN normalised to sum 1; precision and recall macro-averaged
over pages (precision only over pages with any prediction, recall over pages with any truth);
F1 = harmonic mean of the averaged P and R.

Speed is CPU time of this single process (one core), decoding + extraction, excluding I/O.

Usage: .venv/bin/python benchmarks/bench_html_extraction.py [--limit N] [--no-metadata]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import trafilatura  # noqa: E402

from reader.core.decode import decode_html_bytes  # noqa: E402
from reader.core.html_extract import extract_html  # noqa: E402
from reader.core.trafilatura_xpaths import stock  # noqa: E402

SHARED = REPO_ROOT.parent / "shared" / "data"
ARTICLE_SET = SHARED / "article-extraction-benchmark"
MOZILLA_SET = SHARED / "mozilla-readability-test-pages"

_TOKEN_RE = re.compile(r"\w+")

Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text or "")
    # Texts shorter than n tokens still count as one (short) shingle.
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def page_counts(truth: str, pred: str) -> Counts:
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    # Normalised so long articles do not outweigh short ones.
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def aggregate(rows: list[Counts]) -> tuple[float, float, float]:
    """(F1, precision, recall) macro-averaged over pages."""
    precisions = [_precision(*r) for r in rows if r[0] + r[1] > 0]
    recalls = [_recall(*r) for r in rows if r[0] + r[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return f1, p, r


def load_article_set(limit: int | None) -> list[tuple[str, bytes, str, str]]:
    """(page id, raw HTML bytes, url, true body) for each page."""
    truth = json.loads((ARTICLE_SET / "ground-truth.json").read_text(encoding="utf-8"))
    items = []
    for page_id in sorted(truth)[: limit or None]:
        raw = gzip.decompress((ARTICLE_SET / "html" / f"{page_id}.html.gz").read_bytes())
        items.append(
            (page_id, raw, truth[page_id].get("url") or "", truth[page_id].get("articleBody") or "")
        )
    return items


def ours(raw: bytes, url: str) -> str:
    try:
        return extract_html(decode_html_bytes(raw), url or None).text
    except ValueError:
        return ""


def trafilatura_alone(raw: bytes, url: str) -> str:
    # favor_precision reproduces the 0.964 reference figure (default settings give ~0.960).
    html = raw.decode("utf-8", errors="replace")
    with stock():  # trafilatura as shipped, not with the faster expressions ours installs
        return (
            trafilatura.extract(html, url=url or None, include_comments=False, favor_precision=True)
            or ""
        )


def run_extractor(
    name: str, fn: Callable[[bytes, str], str], items: list[tuple[str, bytes, str, str]]
) -> tuple[float, float, float, float, list[Counts]]:
    rows: list[Counts] = []
    cpu = 0.0
    for _page_id, raw, url, truth in items:
        start = time.process_time()
        pred = fn(raw, url)
        cpu += time.process_time() - start
        rows.append(page_counts(truth, pred))
    f1, p, r = aggregate(rows)
    pps = len(items) / cpu if cpu else float("inf")
    print(
        f"{name:<22} F1={f1:.4f}  P={p:.4f}  R={r:.4f}  {pps:6.1f} pages/s (one core, {len(items)} pages)"
    )
    return f1, p, r, pps, rows


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _norm_author(text: str | None) -> str:
    return re.sub(r"^by\s+", "", _norm(text), flags=re.I).lower()


def metadata_accuracy(limit: int | None) -> None:
    truth = json.loads((MOZILLA_SET / "ground-truth.json").read_text(encoding="utf-8"))
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for name in sorted(truth)[: limit or None]:
        expected = truth[name]
        raw = gzip.decompress((MOZILLA_SET / "html" / f"{name}.html.gz").read_bytes())
        try:
            art = extract_html(decode_html_bytes(raw), expected.get("url"))
        except ValueError:
            art = None
        checks: dict[str, tuple[str | None, str | None, Callable[[str, str], bool]]] = {
            "title": (
                expected.get("title"),
                art.title if art else None,
                lambda a, b: _norm(a) == _norm(b),
            ),
            "site": (
                expected.get("siteName"),
                art.site if art else None,
                lambda a, b: _norm(a).lower() == _norm(b).lower(),
            ),
            "date (day)": (
                expected.get("publishedTime"),
                art.published if art else None,
                lambda a, b: a[:10] == b[:10],
            ),
            # Readability's byline is free text ("By X, Staff"), so containment either way counts.
            "author (loose)": (
                expected.get("byline"),
                art.author if art else None,
                lambda a, b: (
                    bool(_norm_author(b))
                    and (_norm_author(a) in _norm_author(b) or _norm_author(b) in _norm_author(a))
                ),
            ),
        }
        for field, (want, got, same) in checks.items():
            if not want:
                continue
            totals[field] += 1
            if got and same(want, got):
                hits[field] += 1
    print(
        "\nMetadata vs mozilla-readability-test-pages (pages where the expected value is not null):"
    )
    for field in ("title", "site", "date (day)", "author (loose)"):
        if totals[field]:
            print(
                f"  {field:<15} {hits[field] / totals[field]:.3f}  ({hits[field]}/{totals[field]})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N pages of each set"
    )
    parser.add_argument(
        "--no-metadata", action="store_true", help="skip the mozilla metadata check"
    )
    args = parser.parse_args()

    if not (ARTICLE_SET / "ground-truth.json").is_file():
        print(
            f"Benchmark data not found: {ARTICLE_SET} (expected ../shared next to the repo). Nothing to do."
        )
        return 2

    items = load_article_set(args.limit)
    # Warm-up so one-time imports/caches (e.g. justext stoplists) are not billed to the first page.
    for _page_id, raw, url, _truth in items[:2]:
        ours(raw, url)
        trafilatura_alone(raw, url)

    print(
        "article-extraction-benchmark (Zyte): body = blocks joined, headings included, title excluded"
    )
    f1, _p, _r, pps, _rows = run_extractor("ours (extract_html)", ours, items)
    t_f1, _tp, _tr, _tpps, _trows = run_extractor("trafilatura alone", trafilatura_alone, items)
    print(f"\nDelta F1 vs trafilatura alone: {f1 - t_f1:+.4f}")
    print(
        f"Target F1 >= 0.965: {'met' if f1 >= 0.965 else 'NOT met'};  >= 40 pages/s: {'met' if pps >= 40 else 'NOT met'}"
    )

    if not args.no_metadata:
        if (MOZILLA_SET / "ground-truth.json").is_file():
            metadata_accuracy(args.limit)
        else:
            print(f"\n(metadata check skipped: {MOZILLA_SET} not present)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
