"""The ``reader`` command line: import, list, show … and the desktop app (the default)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader.core import annotations as ann
from reader.core.article import article_object
from reader.core.errors import ReaderError
from reader.core.importer import default_workers
from reader.core.library import Library, default_library_path


def article_json(library: Library, article_id: int) -> dict[str, Any]:
    """The documented ``reader show ID --json`` object (see docs/json.md)."""
    return article_object(library, article_id)


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class _ProgressBar:
    """A one-line progress bar on a terminal's stderr; silent when not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def update(self, done: int, total: int, label: str = "") -> None:
        if not self.enabled or total < 20:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{label}[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_import(args: argparse.Namespace, library: Library) -> int:
    from reader.core.importer import ImportOutcome, run_import

    bar = _ProgressBar(sys.stderr.isatty() and not args.json)

    def progress(done: int, total: int, outcome: ImportOutcome) -> None:
        if not args.json:
            if bar.enabled and total >= 20:
                sys.stderr.write("\r\x1b[K")
            print(outcome.describe(), flush=True)
        bar.update(done, total)

    def analysing(done: int, total: int) -> None:
        bar.update(done, total, "analysing ")

    cancel = threading.Event()
    try:
        report = run_import(
            library, args.paths, workers=args.workers, progress=progress, cancel=cancel,
            analysis_progress=analysing,
        )
    except KeyboardInterrupt:
        cancel.set()
        print(
            "import interrupted; articles already imported are kept (their analysis goes on "
            "at the next import or launch of the app)",
            file=sys.stderr,
        )
        return 130
    if args.json:
        _print_json([o.to_json() for o in report.outcomes])
    else:
        for outcome in report.skipped:
            print(outcome.describe())
        print(
            f"{len(report.imported)} imported, {len(report.duplicates)} duplicate, "
            f"{len(report.refused)} refused, {len(report.skipped)} skipped",
            file=sys.stderr,
        )
    return 1 if report.refused else 0


def cmd_list(args: argparse.Namespace, library: Library) -> int:
    rows = library.list_articles(
        search=args.search, site=args.site, tags=args.tag or (), limit=args.limit
    )
    tags = ann.tags_for_many(library, [row["id"] for row in rows])
    for row in rows:
        row["tags"] = tags.get(row["id"], [])
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        date = (row.get("published") or "")[:10]
        line = f"{row['id']:>6}  {date:<10}  {(row.get('site') or '')[:24]:<24}  {row['title']}"
        print(line)
        if row.get("snippet"):
            print(f"{'':>8}{row['snippet']}")
    return 0


def cmd_show(args: argparse.Namespace, library: Library) -> int:
    data = article_json(library, args.id)
    if args.json:
        _print_json(data)
        return 0
    print(data["title"])
    print("=" * min(len(data["title"] or ""), 78))
    for label in ("site", "author", "published", "url", "format", "source_path"):
        if data.get(label):
            print(f"{label:>12}: {data[label]}")
    print()
    print(data["text"])
    profile = data.get("profile")
    if profile:
        print("\n--- Sourcing profile ---")
        counts = ", ".join(f"{k} {v}" for k, v in profile.get("counts", {}).items() if v)
        print(f"{profile.get('total', 0)} attributions ({counts})")
        share = profile.get("unnamed_share")
        if share is not None:
            print(f"{share:.0%} of attributed content rests on unnamed sources")
        for item in data["attributions"]:
            source = (item.get("source") or {}).get("text") or "(no source)"
            print(f"  [{item['source_type']}] {source} — {item['cue']['text']}: "
                  f"{item['content']['text'][:90]}")
        if data["unattributed_claims"]:
            print("\n--- Strong claims with no attribution ---")
            for claim in data["unattributed_claims"]:
                print(f"  * {claim['text'][:120]}")
    if data["removed"]:
        print("\n--- Removed boilerplate ---")
        for line in data["removed"]:
            print(f"  - {line[:120]}")
    return 0


def cmd_tag(args: argparse.Namespace, library: Library) -> int:
    ann.add_tags(library, [args.id], args.tags)
    print(f"#{args.id}: {', '.join(ann.tags_for(library, args.id)) or '(no tags)'}")
    return 0


def cmd_untag(args: argparse.Namespace, library: Library) -> int:
    ann.remove_tags(library, [args.id], args.tags)
    print(f"#{args.id}: {', '.join(ann.tags_for(library, args.id)) or '(no tags)'}")
    return 0


def cmd_tags(args: argparse.Namespace, library: Library) -> int:
    counts = ann.tag_counts(library)
    if args.json:
        _print_json([{"name": t.name, "count": t.count, "own": t.own, "color": t.color}
                     for t in counts])
        return 0
    for tag in counts:
        depth = tag.name.count(ann.TAG_SEPARATOR)
        print(f"{'  ' * depth}{tag.name.rsplit(ann.TAG_SEPARATOR, 1)[-1]}  ({tag.count})")
    return 0


def cmd_reextract(args: argparse.Namespace, library: Library) -> int:
    from reader.core import related
    from reader.core.errors import ImportRefused
    from reader.core.ingest import reextract

    ids = args.ids or [int(row["id"]) for row in library.db.query("SELECT id FROM articles")]
    recurring = library.recurring_lines()
    failed = 0
    for article_id in ids:
        try:
            record = reextract(library, article_id, recurring)
        except ImportRefused as exc:
            print(f"kept      #{article_id}: the new extraction was refused ({exc.reason})")
            failed += 1
            continue
        library.replace_extraction(article_id, record)
        _placed, orphaned = ann.reanchor_highlights(library, article_id)
        related.update_related(library, article_id)
        note = f", {orphaned} highlight(s) orphaned" if orphaned else ""
        print(f"updated   #{article_id}  {record.title}{note}")
    return 1 if failed else 0


def cmd_related(args: argparse.Namespace, library: Library) -> int:
    from reader.core import related

    if args.rebuild:
        related.rebuild_related(library)
        print(f"related coverage rebuilt for {library.count()} articles")
        return 0
    if args.id is None:
        print("reader related: give an article ID (or --rebuild)", file=sys.stderr)
        return 2
    library.get(args.id)  # a clear error for an unknown id
    items = related.related_for(library, args.id, limit=args.limit)
    if args.json:
        _print_json(items)
    else:
        print(related.format_related(items) if items else "no related coverage in the library")
    return 0


def cmd_check(args: argparse.Namespace, library: Library) -> int:
    problems = library.check()
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{library.path}: ok ({library.count()} articles)")
    waiting = library.pending_analysis_count()
    if waiting:
        # not a problem: an import was stopped during its analysis pass
        print(f"{waiting} article(s) wait for their analysis: `reader analyse` finishes it")
    return 1 if problems else 0


def cmd_analyse(args: argparse.Namespace, library: Library) -> int:
    """Finish the analysis pass (attributions, related coverage) an import left."""
    from reader.core.importer import analyse_pending

    bar = _ProgressBar(sys.stderr.isatty())
    cancel = threading.Event()
    try:
        done = analyse_pending(
            library, workers=args.workers, cancel=cancel,
            progress=lambda d, t: bar.update(d, t, "analysing "),
        )
    except KeyboardInterrupt:
        cancel.set()
        print("analysis interrupted; what was analysed is kept", file=sys.stderr)
        return 130
    print(f"{done} article(s) analysed", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace, library: Library) -> int:
    from reader import export

    targets = [("pdf", args.pdf), ("markdown", args.markdown), ("json", args.json_out)]
    chosen = [(kind, out) for kind, out in targets if out]
    if not chosen:
        print("reader export: say where with --pdf OUT, --markdown OUT or --json OUT",
              file=sys.stderr)
        return 2
    for kind, out in chosen:
        if kind == "pdf":
            written = export.export_pdf(library, args.ids, Path(out), page_size=args.page_size)
        elif kind == "markdown":
            written = export.export_markdown(library, args.ids, Path(out))
        else:
            written = export.export_json(library, args.ids, Path(out))
        for path in written:
            print(f"wrote {path}")
    return 0


def cmd_backup(args: argparse.Namespace, library: Library) -> int:
    target = library.backup(args.destination)
    print(f"backed up {library.path} to {target}")
    return 0


def cmd_compact(args: argparse.Namespace, library: Library) -> int:
    bar = _ProgressBar(sys.stderr.isatty())
    report = library.compact(progress=lambda d, t: bar.update(d, t, "compressing "))
    megabytes = 1024 * 1024
    print(
        f"compacted {library.path}: {report.bytes_before / megabytes:.1f} MB -> "
        f"{report.bytes_after / megabytes:.1f} MB ({report.texts_packed} text(s) and "
        f"{report.analyses_packed} analysis(es) compressed; pages of "
        f"{report.page_size_before // 1024} KB -> {report.page_size_after // 1024} KB)"
    )
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from reader.gui.app import run_app

    return run_app(Path(args.library) if args.library else default_library_path())


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="library file (default: $READER_LIBRARY or ./library.db)",
    )
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Provenance Reader: read saved news articles with their sourcing laid bare.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", parents=[common], help="open the desktop app (the default)")

    p = sub.add_parser("import", parents=[common], help="import article files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the outcomes as a JSON array")
    p.add_argument(
        "--workers", type=int, default=default_workers(),
        help="extract in this many processes (default: one per core)",
    )

    p = sub.add_parser("list", parents=[common], help="list articles, or search them")
    p.add_argument("--search", metavar="QUERY", help="full-text search")
    p.add_argument("--site", help="only this outlet")
    p.add_argument("--tag", action="append", metavar="TAG",
                   help="only articles with this tag (repeat: all of them; nested tags included)")
    p.add_argument("--limit", type=int, help="at most this many")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", parents=[common], help="show one article and its provenance")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true", help="the documented JSON object")

    p = sub.add_parser("tag", parents=[common], help="add tags to an article")
    p.add_argument("id", type=int)
    p.add_argument("tags", nargs="+", metavar="TAG", help='nest with "/", e.g. iraq/militias')

    p = sub.add_parser("untag", parents=[common], help="remove tags from an article")
    p.add_argument("id", type=int)
    p.add_argument("tags", nargs="+", metavar="TAG")

    p = sub.add_parser("tags", parents=[common], help="list tags with article counts")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "export", parents=[common],
        help="export articles as annotated PDF, Markdown or JSON (a file, or a folder for many)",
    )
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument("--pdf", metavar="OUT", help="annotated PDF: a .pdf file, or a folder")
    p.add_argument("--markdown", metavar="OUT", help="Markdown: a .md file, or a folder")
    p.add_argument("--json", dest="json_out", metavar="OUT", help="JSON: a .json file, or a folder")
    p.add_argument("--page-size", choices=["A4", "Letter"], default="A4")

    p = sub.add_parser(
        "reextract", parents=[common],
        help="extract articles again from their stored originals (after an upgrade)",
    )
    p.add_argument("ids", nargs="*", type=int, metavar="ID", help="default: every article")

    p = sub.add_parser(
        "related", parents=[common],
        help="related coverage and reused passages for an article, in date order",
    )
    p.add_argument("id", type=int, nargs="?")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.add_argument("--rebuild", action="store_true", help="recompute for the whole library")

    sub.add_parser("check", parents=[common], help="check the library's integrity")

    p = sub.add_parser(
        "analyse", parents=[common],
        help="finish the analysis of articles an interrupted import left waiting",
    )
    p.add_argument("--workers", type=int, default=default_workers())

    sub.add_parser(
        "compact", parents=[common],
        help="shrink the library file (after deletions, or a library an older version wrote)",
    )

    p = sub.add_parser("backup", parents=[common], help="copy the library safely (online)")
    p.add_argument("destination", nargs="?", help="file to write (default: beside the library)")
    return parser


COMMANDS = {
    "import": cmd_import,
    "list": cmd_list,
    "show": cmd_show,
    "backup": cmd_backup,
    "compact": cmd_compact,
    "tag": cmd_tag,
    "untag": cmd_untag,
    "tags": cmd_tags,
    "reextract": cmd_reextract,
    "export": cmd_export,
    "check": cmd_check,
    "analyse": cmd_analyse,
    "related": cmd_related,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "library"):
        args.library = os.environ.get("READER_LIBRARY") or None
    if args.command in (None, "gui"):
        return cmd_gui(args)
    try:
        with Library.open(args.library) as library:
            return COMMANDS[args.command](args, library)
    except ReaderError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
