"""Related coverage and reused passages, on real library files built through the importer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.core.importer import run_import
from reader.core.library import Library
from reader.core.related import (
    align_passages,
    compare_articles,
    format_related,
    rebuild_related,
    related_for,
    remove_related,
    update_related,
)

NEPAL_A = """Title: Plane with 72 aboard crashes near Pokhara in Nepal
Source: Kathmandu Herald
Date: 2023-01-15

A Yeti Airlines plane carrying 72 people crashed into a gorge near the resort town of Pokhara on Sunday, killing at least 68 people, officials of the Civil Aviation Authority of Nepal said.

The ATR 72 aircraft had taken off from Kathmandu and was minutes from landing at the new Pokhara International Airport when it went down beside the Seti river. Jagannath Niraula, a spokesman for the authority, said rescuers had recovered 68 bodies.

Prime Minister Pushpa Kamal Dahal called an emergency cabinet meeting and formed a panel to investigate the crash. Flights at Pokhara were suspended.

It was the deadliest air accident in Nepal since 1992, when a Pakistan International Airlines jet crashed into a hillside near Kathmandu."""

NEPAL_B = """Title: Nepal crash: rescuers search gorge for last victims of Yeti Airlines flight
Source: Himalayan Times
Date: 2023-01-16

Rescuers in Nepal searched a deep gorge near Pokhara on Monday for the last missing passengers of the Yeti Airlines ATR 72 that crashed on Sunday with 72 people aboard.

Soldiers lowered themselves on ropes into the Seti river gorge. Civil Aviation Authority of Nepal spokesman Jagannath Niraula said 70 bodies had been found and two people were still missing.

The twin-engine plane had flown from Kathmandu and crashed while approaching Pokhara International Airport, which opened two weeks earlier. Prime Minister Pushpa Kamal Dahal declared a national day of mourning.

The flight data recorder and cockpit voice recorder were recovered and will be analysed, officials said."""

PERU = """Title: Small plane crashes in Peru killing twelve
Source: Andes Daily
Date: 2021-03-04

A small passenger plane crashed in the mountains near Cusco in Peru on Thursday, killing all twelve people aboard, officials said.

The Cessna aircraft operated by Aerodiana had taken off from Lima and was approaching Cusco when it went down in bad weather. Rescuers reached the wreckage on foot after several hours.

Peru's transport ministry said an investigation into the crash had been opened. The plane's flight recorder was recovered at the site.

Peru has seen several small plane crashes in recent years, most of them in the Andes and the Amazon."""

COUNCIL = """Title: Riverton council adopts budget after long debate
Source: Riverton Gazette
Date: 2023-01-10

The Riverton city council adopted its 2023 budget on Monday night after a debate that lasted more than five hours and drew dozens of residents to the chamber.

The budget raises property taxes by 2.5 percent and adds money for road repairs, the library and the fire department, which had asked for four new firefighters.

Mayor Elena Marsh said the increase was the smallest the city could responsibly make. Council member Tom Okafor voted against it and said residents were already struggling with rising costs.

The city's transit authority will receive 4.2 million dollars next year, most of it for replacing the oldest buses in the fleet. Some of the buses now in service are more than twenty years old and break down several times a month.

Transit director Amira Haddad told the council that the new buses would run on batteries and would be charged overnight at the depot on Mill Road. The first ten buses are expected to arrive in the autumn.

Riders have complained for years about missed connections on the Route 7 line, which links the hospital to the train station. Haddad said the new schedule would add a bus every fifteen minutes during rush hours.

The budget takes effect on July 1. Residents can read the full document on the city's website."""

TRANSIT = """Title: Riverton unveils new bus network after years of complaints
Source: Valley Courier
Date: 2023-05-02

Riverton's transit authority on Tuesday presented a redesigned bus network that it says will cut waiting times across the city and connect new neighbourhoods in the north.

The plan follows a survey in which more than three thousand riders described long waits, crowded buses and routes that no longer match where people live and work.

The city's transit authority will receive 4.2 million dollars this year, most of it for replacing the oldest buses in the fleet. Some of the buses now in service are over twenty years old and break down several times each month.

Transit director Amira Haddad told the council that the new buses would run on batteries and would be charged overnight at the depot on Mill Road. The first ten buses are expected to arrive in the fall.

Riders have complained for years about missed connections on the Route 7 line, which links the hospital to the railway station. Haddad said the new timetable would add a bus every fifteen minutes during rush hours.

Public meetings on the network will be held in each district during June, and the authority will publish a final version in August."""

