"""Main-content and metadata extraction for saved HTML pages.

trafilatura (precision mode, its own fallbacks on, comments off) does the main work. When its
result looks incomplete compared with the paragraph text the page actually holds, readability-lxml
gets a second opinion and wins only if it recovers clearly more text. Metadata comes from cheap
<meta>/<link>/JSON-LD reads, with htmldate (never networked: it only gets the parsed tree) for
dates the page does not declare.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import lxml.etree as etree
import lxml.html
import trafilatura
from htmldate import find_date
from readability import Document as ReadabilityDocument
from trafilatura.settings import Extractor

from reader.core import trafilatura_xpaths
from reader.core.model import Block, BlockKind, ExtractedArticle
from reader.core.text_import import site_from_url

# The same elements selected, without a call into Python for each element lacking the id or
# class a pattern tests: trafilatura ~20% faster (see the module).
trafilatura_xpaths.install()

# The extractors log every discarded page (readability even with a traceback); failures are
# handled here and reported through ValueError, so their own logs are noise.
for _name in ("trafilatura", "readability", "readability.readability", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MAX_REMOVED_BLOCKS = 200
MAX_REMOVED_CHARS = 500
MIN_ARTICLE_WORDS = 3
# Below this, a main-extractor result is treated as a possible teaser/blurb.
TEASER_CHARS = 500
_WORD_RE = re.compile(r"\w+")

# Same parser settings trafilatura uses, so the tree we hand it is what it expects.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
# Every element is an HtmlElement, chosen in C: lxml.html's own lookup is a Python call for
# each element object lxml hands out (some 400 a page, most of them inside trafilatura),
# only to pick special classes for form fields that nothing here uses. Same extraction on
# 516 test pages in 4-5% less time.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# libxml2 checks each attribute of a tag against all the others (quadratic: a tag with 200,000
# attributes takes minutes) and drops the rest of the document after an attribute over 10 MB.
# Tags this long only ever carry data URIs or junk, never article text: they are cut down to
# their bare name before parsing.
MAX_TAG_CHARS = 16 * 1024
_HUGE_TAG_RE = re.compile(rf"<([A-Za-z][A-Za-z0-9:_-]{{0,63}}+)[^<>]{{{MAX_TAG_CHARS},}}+>")
# A page with more tags than this is a hostile or generated file, not an article: parsing it and
# walking the tree would take minutes (a real news page has a few thousand).
MAX_TAGS = 1_000_000

# ---------------------------------------------------------------------------------------------
# Turning element trees into blocks
# ---------------------------------------------------------------------------------------------

# Elements of trafilatura's internal XML body that start a new block.
_TRAF_BLOCKS = frozenset({"p", "head", "item", "list", "quote", "code", "row", "table", "div"})
_TRAF_HEADINGS = frozenset({"head"})

# HTML elements that start a new block (everything else is inline and joins the current block).
_HTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "center", "option", "caption",
    }
)  # fmt: skip
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Never visible as text.
_HTML_SKIP = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "embed",
     "select", "textarea", "canvas", "video", "audio", "map"}
)  # fmt: skip
_CELLS = frozenset({"td", "th", "cell"})


# Stands for an explicit line break (<br>, <lb>) while text is collected: source newlines are
# just whitespace in HTML and must not survive as line breaks.
_BREAK = "\ue000"


def _clean_line_text(text: str) -> str:
    if _BREAK not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split(_BREAK))
    return "\n".join(line for line in lines if line)


def _walk_blocks(
    root: etree._Element,
    block_tags: frozenset[str],
    heading_tags: frozenset[str],
    skip_tags: frozenset[str] = frozenset(),
) -> list[Block]:
    """Flatten a tree into heading/paragraph blocks in document order.

    Iterative (iterwalk) rather than recursive: hostile pages nest deeper than Python's stack.
    """
    blocks: list[Block] = []
    buf: list[str] = []
    heading_depth = 0
    skip_depth = 0

    def flush(kind: BlockKind) -> None:
        if buf:
            text = "".join(buf)
            buf.clear()
            if text.isspace():
                return
            text = _clean_line_text(text)
            if text:
                blocks.append(Block(kind, text if kind == "paragraph" else text.replace("\n", " ")))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):  # comments / processing instructions
            if event == "end" and skip_depth == 0 and el.tail:
                buf.append(el.tail)
            continue
        if event == "start":
            if skip_depth or tag in skip_tags:
                skip_depth += 1
                continue
            if tag in block_tags or tag in heading_tags:
                flush("heading" if heading_depth else "paragraph")
            if tag in heading_tags:
                heading_depth += 1
            elif tag in ("br", "lb"):
                buf.append(_BREAK)
            elif tag in _CELLS:
                buf.append(" ")
            if el.text:
                buf.append(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el.tail:
                    buf.append(el.tail)
                continue
            if tag in heading_tags:
                flush("heading")
                heading_depth -= 1
            elif tag in block_tags:
                flush("heading" if heading_depth else "paragraph")
            elif tag in _CELLS:
                buf.append(" ")
            if el.tail and el is not root:
                buf.append(el.tail)
    flush("paragraph")
    return blocks


def _nfc(blocks: list[Block]) -> list[Block]:
    return [Block(b.kind, unicodedata.normalize("NFC", b.text)) for b in blocks]


def _blocks_len(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def _may_hold_a_huge_tag(html: str) -> bool:
    """Whether some stretch between two ``>`` is long enough to hold a tag over
    ``MAX_TAG_CHARS``: a fraction of the time of the substitution, which two pages in three
    can then skip (on real pages only long scripts and JSON blobs come close)."""
    return max(map(len, html.split(">"))) >= MAX_TAG_CHARS


def _parse(html: str) -> lxml.html.HtmlElement:
    if not html or not html.strip():
        raise ValueError("no article text found: the HTML is empty")
    tags = html.count("<")
    if tags > MAX_TAGS:
        raise ValueError(f"page too large to read ({tags:,} tags; the limit is {MAX_TAGS:,})")
    if len(html) > MAX_TAG_CHARS and _may_hold_a_huge_tag(html):
        html = _HUGE_TAG_RE.sub(r"<\1>", html)
    # lxml refuses str input with an encoding declaration, and we parse UTF-8 bytes anyway.
    source = _XML_DECL_RE.sub("", html, count=1).encode("utf-8", errors="replace")
    try:
        tree = lxml.html.document_fromstring(source, parser=_PARSER)
    except (etree.LxmlError, ValueError, TypeError) as exc:
        raise ValueError(f"unparseable HTML: {exc}") from exc
    if tree is None or not isinstance(tree, lxml.html.HtmlElement):
        raise ValueError("unparseable HTML: no document element")
    return tree


def _too_deep() -> bool:
    """Whether the last parse stopped at libxml2's nesting limit (256 levels): whatever was
    nested deeper is not in the tree."""
    return any("Excessive depth" in entry.message for entry in _PARSER.error_log)


# Never-visible elements every later stage would delete anyway. Dropping them once, up front,
# makes trafilatura's many XPath passes ~15% faster without changing its output.
_INVISIBLE = ("style", "svg", "noscript", "iframe", "link", "template", "meta")
# JSON-LD stays: trafilatura reads it to recognise forum threads.
_NON_DATA_SCRIPTS = etree.XPath('//script[not(@type="application/ld+json")]')


def _strip_invisible(tree: lxml.html.HtmlElement) -> None:
    etree.strip_elements(tree, *_INVISIBLE, with_tail=False)
    for script in _NON_DATA_SCRIPTS(tree):
        script.drop_tree()  # keeps the tail text


# ---------------------------------------------------------------------------------------------
# Main content
# ---------------------------------------------------------------------------------------------


# trafilatura's options, made once: building them reads its config file's settings each time
# (75 µs a page). "txt" rather than bare_extraction's default "python" only spares it a text
# rendering of the body (another 75 µs) that is not used: the blocks are read from the body.
_TRAFILATURA_OPTIONS = Extractor(
    output_format="txt",
    precision=True,
    comments=False,
    tables=True,
    formatting=False,
    with_metadata=False,
)


def _trafilatura_options(url: str | None) -> Extractor:
    options = copy.copy(_TRAFILATURA_OPTIONS)  # per call: the url differs and threads may share
    options.url = options.source = url
    return options


def _trafilatura_blocks(tree: lxml.html.HtmlElement, url: str | None) -> list[Block]:
    try:
        # trafilatura copies a tree it is given, ours stays intact for metadata/removed
        doc = trafilatura.bare_extraction(tree, options=_trafilatura_options(url))
    except Exception:  # a third-party extractor bug must not kill the import
        return []
    body = getattr(doc, "body", None) if doc is not None and not isinstance(doc, dict) else None
    if body is None:
        return []
    return _nfc(_walk_blocks(body, _TRAF_BLOCKS, _TRAF_HEADINGS))


def _readability_blocks(tree: lxml.html.HtmlElement) -> list[Block]:
    try:
        # No url: absolute links are useless for text and their rewriting can fail on odd hrefs.
        summary = ReadabilityDocument(copy.deepcopy(tree)).summary(html_partial=True)
        if not summary or not summary.strip():
            return []
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except Exception:  # readability raises bare Exception subclasses on odd pages
        return []
    return _nfc(_walk_blocks(fragment, _HTML_BLOCKS, _HTML_HEADINGS, _HTML_SKIP))


def _paragraph_profile(tree: lxml.html.HtmlElement) -> tuple[int, int]:
    """(total text in substantial <p>s, largest such total under one parent) for the whole page.

    A cheap measure of how much article-like prose the page holds, to spot extractions that
    only kept a teaser or one section of a split article.
    """
    total = 0
    per_parent: dict[Any, int] = {}
    for p in tree.iter("p"):
        n = len(" ".join(p.text_content().split()))
        if n < 30:
            continue
        total += n
        parent = p.getparent()
        if parent is not None:
            per_parent[parent] = per_parent.get(parent, 0) + n
    return total, max(per_parent.values(), default=0)


def _looks_incomplete(length: int, tree: lxml.html.HtmlElement) -> bool:
    if length == 0:
        return True
    total, largest = _paragraph_profile(tree)
    return length < 0.6 * total or length < 0.5 * largest


def _word_trigrams(blocks: list[Block]) -> set[tuple[str, ...]]:
    tokens = _WORD_RE.findall(" ".join(b.text for b in blocks).lower())
    return set(zip(tokens, tokens[1:], tokens[2:], strict=False))


def _prefer_alternative(main: list[Block], alt: list[Block]) -> bool:
    """Take the second extractor only when it recovers clearly more text.

    Small differences are usually extra boilerplate on readability's side (it is the less
    precise of the two), so a large margin is required. It must also contain what the main
    extraction found, so a long comment thread cannot displace a short article; only a
    teaser-sized main result (a paywall blurb, a summary box) may be replaced outright.
    """
    main_len, alt_len = _blocks_len(main), _blocks_len(alt)
    if alt_len < 200 or alt_len < 1.5 * main_len:
        return False
    if main_len < TEASER_CHARS:
        return True
    main_grams = _word_trigrams(main)
    return len(main_grams & _word_trigrams(alt)) >= 0.5 * len(main_grams)


# ---------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------

# Colons and slashes are left out: they are common inside headlines ("Brexit: what next").
_TITLE_SEPARATORS_RE = re.compile(r"\s+(?:[|\-–—·»•]+|::)\s+|\s+::$")


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _ldjson_objects(data: Any) -> Iterator[dict[str, Any]]:
    """All dict nodes of a JSON-LD payload (lists and @graph flattened)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if graph is not None:
                stack.append(graph)


