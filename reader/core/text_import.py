"""Plain-text articles (``.txt`` exports, PDF text layers) into a clean article.

Saved text exports carry the site's debris around the story: a banner line, a photo caption
under the headline, embedded social posts, share and comment prompts and a "Last Modified"
footer. Each is recognised by its shape rather than by a fixed list of sites, so the same rules
work for outlets we have never seen; lines that recur across one outlet's articles are learned
from the library (see ``strip_recurring``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlparse

from reader.core.dates import parse_date
from reader.core.model import Block, ExtractedArticle

# Words that name a section of a site rather than the site itself ("Iraq News - Local News").
_SECTION_WORDS = {
    "news", "local", "world", "home", "politics", "opinion", "business", "sport", "sports",
    "latest", "breaking", "national", "international", "region", "regional", "middle", "east",
    "top", "stories", "story", "features", "analysis", "culture", "tech", "technology",
    "science", "health", "entertainment", "lifestyle", "economy", "section", "europe", "asia",
    "africa", "americas", "video", "videos", "photos",
}
# Last words that make a short segment a section label even after a place name ("Iraq News").
_SECTION_TAILS = {"news", "politics", "sport", "sports", "business", "opinion", "world", "updates"}
# Masthead words glued to a place name in banners ("Baghdadpost" -> "Baghdad Post").
_MASTHEAD_WORDS = (
    "post", "times", "news", "herald", "tribune", "journal", "gazette", "mail", "star",
    "telegraph", "guardian", "observer", "express", "chronicle", "monitor", "daily", "today",
    "review", "standard", "independent", "insider", "wire", "press", "report", "sun", "mirror",
    "courier", "globe", "record", "examiner", "dispatch", "bulletin", "leader", "voice",
)
_BANNER_SEPARATORS = re.compile(r"\s+(?:-|–|—|\||::|»|·|•)\s+")
_TERMINAL_PUNCT = tuple('.!?:;,"”’)…')
_FOOTER_RE = re.compile(
    r"^(?:last\s+(?:modified|updated|edited)|updated|published|posted(?:\s+on)?|"
    r"first\s+published|date(?:\s+published)?)\b\s*(?:on)?\s*[:\-–]?\s*(?P<date>.+)$",
    re.I,
)
_COPYRIGHT_RE = re.compile(r"^(?:©|\(c\)|copyright\b)|all rights reserved", re.I)
_HEADER_FIELD_RE = re.compile(
    r"^(?P<key>title|headline|source|site|outlet|publication|url|link|date|published|author|by)"
    r"\s*:\s*(?P<value>.+)$",
    re.I,
)
_BYLINE_RE = re.compile(r"^(?i:by)\s+(?P<name>[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,4}(?:\s+and\s+[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,3})?)\s*(?:[,|\-–—].*)?$")
_URL_LINE_RE = re.compile(r"^(?:<)?(https?://\S+?)(?:>)?$", re.I)
_SHORT_LINK_RE = re.compile(
    r"\b(?:t\.co|bit\.ly|pic\.twitter\.com|ow\.ly|goo\.gl|buff\.ly|dlvr\.it|fb\.me|"
    r"youtu\.be|instagr\.am|lnkd\.in|tinyurl\.com|trib\.al|wp\.me)/\S+",
    re.I,
)
_HASHTAG_RE = re.compile(r"(?<![\w&])#\w+")
_HANDLE_DATE_RE = re.compile(r"\(@\w{1,15}\)\s+\w+\s+\d{1,2},\s+\d{4}")
_COUNTER_RE = re.compile(
    r"^(?:[\d.,]+\s*[KkMm]?\s+(?:likes?|retweets?|reposts?|replies|repl(?:y)|comments?|shares?|"
    r"views?|reactions?|quote tweets?)\b[\s·,|]*)+$",
    re.I,
)
_SOCIAL_UI_RE = re.compile(
    r"^(?:view this post on instagram|a post shared by .*|see more|see the latest .*|"
    r"read \d+ replies|copy link|follow|reply|retweet|like|embedded video|"
    r"(?:watch|view) on (?:twitter|x|youtube|facebook|instagram)|"
    r"(?:—|-)\s*.+\(@\w{1,15}\).*)$",
    re.I,
)
_SHARE_RE = re.compile(
    r"^(?:share(?:\s+(?:this|the)\s+(?:article|story|post|page))?(?:\s+(?:on|via)\s+\w+)?:?|"
    r"(?:click|tap)\s+to\s+(?:share|print|email).*|"
    r"(?:subscribe|sign up)\b.*(?:newsletter|updates|channel|email|inbox|alerts)?.*|"
    r"follow\s+us\s+on\b.*|like\s+us\s+on\b.*|join\s+us\s+on\b.*|"
    r"(?:read|see)\s+(?:more|also)\s*:.*|related(?:\s+(?:articles?|stories|news))?\s*:?.*|"
    r"advertisement|sponsored(?:\s+content)?|story continues below.*|continue reading.*|"
    r"print(?:\s+this)?(?:\s+(?:article|page))?|e-?mail(?:\s+this)?(?:\s+(?:article|story))?|"
    r"download (?:our|the) app.*)$",
    re.I,
)
_SHARE_WORDS = {
    "share", "tweet", "email", "e-mail", "print", "facebook", "twitter", "x", "whatsapp",
    "telegram", "linkedin", "reddit", "pinterest", "pin", "it", "messenger", "copy", "link",
    "comments", "comment", "save", "flipboard", "mail", "sms",
}
_COMMENT_START_RE = re.compile(
    r"^(?:\d+\s+comments?|comments?\s*(?:\(\d+\))?|leave\s+a\s+(?:reply|comment)|"
    r"post\s+a\s+comment|add\s+(?:a|your)\s+comment|join\s+the\s+(?:discussion|conversation)|"
    r"what\s+do\s+you\s+think\??|be\s+the\s+first\s+to\s+comment.*|show\s+comments|"
    r"your\s+email\s+address\s+will\s+not\s+be\s+published.*|you\s+must\s+be\s+logged\s+in.*|"
    r"comments?\s+are\s+closed\.?|have\s+your\s+say.*|"
    r"(?:we\s+welcome|please\s+(?:keep|read)).{0,60}comments?.*)$",
    re.I,
)
_CAPTION_RE = re.compile(
    r"^(?:\(?(?:photo|picture|image|file photo|pictured|credit|source: getty|getty images|"
    r"reuters/|afp photo|ap photo)\b.*|.*\b(?:photo|image|picture)\s*(?:credit)?\s*:\s*.+|"
    r".*\((?:photo|picture|image):.+\))$",
    re.I,
)


@dataclass
class _Unit:
    """A paragraph candidate: its text and the 1-based line it starts on."""

    text: str
    line: int
    after_blank: bool


def normalize_line(text: str) -> str:
    """The form under which lines are compared for recurrence across articles."""
    return " ".join(text.split()).casefold()


def site_from_banner(banner: str) -> str | None:
    """Pick the outlet out of a banner line such as "Iraq News - Local News - Baghdadpost"."""
    segments = [s.strip() for s in _BANNER_SEPARATORS.split(banner) if s.strip()]
    if not segments:
        return None
    candidates = [s for s in segments if not _is_section_label(s)] or segments[-1:]
    return _unglue_masthead(candidates[-1])


def _is_section_label(segment: str) -> bool:
    words = re.findall(r"[a-z]+", segment.lower())
    if not words:
        return False
    if all(w in _SECTION_WORDS for w in words):
        return True
    return len(words) <= 2 and words[-1] in _SECTION_TAILS


def _unglue_masthead(name: str) -> str:
    if " " in name or not name.isalpha():
        return name
    lowered = name.lower()
    for word in _MASTHEAD_WORDS:
        if lowered.endswith(word) and len(lowered) > len(word) + 2:
            head = name[: -len(word)]
            return f"{head[0].upper()}{head[1:]} {word.capitalize()}"
    return name


def site_from_url(url: str | None) -> str | None:
    """The outlet's host name from an address ("https://m.example.com/x" -> "example.com")."""
    if not url:
        return None
    try:
        host = urlparse(url).hostname or ""
    except ValueError:
        return None
    host = re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host)
    if not host or host in ("localhost", "fakehost"):
        return None
    return host


