"""trafilatura's regular-expression XPaths, in forms that select the same elements faster.

trafilatura tests ids and classes with EXSLT ``re:test(@class, '…')``. lxml runs ``re:test`` by
calling back into Python once for every element the expression tests, also for the many elements
that have no such attribute: there the attribute's node-set is empty, its string is ``''``, and
none of trafilatura's patterns matches the empty string, so the answer is always false. Written as
``((@class) and re:test(@class, '…'))`` the test is only made where the attribute exists. The two
forms select the same elements whatever the page (the rewrite is applied only to patterns that
cannot match ``''``); trafilatura's whole extraction takes ~20% less time on news pages (docs/
scale.md, ninth round).

``install()`` swaps the guarded expressions into trafilatura's loaded modules in place (the lists
its extractors read at call time); ``stock()`` puts trafilatura's own back for a while, for the
benchmark's "trafilatura alone" anchor. An expression this module cannot rewrite, or that fails
to compile rewritten, is left as it is.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lxml import etree

REGEXP_NS = "http://exslt.org/regular-expressions"

# re:test(NODESET, 'PATTERN'[, 'FLAGS']) where NODESET is one attribute or a union of attributes.
_RE_TEST = re.compile(
    r"re:test\(\s*(?P<nodes>@[\w:-]+(?:\s*\|\s*@[\w:-]+)*)\s*,"
    r"\s*'(?P<pattern>[^']*)'\s*(?:,\s*'(?P<flags>[^']*)'\s*)?\)"
)

# Each swap: (the module or list holding the expression, its name or index, trafilatura's own
# expression, the guarded one).
_installed: list[tuple[Any, str | int, etree.XPath, etree.XPath]] = []
_lock = threading.RLock()  # re-entrant: an install() inside stock() must not hang


def _guard(match: re.Match[str]) -> str:
    pattern, flags = match.group("pattern"), match.group("flags") or ""
    try:
        # Compiled as lxml's re:test compiles it (Python's re, UNICODE, IGNORECASE for an 'i'
        # flag), so re's cache hands lxml this compilation when the expression first runs.
        matches_empty = re.compile(
            pattern, re.UNICODE | (re.IGNORECASE if "i" in flags else 0)
        ).search("")
    except re.error:
        return match.group(0)
    if matches_empty is not None:
        return match.group(0)  # an absent attribute could pass this test: keep it unguarded
    return f"(({match.group('nodes')}) and {match.group(0)})"


def guarded_path(path: str) -> str:
    """An XPath with every ``re:test`` on attributes made only where those attributes exist."""
    return _RE_TEST.sub(_guard, path)


def _guarded(xpath: etree.XPath) -> etree.XPath | None:
    path = xpath.path
    rewritten = guarded_path(path)
    if rewritten == path:
        return None
    try:
        # trafilatura binds ``re`` to EXSLT regular expressions in every expression using it;
        # a trial run on a small page catches any expression where that does not hold.
        guarded = etree.XPath(rewritten, namespaces={"re": REGEXP_NS})
        if guarded(_PROBE) != xpath(_PROBE):
            return None
    except etree.LxmlError:
        return None
    return guarded


_PROBE = etree.fromstring(
    "<html><body><div id='comments' class='post-content share-bar' style='display:none'>"
    "<p class='hidden byline'>By A.</p><span>text</span></div><section class='article-body'>"
    "<article><p>Words.</p><ul class='nav menu'><li>Home</li></ul></article></section>"
    "<div><p>More words.</p></div></body></html>"
)


def _trafilatura_modules() -> list[Any]:
    return [
        module
        for name, module in list(sys.modules.items())
        if module is not None and (name == "trafilatura" or name.startswith("trafilatura."))
    ]


def install() -> int:
    """Put the guarded expressions in trafilatura's loaded modules (once); how many there are."""
    with _lock:
        if _installed:
            return len(_installed)
        replacements: dict[int, etree.XPath | None] = {}
        seen_lists: set[int] = set()

        def replacement(xpath: etree.XPath) -> etree.XPath | None:
            if id(xpath) not in replacements:
                replacements[id(xpath)] = _guarded(xpath)
            return replacements[id(xpath)]

        for module in _trafilatura_modules():
            for name, value in list(vars(module).items()):
                if isinstance(value, etree.XPath):
                    new = replacement(value)
                    if new is not None:
                        _installed.append((module, name, value, new))
                elif isinstance(value, list) and id(value) not in seen_lists:
                    seen_lists.add(id(value))
                    for index, item in enumerate(value):
                        if isinstance(item, etree.XPath):
                            new = replacement(item)
                            if new is not None:
                                _installed.append((value, index, item, new))
        _put(guarded=True)
        return len(_installed)


def _put(*, guarded: bool) -> None:
    for holder, key, original, rewritten in _installed:
        chosen = rewritten if guarded else original
        if isinstance(holder, list):
            holder[int(key)] = chosen
        else:
            setattr(holder, str(key), chosen)


@contextmanager
def stock() -> Iterator[None]:
    """trafilatura's own expressions for the duration (single-threaded use: the benchmark)."""
    with _lock:
        _put(guarded=False)
        try:
            yield
        finally:
            _put(guarded=True)
