"""Synthetic article files for benchmarks and tests: invented stories in every format.

Not used by the app itself. Texts are generated from templates with a seeded random generator,
so a corpus is reproducible; a share of the files is deliberately broken (junk bytes, empty,
truncated PDF, HTML without text, wrong extension) to exercise the refusal paths.
"""

from __future__ import annotations

import email.policy
import random
from email.message import EmailMessage
from pathlib import Path

TOWNS = ["Aldmouth", "Kessel", "Brindle", "Oskarvik", "Marrow Bay", "Tellis", "Juniper Falls",
         "Vardo", "Quillon", "Easthaven", "Rookford", "Salt Lane"]
OUTLETS = ["Kessel Courier", "Aldmouth Herald", "Brindle Daily", "Northern Ledger",
           "Coastal Wire", "Tellis Times", "Harbour Gazette", "Valley Observer"]
PEOPLE = ["Miriam Okafor", "Piet Varga", "Elin Berg", "Tomas Lindqvist", "Ana Ruiz",
          "Hugo Marsh", "Lena Fischer", "Omar Haddad", "Grace Liu", "Ivan Petrov"]
ORGS = ["the transport board", "the county council", "the harbour authority",
        "the health ministry", "the water company", "the teachers' union"]
VAGUE = ["officials", "sources", "analysts", "two people familiar with the matter",
         "observers", "a senior official"]
TOPICS = [
    ("ferry", "The ferry service", "was suspended after inspectors found cracks in a hull"),
    ("bridge", "The new bridge", "will cost more than planned after soil tests"),
    ("school", "The school district", "will close three schools at the end of the year"),
    ("water", "The water company", "raised prices for the second time this year"),
    ("strike", "Dock workers", "began a strike over pay and night shifts"),
    ("flood", "Flood barriers", "failed during the storm on the east bank"),
    ("hospital", "The regional hospital", "opened a new emergency wing"),
    ("election", "The mayoral election", "will be held again after a counting error"),
]


def make_article(rng: random.Random, index: int) -> dict[str, object]:
    key, subject, predicate = TOPICS[index % len(TOPICS)]
    town = rng.choice(TOWNS)
    person, org, vague = rng.choice(PEOPLE), rng.choice(ORGS), rng.choice(VAGUE)
    number = rng.randint(12, 4000)
    paragraphs = [
        f"{subject} in {town} {predicate}, {org} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])}.",
        f"{person}, who leads the local {key} committee, told reporters that about {number} "
        f"residents would be affected. \"We did not expect this so soon,\" {person.split()[0]} said.",
        f"According to {vague}, the problem had been known for months before any action was taken "
        f"in {town}.",
        f"The decision follows a review published in {rng.randint(2015, 2023)} that warned of "
        f"rising costs and delays across the region's {key} projects.",
        f"{rng.choice(ORGS).capitalize()} is expected to publish a full report next month, "
        f"{vague} said, adding that costs could reach {number // 3} million.",
    ]
    rng.shuffle(paragraphs[2:])
    return {
        "title": f"{subject} in {town} {predicate.split(' after')[0]} (report {index})",
        "site": rng.choice(OUTLETS),
        "date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "paragraphs": paragraphs,
        "author": rng.choice(PEOPLE),
    }


def to_txt(article: dict[str, object]) -> str:
    paragraphs = list(article["paragraphs"])  # type: ignore[call-overload]
    site = str(article["site"])
    return "\n\n".join(
        [f"News - Local - {site}", str(article["title"]), *paragraphs,
         f"Last Modified: {article['date']} 09:30"]
    )


def to_html(article: dict[str, object]) -> str:
    paragraphs = list(article["paragraphs"])  # type: ignore[call-overload]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    site = article["site"]
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{article['title']} | {site}"
        f"</title><meta property='og:site_name' content='{site}'>"
        f"<meta property='article:published_time' content='{article['date']}T09:30:00Z'>"
        f"<meta name='author' content='{article['author']}'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/local'>Local</a></nav><article>"
        f"<h1>{article['title']}</h1>{body}</article>"
        f"<div class='share'>Share on Facebook Share on Twitter</div>"
        f"<footer>© 2023 {site}</footer></body></html>"
    )


def to_mhtml(article: dict[str, object]) -> bytes:
    message = EmailMessage(policy=email.policy.default)
    message["MIME-Version"] = "1.0"
    message["Snapshot-Content-Location"] = f"https://example.org/{abs(hash(article['title']))}"
    message.make_related()
    part = EmailMessage(policy=email.policy.default)
    part.set_content(to_html(article), subtype="html", cte="quoted-printable")
    part["Content-Location"] = str(message["Snapshot-Content-Location"])
    message.attach(part)
    return message.as_bytes()


def to_pdf(article: dict[str, object]) -> bytes:
    lines = [str(article["title"]), ""]
    for paragraph in article["paragraphs"]:  # type: ignore[attr-defined]
        words = str(paragraph).split()
        lines += [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        lines.append("")
    return _simple_pdf(lines)


def _simple_pdf(lines: list[str]) -> bytes:
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 10 Tf 13 TL 60 780 Td " + " ".join(
        f"({esc(line.encode('latin-1', 'replace').decode('latin-1'))}) Tj T*" for line in lines
    ) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


BROKEN_KINDS = ["junk", "empty", "truncated_pdf", "no_text_html", "binary_as_txt", "unsupported"]


def write_broken(path_base: Path, kind: str, rng: random.Random) -> Path:
    if kind == "junk":
        path = path_base.with_suffix(".html")
        path.write_bytes(bytes(rng.randrange(256) for _ in range(3000)))
    elif kind == "empty":
        path = path_base.with_suffix(".txt")
        path.write_bytes(b"")
    elif kind == "truncated_pdf":
        path = path_base.with_suffix(".pdf")
        path.write_bytes(_simple_pdf(["Truncated"] * 40)[:120])
    elif kind == "no_text_html":
        path = path_base.with_suffix(".htm")
        path.write_text("<html><body><nav>Home | About</nav><script>x()</script></body></html>")
    elif kind == "binary_as_txt":
        path = path_base.with_suffix(".txt")
        path.write_bytes(b"\x00\xff\xfe" * 500)
    else:
        path = path_base.with_suffix(".docx")
        path.write_bytes(b"PK\x03\x04" + bytes(200))
    return path


def write_mixed_corpus(folder: Path, count: int, broken_share: float = 0.1, seed: int = 7) -> dict[str, int]:
    """Write ``count`` files (txt, html, mhtml, pdf; ``broken_share`` of them broken)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    broken = int(round(count * broken_share))
    stats = {"good": 0, "broken": 0}
    for index in range(count):
        base = folder / f"article_{index:05d}"
        if index % max(1, count // max(broken, 1)) == 0 and stats["broken"] < broken:
            write_broken(base, BROKEN_KINDS[stats["broken"] % len(BROKEN_KINDS)], rng)
            stats["broken"] += 1
            continue
        article = make_article(rng, index)
        kind = index % 4
        if kind == 0:
            base.with_suffix(".txt").write_text(to_txt(article), encoding="utf-8")
        elif kind == 1:
            base.with_suffix(".html").write_text(to_html(article), encoding="utf-8")
        elif kind == 2:
            base.with_suffix(".mhtml").write_bytes(to_mhtml(article))
        else:
            base.with_suffix(".pdf").write_bytes(to_pdf(article))
        stats["good"] += 1
    return stats
