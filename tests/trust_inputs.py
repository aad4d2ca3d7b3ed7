"""Hostile and damaged inputs for the trust tests, the fuzz harness and benchmarks/trust_figures.py.

``attempt`` runs one input through the importer's pure extraction step and classifies it: it
either imports, or is refused with a reason (``ImportRefused``); anything else is a crash, and
running over ``TIME_BOUND`` seconds is a hang.
"""

from __future__ import annotations

import codecs
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

from reader.core.errors import ImportRefused
from tests.articles import STORY_PARAGRAPHS, article_html, article_txt
from tests.pdfgen import make_pdf

# Every input must be decided within this many seconds on one core (the importer's watchdog
# stops an extractor at 60 s; the fuzzed inputs must not come near it).
TIME_BOUND = 20.0

SUFFIXES = (".txt", ".html", ".mhtml", ".pdf", ".htm", ".text", ".mht", "")

RTL_TITLE = "تعليق الخط البحري بعد العثور على شقوق في الهيكل"
RTL_PARAGRAPHS = [
    "قال المتحدث باسم المجلس بيت فارغا للصحفيين إن القارب الثاني سيعمل بجدول زمني مخفض "
    "اعتبارا من يوم الأربعاء المقبل بعد فحص الهيكل.",
    "ووصف الركاب طوابير طويلة عند محطة الحافلات، حيث نقلت خدمة بديلة نحو ألفي راكب في "
    "اليوم الأول، بحسب المشغل. \u202eמשפט בעברית\u202c ثم عربي.",
    "וגם פסקה בעברית: דובר המועצה אמר כי הסירה השנייה תפעל בלוח זמנים מצומצם מיום רביעי, "
    "ונוסעים תיארו תורים ארוכים בתחנת האוטובוס.",
]

# Text encodings a saved article might come in (BOM-less ones included).
ENCODINGS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "cp1252",
    "latin-1", "iso-8859-2", "iso-8859-5", "iso-8859-7", "iso-8859-8", "iso-8859-15", "cp1250",
    "cp1251", "cp1253", "cp1255", "cp1256", "koi8-r", "koi8-u", "mac-roman", "shift_jis",
    "euc-jp", "iso-2022-jp", "gb18030", "gb2312", "big5", "euc-kr", "cp949", "utf-7", "cp037",
    "cp437", "cp850", "tis-620",
)  # fmt: skip


@dataclass
class Outcome:
    status: str  # "imported" | "refused" | "crash"
    seconds: float
    detail: str

    @property
    def hang(self) -> bool:
        return self.seconds > TIME_BOUND


def attempt(raw: bytes, name: str) -> Outcome:
    """One input through ``extract_file_bytes``: imported, refused (with a reason) or crash."""
    from reader.core.ingest import extract_file_bytes

    started = time.monotonic()
    try:
        record = extract_file_bytes(raw, name)
    except ImportRefused as refusal:
        seconds = time.monotonic() - started
        if not refusal.reason or not refusal.reason.strip():
            return Outcome("crash", seconds, "refused without a reason")
        return Outcome("refused", seconds, refusal.reason)
    except BaseException as exc:  # anything else is what we are looking for
        return Outcome("crash", time.monotonic() - started, f"{exc.__class__.__name__}: {exc}")
    seconds = time.monotonic() - started
    problem = check_record(record)
    if problem:
        return Outcome("crash", seconds, problem)
    return Outcome("imported", seconds, record.title or "")


def check_record(record: object) -> str | None:
    """A reason the record could not be stored or shown, or None when it is sound."""
    from reader.core.library import NewArticle

    assert isinstance(record, NewArticle)
    if not record.text.strip():
        return "imported without text"
    if "\x00" in record.text or "\x00" in (record.title or ""):
        return "NUL character in the stored text"
    analysis = record.analysis or {}
    for att in analysis.get("attributions", []):
        for part in ("cue", "content", "source"):
            span = att.get(part)
            if span and not 0 <= span["start"] <= span["end"] <= len(record.text):
                return f"attribution {part} span out of the text: {span}"
    return None


def check_analysis(text: str) -> str | None:
    """Run the attribution engine; a reason when a span does not point into the text."""
    from reader.core import attribution

    result = attribution.analyze(text).to_json()
    for att in result["attributions"]:
        for part in ("cue", "content", "source"):
            span = att.get(part)
            if span is None:
                continue
            if not 0 <= span["start"] <= span["end"] <= len(text):
                return f"{part} span {span['start']}:{span['end']} outside a {len(text)}-char text"
            if text[span["start"] : span["end"]] != span["text"]:
                return f"{part} span text {span['text']!r} is not the text at its offsets"
    for claim in result["unattributed_claims"]:
        if not 0 <= claim["start"] <= claim["end"] <= len(text):
            return f"claim span {claim['start']}:{claim['end']} outside the text"
    return None


# ----- seeds: valid files of every format ------------------------------------------------------


