"""Launch the app under Xvfb on the sample articles and save docs/screenshot.png.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--dark]

Re-runs itself under ``xvfb-run`` when there is no display (install Xvfb with
``WITH_XVFB=1 scripts/system-deps.sh``). Uses a temporary library and temporary settings, so it
never touches the user's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--article", default="Coastal town", help="title words to open")
    parser.add_argument("--tab", choices=("sourcing", "related", "notes"), default="sourcing")
    parser.add_argument("--bare", action="store_true", help="no tags, highlights or notes")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument("--compare", help="also save the compare view to this file")
    args = parser.parse_args()

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            print("screenshot: no display and no xvfb-run (install xvfb)", file=sys.stderr)
            return 2
        cmd = [xvfb, "-a", "-s", "-screen 0 1600x1000x24 -dpi 96", sys.executable, *sys.argv]
        return subprocess.call(cmd)
    os.environ["QT_QPA_PLATFORM"] = "xcb"

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QColor, QPalette

    from reader.core.importer import run_import
    from reader.core.library import Library
    from reader.gui.app import create_app
    from reader.gui.mainwindow import SAMPLES_DIR, MainWindow

    tmp = Path(tempfile.mkdtemp(prefix="reader-shot-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    app = create_app(["reader"])
    app.setStyle("Fusion")
    if args.dark:
        palette = QPalette()
        for role, color in (
            (QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
            (QPalette.ColorRole.Base, "#1b1c1f"), (QPalette.ColorRole.AlternateBase, "#25262a"),
            (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.Button, "#2a2b2f"),
            (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Highlight, "#3d6fd6"),
            (QPalette.ColorRole.HighlightedText, "#ffffff"),
            (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
        ):
            palette.setColor(role, QColor(color))
        app.setPalette(palette)
    library = Library.open(tmp / "library.db")
    run_import(library, [SAMPLES_DIR])
    try:
        from reader.core.related import update_related

        for (article_id,) in library.conn.execute("SELECT id FROM articles"):
            update_related(library, int(article_id))
    except ImportError:
        pass
    if not args.bare:
        annotate(library)
    window = MainWindow(library, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1560, 940)
    window.show()
    status = {"rc": 0}

    def open_article() -> None:
        match = [
            r["id"] for r in library.list_articles() if args.article.lower() in r["title"].lower()
        ]
        window.library_pane.select_id(int(match[0]) if match else 1)
        if args.tab == "related":
            window.side.setCurrentWidget(window.related)
        elif args.tab == "notes":
            window.side.setCurrentWidget(window.notes)
        QTimer.singleShot(1200, shoot)

    def shoot() -> None:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out)):
            status["rc"] = 1
        print(f"saved {out}")
        if args.compare and window.related.entries and window.current:
            dialog = window.open_compare(int(window.current["id"]), window.related.entries[0]["id"])
            def shoot_compare() -> None:
                dialog.grab().save(args.compare)
                finish()

            QTimer.singleShot(1200, shoot_compare)
        else:
            finish()

    def finish() -> None:
        window.close()
        app.quit()

    QTimer.singleShot(800, open_article)
    app.exec()
    library.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return status["rc"]


def annotate(library: Any) -> None:
    """A typical state: a few tags (nested, one coloured), a highlight with a note, a note."""
    from reader.core import annotations as ann

    rows = {r["title"]: int(r["id"]) for r in library.list_articles()}

    def ids(*words: str) -> list[int]:
        return [i for title, i in rows.items() if any(w in title for w in words)]

    ann.add_tags(library, ids("desalination", "Coastal town", "Ferry"), ["caldera"])
    ann.add_tags(library, ids("desalination", "Coastal town"), ["water/desalination"])
    ann.add_tags(library, ids("grain", "rail"), ["economy"])
    ann.add_tags(library, ids("Coastal town", "rail"), ["follow up"])
    ann.set_tag_color(library, "follow up", "#e0457b")
    ann.set_tag_color(library, "caldera", "#2f9e8f")
    for article_id in ids("Coastal town"):
        text = library.get(article_id)["text"]
        phrase = "critics call a gamble with the bay"
        start = text.find(phrase)
        if start >= 0:
            ann.add_highlight(
                library, article_id, start, start + len(phrase), color="yellow",
                note="Who are the critics? Not named until later.",
            )
        ann.add_article_note(library, article_id, "Compare with the Harbour Ledger's version.")


if __name__ == "__main__":
    raise SystemExit(main())