STOCK_ONE = """Title: Software maker Quillon to cut 300 jobs
Source: Tech Ledger
Date: 2023-02-01

Quillon, the accounting software company based in Leeds, will cut 300 jobs as it closes two offices and moves its support staff to Lisbon, according to an internal memo seen by this newspaper.

The memo says the company expects the cuts to save about forty million pounds a year. Quillon grew quickly during the pandemic as small businesses moved their bookkeeping online.

"It is what it is," one engineer said. The company did not immediately respond to a request for comment."""

STOCK_TWO = """Title: Family bakery reopens on Harbour Street after fire
Source: Coastal Post
Date: 2023-03-12

The Moreno family reopened their bakery on Harbour Street on Saturday, eight months after a fire destroyed the kitchen and most of the shop front.

Customers queued around the corner for the first loaves. Luis Moreno said neighbours had raised money to replace the ovens and that the family had never thought of leaving town.

"It is what it is," he said of the long wait for insurance money. The company did not immediately respond to a request for comment."""

REPOST = """Title: Plane with 72 aboard crashes near Pokhara in Nepal (repost)
Source: Mountain Flyers Blog

Reposted from the Kathmandu Herald for our readers.

A Yeti Airlines plane carrying 72 people crashed into a gorge near the resort town of Pokhara on Sunday, killing at least 68 people, officials of the Civil Aviation Authority of Nepal said.

The ATR 72 aircraft had taken off from Kathmandu and was minutes from landing at the new Pokhara International Airport when it went down beside the Seti river. Jagannath Niraula, a spokesman for the authority, said rescuers had recovered 68 bodies.

Prime Minister Pushpa Kamal Dahal called an emergency cabinet meeting and formed a panel to investigate the crash. Flights at Pokhara were suspended.

It was the deadliest air accident in Nepal since 1992, when a Pakistan International Airlines jet crashed into a hillside near Kathmandu."""

FILLERS = [
    """Title: Harvest festival returns to Oakvale
Source: Oakvale News
Date: 2023-09-20

The Oakvale harvest festival returns this weekend with a pumpkin contest, a tractor parade and stalls from forty local farms. Organisers expect about ten thousand visitors over two days and have added a second car park beside the football ground.""",
    """Title: University opens new chemistry laboratory
Source: Campus Weekly
Date: 2023-04-11

The university opened a new chemistry laboratory on Wednesday, with space for two hundred students and fume cupboards that use forty percent less energy than the old ones. The building cost eighteen million and took two years to complete.""",
    """Title: Local swimmer wins national title
Source: Sport Today
Date: 2023-06-30

Seventeen-year-old Hana Ito won the national 200 metres butterfly title on Friday, beating the defending champion by half a second. Her coach said she would now aim for a place in the team for the world championships next summer.""",
]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "t.db")
    yield lib
    lib.close()


def _import(lib: Library, folder: Path, articles: dict[str, str]) -> dict[str, int]:
    paths = [_write(folder, f"{name}.txt", text) for name, text in articles.items()]
    report = run_import(lib, paths, after_commit=lambda i: update_related(lib, i))
    ids: dict[str, int] = {}
    for outcome in report.outcomes:
        assert outcome.status == "imported", outcome
        assert outcome.article_id is not None
        ids[Path(outcome.path).stem] = outcome.article_id
    return ids


ALL = {
    "nepal_a": NEPAL_A,
    "peru": PERU,
    "council": COUNCIL,
    "stock_one": STOCK_ONE,
    "filler0": FILLERS[0],
    "nepal_b": NEPAL_B,
    "transit": TRANSIT,
    "stock_two": STOCK_TWO,
    "filler1": FILLERS[1],
    "filler2": FILLERS[2],
}


@pytest.fixture
def imported(library: Library, tmp_path: Path) -> dict[str, int]:
    return _import(library, tmp_path, ALL)


