"""Synthetic article files for benchmarks and tests: invented stories in every format.

Not used by the app itself. Texts are generated from templates with a seeded random generator,
so a corpus is reproducible; a share of the files is deliberately broken (junk bytes, empty,
truncated PDF, HTML without text, wrong extension) to exercise the refusal paths.
"""

from __future__ import annotations

import email.policy
import html
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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


# ----- synthetic libraries (benchmarks at 1,000 / 10,000 / 100,000 articles) ---------------

LIBRARY_TOWNS = [
    "Aldmouth", "Kessel", "Brindle", "Oskarvik", "Marrow Bay", "Tellis", "Juniper Falls", "Vardo",
    "Quillon", "Easthaven", "Rookford", "Salt Lane", "Cardale", "Pellham", "Wexbury", "Dunmore",
    "Halloway", "Ostrava Point", "Graymoor", "Linden", "Fenwick", "Stavros", "Mirelle", "Tarn",
]
_MASTHEADS = ["Courier", "Herald", "Daily", "Ledger", "Wire", "Times", "Gazette", "Observer"]
LIBRARY_OUTLETS = [f"{town} {kind}" for town in LIBRARY_TOWNS[:8] for kind in _MASTHEADS[:5]]
_FIRST = ["Miriam", "Piet", "Elin", "Tomas", "Ana", "Hugo", "Lena", "Omar", "Grace", "Ivan",
          "Sofia", "Daniel", "Amara", "Felix", "Noor", "Jonas", "Clara", "Mateo", "Yara", "Rafael",
          "Ines", "Tobias", "Leila", "Marek", "Hana", "Oscar", "Priya", "Viktor", "Esther", "Karim"]
_LAST = ["Okafor", "Varga", "Berg", "Lindqvist", "Ruiz", "Marsh", "Fischer", "Haddad", "Liu",
         "Petrov", "Moreau", "Novak", "Sato", "Keller", "Duarte", "Brennan", "Castell", "Aziz",
         "Holm", "Janssen", "Kowalski", "Mensah", "Ortega", "Quist", "Rahman", "Stone", "Toth",
         "Uribe", "Weber", "Zhao"]
_ROLES = ["the mayor", "a spokesperson", "the chair", "the director", "a senior adviser",
          "the chief executive", "the minister", "a council member", "the head of operations"]
_ORG_KINDS = ["council", "board", "authority", "ministry", "company", "union", "commission",
              "agency", "institute", "federation"]
_VAGUE_SOURCES = ["officials", "sources", "analysts", "two people familiar with the matter",
                  "observers", "a senior official", "people close to the talks", "experts",
                  "a person briefed on the plans", "diplomats"]
_CUES = ["said", "told reporters", "said in a statement", "added", "warned", "told the paper",
         "wrote in an email", "said on Tuesday", "argued", "confirmed"]
