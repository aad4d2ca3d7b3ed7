"""Fuzzing the importers and the attribution engine: every input imports or is refused with a
reason, within a time bound; nothing else (no exception, no hang, no unsound record).

The normal suite runs modest example counts; ``benchmarks/trust_figures.py`` runs the long
versions and ``benchmarks/fuzz_atheris.py`` is a coverage-guided harness over the same entry
points.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import html_extract, importer
from reader.core.importer import run_import
from reader.core.library import Library
from tests.articles import extract_unless_hang
from tests.trust_inputs import (
    ENCODINGS,
    RTL_PARAGRAPHS,
    SUFFIXES,
    TIME_BOUND,
    attempt,
    check_analysis,
    hostile_cases,
    mutate,
    seeds,
)

SEEDS = seeds()
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples on every run: a failure is reproducible
)


@pytest.fixture(autouse=True)
def attribution_errors_surface(monkeypatch: pytest.MonkeyPatch) -> None:
    # analyze() swallows its own exceptions in production; here they must show.
    monkeypatch.setenv("READER_ATTRIBUTION_DEBUG", "1")


def assert_decided(raw: bytes, name: str) -> str:
    outcome = attempt(raw, name)
    assert outcome.status != "crash", f"{name}: {outcome.detail}"
    assert outcome.seconds < TIME_BOUND, f"{name}: took {outcome.seconds:.1f} s"
    return outcome.status


@pytest.mark.parametrize("name, make", list(hostile_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_named_hostile_input_is_imported_or_refused_in_time(name: str, make: object) -> None:
    assert callable(make)
    assert_decided(make(), name)


def test_hostile_inputs_that_hold_an_article_still_import() -> None:
    # Guards against "refused" becoming the easy way out for inputs that carry a real article.
    keep = {
        "huge-attribute-20MB.html", "many-attributes-300000.html", "huge-data-uri.html",
        "mixed-newlines.txt", "only-cr.txt", "rtl.txt", "rtl-utf16.txt", "rtl-cp1256.txt",
        "rtl.html", "bidi-controls.txt", "mhtml-100000-parts.mhtml", "mhtml-bad-charset.mhtml",
        "pdf-bad-startxref.pdf", "html-as-txt.txt", "surrogates.txt", "unicode-separators.txt",
        "encoding-utf-16.txt", "encoding-shift_jis.txt", "encoding-koi8-r.html",
    }  # fmt: skip
    cases = dict(hostile_cases())
    for name in sorted(keep):
        assert attempt(cases[name](), name).status == "imported", name


def test_deep_nesting_is_refused_with_the_reason() -> None:
    cases = dict(hostile_cases())
    outcome = attempt(cases["deep-div-100000.html"](), "deep.html")
    assert outcome.status == "refused" and "too deeply" in outcome.detail


@given(raw=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
@FUZZ
def test_random_bytes(raw: bytes, suffix: str) -> None:
    assert_decided(raw, f"fuzz{suffix}")


@given(
    seed=st.sampled_from(sorted(SEEDS)),
    rng_seed=st.integers(0, 2**32 - 1),
    rounds=st.integers(1, 12),
)
@settings(FUZZ, max_examples=80)
def test_mutated_files_of_every_format(seed: str, rng_seed: int, rounds: int) -> None:
    raw = mutate(SEEDS[seed], random.Random(rng_seed), rounds)
    assert_decided(raw, seed)


@given(seed=st.sampled_from(sorted(SEEDS)), cut=st.floats(0, 1))
@FUZZ
def test_truncated_files(seed: str, cut: float) -> None:
    data = SEEDS[seed]
    assert_decided(data[: int(len(data) * cut)], seed)


ARTICLE_TEXT = SEEDS["seed.txt"].decode()


@given(
    encoding=st.sampled_from(ENCODINGS),
    extra=st.text(max_size=200),
    newline=st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x85", "\n\r"]),
    suffix=st.sampled_from([".txt", ".html"]),
)
@FUZZ
def test_every_encoding_and_newline(encoding: str, extra: str, newline: str, suffix: str) -> None:
    text = ARTICLE_TEXT.replace("\n", newline) + newline * 2 + extra
    if suffix == ".html":
        text = f"<html><head><meta charset='{encoding}'></head><body><p>{text}</p></body></html>"
    status = assert_decided(text.encode(encoding, errors="replace"), f"enc{suffix}")
    if not extra and newline in ("\n", "\r\n", "\r") and encoding not in ("cp037", "utf-7", "utf-32-le"):
        # (BOM-less UTF-32 is refused as binary: three NULs in four bytes)
        assert status == "imported", (encoding, newline, suffix)


_TAGS = ["div", "p", "span", "b", "table", "tr", "td", "ul", "li", "a", "script", "style",
         "iframe", "form", "svg", "article", "main", "h1", "h2", "noscript", "template", "br"]


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    """Random tag soup around article paragraphs: unbalanced, attributes, entities, comments."""
    pieces: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 6))
        tag = draw(st.sampled_from(_TAGS))
        if kind == 0:
            attrs = draw(st.lists(st.text(alphabet="abcdefgh-=\"' <>/&;", max_size=30), max_size=5))
            pieces.append(f"<{tag} {' '.join(attrs)}>")
        elif kind == 1:
            pieces.append(f"</{tag}>")
        elif kind == 2:
            pieces.append(draw(st.sampled_from(["&amp;", "&#0;", "&#x110000;", "&nbsp;", "&bogus", "<!--", "-->", "<![CDATA[", "<?xml ?>"])))
        elif kind == 3:
            pieces.append(draw(st.text(max_size=60)))
        else:
            pieces.append(f"<p>{draw(st.sampled_from(STORY + RTL_PARAGRAPHS))}</p>")
    return "<!DOCTYPE html><html><head><title>T</title></head><body>" + "".join(pieces)


STORY = [p for p in ARTICLE_TEXT.split("\n\n") if len(p) > 80]


@given(doc=html_documents(), as_mhtml=st.booleans())
@settings(FUZZ, max_examples=60)
def test_random_tag_soup(doc: str, as_mhtml: bool) -> None:
    if as_mhtml:
        from tests.trust_inputs import mhtml_page

        assert_decided(mhtml_page(doc), "soup.mhtml")
    else:
        assert_decided(doc.encode("utf-8", "surrogatepass"), "soup.html")


@given(
    pieces=st.lists(
        st.one_of(
            st.text(st.characters(codec="utf-8"), max_size=20),
            st.sampled_from(list("\"“”‘’'«» \n.,:;—–-")),
            st.sampled_from(["said", "told", "according to", "officials", "sources", "Mr.", "\u202e"]),
        ),
        max_size=120,
    )
)
@settings(FUZZ, max_examples=150)
def test_attribution_engine_on_any_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    problem = check_analysis(text)
    assert problem is None, problem


@given(words=st.lists(st.sampled_from(
    ["said", "told", "reporters", "\"", "“", "”", "'", "according", "to", "officials", "sources",
     "Mr.", "Ms", "Piet", "Varga", "the", "board", ",", ".", "\n\n", "—", "who", "asked", "not",
     "be", "named", "claimed", "warned", "2,000", "Dr.", "وقال", "אמר", "(", ")"]), max_size=300))
@settings(FUZZ, max_examples=150)
def test_attribution_engine_on_quote_and_cue_soup(words: list[str]) -> None:
    text = " ".join(words)
    problem = check_analysis(text)
    assert problem is None, problem


# ----- the watchdog, in the one-worker path too ------------------------------------------------


def test_one_worker_import_has_a_watchdog_too(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "_extract_job", extract_unless_hang)
    monkeypatch.setattr(importer, "_pool_context", lambda: multiprocessing.get_context("fork"))
    good = tmp_path / "good.txt"
    good.write_bytes(SEEDS["seed.txt"])
    hang = tmp_path / "hang.txt"
    hang.write_bytes(SEEDS["seed.txt"].replace(b"Ferry", b"Boat"))
    report = run_import(library, [hang, good], workers=1, file_timeout=1.0)
    statuses = {Path(o.path).name: (o.status, o.reason) for o in report.outcomes}
    assert statuses["hang.txt"][0] == "refused" and "took longer than 1 s" in str(statuses["hang.txt"][1])
    assert statuses["good.txt"][0] == "imported"


def test_a_real_runaway_extractor_is_stopped(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300,000 attributes on one tag keep libxml2 busy for minutes inside C code, where no signal
    # reaches. The importer cuts such tags down first; with that guard switched off, the
    # watchdog must still stop the extraction and refuse the file.
    import re

    monkeypatch.setattr(importer, "_pool_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(html_extract, "_HUGE_TAG_RE", re.compile(r"(?!)(x)"))
    cases = dict(hostile_cases())
    bad = tmp_path / "attrs.html"
    bad.write_bytes(cases["many-attributes-300000.html"]())
    report = run_import(library, [bad], workers=1, file_timeout=2.0)
    (outcome,) = report.outcomes
    assert outcome.status == "refused" and "took longer than 2 s" in str(outcome.reason)
    assert os.getpid() == os.getpid()  # the test process itself was never blocked