def _ld_types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


_ARTICLE_TYPES = {
    "Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle", "OpinionNewsArticle",
    "ReviewNewsArticle", "BackgroundNewsArticle", "TechArticle", "ScholarlyArticle", "LiveBlogPosting",
    "WebPage", "Report", "SocialMediaPosting", "Blog", "VideoObject",
}  # fmt: skip


def _names(value: Any) -> list[str]:
    """Person/organisation names from a JSON-LD author/publisher value."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str):
                out.append(name)
    return [n for n in (_norm(x) for x in out) if n and not n.startswith("http")]


class _Meta:
    """Everything the <head> (and JSON-LD) declares, read in one pass."""

    def __init__(self, tree: lxml.html.HtmlElement) -> None:
        self.meta: dict[str, str] = {}
        self.title_tag: str | None = None
        self.canonical: str | None = None
        self.ld: list[dict[str, Any]] = []
        for el in tree.iter("meta", "link", "title", "script"):
            tag = el.tag
            if tag == "meta":
                key = (
                    (el.get("property") or el.get("name") or el.get("itemprop") or "")
                    .strip()
                    .lower()
                )
                content = el.get("content") or el.get("datetime")
                if key and content and key not in self.meta:
                    self.meta[key] = _norm(content)
            elif tag == "link":
                rel = (el.get("rel") or "").lower().split()
                if "canonical" in rel and self.canonical is None and el.get("href"):
                    self.canonical = el.get("href", "").strip()
            elif tag == "title":
                if self.title_tag is None:
                    self.title_tag = _norm(el.text_content())
            elif (el.get("type") or "").lower() == "application/ld+json" and el.text:
                try:
                    data = json.loads(el.text)
                except ValueError:
                    continue
                self.ld.extend(o for o in _ldjson_objects(data))

    def first(self, *keys: str) -> str | None:
        for key in keys:
            value = self.meta.get(key)
            if value:
                return value
        return None

    def ld_articles(self) -> list[dict[str, Any]]:
        arts = [o for o in self.ld if _ld_types(o) & _ARTICLE_TYPES]
        # Article types before generic WebPage.
        arts.sort(key=lambda o: "WebPage" in _ld_types(o))
        return arts


def _canon(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _site_keys(site: str | None, url: str | None) -> set[str]:
    keys: set[str] = set()
    for name in (site, site_from_url(url)):
        if name:
            keys.add(_canon(name))
            if "." in name:  # "lemonde.fr" -> "lemonde"
                keys.add(_canon(name.rsplit(".", 1)[0]))
    return {k for k in keys if len(k) >= 2}


def _is_site_part(part: str, keys: set[str]) -> bool:
    c = _canon(part)
    if not c:
        return True
    if c in keys:
        return True
    # "Le Monde" vs "Le Monde.fr": a short part that is a prefix of the site name or vice versa.
    return (
        len(part.split()) <= 4
        and len(c) >= 3
        and any(k.startswith(c) or c.startswith(k) for k in keys)
    )


def _strip_site_name(title: str, keys: set[str], h1s: list[str]) -> str:
    """Drop the "- Site Name" part (or "Site | " prefix) of a page title."""
    parts = [p for p in _TITLE_SEPARATORS_RE.split(title) if p is not None]
    if len(parts) < 2:
        return title
    # An <h1> equal to the longest part (or to a prefix of the title) is the headline itself;
    # shorter matches are usually the site logo or section name set in an <h1>.
    longest = max(parts, key=len).lower()
    matches = [
        h
        for h in h1s
        if not _is_site_part(h, keys)
        and (h.lower() == longest or (len(h) > 15 and title.lower().startswith(h.lower())))
    ]
    if matches:
        return max(matches, key=len)
    kept = list(parts)
    while len(kept) > 1 and _is_site_part(kept[-1], keys):
        kept.pop()
    while len(kept) > 1 and _is_site_part(kept[0], keys):
        kept.pop(0)
    if len(kept) == len(parts):
        # No known site name matched: drop a short trailing segment ("Story | The Daily Planet"),
        # but only when what remains is clearly the longer, headline-like part.
        last = parts[-1]
        head = title[: title.rfind(last)].rstrip(" |-–—·»•:")
        if len(last.split()) <= 4 and len(head.split()) >= 3:
            return _norm(head)
        return title
    # Re-cut the original string so separators inside the headline are preserved.
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return _norm(title[start:end]) if start >= 0 and end > start else title


def _h1_texts(tree: lxml.html.HtmlElement) -> list[str]:
    out = []
    for h in tree.iter("h1"):
        text = _norm(h.text_content())
        if text:
            out.append(text)
        if len(out) >= 3:
            break
    return out


def _iso_date(value: str | None) -> str | None:
    """Normalise a declared date to ISO 8601 (keeping its zone when it has one)."""
    if not value:
        return None
    value = value.strip()
    candidate = value.replace("Z", "+00:00") if value.endswith("Z") else value
    try:
        return datetime.fromisoformat(candidate).isoformat()
    except ValueError:
        pass
    # "2019-11-20T10:00:00-0500" and "2019-11-20 10:00" variants fromisoformat refuses.
    m = re.match(
        r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?",
        value,
    )
    if m:
        day, clock, zone = m.groups()
        text = day if not clock else f"{day}T{clock if clock.count(':') == 2 else clock + ':00'}"
        if clock and zone:
            text += "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
        try:
            return (
                datetime.fromisoformat(text).isoformat()
                if clock
                else datetime.fromisoformat(text).date().isoformat()
            )
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "article.published",
    "published_time", "publishdate", "publish-date", "pubdate", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.created", "dc.date", "dcterms.date", "date", "og:published_time",
    "article:published", "citation_publication_date", "dc.date.created",
)  # fmt: skip
_AUTHOR_KEYS = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "twitter:creator",
)  # fmt: skip


def _clean_author(value: str | None) -> str | None:
    value = _norm(value)
    if not value or value.startswith(("http://", "https://", "@")) or len(value) > 120:
        return None
    return re.sub(r"^by\s+", "", value, flags=re.I) or None


# Visible bylines: explicit author markup first, then elements classed as bylines. Each XPath
# walks the whole tree (~0.5 ms), so it only runs when its marker occurs in the source at all.
_BYLINE_XPATHS: tuple[tuple[tuple[str, ...], etree.XPath], ...] = (
    (
        (
            'rel="author"',
            "rel='author'",
            "rel=author",
            'itemprop="author"',
            "itemprop='author'",
            "itemprop=author",
        ),
        etree.XPath('(//*[@rel="author"] | //*[@itemprop="author"])[position() <= 5]'),
    ),
    (
        ("byline", "author-name", "authorName", "author__name"),
        etree.XPath(
            '(//*[contains(@class, "byline") or contains(@id, "byline") or contains(@class, "author-name")'
            ' or contains(@class, "authorName") or contains(@class, "author__name")])[position() <= 5]'
        ),
    ),
)
_BYLINE_PREFIX_RE = re.compile(
    r"^(?:by|par|von|por|door|di|av|written by|posted by)\s*[:\-]?\s+", re.I
)
_MONTHS_RE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\bupdated\b|\bpublished\b",
    re.I,
)


def _byline_author(tree: lxml.html.HtmlElement, source: str) -> str | None:
    for markers, xpath in _BYLINE_XPATHS:
        if not any(m in source for m in markers):
            continue
        result = xpath(tree)
        for el in result if isinstance(result, list) else []:
            if not isinstance(el, etree._Element):
                continue
            name_el = el.find('.//*[@itemprop="name"]')
            text = _norm((name_el if name_el is not None else el).text_content())
            text = _BYLINE_PREFIX_RE.sub("", text)
            cut = _MONTHS_RE.search(text)  # "Jane Doe March 25, 2015" -> "Jane Doe"
            if cut:
                text = text[: cut.start()]
            text = text.strip(" |,;:-–—·•")
            words = text.split()
            if (
                3 <= len(text) <= 80
                and len(words) <= 8
                and max(sum(ch.isalpha() for ch in w) for w in words) >= 2
            ):
                return text
    return None


def _published(meta: _Meta, tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    for art in meta.ld_articles():
        for key in ("datePublished", "dateCreated", "uploadDate"):
            value = art.get(key)
            if isinstance(value, str) and (iso := _iso_date(value)):
                return iso
    iso = _iso_date(meta.first(*_DATE_KEYS))
    if iso:
        return iso
    for el in tree.iter("time"):
        iso = _iso_date(el.get("datetime"))
        if iso:
            return iso
        break
    try:
        # A tree, never a string: htmldate would fetch a string that looks like a URL.
        found = find_date(
            tree, extensive_search=False, original_date=True, url=url, outputformat="%Y-%m-%d"
        )
    except Exception:  # date guessing is best effort
        return None
    return found or None


def _metadata(tree: lxml.html.HtmlElement, url: str | None, source: str) -> dict[str, str | None]:
    meta = _Meta(tree)
    arts = meta.ld_articles()

    site = meta.first("og:site_name", "application-name", "twitter:app:name:iphone")
    if not site:
        for obj in arts + meta.ld:
            names = _names(obj.get("publisher"))
            if names:
                site = names[0]
                break
    if not site:
        site = next(
            (
                _norm(o.get("name"))
                for o in meta.ld
                if "WebSite" in _ld_types(o) and isinstance(o.get("name"), str)
            ),
            None,
        )

    page_url = meta.canonical or meta.first("og:url")
    if page_url and url:
        page_url = urljoin(url, page_url)
    if page_url and not page_url.lower().startswith(("http://", "https://")):
        page_url = None
    page_url = page_url or url
    if site and site.lower().startswith(("http://", "https://", "www.")):
        # Some sites put their address in og:site_name; the bare domain reads better.
        site = site_from_url(site if "//" in site else f"https://{site}") or site
    if not site:
        site = site_from_url(page_url)

    h1s = _h1_texts(tree)
    raw_title = meta.first("og:title", "twitter:title") or meta.title_tag
    if not raw_title:
        for art in arts:
            headline = art.get("headline")
            if isinstance(headline, str) and headline.strip():
                raw_title = _norm(headline)
                break
    if not raw_title and h1s:
        raw_title = h1s[0]
    title = _strip_site_name(raw_title, _site_keys(site, page_url), h1s) if raw_title else None

    author = None
    for art in arts:
        names = _names(art.get("author")) or _names(art.get("creator"))
        if names:
            author = ", ".join(dict.fromkeys(names))
            break
    if not author:
        author = _clean_author(meta.first(*_AUTHOR_KEYS))
    if not author:
        author = _byline_author(tree, source)

    return {
        "title": title or None,
        "site": site or None,
        "author": author,
        "published": _published(meta, tree, page_url),
        "url": page_url,
    }


# ---------------------------------------------------------------------------------------------
# Boilerplate that was dropped
# ---------------------------------------------------------------------------------------------


def _removed_blocks(tree: lxml.html.HtmlElement, kept: list[Block], title: str | None) -> list[str]:
    body = tree.find("body")
    root = body if body is not None else tree
    kept_texts = {b.text for b in kept}
    kept_joined = "\n".join(kept_texts)
    seen: set[str] = set()
    out: list[str] = []
    for block in _iter_visible_lines(root):
        text = block
        if text in seen or text in kept_texts or text == title:
            continue
        seen.add(text)
        # Text inside a kept paragraph (a link, an emphasised phrase) was kept, not removed.
        if len(text) < len(kept_joined) and text in kept_joined:
            continue
        out.append(text[:MAX_REMOVED_CHARS])
        if len(out) >= MAX_REMOVED_BLOCKS:
            break
    return out


def _visible_text_stylesheet() -> etree.XSLT:
    """The page's visible text with ``_BREAK`` around every block and at every <br>, cells
    padded with spaces, never-visible elements left out: one pass of libxslt over the tree,
    without touching it (walking and marking the elements from Python took 2.3 times as long,
    the largest share of the removed list's cost)."""
    mark = f"&#x{ord(_BREAK):X};"
    stylesheet = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="{'|'.join(sorted(_HTML_SKIP))}|comment()|processing-instruction()"/>
<xsl:template match="{'|'.join(sorted(_HTML_BLOCKS))}">{mark}<xsl:apply-templates/>{mark}</xsl:template>
<xsl:template match="br">{mark}</xsl:template>
<xsl:template match="{'|'.join(sorted(_CELLS))}"><xsl:text> </xsl:text><xsl:apply-templates/><xsl:text> </xsl:text></xsl:template>
</xsl:stylesheet>"""
    return etree.XSLT(etree.fromstring(stylesheet))


_VISIBLE_TEXT = _visible_text_stylesheet()


def _iter_visible_lines(root: etree._Element) -> Iterable[str]:
    """The page's visible text, one line per block, in document order."""
    # Whitespace collapsed and NFC applied to the whole text at once, a third of the time of
    # line by line; the same lines, as _BREAK is neither space nor ever composed.
    text = unicodedata.normalize("NFC", " ".join(str(_VISIBLE_TEXT(root)).split()))
    for line in text.split(_BREAK):
        line = line.strip()
        if _ALNUM_RE.search(line):
            yield line


# A letter or digit as str.isalnum() has it (``\w`` is those and the underscore).
_ALNUM_RE = re.compile(r"[^\W_]")


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def _words_up_to(blocks: list[Block], limit: int) -> int:
    """The blocks' word count, counted only as far as ``limit`` (the check needs no more;
    counting a whole article's words took 2-3% of an HTML import)."""
    words = 0
    for block in blocks:
        words += len(_WORD_RE.findall(block.text))
        if words >= limit:
            break
    return words


def extract_html(html: str, url: str | None = None) -> ExtractedArticle:
    """Extract the article body (headings + paragraphs), metadata and dropped boilerplate.

    Raises ValueError with a reason when the page is empty, unparseable or has no article text.
    """
    tree = _parse(html)
    truncated = _too_deep()
    try:
        meta = _metadata(tree, url, html)
    except Exception:  # broken metadata must not lose the article text
        meta = {"title": None, "site": None, "author": None, "published": None, "url": url}
    _strip_invisible(tree)  # after metadata: <meta>, <link> and JSON-LD are read above

    blocks = _trafilatura_blocks(tree, meta["url"])
    if _looks_incomplete(_blocks_len(blocks), tree):
        alt = _readability_blocks(tree)
        if _prefer_alternative(blocks, alt):
            blocks = alt

    title = meta["title"]
    # The headline is stored as the title; repeating it as the first block would duplicate it.
    if blocks and title and _norm(blocks[0].text).lower() == _norm(title).lower():
        blocks = blocks[1:]
    words = _words_up_to(blocks, MIN_ARTICLE_WORDS)
    if words < MIN_ARTICLE_WORDS:
        # A lone "Home" or "Loading..." is what is left of an empty or script-only page.
        if truncated:
            raise ValueError(
                "no article text found: the page nests its elements too deeply to read "
                "(over 256 levels)"
            )
        raise ValueError(
            "no article text found" + (f" (only {words} word(s) of text)" if words else "")
        )

    try:
        removed = _removed_blocks(tree, blocks, title)
    except Exception:  # the removed list is a convenience, never fatal
        removed = []

    return ExtractedArticle(
        blocks=blocks,
        title=title,
        site=meta["site"],
        author=meta["author"],
        published=meta["published"],
        url=meta["url"],
        removed=removed,
    )
