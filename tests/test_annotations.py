"""Tags, highlights and notes in the library, and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import annotations as ann
from reader.core.importer import run_import
from reader.core.library import Library

from .articles import STORY_PARAGRAPHS, article_txt


@pytest.fixture
def three(library: Library, tmp_path: Path) -> Library:
    for number in range(3):
        (tmp_path / f"a{number}.txt").write_text(
            article_txt(f"Story {number} about the ferry",
                        [f"Item {number}. " + p for p in STORY_PARAGRAPHS]))
    run_import(library, sorted(tmp_path.glob("a*.txt")))
    return library


def test_tags_nested_counts_filters_rename_merge_delete(three: Library) -> None:
    ann.add_tags(three, [1, 2], ["iraq/militias"])
    ann.add_tags(three, [3], ["Iraq", " transport "])
    ann.add_tags(three, [2], ["transport"])
    assert ann.tags_for(three, 2) == ["iraq/militias", "transport"]
    counts = {t.name: (t.count, t.own) for t in ann.tag_counts(three)}
    assert counts == {"Iraq": (3, 1), "iraq/militias": (2, 2), "transport": (2, 2)}
    assert ann.articles_with_tags(three, ["iraq"]) == [1, 2, 3]  # nested tags included
    assert ann.articles_with_tags(three, ["iraq/militias", "transport"], "all") == [2]
    assert ann.articles_with_tags(three, ["iraq/militias", "transport"], "any") == [1, 2, 3]
    assert ann.complete_tags(three, "mil") == ["iraq/militias"]

    ann.rename_tag(three, "Iraq", "middle east/iraq")
    assert ann.tags_for(three, 1) == ["middle east/iraq/militias"]
    ann.merge_tags(three, ["transport"], "middle east/iraq")
    assert ann.articles_with_tags(three, ["middle east/iraq"]) == [1, 2, 3]
    ann.set_tag_color(three, "middle east/iraq", "#aa3300")
    ann.delete_tag(three, "middle east")
    assert ann.tag_counts(three) == []
    assert three.count() == 3  # deleting tags never deletes articles


def test_highlight_reanchors_after_reextraction_or_is_orphaned(three: Library) -> None:
    text = three.get(1)["text"]
    start = text.index("Board spokesman Piet Varga")
    hid = ann.add_highlight(three, 1, start, start + len("Board spokesman Piet Varga"),
                            color="green", note="who is Varga?")
    gone = ann.add_highlight(three, 1, text.index("Two crew members"),
                             text.index("Two crew members") + len("Two crew members"))
    # Simulate a re-extraction that adds a paragraph in front and drops the last one.
    new_text = "A new first paragraph from a better extractor.\n\n" + text.rsplit("\n\n", 1)[0]
    three.conn.execute("UPDATE articles SET text = ? WHERE id = 1", (new_text,))
    assert ann.reanchor_highlights(three, 1) == (1, 1)
    by_id = {h["id"]: h for h in ann.highlights_for(three, 1)}
    moved = by_id[hid]
    assert new_text[moved["start"]:moved["end"]] == "Board spokesman Piet Varga"
    assert moved["note"] == "who is Varga?" and not moved["orphaned"]
    assert by_id[gone]["orphaned"] and by_id[gone]["start"] is None  # kept, not dropped


def test_notes_are_found_by_full_text_search(three: Library) -> None:
    ann.add_article_note(three, 2, "Compare with the council minutes from March")
    text = three.get(3)["text"]
    ann.add_highlight(three, 3, 0, 10, note="suspicious timeline")
    hits = {h["id"]: h["snippet"] for h in three.search("minutes")}
    assert list(hits) == [2] and hits[2].startswith("note:")
    assert [h["id"] for h in three.search("timeline")] == [3]
    assert text  # the article text itself does not contain these words
    assert "minutes" not in three.get(2)["text"]


def test_cli_tag_untag_and_show_json(three: Library, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(three.path)
    assert main(["tag", "1", "iraq/militias", "to-check", "--library", lib]) == 0
    assert main(["untag", "1", "to-check", "--library", lib]) == 0
    capsys.readouterr()
    assert main(["show", "1", "--json", "--library", lib]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tags"] == ["iraq/militias"]
    assert data["highlights"] == []
    assert main(["list", "--tag", "iraq", "--json", "--library", lib]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [1] and rows[0]["tags"] == ["iraq/militias"]
    assert main(["tag", "99", "x", "--library", lib]) == 2


def test_list_filters_by_tag_before_the_limit(three: Library, capsys: pytest.CaptureFixture[str]) -> None:
    ann.add_tags(three, [1], ["keep"])
    rows = three.list_articles(tags=["keep"], limit=1)
    assert [r["id"] for r in rows] == [1]  # newest-first, #1 is the oldest: the limit comes after
    assert [r["id"] for r in three.list_articles(search="ferry", tags=["keep"], limit=1)] == [1]
    assert main(["list", "--tag", "keep", "--limit", "1", "--json", "--library", str(three.path)]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [1]
