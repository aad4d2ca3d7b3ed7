"""Plain-text cleaning on articles written for these tests."""

from __future__ import annotations

from reader.core.dates import parse_date
from reader.core.text_import import extract_plain_text, site_from_banner

from .conftest import FIXTURES


def _load(name: str) -> str:
    return (FIXTURES / "txt" / name).read_text(encoding="utf-8")


def test_blog_export_loses_every_kind_of_debris_and_keeps_the_story() -> None:
    article = extract_plain_text(_load("harbour_blog.txt"))
    assert article.title == "Harbour authority admits dredging contract ran 40% over budget"
    assert article.site == "Portville Gazette"
    assert article.published == "2022-03-03T09:15"
    assert article.headings == ["Costs and delays", "Who pays"]
    text = article.text
    for gone in ("#Portville", "@harbourwatch", "Likes", "Share this", "Follow us",
                 "Leave a Reply", "Great reporting", "Last Modified", "Dredgers at work"):
        assert gone not in text, gone
    assert "Board chair Miriam Okafor told reporters" in text
    assert '"We underestimated the silt in the outer basin," she said.' in text
    assert "according to a council statement." in text
    # Removed lines are kept, in document order, for the "show boilerplate" view.
    assert article.removed[0] == "Coastal Wire - Regional News - Portvillegazette"
    assert article.removed[1] == "Dredgers at work in the outer basin"
    assert article.removed[-1].startswith("Last Modified:")


def test_hard_wrapped_export_with_header_fields_is_rejoined() -> None:
    article = extract_plain_text(_load("wrapped_report.txt"))
    assert article.title == "Lighthouse restoration finished ahead of schedule"
    assert article.site == "Northern Ledger"
    assert article.author == "Tomas Lindqvist"
    assert article.published == "2023-05-12"
    assert article.url == "https://northernledger.example/2023/05/lighthouse-restored"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The restoration of the old lighthouse on Skerry Point was "
                                     "finished three weeks ahead")
    assert "\n" not in paragraphs[1]


def test_paragraphs_are_separated_by_one_blank_line_and_headings_are_own_paragraphs() -> None:
    article = extract_plain_text(_load("harbour_blog.txt"))
    parts = article.text.split("\n\n")
    assert "Costs and delays" in parts and "Who pays" in parts
    assert all(part.strip() == part and part for part in parts)


def test_site_names_from_banners() -> None:
    assert site_from_banner("Iraq News - Local News - Baghdadpost") == "Baghdad Post"
    assert site_from_banner("World | Fox News") == "Fox News"
    assert site_from_banner("Metro Herald") == "Metro Herald"


def test_dates_in_footers_and_bylines() -> None:
    assert parse_date("Last Modified: Wednesday، 03 January 2018 05:31 PM") == "2018-01-03T17:31"
    assert parse_date("Updated January 3, 2018 12:05 am") == "2018-01-03T00:05"
    assert parse_date("2021-11-30T08:00:00+00:00") == "2021-11-30T08:00"
    assert parse_date("no date here 2018") is None
    assert parse_date("31 February 2018") is None


def test_short_text_without_title_line_uses_fallback() -> None:
    article = extract_plain_text(
        "One single paragraph of text with no headline line at all, long enough to matter.",
        fallback_title="my-file",
    )
    assert article.title == "my-file"
    assert article.blocks[0].kind == "paragraph"
