"""Invented article texts for tests (never real news)."""

from __future__ import annotations

from pathlib import Path

STORY_PARAGRAPHS = [
    "The river ferry between Aldmouth and Kessel Quay was suspended on Monday after inspectors "
    "found cracks in the hull of the older of its two boats, the transport board said.",
    "Board spokesman Piet Varga told reporters that the second boat would run a reduced "
    "timetable from Wednesday. \"Safety comes before the timetable,\" he said.",
    "Commuters described long queues at the Kessel bus stop, where a replacement service "
    "carried about 2,000 passengers on the first day, according to the operator.",
    "Two crew members, who asked not to be named, said the cracks had been reported twice "
    "last year without any repair being ordered.",
]


def article_txt(title: str, paragraphs: list[str] | None = None, site_banner: str | None = None,
                footer: str | None = None) -> str:
    parts = []
    if site_banner:
        parts.append(site_banner)
    parts.append(title)
    parts.extend(paragraphs or STORY_PARAGRAPHS)
    if footer:
        parts.append(footer)
    return "\n\n".join(parts)


def article_html(title: str, paragraphs: list[str] | None = None, site: str = "Kessel Courier",
                 url: str = "https://kesselcourier.example/news/ferry-suspended",
                 extra_head: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or STORY_PARAGRAPHS))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<link rel="canonical" href="{url}">
<meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2024-04-08T10:30:00Z">
{extra_head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>{title}</h1>
<p class="byline">By Ana Ruiz</p>
{body}
</article></main>
<aside class="share">Share on Facebook · Share on Twitter · Email</aside>
<footer><p>© 2024 {site}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def extract_unless_hang(path: str) -> object:
    """Stands in for the importer's first-pass job in watchdog tests: a file named "hang…"
    never finishes (module level, so forked workers find it by name)."""
    import time

    from reader.core.ingest import import_file

    if "hang" in path:
        time.sleep(60)  # far beyond the tests' timeouts, and not for ever if a test fails
    return import_file(path, analyse=False)


def send_half_a_result(result_pipe_fd: int, written: str) -> None:
    """Stands in for a worker killed halfway through sending a large result: writes to the
    pool's result pipe the length of a 1 MB message and 100 of its bytes, then hangs."""
    import os
    import struct
    import time

    os.write(result_pipe_fd, struct.pack("!i", 1_000_000) + b"x" * 100)
    Path(written).touch()
    time.sleep(60)


def story_files(folder: Path, count: int) -> list[Path]:
    """``count`` distinct short articles written as f00.txt, f01.txt, … in ``folder``."""
    paths = []
    for i in range(count):
        path = folder / f"f{i:02d}.txt"
        path.write_text(
            article_txt(f"Story {i} headline", [f"Paragraph {i}. " + p for p in STORY_PARAGRAPHS]),
            encoding="utf-8",
        )
        paths.append(path)
    return paths