_FUNCTION = ["the", "of", "and", "in", "to", "a", "for", "on", "with", "that", "by", "at",
             "from", "as", "its", "their", "after", "over", "into", "more than"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class SyntheticArticle:
    """One invented article of a synthetic library; ``story`` groups coverage of one event."""

    index: int
    story: int
    title: str
    site: str
    author: str
    published: str  # ISO 8601 date and time
    paragraphs: list[str]


@dataclass
class _Story:
    number: int
    size: int
    topic: list[str]
    people: list[str]
    org: str
    town: str
    figure: int
    day: int  # days since 2015-01-01
    wire: list[str]  # paragraphs that several outlets reuse
    written: int = 0


class LibraryGenerator:
    """Reproducible stream of realistic articles: lengths, outlets, dates, attributions, stories.

    Article lengths are log-normal (median ~450 words, 120 to 2,500); a Zipfian vocabulary of
    invented words with English function words between them; about a quarter of the sentences
    are attributions (quotes, "according to", vague sources, organisations). Articles come in
    story clusters (a third alone, others 2 to 20 articles within days of each other, by several
    outlets) whose articles share names, topic words and, often, lightly edited wire passages.
    The first N articles of a stream are the same whatever N, so libraries of 1,000 and 10,000
    articles are prefixes of the 100,000 one.
    """

    def __init__(self, seed: int = 2024, vocabulary: int = 40_000) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        cons, vows = "bcdfghjklmnprstvwz", "aeiou"
        words: set[str] = set()
        while len(words) < vocabulary:
            words.add("".join(rng.choice(cons) + rng.choice(vows) for _ in range(rng.choice((2, 2, 3, 3, 4)))))
        self.vocab = sorted(words)
        rng.shuffle(self.vocab)
        self.cum_weights = list(itertools.accumulate(1.0 / (r + 8) for r in range(len(self.vocab))))
        self.topics = [self.vocab[2000 + 60 * t : 2060 + 60 * t] for t in range(300)]
        self.orgs = [f"{rng.choice(LIBRARY_TOWNS)} {w.capitalize()} {rng.choice(_ORG_KINDS)}"
                     for w in rng.sample(self.vocab[500:5000], 200)]
        self.people = [f"{f} {lname}" for f in _FIRST for lname in _LAST]
        self.active: list[_Story] = []
        self.stories = 0
        self.count = 0

    # words and sentences
    def _words(self, n: int, topic: Sequence[str], names: Sequence[str]) -> list[str]:
        rng = self.rng
        out = rng.choices(self.vocab, cum_weights=self.cum_weights, k=n)
        for i in range(n):
            r = rng.random()
            if r < 0.35:
                out[i] = rng.choice(_FUNCTION)
            elif r < 0.45:
                out[i] = rng.choice(topic)
            elif r < 0.48 and names:
                out[i] = rng.choice(names)
        return out

    def _clause(self, story: _Story, n: int) -> str:
        names = [story.town, story.people[0].split()[1]]
        return " ".join(self._words(n, story.topic, names))

    def _sentence(self, story: _Story) -> str:
        rng = self.rng
        r = rng.random()
        person = rng.choice(story.people)
        if r < 0.07:
            return f"\"{_cap(self._clause(story, rng.randint(8, 18)))},\" {person} {rng.choice(_CUES)}."
        if r < 0.12:
            return (f"{person}, {rng.choice(_ROLES)} of the {story.org}, said "
                    f"{self._clause(story, rng.randint(8, 16))}.")
        if r < 0.17:
            return f"According to {rng.choice(_VAGUE_SOURCES)}, {self._clause(story, rng.randint(8, 16))}."
        if r < 0.21:
            return f"{rng.choice(_VAGUE_SOURCES).capitalize()} said {self._clause(story, rng.randint(8, 16))}."
        if r < 0.25:
            return (f"The {story.org} {rng.choice(_CUES)} that {self._clause(story, rng.randint(8, 16))}"
                    f" in {story.town}.")
        if r < 0.28:
            return (f"About {story.figure:,} people in {story.town} "
                    f"{self._clause(story, rng.randint(6, 12))}.")
        return _cap(self._clause(story, rng.randint(9, 26))) + "."

    def _paragraph(self, story: _Story, words: int) -> str:
        out: list[str] = []
        n = 0
        while n < words:
            s = self._sentence(story)
            out.append(s)
            n += s.count(" ") + 1
        return " ".join(out)

    def _new_story(self) -> _Story:
        rng = self.rng
        r = rng.random()
        size = 1 if r < 0.35 else (rng.randint(2, 5) if r < 0.85 else rng.randint(6, 20))
        self.stories += 1
        story = _Story(
            number=self.stories, size=size, topic=rng.choice(self.topics),
            people=rng.sample(self.people, 3), org=rng.choice(self.orgs),
            town=rng.choice(LIBRARY_TOWNS), figure=rng.randint(12, 90_000),
            day=rng.randint(0, 3900), wire=[],
        )
        story.wire = [self._paragraph(story, rng.randint(40, 90)) for _ in range(rng.choice((0, 1, 2, 3)))]
        return story

    def _light_edit(self, paragraph: str) -> str:
        rng = self.rng
        words = paragraph.split()
        if rng.random() < 0.5 or len(words) < 20:
            return paragraph
        for _ in range(rng.randint(1, 3)):
            del words[rng.randrange(len(words))]
        return " ".join(words)

    def next_article(self) -> SyntheticArticle:
        rng = self.rng
        if not self.active or rng.random() < 0.45 or len(self.active) < 20:
            self.active.append(self._new_story())
        story = rng.choice(self.active[-60:])
        story.written += 1
        if story.written >= story.size:
            self.active.remove(story)
        length = int(min(2500, max(120, rng.lognormvariate(math.log(450), 0.5))))
        paragraphs: list[str] = []
        n = 0
        wire = [self._light_edit(p) for p in story.wire if rng.random() < 0.6]
        while n < length:
            p = self._paragraph(story, rng.randint(35, 90))
            paragraphs.append(p)
            n += p.count(" ") + 1
        for p in wire:  # reused passages go somewhere in the body
            paragraphs.insert(rng.randint(1, len(paragraphs)), p)
        lead_person = story.people[0]
        paragraphs.insert(0, (f"{story.topic[0].capitalize()} {story.topic[1]} in {story.town}, "
                              f"the {story.org} said, as {lead_person} faced questions about "
                              f"{story.figure:,} {story.topic[2]}."))
        day = story.day + rng.randint(0, 3)
        moment = datetime(2015, 1, 1) + timedelta(days=day, minutes=rng.randint(0, 1439))
        title_words = [story.topic[0], *rng.sample(story.topic[1:12], 3), story.town]
        title = _cap(" ".join(title_words)) + rng.choice(["", " as talks stall", ": what we know",
                                                                 f", {lead_person.split()[1]} says"])
        self.count += 1
        return SyntheticArticle(
            index=self.count - 1, story=story.number, title=title,
            site=rng.choice(LIBRARY_OUTLETS), author=rng.choice(self.people),
            published=moment.strftime("%Y-%m-%dT%H:%M:00Z"), paragraphs=paragraphs,
        )

    def articles(self, count: int) -> Iterator[SyntheticArticle]:
        for _ in range(count):
            yield self.next_article()


def library_txt(article: SyntheticArticle) -> bytes:
    """The article as a saved text export (banner, title, body, "Last Modified" footer)."""
    return "\n\n".join(
        [f"News - Local - {article.site}", article.title, *article.paragraphs,
         "Share this article", f"Last Modified: {article.published[:10]} {article.published[11:16]}"]
    ).encode("utf-8")


def library_html(article: SyntheticArticle) -> bytes:
    """The article as a saved web page with a realistic amount of page furniture (~20 KB)."""
    rng = random.Random(article.index)
    site = html.escape(article.site)
    title = html.escape(article.title)
    nav = "".join(f"<li><a href='/section/{i}'>{w.capitalize()}</a></li>"
                  for i, w in enumerate(["news", "local", "world", "business", "sport", "opinion",
                                         "culture", "science", "weather", "video", "podcasts"]))
    more = "".join(
        f"<li class='teaser'><a href='/story/{rng.randint(1, 10**6)}'><img src='/img/{i}.jpg' alt=''>"
        f"<span>{html.escape(' '.join(article.paragraphs[0].split()[i:i + 7]))}</span></a></li>"
        for i in range(12)
    )
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    script = "<script>window.dataLayer=window.dataLayer||[];" + ("function f(a){return a*2};" * 60) + "</script>"
    style = "<style>" + "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px}}" for i in range(250)) + "</style>"
    page = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | {site}</title>"
        f"<meta property='og:title' content=\"{title}\"><meta property='og:site_name' content=\"{site}\">"
        f"<meta property='article:published_time' content='{article.published}'>"
        f"<meta name='author' content='{html.escape(article.author)}'>{style}{script}</head><body>"
        f"<header><div class='masthead'>{site}</div><nav><ul>{nav}</ul></nav>"
        f"<form class='search'><input name='q'><button>Search</button></form></header>"
        f"<main><article><h1>{title}</h1><div class='byline'>By {html.escape(article.author)}</div>"
        f"<time datetime='{article.published}'>{article.published[:10]}</time>{body}</article>"
        f"<aside class='share'>Share on Facebook · Share on X · Email</aside>"
        f"<section class='more'><h2>More from {site}</h2><ul>{more}</ul></section>"
        f"<section class='newsletter'>Sign up to our newsletter for the day's top stories.</section></main>"
        f"<footer><ul>{nav}</ul><p>© 2025 {site}. All rights reserved.</p></footer>{script}</body></html>"
    )
    return page.encode("utf-8")