def _by_id(items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {item["id"]: item for item in items}


def test_same_story_ranks_above_look_alike(library: Library, imported: dict[str, int]) -> None:
    items = related_for(library, imported["nepal_a"])
    ids = [item["id"] for item in items]
    assert ids and ids[0] == imported["nepal_b"]
    assert items[0]["relation"] == "same story"
    if imported["peru"] in ids:
        peru = _by_id(items)[imported["peru"]]
        assert peru["relation"] == "related"
        assert peru["score"] < items[0]["score"]
    names = items[0]["shared_names"]
    assert "Jagannath Niraula" in names
    assert any("Pokhara" in name for name in names)
    assert items[0]["first_published"] == "this"


def test_moved_block_found_and_aligned(library: Library, imported: dict[str, int]) -> None:
    transit_id, council_id = imported["transit"], imported["council"]
    transit = library.get(transit_id)["text"]
    council = library.get(council_id)["text"]
    items = _by_id(related_for(library, transit_id))
    assert council_id in items
    item = items[council_id]
    assert item["first_published"] == "other"
    assert item["relation"] != "duplicate"
    passages = item["shared_passages"]
    assert len(passages) == 1
    (p,) = passages
    block_here = (
        transit.index("The city's transit authority"),
        transit.index("during rush hours.") + len("during rush hours."),
    )
    block_there = (
        council.index("The city's transit authority"),
        council.index("during rush hours.") + len("during rush hours."),
    )
    assert (p["this_start"], p["this_end"]) == block_here
    assert (p["other_start"], p["other_end"]) == block_there
    assert 0.8 <= p["similarity"] < 1.0
    # the same passage seen from the other article, offsets swapped
    back = _by_id(related_for(library, council_id))[transit_id]
    assert back["first_published"] == "this"
    (q,) = back["shared_passages"]
    assert (q["this_start"], q["this_end"], q["other_start"], q["other_end"]) == (
        *block_there,
        *block_here,
    )


def test_stock_phrases_and_short_quotes_are_not_reuse(
    library: Library, imported: dict[str, int]
) -> None:
    a, b = imported["stock_one"], imported["stock_two"]
    assert compare_articles(library, a, b)["passages"] == []
    items = _by_id(related_for(library, a))
    assert b not in items or items[b]["shared_passages"] == []
    assert (
        library.conn.execute(
            "SELECT COUNT(*) FROM related_reuse WHERE (a_id, b_id) IN (VALUES (?, ?), (?, ?))",
            (a, b, b, a),
        ).fetchone()[0]
        == 0
    )


def test_repost_is_labelled_duplicate(
    library: Library, imported: dict[str, int], tmp_path: Path
) -> None:
    repost_id = _import(library, tmp_path, {"repost": REPOST})["repost"]
    items = related_for(library, repost_id)
    assert items[0]["id"] == imported["nepal_a"]
    assert items[0]["relation"] == "duplicate"
    assert items[0]["first_published"] is None  # the repost carries no date
    assert _by_id(related_for(library, imported["nepal_a"]))[repost_id]["relation"] == "duplicate"
    compared = compare_articles(library, imported["nepal_a"], repost_id)
    assert compared["duplicate"] is True
    text = library.get(repost_id)["text"]
    (p,) = compared["passages"]
    assert text[p["b_start"] : p["b_end"]].startswith("A Yeti Airlines plane")
    assert p["b_end"] == len(text)


def test_compare_articles_marks_first_published(library: Library, imported: dict[str, int]) -> None:
    result = compare_articles(library, imported["transit"], imported["council"])
    assert result["first_published"] == "b"
    assert result["a"]["id"] == imported["transit"]
    assert len(result["passages"]) == 1
    text_a = library.get(imported["transit"])["text"]
    p = result["passages"][0]
    assert text_a[p["a_start"] : p["a_end"]].startswith("The city's transit authority")


def test_deletion_cleans_up(library: Library, imported: dict[str, int]) -> None:
    gone = imported["nepal_b"]
    library.delete_article(gone)
    remove_related(library, gone)
    assert gone not in [i["id"] for i in related_for(library, imported["nepal_a"])]
    conn = library.conn
    for sql in (
        "SELECT COUNT(*) FROM related_docs WHERE article_id = ?",
        "SELECT COUNT(*) FROM related_prints WHERE article_id = ?",
        "SELECT COUNT(*) FROM related_links WHERE article_id = ? OR other_id = ?",
        "SELECT COUNT(*) FROM related_reuse WHERE a_id = ? OR b_id = ?",
    ):
        assert conn.execute(sql, (gone,) * sql.count("?")).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM related_df WHERE df <= 0").fetchone()[0] == 0
    count = conn.execute("SELECT value FROM related_meta WHERE key = 'n_docs'").fetchone()[0]
    assert int(count) == library.count()


def test_rebuild_matches_incremental(library: Library, imported: dict[str, int]) -> None:
    before = [(i["id"], i["relation"]) for i in related_for(library, imported["nepal_a"])][:2]
    seen: list[tuple[int, int]] = []
    rebuild_related(library, progress=lambda done, total: seen.append((done, total)))
    after = [(i["id"], i["relation"]) for i in related_for(library, imported["nepal_a"])][:2]
    assert before == after
    assert seen[-1] == (len(ALL), len(ALL))
    reuse = _by_id(related_for(library, imported["transit"]))[imported["council"]]
    assert len(reuse["shared_passages"]) == 1


def test_format_related(library: Library, imported: dict[str, int]) -> None:
    text = format_related(related_for(library, imported["transit"]))
    assert "Riverton council adopts budget" in text
    assert "reused passage" in text
    assert format_related([]) == "No related coverage in the library."


def test_align_two_sentence_block_with_edits() -> None:
    block = (
        "The committee found that the reservoir had been losing water through a crack in the "
        "northern wall since at least 2019. Engineers estimated that repairs would take two "
        "summers and cost about nine million."
    )
    edited = block.replace("since at least 2019", "since 2019 at the latest").replace(
        "nine million", "9 million"
    )
    a = "Farmers met in the valley on Friday to discuss the drought. " + block + " Rain is due."
    b = "A report on the dam was published yesterday. " + edited + " The mayor said little."
    (p,) = align_passages(a, b)
    assert a[p.a_start : p.a_end] == block
    assert b[p.b_start : p.b_end] == edited
    assert 0.7 < p.similarity < 1.0


def test_one_line_quote_is_not_reuse() -> None:
    quote = '"We will rebuild, whatever it takes, and we will do it together," she said.'
    a = "The storm flattened the pier in March. " + quote + " The council meets on Monday."
    b = "Fans filled the stadium for the final match. " + quote + " Tickets sold out fast."
    assert align_passages(a, b) == []


def test_worker_snapshot_search_matches_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Import workers search a snapshot (``search_snapshot``) and the writer merges in what was
    committed since: the lists and passages equal those of indexing one article at a time."""
    import multiprocessing

    from reader.core import importer, related

    monkeypatch.setattr(related, "REBUILD_BELOW", 0)  # no doubling rebuilds: search every time
    monkeypatch.setattr(importer, "ANALYSIS_BATCH_ARTICLES", 2)  # snapshots a few articles behind
    monkeypatch.setattr(importer, "_pool_context", lambda: multiprocessing.get_context("fork"))
    folder = tmp_path / "files"
    folder.mkdir()
    paths = [_write(folder, f"{name}.txt", text) for name, text in ALL.items()]

    def state(lib: Library) -> tuple[dict[tuple[int, int], float], list[tuple[Any, ...]]]:
        links = {
            (int(a), int(b)): float(s)
            for a, b, s in lib.conn.execute("SELECT article_id, other_id, score FROM related_links")
        }
        reuse = lib.conn.execute("SELECT * FROM related_reuse ORDER BY a_id, b_id").fetchall()
        return links, reuse

    merged: list[int] = []
    merge = related._merge_reuse

    def counting(conn: Any, article_id: int, *args: Any) -> Any:
        merged.append(article_id)
        return merge(conn, article_id, *args)

    monkeypatch.setattr(related, "_merge_reuse", counting)
    worker_lib = Library.open(tmp_path / "w.db")
    report = run_import(worker_lib, paths, workers=2)
    assert len(report.imported) == len(ALL)
    assert merged == list(range(1, len(ALL) + 1))  # every article came with a worker's search
    one_lib = Library.open(tmp_path / "o.db")
    run_import(one_lib, paths, workers=1, keep_related=False)
    for aid in range(1, len(ALL) + 1):
        update_related(one_lib, aid)  # everything on the writer
    (w_links, w_reuse), (o_links, o_reuse) = state(worker_lib), state(one_lib)
    assert w_reuse == o_reuse and w_reuse
    # a snapshot lagging by more than 1 % of the library (always, in ten articles) has its
    # candidates re-scored by the writer: the same lists
    assert w_links == o_links
    worker_lib.close()
    one_lib.close()