def mhtml_page(html: str, url: str = "https://kesselcourier.example/news/ferry") -> bytes:
    message = EmailMessage(policy=default_policy)
    message["MIME-Version"] = "1.0"
    message["Snapshot-Content-Location"] = url
    message.make_related()
    part = EmailMessage(policy=default_policy)
    part.set_content(html, subtype="html", cte="quoted-printable")
    part["Content-Location"] = url
    message.attach(part)
    return message.as_bytes()


def seeds() -> dict[str, bytes]:
    """One valid file per format (file name -> bytes)."""
    title = "Ferry suspended after cracks found in hull"
    return {
        "seed.txt": article_txt(title, site_banner="Kessel Courier - Local News").encode(),
        "seed.html": article_html(title).encode(),
        "seed.mhtml": mhtml_page(article_html(title)),
        "seed.pdf": make_pdf([[line for p in STORY_PARAGRAPHS for line in _wrap(p)]] * 2, title),
    }


def _wrap(paragraph: str, width: int = 12) -> list[str]:
    words = paragraph.split()
    return [" ".join(words[i : i + width]) for i in range(0, len(words), width)]


# ----- named hostile cases ---------------------------------------------------------------------


def _deep(tag: str, depth: int, closed: bool = True) -> bytes:
    body = " ".join(STORY_PARAGRAPHS)
    inner = f"<{tag}>" * depth + body + (f"</{tag}>" * depth if closed else "")
    return f"<!DOCTYPE html><html><head><title>Deep</title></head><body>{inner}</body></html>".encode()


def _mhtml_parts(count: int) -> bytes:
    head = 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n'
    page = f"--B\r\nContent-Type: text/html\r\n\r\n{article_html('Ferry suspended')}\r\n"
    parts = "--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n"
    return (head + page + parts * count + "--B--\r\n").encode()


def _mhtml_nested(depth: int) -> bytes:
    head = 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B0"\r\n\r\n'
    nest = "".join(
        f'--B{i}\r\nContent-Type: multipart/related; boundary="B{i + 1}"\r\n\r\n' for i in range(depth)
    )
    return (head + nest).encode()


def _mhtml_huge_part(megabytes: int, encoding: str) -> bytes:
    head = 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n'
    # "<p>" over and over, about ``megabytes`` MB of it
    body = "PHA+" * (megabytes * 262_144) if encoding == "base64" else "=3C" * (megabytes * 349_525)
    part = f"--B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
    return (head + part + body + "\r\n--B--\r\n").encode()


