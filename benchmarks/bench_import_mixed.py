"""500 mixed files (txt, html, mhtml, pdf), a tenth of them broken, imported in one command.

Prints the outcome counts, one line per refused/skipped file, the time taken and whether the
library is intact. Usage: python benchmarks/bench_import_mixed.py [--count N] [--workers N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.importer import run_import
from reader.core.library import Library
from reader.core.synthetic import write_mixed_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        stats = write_mixed_corpus(folder, args.count)
        with Library.open(Path(tmp) / "lib.db") as lib:
            start = time.perf_counter()
            report = run_import(lib, [folder], workers=args.workers)
            elapsed = time.perf_counter() - start
            for outcome in report.refused + report.skipped:
                print(outcome.describe())
            integrity = lib.conn.execute("PRAGMA integrity_check").fetchone()[0]
            orphans = lib.conn.execute(
                "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM originals)"
            ).fetchone()[0]
            print()
            print(f"files written:      {args.count} ({stats['good']} good, {stats['broken']} broken)")
            print(f"imported:           {len(report.imported)}")
            print(f"refused / skipped:  {len(report.refused)} / {len(report.skipped)}")
            print(f"time:               {elapsed:.2f} s ({args.count / elapsed:.0f} files/s, "
                  f"{args.workers} worker(s))")
            print(f"integrity_check:    {integrity}; articles without original: {orphans}")


if __name__ == "__main__":
    main()
