"""Importing ../shared/data/seeds/ reproduces the hand-made gold metadata and cleaning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.core.importer import run_import
from reader.core.library import Library

from .conftest import shared_path

pytestmark = pytest.mark.shared


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def test_seed_articles_match_gold(tmp_path: Path) -> None:
    seeds = shared_path("data", "seeds")
    with Library.open(tmp_path / "seeds.db") as lib:
        report = run_import(lib, [seeds])
        assert not report.refused
        imported = {Path(o.path).name: o.article_id for o in report.imported}
        golds = sorted((seeds / "gold").glob("*.json"))
        assert golds
        for gold_path in golds:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            row = lib.get(imported[gold["file"]])
            assert row["title"] == gold["title"]
            assert row["site"] == gold["site"]
            assert row["published"] == gold["published"]
            lines = (seeds / gold["file"]).read_text(encoding="utf-8").split("\n")
            paragraphs = {_norm(p) for p in row["text"].split("\n\n")}
            for line in gold["boilerplate_lines"]:
                assert _norm(line) not in paragraphs
            assert [_norm(h) for h in row["headings"]] == [_norm(h) for h in gold["subheadings"]]
            for number in gold["body_line_numbers"]:
                assert _norm(lines[number - 1]) in paragraphs, number
            body = [p for p in row["text"].split("\n\n") if p not in row["headings"]]
            assert len(body) == gold["body_paragraph_count"]