def _looks_like_banner(text: str) -> bool:
    if len(text) > 120 or text.endswith(tuple(".!?")):
        return False
    if re.fullmatch(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/?", text, re.I):
        return True
    segments = [s for s in _BANNER_SEPARATORS.split(text) if s.strip()]
    return len(segments) >= 2 and all(len(s.split()) <= 5 for s in segments)


def _is_social_debris(text: str) -> bool:
    # Each pattern is tried only when the character it needs is there: these run on every
    # line of every imported file, and most lines are plain prose.
    if "#" in text:
        hashtags = _HASHTAG_RE.findall(text)
        if len(hashtags) >= 3 or (len(hashtags) >= 2 and len(hashtags) * 5 >= len(text.split())):
            return True
    if ("/" in text and _SHORT_LINK_RE.search(text)) or ("(@" in text and _HANDLE_DATE_RE.search(text)):
        return True
    if text[:1] in _COUNTER_START and _COUNTER_RE.match(text):
        return True
    return bool(_SOCIAL_UI_RE.match(text))


_COUNTER_START = frozenset("0123456789.,")


def _is_share_line(text: str) -> bool:
    parts = text.split()
    if len(parts) <= 14 and _SHARE_RE.match(text):
        return True
    words: list[str] = []
    for part in parts:
        word = part.strip(":|·•,")
        if word:
            words.append(word.lower())
            if len(words) > 10:
                return False
    return bool(words) and all(w in _SHARE_WORDS for w in words)


def _is_heading(text: str) -> bool:
    if text.startswith("#"):
        return True
    words = text.split()
    if not words or len(words) > 12 or len(text) > 90:
        return False
    if text.endswith(_TERMINAL_PUNCT):
        return False
    first = text.lstrip("“\"'‘(")[:1]
    return first.isupper() or first.isdigit()


def _is_caption(text: str) -> bool:
    return len(text) <= 200 and bool(_CAPTION_RE.match(text))


def _short_label(text: str) -> bool:
    """A caption-like label: a few words, no sentence punctuation."""
    return len(text.split()) <= 10 and len(text) <= 80 and not text.endswith(tuple(".!?:;\"”"))


def _split_units(text: str, first_line: int = 1) -> list[_Unit]:
    lines = text.split("\n")
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank:
        return []
    # Hard-wrapped exports (PDF text layers, email-style .txt) break paragraphs across lines of
    # similar length; joined files put one paragraph per line. Tell them apart by line lengths.
    lengths = [len(ln) for ln in nonblank]
    long_lines = sum(1 for n in lengths if n > 110)
    wrapped_lines = sum(1 for n in lengths if 45 <= n <= 110)
    continued = sum(
        1 for a, b in itertools.pairwise(lines) if a.strip() and b.strip()
    )
    hard_wrapped = (
        long_lines <= len(nonblank) * 0.05
        and wrapped_lines >= len(nonblank) * 0.5
        and continued >= len(nonblank) * 0.4
    )
    units: list[_Unit] = []
    previous_blank = True
    buffer: list[str] = []
    start_line = 0
    buffer_after_blank = True

    def flush() -> None:
        if buffer:
            joined = buffer[0]
            for part in buffer[1:]:
                if joined.endswith("-") and part[:1].islower():
                    joined = joined[:-1] + part
                else:
                    joined = f"{joined} {part}"
            units.append(_Unit(joined, start_line, buffer_after_blank))
            buffer.clear()

    for number, raw in enumerate(lines, start=first_line):
        line = raw.strip()
        if not line:
            flush()
            previous_blank = True
            continue
        if hard_wrapped and buffer:
            buffer.append(line)
        else:
            flush()
            buffer.append(line)
            start_line = number
            buffer_after_blank = previous_blank
        previous_blank = False
    flush()
    return units


def clean_text_lines(text: str) -> str:
    """Normalise newlines and spaces without changing what a reader sees."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n\n")
    # zero-width characters and C0 controls other than tab and newline
    text = _INVISIBLE_RE.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b-\x1f]")


def extract_plain_text(
    text: str, *, fallback_title: str | None = None, paginated: bool = False
) -> ExtractedArticle:
    """Split a plain-text article into metadata, body blocks and removed boilerplate.

    ``paginated`` marks text that came from a PDF, where lines are hard-wrapped and page
    furniture (running heads, page numbers) recurs.
    """
    lines = clean_text_lines(text).split("\n")
    removed: list[tuple[int, str]] = []
    meta: dict[str, str] = {}

    # Key: value header fields some exporters write at the top ("Title: ...", "URL: ..."),
    # taken line by line before paragraphs are joined.
    header_end = 0
    while header_end < len(lines):
        line = lines[header_end].strip()
        match = _HEADER_FIELD_RE.match(line)
        if line and not (match and len(line) < 400):
            break
        if match:
            key = match["key"].lower()
            key = {"headline": "title", "outlet": "site", "publication": "site",
                   "source": "site", "link": "url", "published": "date",
                   "by": "author"}.get(key, key)
            meta.setdefault(key, match["value"].strip())
            removed.append((header_end + 1, line))
        header_end += 1
    units = _split_units("\n".join(lines[header_end:]), first_line=header_end + 1)

    def drop(unit: _Unit) -> None:
        removed.append((unit.line, unit.text))

    if paginated:
        units = _drop_page_furniture(units, removed)

    # Footer lines, from the end: dates, copyright, bare URLs.
    while units:
        last = units[-1].text
        footer = _FOOTER_RE.match(last)
        if footer and len(last) < 160 and (date := parse_date(footer["date"])):
            meta.setdefault("date", date)
            drop(units.pop())
        elif _COPYRIGHT_RE.search(last) and len(last) < 200:
            drop(units.pop())
        elif (url_line := _URL_LINE_RE.match(last)) is not None:
            meta.setdefault("url", url_line.group(1))
            drop(units.pop())
        else:
            break

    site = meta.get("site")
    if units and len(units) >= 2 and _looks_like_banner(units[0].text):
        banner = units.pop(0)
        drop(banner)
        site = site or site_from_banner(banner.text)

    title = meta.get("title")
    if units and not title:
        first = units[0].text
        if len(first) <= 250 and len(first.split()) <= 40 and len(units) >= 2:
            title = first
            drop_title = units.pop(0)
            del drop_title  # the title is metadata, not body and not boilerplate
    elif units and title and normalize_line(units[0].text) == normalize_line(title):
        units.pop(0)
    if not title:
        title = fallback_title

    # Byline and photo caption directly under the headline.
    for _ in range(2):
        if not units or len(units) < 2:
            break
        head = units[0].text
        if (byline := _BYLINE_RE.match(head)) and len(head) < 120:
            meta.setdefault("author", byline["name"])
            drop(units.pop(0))
        elif _is_caption(head) or (
            _short_label(head) and not _is_heading_followed_by_heading(units)
        ):
            drop(units.pop(0))
        else:
            break

    body: list[_Unit] = []
    in_comments = False
    for index, unit in enumerate(units):
        line = unit.text
        if in_comments:
            drop(unit)
            continue
        if _COMMENT_START_RE.match(line) and index >= len(units) * 0.4:
            # The comment section runs to the end of the page.
            in_comments = True
            drop(unit)
            continue
        if _is_social_debris(line) or _is_share_line(line) or _is_caption(line):
            drop(unit)
            continue
        if (byline := _BYLINE_RE.match(line)) and len(line) < 80 and index <= 2:
            meta.setdefault("author", byline["name"])
            drop(unit)
            continue
        body.append(unit)

    blocks: list[Block] = []
    for index, unit in enumerate(body):
        is_last = index == len(body) - 1
        if not is_last and _is_heading(unit.text) and (unit.after_blank or not _has_blank_lines(body)):
            blocks.append(Block("heading", unit.text.lstrip("#").strip()))
        else:
            blocks.append(Block("paragraph", unit.text))

    url = meta.get("url")
    if not site and url:
        site = site_from_url(url)
    published = parse_date(meta["date"]) if meta.get("date") else None
    removed.sort(key=lambda item: item[0])
    return ExtractedArticle(
        blocks=blocks,
        title=title,
        site=site,
        author=meta.get("author"),
        published=published,
        url=url,
        removed=[text for _, text in removed],
    )


def _has_blank_lines(units: list[_Unit]) -> bool:
    return any(u.after_blank for u in units[1:])


def _is_heading_followed_by_heading(units: list[_Unit]) -> bool:
    """True when the first two units are both labels: then the first is a dek, not a caption."""
    return len(units) >= 2 and _short_label(units[1].text) and _is_heading(units[1].text)


def _drop_page_furniture(units: list[_Unit], removed: list[tuple[int, str]]) -> list[_Unit]:
    """Drop page numbers and lines that repeat on many pages (running heads and feet)."""
    counts: dict[str, int] = {}
    for unit in units:
        key = re.sub(r"\d+", "#", normalize_line(unit.text))
        counts[key] = counts.get(key, 0) + 1
    kept = []
    for unit in units:
        key = re.sub(r"\d+", "#", normalize_line(unit.text))
        if re.fullmatch(r"(?:page\s*)?#(?:\s*(?:of|/)\s*#)?", key) or (
            counts[key] >= 3 and len(unit.text) < 120
        ):
            removed.append((unit.line, unit.text))
        else:
            kept.append(unit)
    return kept


def line_key(text: str) -> int:
    """A compact, stable 63-bit key for a normalised line (stored per outlet in the library)."""
    digest = hashlib.blake2b(normalize_line(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def strip_recurring(article: ExtractedArticle, recurring: Collection[int]) -> ExtractedArticle:
    """Move blocks whose line key is known boilerplate for this outlet to ``removed``."""
    if not recurring:
        return article
    kept = [b for b in article.blocks if line_key(b.text) not in recurring]
    if len(kept) == len(article.blocks) or not kept:
        return article
    dropped = [b.text for b in article.blocks if line_key(b.text) in recurring]
    article.blocks = kept
    article.removed = article.removed + dropped
    return article


def recurrence_candidates(article: ExtractedArticle) -> set[int]:
    """Short lines of this article that could be outlet boilerplate if they recur elsewhere.

    Long paragraphs are left out on purpose: an outlet recycling its own paragraphs is reuse the
    related-coverage view must show, not boilerplate to hide.
    """
    lines = [b.text for b in article.blocks if len(b.text) <= 160]
    lines += [r for r in article.removed if len(r) <= 160]
    return {line_key(line) for line in lines if line.strip()}
