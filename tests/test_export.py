"""Export: annotated PDF (read back with pikepdf and pdftotext), Markdown and JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from reader.core.annotations import (
    add_article_note,
    add_highlight,
    add_tags,
    highlights_for,
)
from reader.core.errors import ArticleNotFound
from reader.core.importer import run_import
from reader.core.library import Library
from reader.export import ExportError, export_json, export_markdown, export_pdf
from reader.export.paths import article_filename, inside, slug
from reader.export.pdf import _attribution_pieces

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # headless Qt for the PDF writer

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)

HEADLINE = "Harbour office weighs official flight plan after ferry affair"
PARAGRAPHS = [
    "The office of the mayor said on Monday that the harbour ferry would stay suspended until "
    "inspectors finish their review of the older boat's hull.",
    '"We will not put passengers on a boat we cannot vouch for," said Piet Varga, the '
    "transport board's spokesman. He added that the second boat would run a reduced timetable "
    "from Wednesday.",
    "Officials said the cracks had been reported twice last year without any repair being "
    "ordered. The affair has embarrassed the council, and an official flight of blame began.",
    "According to analysts, the closure could cost local businesses more than two million "
    "euros over the summer, a figure the chamber of commerce disputed.",
    "The Kessel Courier reported that a replacement bus service carried about 2,000 "
    "passengers on the first day.",
    "The repair is certainly the worst failure in the port's history and will bankrupt the "
    "operator.",
]


def write_article(folder: Path, name: str, headline: str, paragraphs: list[str]) -> Path:
    path = folder / name
    path.write_text("\n\n".join([headline, *paragraphs]) + "\n", encoding="utf-8")
    return path


def import_one(library: Library, path: Path) -> int:
    report = run_import(library, [path])
    outcome = report.outcomes[0]
    assert outcome.status == "imported", outcome
    assert outcome.article_id is not None
    return int(outcome.article_id)


def span(text: str, phrase: str, after: int = 0) -> dict[str, Any]:
    start = text.index(phrase, after)
    return {"text": phrase, "start": start, "end": start + len(phrase)}


def fixed_analysis(text: str) -> dict[str, Any]:
    """A known analysis (independent of the attribution engine's current output)."""

    def att(near: str, source: str, cue: str, content: str, stype: str, kind: str = "indirect",
            trigger: str | None = None) -> dict[str, Any]:
        """``near``: where the sentence starts, so the cue is found in the right place."""
        at = text.index(near)
        return {
            "source": span(text, source, at),
            "cue": span(text, cue, at),
            "content": span(text, content, at),
            "kind": kind,
            "source_type": stype,
            "source_resolved": None,
            "vague_trigger": trigger,
        }

    attributions = [
        att("The office", "The office of the mayor", "said",
            "the harbour ferry would stay suspended until inspectors finish their review of "
            "the older boat's hull", "named_organization"),
        att('"We will', "Piet Varga", "said",
            "We will not put passengers on a boat we cannot vouch for", "named_person",
            kind="direct"),
        att("Officials said", "Officials", "said", "the cracks had been reported twice last "
            "year without any repair being ordered", "unnamed", trigger="Officials"),
        att("According to", "analysts", "According to", "the closure could cost local "
            "businesses more than two million euros over the summer, a figure the chamber of "
            "commerce disputed", "unnamed", trigger="analysts"),
        att("The Kessel Courier", "The Kessel Courier", "reported", "a replacement bus service "
            "carried about 2,000 passengers on the first day", "media"),
    ]
    claim = span(text, "The repair is certainly the worst failure in the port's history and "
                 "will bankrupt the operator.")
    claim["reason"] = "assertive phrase"
    return {
        "attributions": attributions,
        "profile": {
            "counts": {"named_person": 1, "named_organization": 1, "unnamed": 2, "media": 1,
                       "document": 0, "self": 0},
            "total": 5, "unsourced": 0, "unnamed_share": 0.4,
            "named_sources": ["The office of the mayor", "Piet Varga", "The Kessel Courier"],
            "distinct_named_sources": 3, "direct_quote_share": 0.2,
        },
        "unattributed_claims": [claim],
    }


@pytest.fixture
def article(library: Library, tmp_path: Path) -> int:
    """The harbour article with known metadata, analysis, tags, a note and two highlights."""
    article_id = import_one(library, write_article(tmp_path, "harbour.txt", HEADLINE, PARAGRAPHS))
    text = library.get(article_id)["text"]
    with library.transaction():
        library.conn.execute(
            "UPDATE articles SET site = ?, author = ?, published = ?, url = ?, analysis = ? "
            "WHERE id = ?",
            ("Kessel Courier", "Ana Ruiz", "2024-04-08T10:30",
             "https://kesselcourier.example/news/harbour-office",
             json.dumps(fixed_analysis(text)), article_id),
        )
    add_tags(library, [article_id], ["harbour", "ferries/safety"])
    add_article_note(library, article_id, "Compare with the Courier's version of events.")
    start = text.index("The affair has embarrassed")
    add_highlight(library, article_id, start, start + len("The affair has embarrassed the council"),
                  color="yellow", note="Check the council minutes")
    start = text.index("a figure the chamber")
    add_highlight(library, article_id, start, start + len("a figure the chamber of commerce"),
                  color="green")
    return article_id


# ----- reading a PDF back ---------------------------------------------------------------------
def read_annotations(path: Path) -> list[tuple[int, dict[str, Any], list[float]]]:
    """(page index, annotation as plain values, mediabox) for every annotation."""
    result = []
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            box = [float(v) for v in page.mediabox]
            for annot in page.obj.get("/Annots", pikepdf.Array()):
                assert isinstance(annot, pikepdf.Dictionary)
                result.append((index, _plain(annot, pdf, index), box))
    return result


def _plain(annot: pikepdf.Dictionary, pdf: pikepdf.Pdf, page_index: int) -> dict[str, Any]:
    return {
        "subtype": str(annot.Subtype),
        "rect": [float(v) for v in annot.Rect],
        "quads": [float(v) for v in annot.QuadPoints],
        "color": [float(v) for v in annot.C],
        "contents": str(annot.get("/Contents", "")),
        "author": str(annot.get("/T", "")),
        "subject": str(annot.get("/Subj", "")),
        "name": str(annot.get("/NM", "")),
        "opacity": float(annot.CA),
        "flags": int(annot.F),
        "page_ok": annot.P.objgen == pdf.pages[page_index].obj.objgen,
        "has_ap": "/AP" in annot and "/N" in annot.AP and "/BBox" in annot.AP.N,
        "type": str(annot.get("/Type", "")),
    }


def quads_of(flat: list[float]) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) in PDF points for each quad."""
    out = []
    for i in range(0, len(flat), 8):
        xs, ys = flat[i : i + 8 : 2], flat[i + 1 : i + 8 : 2]
        out.append((min(xs), min(ys), max(xs), max(ys)))
    return out


def words_on_page(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """pdftotext -bbox words: (xmin, ymin, xmax, ymax, word), y measured down from the top."""
    html_out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    words = []
    for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
        html_out,
    ):
        x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
        words.append((x0, y0, x1, y1, _unescape(m.group(5))))
    return words


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def words_under(annot: dict[str, Any], words: list[tuple[float, float, float, float, str]],
                page_height: float) -> list[str]:
    """Words whose centre lies inside one of the annotation's quads, in reading order."""
    hits = []
    for x0, y0, x1, y1, word in words:
        cx, cy = (x0 + x1) / 2, page_height - (y0 + y1) / 2
        if any(left <= cx <= right and bottom <= cy <= top
               for left, bottom, right, top in quads_of(annot["quads"])):
            hits.append(word)
    return hits


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def pdf_text(path: Path, *extra: str) -> str:
    return subprocess.run(["pdftotext", *extra, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


# ----- the PDF --------------------------------------------------------------------------------
def test_pdf_has_one_annotation_per_mark_with_every_required_key(
    library: Library, article: int, tmp_path: Path
) -> None:
    out = tmp_path / "harbour.pdf"
    assert export_pdf(library, [article], out) == [out.resolve()]
    assert out.read_bytes().startswith(b"%PDF")
    annots = read_annotations(out)
    subtypes = [a["subtype"] for _, a, _ in annots]
    # 5 attributions + 2 user highlights; 1 unattributed claim as a squiggly underline.
    assert subtypes.count("/Highlight") == 7
    assert subtypes.count("/Squiggly") == 1
    assert len(annots) == 8
    for _page, a, box in annots:
        assert a["type"] == "/Annot"
        assert a["author"] == "Provenance Reader"
        assert a["flags"] == 4
        assert a["page_ok"] and a["has_ap"]
        assert 0 < a["opacity"] <= 1
        assert len(a["color"]) == 3 and all(0 <= c <= 1 for c in a["color"])
        assert a["quads"] and len(a["quads"]) % 8 == 0
        rx0, ry0, rx1, ry1 = a["rect"]
        for left, bottom, right, top in quads_of(a["quads"]):
            assert box[0] <= left < right <= box[2]
            assert box[1] <= bottom < top <= box[3]
            assert rx0 <= left and right <= rx1 and ry0 <= bottom and top <= ry1
    by_subject = {a["subject"]: a for _, a, _ in annots}
    assert "Attribution: unnamed" in by_subject
    notes = [a["contents"] for _, a, _ in annots if a["subject"].startswith("Attribution")]
    varga = next(n for n in notes if "Piet Varga" in n)
    assert "Type: named person" in varga and "Cue: “said”" in varga
    user = [a for _, a, _ in annots if a["subject"] == "Highlight"]
    assert {a["contents"] for a in user} == {"Check the council minutes", ""}
    # The colour tells the source type apart: two unnamed attributions share one colour.
    colors = {tuple(a["color"]) for _, a, _ in annots if a["subject"] == "Attribution: unnamed"}
    assert len(colors) == 1


@needs_poppler
def test_every_annotated_phrase_is_the_text_under_its_quads(
    library: Library, article: int, tmp_path: Path
) -> None:
    out = tmp_path / "harbour.pdf"
    export_pdf(library, [article], out)
    data = library.get(article)
    text = data["text"]
    analysis = data["analysis"]
    expected: dict[str, list[str]] = {}
    phrases: dict[str, list[str]] = {}  # each separately highlighted phrase of an annotation
    for i, att in enumerate(analysis["attributions"], start=1):
        pieces = [text[s:e] for s, e in _attribution_pieces(text, att)]
        expected[f"provenance-attribution-{i}-p1"] = tokens(" ".join(pieces))
        phrases[f"provenance-attribution-{i}-p1"] = pieces
    for hl in highlights_for(library, article):
        expected[f"provenance-highlight-{hl['id']}-p1"] = tokens(hl["quote"])
        phrases[f"provenance-highlight-{hl['id']}-p1"] = [hl["quote"]]
    claim = analysis["unattributed_claims"][0]["text"]
    expected["provenance-claim-1-p1"] = tokens(claim)
    phrases["provenance-claim-1-p1"] = [claim]

    annots = read_annotations(out)
    words = words_on_page(out, 0)
    seen = set()
    for page, a, box in annots:
        assert page == 0
        under = tokens(" ".join(words_under(a, words, box[3])))
        assert under == expected[a["name"]], a["name"]
        seen.add(a["name"])
        # and cropping the page to the annotation's /Rect finds the whole phrase
        x0, y0, x1, y1 = a["rect"]
        cropped = pdf_text(out, "-f", "1", "-l", "1", "-x", str(int(x0)),
                           "-y", str(int(box[3] - y1)), "-W", str(int(x1 - x0) + 2),
                           "-H", str(int(y1 - y0) + 2))
        crop_tokens = " ".join(tokens(cropped))
        for phrase in phrases[a["name"]]:
            assert " ".join(tokens(phrase)) in crop_tokens
    assert seen == set(expected)
    # The highlight on the direct quote includes its quotation marks and the speaker.
    varga = next(a for _, a, _ in annots if "Piet Varga" in a["contents"])
    varga_words = " ".join(words_under(varga, words, 842))
    assert varga_words.startswith('"We will') and varga_words.endswith("Varga,")


@needs_poppler
def test_text_is_searchable_without_ligatures(
    library: Library, article: int, tmp_path: Path
) -> None:
    out = tmp_path / "harbour.pdf"
    export_pdf(library, [article], out)
    body = pdf_text(out)
    for word in ("office", "official", "flight", "affair", "Officials", "suspended"):
        assert re.search(rf"\b{word}\b", body), word
    assert not re.search("[\ufb00-\ufb06]", body)  # no ligature characters at all
    # the masthead: title, outlet, date, URL, tags; the appendix sections
    for phrase in (HEADLINE, "KESSEL COURIER", "By Ana Ruiz", "8 April 2024",
                   "kesselcourier.example/news/harbour-office", "ferries/safety",
                   "Provenance appendix", "Sourcing profile", "Attributions",
                   "Strong claims with no attribution", "Related coverage",
                   "Compare with the Courier's version of events."):
        assert phrase in " ".join(body.split()), phrase


@pytest.mark.parametrize(("size", "width", "height"), [("A4", 595.3, 841.9), ("Letter", 612, 792)])
def test_page_sizes(library: Library, article: int, tmp_path: Path, size: str, width: float,
                    height: float) -> None:
    out = tmp_path / f"{size}.pdf"
    export_pdf(library, [article], out, page_size=size)
    with pikepdf.open(out) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
        assert box[2] - box[0] == pytest.approx(width, abs=0.5)
        assert box[3] - box[1] == pytest.approx(height, abs=0.5)
    for _page, a, box in read_annotations(out):
        for left, bottom, right, top in quads_of(a["quads"]):
            assert box[0] <= left < right <= box[2] and box[1] <= bottom < top <= box[3]


def test_unknown_page_size_is_refused(library: Library, article: int, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        export_pdf(library, [article], tmp_path / "x.pdf", page_size="A5")
    assert not (tmp_path / "x.pdf").exists()


@needs_poppler
def test_highlight_across_lines_and_pages_splits_into_quads_and_annotations(
    library: Library, tmp_path: Path
) -> None:
    paragraphs = [
        f"Paragraph {i} of the long report describes the harbour office and the ferry affair "
        f"in detail, with figures the inspectors gathered over many weeks of work on the boats."
        for i in range(1, 61)
    ]
    article_id = import_one(library, write_article(tmp_path, "long.txt", "A long report", paragraphs))
    text = library.get(article_id)["text"]
    start = text.index("Paragraph 5 ")
    end = text.index("Paragraph 40 ")
    hid = add_highlight(library, article_id, start, end, color="blue", note="the long middle")
    out = tmp_path / "long.pdf"
    export_pdf(library, [article_id], out)
    mine = [(p, a) for p, a, _ in read_annotations(out) if a["name"].startswith(f"provenance-highlight-{hid}-")]
    pages = [p for p, _ in mine]
    assert len(pages) >= 2 and pages == sorted(set(pages))  # one annotation per page
    assert all(a["contents"] == "the long middle" for _, a in mine)
    assert all(len(a["quads"]) // 8 > 3 for _, a in mine)  # one quad per line fragment
    # Together the per-page annotations cover exactly the highlighted words.
    under: list[str] = []
    with pikepdf.open(out) as pdf:
        heights = [float(pg.mediabox[3]) for pg in pdf.pages]
    for page, a in mine:
        under += words_under(a, words_on_page(out, page), heights[page])
    assert tokens(" ".join(under)) == tokens(text[start:end])


def test_pdf_contains_nothing_active(library: Library, article: int, tmp_path: Path) -> None:
    with library.transaction():
        library.conn.execute(
            "UPDATE articles SET url = ?, title = ? WHERE id = ?",
            ("javascript:app.alert(1)", "/JavaScript (app.alert(1)) /Launch", article),
        )
    out = tmp_path / "a.pdf"
    export_pdf(library, [article], out)
    with pikepdf.open(out) as pdf:
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        assert "/Names" not in pdf.Root or "/JavaScript" not in pdf.Root.Names
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert "/JS" not in obj and "/AA" not in obj
                if "/S" in obj:
                    assert str(obj.S) not in ("/JavaScript", "/Launch")
                if "/A" in obj:
                    raise AssertionError("no actions at all are expected")


def test_orphaned_highlight_is_listed_but_not_annotated(
    library: Library, article: int, tmp_path: Path
) -> None:
    with library.transaction():
        library.conn.execute("UPDATE highlights SET orphaned = 1 WHERE note IS NOT NULL")
    out = tmp_path / "o.pdf"
    export_pdf(library, [article], out)
    names = [a["contents"] for _, a, _ in read_annotations(out)]
    assert "Check the council minutes" not in names
    if shutil.which("pdftotext"):
        body = " ".join(pdf_text(out).split())
        assert "not found in the current text" in body and "Check the council minutes" in body


# ----- related coverage (the colleague's module is faked) --------------------------------------
@pytest.fixture
def fake_related(monkeypatch: pytest.MonkeyPatch, library: Library, article: int) -> dict[str, Any]:
    text = library.get(article)["text"]
    s = text.index("Officials said the cracks")
    e = text.index("repair being ordered.") + len("repair being ordered.")
    item = {
        "id": 99, "title": "Ferry cracks were reported twice, crew say", "site": "Aldmouth Herald",
        "published": "2024-04-09", "score": 0.83, "relation": "same story",
        "shared_passages": [{"this_start": s, "this_end": e, "other_start": 10,
                             "other_end": 90, "similarity": 0.91}],
        "shared_names": ["Piet Varga"], "first_published": "this",
    }
    module = types.ModuleType("reader.core.related")
    module.related_for = lambda lib, article_id: [item] if article_id == article else []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reader.core.related", module)
    return item


def test_related_coverage_in_appendix_json_and_markdown(
    library: Library, article: int, fake_related: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "r.pdf"
    export_pdf(library, [article], out)
    underlines = [a for _, a, _ in read_annotations(out) if a["subtype"] == "/Underline"]
    assert len(underlines) == 1
    assert "Ferry cracks were reported twice" in underlines[0]["contents"]
    assert "91% similar" in underlines[0]["contents"]
    if shutil.which("pdftotext"):
        body = " ".join(pdf_text(out).split())
        for phrase in ("Ferry cracks were reported twice, crew say", "Aldmouth Herald",
                       "9 April 2024", "same story", "this article was published first",
                       "Names in both: Piet Varga", "91% similar",
                       "“Officials said the cracks had been reported twice"):
            assert phrase in body, phrase
    (path,) = export_json(library, [article], tmp_path / "r.json")
    assert json.loads(path.read_text())["related"] == [fake_related]
    (md,) = export_markdown(library, [article], tmp_path / "r.md")
    assert "Ferry cracks were reported twice, crew say — Aldmouth Herald" in md.read_text()


# ----- the attribution engine's own output ------------------------------------------------------
def test_pdf_from_the_engines_analysis(library: Library, tmp_path: Path) -> None:
    article_id = import_one(library, write_article(tmp_path, "engine.txt", HEADLINE, PARAGRAPHS))
    analysis = library.get(article_id)["analysis"] or {}
    out = tmp_path / "engine.pdf"
    export_pdf(library, [article_id], out)
    annots = read_annotations(out)
    expected = len(analysis.get("attributions") or []) + len(analysis.get("unattributed_claims") or [])
    assert len(annots) == expected
    for _page, a, box in annots:
        for left, bottom, right, top in quads_of(a["quads"]):
            assert box[0] <= left < right <= box[2] and box[1] <= bottom < top <= box[3]


# ----- targets and file names -------------------------------------------------------------------
def test_one_file_or_a_folder_of_files(library: Library, article: int, tmp_path: Path) -> None:
    other = import_one(library, write_article(tmp_path, "b.txt", "Second story on the quay",
                                              PARAGRAPHS[:3]))
    folder = tmp_path / "exports"
    written = export_pdf(library, [article, other, article], folder)
    assert len(written) == 2 and all(p.parent == folder.resolve() for p in written)
    assert written[0].name.startswith(f"{article:04d}-harbour-office")
    with pytest.raises(ExportError):
        export_pdf(library, [article, other], tmp_path / "both.pdf")
    with pytest.raises(ArticleNotFound):
        export_pdf(library, [12345], tmp_path / "missing.pdf")
    assert not (tmp_path / "missing.pdf").exists()
    # An existing folder whose name ends in .pdf is still a folder.
    odd = tmp_path / "odd.pdf"
    odd.mkdir()
    (written_odd,) = export_pdf(library, [article], odd)
    assert written_odd.parent == odd.resolve()


@pytest.mark.parametrize("title", [
    "../../../etc/passwd", "..", ".", "a/b\\c:d*e?f", "C:\\Windows\\evil", "CON", "", "   ",
    "\x00\x1f/..", "Ünïcödé headline — with dashes", "x" * 500,
])
def test_file_names_never_escape_the_folder(
    library: Library, article: int, tmp_path: Path, title: str
) -> None:
    with library.transaction():
        library.conn.execute("UPDATE articles SET title = ? WHERE id = ?", (title, article))
    folder = tmp_path / "out"
    for export in (export_pdf, export_markdown, export_json):
        (path,) = export(library, [article], folder)
        assert path.parent == folder.resolve()
        assert path.name.startswith(f"{article:04d}")
        assert ".." not in path.name and "/" not in path.name and "\\" not in path.name
        assert len(path.name) < 100
    # nothing was written anywhere but the folder (and the library beside it)
    for p in tmp_path.rglob("*"):
        if p.is_file():
            assert p.parent.resolve() in (tmp_path.resolve(), folder.resolve()), p


def test_slug_and_inside() -> None:
    assert slug("Harbour: office / weighs ... 'flight'") == "harbour-office-weighs-flight"
    assert article_filename(7, "../../x", ".md") == "0007-x.md"
    assert article_filename(7, None, ".md") == "0007.md"
    for bad in ("../x", "..", "a/b", "a\\b", ""):
        with pytest.raises(ExportError):
            inside(Path("/tmp"), bad)


# ----- Markdown and JSON ----------------------------------------------------------------------
def test_markdown_has_article_highlights_notes_and_escapes(
    library: Library, article: int, tmp_path: Path
) -> None:
    with library.transaction():
        text = library.get(article)["text"]
        library.conn.execute(
            "UPDATE articles SET text = ? WHERE id = ?",
            (text + "\n\n# Not a heading *not bold* [link](javascript:alert(1)) <script>", article),
        )
    (path,) = export_markdown(library, [article], tmp_path / "h.md")
    md = path.read_text(encoding="utf-8")
    assert md.startswith("---\ntitle: \"" + HEADLINE + "\"")
    assert 'tags: ["ferries/safety", "harbour"]' in md
    assert f"# {HEADLINE}" in md
    assert "Kessel Courier · By Ana Ruiz · 8 April 2024" in md
    assert "Source: <https://kesselcourier.example/news/harbour-office>" in md
    assert PARAGRAPHS[0] in md
    assert "> The affair has embarrassed the council" in md
    assert "Note: Check the council minutes" in md
    assert "Compare with the Courier's version of events." in md
    assert "| 2 | Piet Varga | named person | said |" in md
    assert "### Strong claims with no attribution" in md
    assert "\\# Not a heading \\*not bold\\* \\[link\\](javascript:alert(1)) \\<script\\>" in md
    assert "<script>" not in md


def test_markdown_and_json_for_many_articles(library: Library, article: int, tmp_path: Path) -> None:
    other = import_one(library, write_article(tmp_path, "b.txt", "Second story on the quay",
                                              PARAGRAPHS[:3]))
    (md,) = export_markdown(library, [article, other], tmp_path / "all.md")
    assert md.read_text().count("\n---\n\n---\ntitle:") == 1  # two articles, one separator
    (js,) = export_json(library, [article, other], tmp_path / "all.json")
    data = json.loads(js.read_text())
    assert [d["id"] for d in data] == [article, other]
    files = export_json(library, [article, other], tmp_path / "each")
    assert [json.loads(p.read_text())["id"] for p in files] == [article, other]


def test_json_is_the_show_object_with_tags_highlights_and_notes(
    library: Library, article: int, tmp_path: Path
) -> None:
    from reader.cli import article_json

    (path,) = export_json(library, [article], tmp_path / "one.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    show = article_json(library, article)
    for key, value in show.items():
        assert data[key] == value, key
    assert data["tags"] == ["ferries/safety", "harbour"]
    assert [h["quote"] for h in data["highlights"]] == [
        "The affair has embarrassed the council", "a figure the chamber of commerce"]
    assert data["notes"][0]["body"] == "Compare with the Courier's version of events."
    assert data["related"] == []
    for att in data["attributions"]:
        for part in ("source", "cue", "content"):
            if att[part]:
                assert data["text"][att[part]["start"]:att[part]["end"]] == att[part]["text"]