def _pdf_variants() -> dict[str, bytes]:
    pdf = seeds()["seed.pdf"]
    xref = pdf.rfind(b"xref")
    return {
        "pdf-broken-xref.pdf": pdf[:xref] + b"xref\n0 9\nthis is not a table\n" + pdf[xref + 40 :],
        "pdf-no-xref.pdf": pdf[:xref],
        "pdf-bad-startxref.pdf": pdf.replace(b"startxref\n", b"startxref\n99999999"),
        "pdf-truncated.pdf": pdf[: len(pdf) // 2],
        "pdf-header-only.pdf": b"%PDF-1.7\n",
        "pdf-cyclic-pages.pdf": pdf.replace(b"/Kids [4 0 R", b"/Kids [2 0 R 4 0 R"),
        "pdf-zero-lengths.pdf": pdf.replace(b"/Length ", b"/Length 0 "),
        "pdf-encrypt-junk.pdf": pdf.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 99 0 R"),
    }


def hostile_cases(scale: int = 1) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """(file name, maker) for every named hostile input; ``scale`` multiplies the sizes the
    normal test suite uses (the figures script runs them bigger)."""
    seed = seeds()
    html = seed["seed.html"]
    txt = seed["seed.txt"]
    yield "deep-div-100000.html", lambda: _deep("div", 100_000)
    yield "deep-b-100000.html", lambda: _deep("b", 100_000)
    yield "deep-unclosed-span-100000.html", lambda: _deep("span", 100_000, closed=False)
    yield "deep-table-20000.html", lambda: _deep("table><tr><td", 20_000)
    yield "huge-attribute-20MB.html", lambda: html.replace(
        b"<body>", b'<body data-x="' + b"A" * 20_000_000 + b'">'
    )
    yield "many-attributes-300000.html", lambda: html.replace(
        b"<body>", b"<body " + b" ".join(b'a%d="x"' % i for i in range(300_000)) + b">"
    )
    yield "huge-data-uri.html", lambda: html.replace(
        b"<p>", b'<p><img src="data:image/png;base64,' + b"QUFB" * 1_000_000 + b'">', 1
    )
    yield "million-tags.html", lambda: b"<html><body>" + b"<i>x</i>" * (600_000 * scale) + b"</body></html>"
    yield "nul-bytes.html", lambda: html.replace(b"<p>", b"<p>\x00")
    yield "nul-bytes.txt", lambda: txt.replace(b" ", b"\x00", 5)
    yield "nul-everywhere.txt", lambda: txt.replace(b" ", b" \x00")
    yield "mixed-newlines.txt", lambda: txt.replace(b"\n\n", b"\r\n\r").replace(b". ", b".\r")
    yield "only-cr.txt", lambda: txt.replace(b"\n", b"\r")
    yield "unicode-separators.txt", lambda: txt.decode().replace("\n\n", "\u2029").replace(
        ". ", ".\u2028\x85"
    ).encode()
    yield "rtl.txt", lambda: "\n\n".join([RTL_TITLE, *RTL_PARAGRAPHS]).encode()
    yield "rtl-utf16.txt", lambda: "\n\n".join([RTL_TITLE, *RTL_PARAGRAPHS]).encode("utf-16")
    yield "rtl-cp1256.txt", lambda: "\n\n".join([RTL_TITLE, *RTL_PARAGRAPHS[:2]]).replace(
        "\u202e", ""
    ).replace("\u202c", "").encode("cp1256", "ignore")
    yield "rtl.html", lambda: article_html(RTL_TITLE, RTL_PARAGRAPHS).replace(
        '<html lang="en">', '<html lang="ar" dir="rtl">'
    ).encode()
    yield "bidi-controls.txt", lambda: txt.decode().replace(" ", " \u202e\u2066\u200f", 40).encode()
    yield "mhtml-100000-parts.mhtml", lambda: _mhtml_parts(100_000 * scale)
    yield "mhtml-nested-5000.mhtml", lambda: _mhtml_nested(5000 * scale)
    yield "mhtml-huge-base64-part.mhtml", lambda: _mhtml_huge_part(30, "base64")
    yield "mhtml-huge-qp-part.mhtml", lambda: _mhtml_huge_part(15, "quoted-printable")
    yield "mhtml-no-boundary.mhtml", lambda: b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n" + html
    yield "mhtml-bad-charset.mhtml", lambda: seed["seed.mhtml"].replace(
        b"text/html", b'text/html; charset="x-no-such-charset"', 1
    )
    for name, data in _pdf_variants().items():
        yield name, (lambda data=data: data)
    yield "random-bytes.html", lambda: random.Random(1).randbytes(100_000)
    yield "random-bytes.pdf", lambda: b"%PDF-1.4\n" + random.Random(2).randbytes(100_000)
    yield "random-bytes.mhtml", lambda: b"MIME-Version: 1.0\r\n" + random.Random(3).randbytes(100_000)
    yield "html-as-txt.txt", lambda: html
    yield "empty.html", lambda: b""
    yield "whitespace.txt", lambda: b" \r\n\t" * 1000
    yield "bom-only.txt", lambda: codecs.BOM_UTF8
    yield "surrogates.txt", lambda: txt + b"\xed\xa0\x80\xed\xb0\x80"
    yield "one-huge-line.txt", lambda: (b"word " * 200_000 * scale)
    yield "one-huge-word.txt", lambda: b"Title\n\n" + b"x" * (1_000_000 * scale)
    yield "quotes-storm.txt", lambda: ("\n\n".join(
        ["Quotes", '"' * 5000, "\u201c" * 5000 + " said " * 3000, "'" * 5000 + " told " * 3000]
    )).encode()
    for enc in ENCODINGS:
        yield f"encoding-{enc}.txt", (lambda enc=enc: article_txt("Ferry suspended after cracks").encode(enc))
        yield f"encoding-{enc}.html", (
            lambda enc=enc: article_html("Ferry suspended after cracks").replace(
                'charset="utf-8"', f'charset="{enc}"'
            ).replace("<meta charset=\"utf-8\">", f'<meta charset="{enc}">').encode(enc, "replace")
        )
    for name, data in seed.items():
        yield name, (lambda data=data: data)
        for cut in (1, 10, 100, len(data) // 3, len(data) // 2, len(data) - 1):
            yield f"truncated-{cut}-{name}", (lambda data=data, cut=cut: data[:cut])


def mutate(data: bytes, rng: random.Random, rounds: int = 4) -> bytes:
    """A few random edits: flip, insert, delete, duplicate, splice a hostile token."""
    tokens = [b"\x00", b"<", b">", b"<div>" * 50, b"\r", b"\r\n", b"\xff\xfe", b"\xef\xbb\xbf",
              b"=\r\n", b"--B\r\n", b"%%EOF", b"xref", b"obj", "\u202e".encode(),
              b"<script>", b"&#0;", b"&#x110000;", b"\"", b"\xe2\x80\x9c"]
    buf = bytearray(data)
    for _ in range(rounds):
        if not buf:
            buf += rng.choice(tokens)
            continue
        op = rng.randrange(5)
        pos = rng.randrange(len(buf))
        if op == 0:
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = rng.choice(tokens)
        elif op == 2:
            del buf[pos : pos + rng.randrange(1, 64)]
        elif op == 3:
            end = min(len(buf), pos + rng.randrange(1, 256))
            buf[pos:pos] = buf[pos:end] * rng.randrange(1, 8)
        else:
            del buf[pos:]
    return bytes(buf)
