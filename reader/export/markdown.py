"""Markdown export: front matter, the article, its sourcing, the reader's highlights and notes.

The body is the clean text, paragraph for paragraph, with Markdown's special characters
escaped so an article can never inject links, images or HTML; subheadings become ``##``.
Highlights are listed after the article as quotes with their notes (and the page-free
position "paragraph N"), so the file reads well in any Markdown viewer or note tool.
"""

from __future__ import annotations

import json
import re
from typing import Any

from reader.core.formatting import format_date, paragraph_spans
from reader.export import style

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def escape(text: str) -> str:
    """Text that Markdown shows literally (no emphasis, links, HTML or headings)."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", text)
    lines = [_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line) for line in escaped.split("\n")]
    return "  \n".join(lines)  # a line break inside a paragraph stays a line break


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in escape(" ".join(text.split())).split("\n"))


def _front_matter(article: dict[str, Any]) -> list[str]:
    lines = ["---"]
    for key in ("title", "site", "author", "published", "url"):
        if article.get(key):
            lines.append(f"{key}: {json.dumps(str(article[key]), ensure_ascii=False)}")
    lines.append(f"id: {int(article['id'])}")
    tags = article.get("tags") or []
    if tags:
        lines.append("tags: " + json.dumps(tags, ensure_ascii=False))
    lines.append("---")
    return lines


def render_markdown(article: dict[str, Any]) -> str:
    """One article (an ``export_object``) as Markdown."""
    text = article.get("text") or ""
    out = _front_matter(article)
    out += ["", f"# {escape(article.get('title') or 'Untitled')}", ""]
    meta = [
        p
        for p in (
            escape(article.get("site") or ""),
            f"By {escape(article['author'])}" if article.get("author") else "",
            format_date(article.get("published")),
        )
        if p
    ]
    if meta:
        out += ["*" + " · ".join(meta) + "*", ""]
    if article.get("url"):
        out += [f"Source: <{article['url']}>" if _safe_url(str(article["url"])) else
                f"Source: {escape(str(article['url']))}", ""]
    if article.get("tags"):
        out += ["Tags: " + ", ".join(f"`{t}`" for t in article["tags"]), ""]

    headings = list(article.get("headings") or [])
    para_spans = paragraph_spans(text)
    for start, end in para_spans:
        chunk = text[start:end]
        if headings and chunk.strip() == headings[0].strip():
            headings.pop(0)
            out += [f"## {escape(chunk.strip())}", ""]
        else:
            out += [escape(chunk), ""]

    highlights = article.get("highlights") or []
    notes = article.get("notes") or []
    if highlights or notes:
        out += ["---", "", "## Highlights and notes", ""]
    for note in notes:
        out += [escape(str(note.get("body") or "")), ""]
    for hl in highlights:
        label = f"**{hl.get('color') or 'yellow'}**"
        if hl.get("orphaned") or hl.get("start") is None:
            label += " (no longer found in the text)"
        else:
            para = _paragraph_number(para_spans, int(hl["start"]))
            if para:
                label += f" (paragraph {para})"
        out += [label, "", _quote(hl.get("quote") or ""), ""]
        if hl.get("note"):
            out += [f"Note: {escape(str(hl['note']))}", ""]

    out += _sourcing(article)
    return "\n".join(out).rstrip("\n") + "\n"


def _safe_url(url: str) -> bool:
    return bool(re.fullmatch(r"https?://[^\s<>]+", url))


def _paragraph_number(spans: list[tuple[int, int]], offset: int) -> int:
    for i, (start, end) in enumerate(spans, start=1):
        if start <= offset < end:
            return i
    return 0


def _sourcing(article: dict[str, Any]) -> list[str]:
    out = ["---", "", "## Sourcing", ""]
    profile = article.get("profile")
    if not profile:
        return [*out, "Not analysed yet.", ""]
    counts = profile.get("counts") or {}
    out.append(
        f"{profile.get('total', 0)} attributions: "
        + ", ".join(f"{style.SOURCE_LABELS.get(k, k)} {v}" for k, v in counts.items() if v)
        + "."
    )
    if profile.get("unnamed_share") is not None:
        out.append(f"{float(profile['unnamed_share']):.0%} of attributed content rests on unnamed sources.")
    out.append("")
    attributions = article.get("attributions") or []
    if attributions:
        out += ["| # | Source | Type | Cue | Claim |", "|---|---|---|---|---|"]
        for i, att in enumerate(attributions, start=1):
            source = (att.get("source") or {}).get("text") or "(no source named)"
            if att.get("source_resolved"):
                source += f" (= {att['source_resolved']})"
            cells = [
                str(i),
                source,
                style.SOURCE_LABELS.get(att.get("source_type") or "", att.get("source_type") or ""),
                (att.get("cue") or {}).get("text") or "",
                " ".join(((att.get("content") or {}).get("text") or "").split()),
            ]
            out.append("| " + " | ".join(escape(c).replace("  \n", " ") for c in cells) + " |")
        out.append("")
    claims = article.get("unattributed_claims") or []
    if claims:
        out += ["### Strong claims with no attribution", ""]
        out += [f"- {escape(' '.join(c.get('text', '').split()))} ({escape(c.get('reason') or '')})" for c in claims]
        out.append("")
    related = article.get("related") or []
    if related:
        out += ["### Related coverage", ""]
        for item in related:
            where = ", ".join(p for p in (item.get("site") or "", format_date(item.get("published"))) if p)
            out.append(
                f"- {escape(item.get('title') or 'Untitled')}"
                + (f" — {escape(where)}" if where else "")
                + f" ({escape(item.get('relation') or 'related')}, "
                f"{len(item.get('shared_passages') or [])} shared passages)"
            )
        out.append("")
    return out
