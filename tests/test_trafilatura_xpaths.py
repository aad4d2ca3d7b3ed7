"""The guarded forms of trafilatura's ``re:test`` XPaths select exactly what its own forms do."""

from __future__ import annotations

import gzip
import random
import sys

import lxml.etree as etree
import pytest

from reader.core import html_extract, trafilatura_xpaths
from reader.core.decode import decode_html_bytes
from reader.core.html_extract import extract_html

from .conftest import FIXTURES, shared_path

NS = {"re": trafilatura_xpaths.REGEXP_NS}


def test_attribute_tests_are_made_only_where_the_attribute_exists() -> None:
    path = ".//*[self::div][re:test(@id|@class, 'comment-?list') or re:test(@class, 'x', 'i')]"
    assert trafilatura_xpaths.guarded_path(path) == (
        ".//*[self::div][((@id|@class) and re:test(@id|@class, 'comment-?list'))"
        " or ((@class) and re:test(@class, 'x', 'i'))]"
    )


@pytest.mark.parametrize(
    "path",
    [
        ".//*[re:test(@class, 'ad|')]",  # an empty alternative: a missing class passes
        ".//*[re:test(@class, '^$')]",
        ".//*[re:test(@class, 'x*')]",
        ".//*[re:test(text(), 'news')]",  # not an attribute test
        ".//*[re:test(@class, '[')]",  # not a valid pattern: left for lxml to report
    ],
)
def test_tests_an_absent_attribute_could_pass_are_left_alone(path: str) -> None:
    assert trafilatura_xpaths.guarded_path(path) == path


def test_trafilatura_runs_the_guarded_forms_and_the_benchmark_can_have_its_own_back() -> None:
    import trafilatura.xpaths

    assert html_extract.trafilatura_xpaths is trafilatura_xpaths  # installed on import
    installed = trafilatura_xpaths._installed
    assert len(installed) >= 10
    baseline_module = sys.modules["trafilatura.baseline"]
    assert "and re:test" in baseline_module.BASIC_CLEAN_XPATH.path
    assert any(holder is trafilatura.xpaths.OVERALL_DISCARD_XPATH for holder, *_ in installed)
    for holder, key, original, guarded in installed:
        current = holder[key] if isinstance(holder, list) else getattr(holder, str(key))
        assert current is guarded
        assert guarded.path == trafilatura_xpaths.guarded_path(original.path) != original.path
    with trafilatura_xpaths.stock():
        for holder, key, original, _guarded in installed:
            current = holder[key] if isinstance(holder, list) else getattr(holder, str(key))
            assert current is original
    assert trafilatura_xpaths.install() == len(installed)  # once only
    assert all(
        (holder[key] if isinstance(holder, list) else getattr(holder, str(key))) is guarded
        for holder, key, _original, guarded in installed
    )


_WORDS = [
    "comment", "comments", "Comments", "comment-list", "commentary", "share-bar", "sharing",
    "social", "nav", "navbar", "menu", "footer", "Footer", "hidden", "hide-print", "ad-slot",
    "sidebar", "article-body", "post-content", "byline", "related", "tags", "cookie-banner",
    "newsletter", "main", "story", "content", "fulltext", "FullText", "reply-1", "",
]  # fmt: skip


def _random_page(rng: random.Random, elements: int) -> etree._Element:
    """Elements of the tags trafilatura's expressions test, with and without ids, classes and
    styles (missing, empty, one word or several)."""
    root = etree.Element("html")
    body = etree.SubElement(root, "body")
    parents = [body]
    tags = ["div", "section", "p", "span", "ul", "ol", "list", "article", "aside", "main", "item"]
    for _ in range(elements):
        el = etree.SubElement(rng.choice(parents), rng.choice(tags))
        for attribute in ("id", "class", "style", "role"):
            if rng.random() < 0.45:
                words = rng.sample(_WORDS, rng.randint(1, 3))
                el.set(attribute, " ".join(words) if attribute != "style" else "display:none")
        if rng.random() < 0.3:
            el.set("aria-hidden", "true")
        el.text = "words"
        parents.append(el)
    return root


def test_each_guarded_expression_selects_the_same_elements_as_trafilaturas() -> None:
    rng = random.Random(7)
    pages = [_random_page(rng, 400) for _ in range(5)]
    compared = 0
    for _holder, _key, original, guarded in trafilatura_xpaths._installed:
        for page in pages:
            expected = original(page)
            assert guarded(page) == expected, original.path
            compared += len(expected)
    assert compared > 500  # the pages do exercise the expressions


def _fixture_pages() -> list[str]:
    return [decode_html_bytes(p.read_bytes()) for p in sorted((FIXTURES / "html").glob("*.html"))]


def _extract_or_reason(html: str) -> object:
    try:
        return extract_html(html)
    except ValueError as exc:
        return str(exc)


def test_extraction_is_unchanged_on_the_fixture_pages() -> None:
    for html in _fixture_pages():
        guarded = _extract_or_reason(html)
        with trafilatura_xpaths.stock():
            assert _extract_or_reason(html) == guarded


def test_extraction_is_unchanged_on_real_pages() -> None:
    folder = shared_path("data", "article-extraction-benchmark", "html")
    pages = sorted(folder.glob("*.html.gz"))[::6]  # 31 pages, a fixed spread
    assert pages
    for page in pages:
        html = decode_html_bytes(gzip.decompress(page.read_bytes()))
        guarded = _extract_or_reason(html)
        with trafilatura_xpaths.stock():
            assert _extract_or_reason(html) == guarded, page.name
