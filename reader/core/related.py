"""Related coverage and reused passages: what else in the library covers the same story.

Two indexes are kept in the library, both updated one article at a time at import:

* a **story vector** per article (``related_docs``): TF-IDF weights of content words, word pairs
  and name/number features, L2-normalised at index time and stored compactly (uint32 term hash,
  uint8 weight). Candidates come from the library's own FTS5 index (an OR query over the
  article's most distinctive words) and are re-scored with the exact vector dot product. Each
  article keeps its ``K_LIST`` best neighbours (``related_links``); a new article is inserted into
  the lists of the older articles it beats.
* **passage fingerprints** (``related_prints``): winnowed hashes of word 5-grams. An article that
  shares fingerprints with a new one is aligned with it word by word (seed-and-extend), and the
  reused passages, with similarity and duplicate verdict, go to ``related_reuse``.

At import the search (candidates, scores, fingerprint hits, alignments) runs in the import
workers against a read snapshot of the library (``search_snapshot``); the single writer stores
the article's vector and fingerprints and merges in the articles committed since the snapshot.

Opening an article only reads: ``related_for`` re-ranks the stored neighbour lists by adding a
mutual-nearest-neighbour (k-reciprocal) similarity, which is what separates "same story" from
"same kind of story" (see docs/related.md for the measurements).
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sqlite3
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from reader.core.errors import ArticleNotFound
from reader.core.library import Library, connect_read_only

RELATED_VERSION = 4

# Neighbour lists and re-ranking.
K_LIST = 24  # neighbours stored per article
K_MUTUAL = 10  # neighbourhood size of the k-reciprocal re-ranking
MUTUAL_WEIGHT = 1.0  # weight of the k-reciprocal similarity next to the direct cosine
MIN_LINK_SCORE = 0.04  # cosine below this is noise, never stored
FTS_QUERY_TERMS = 24  # distinctive words used to find candidates
FTS_CANDIDATES = 60  # candidates re-scored exactly
VECTOR_TERMS = 600  # heaviest terms of a stored vector kept (the query side keeps all)
FTS_MAX_POSTINGS = 10_000  # documents the candidate query may match (bounds its time)
SAME_STORY_SCORE = 0.3  # displayed score from which a pair is labelled "same story"
RELATED_SCORE = 0.2  # displayed score from which a pair is shown as "related"
FAR_APART_DAYS = 60  # published further apart than this: never "same story"
# Small libraries: IDF is unstable, so everything is recomputed each time the library doubles.
REBUILD_BELOW = 1000

# Passages.
SHINGLE = 5  # words per fingerprinted n-gram
WINNOW = 9  # winnowing window: any shared run of SHINGLE + WINNOW - 1 words is caught
COMMON_PRINT_ARTICLES = 12  # a fingerprint in more articles than this is a stock phrase
MIN_SHARED_PRINTS = 2  # fingerprints two articles must share before they are aligned
MAX_ALIGN = 30  # articles aligned per import at most (most shared fingerprints first)
SEED = 4  # words per alignment seed
MAX_GAP = 15  # words an edit may insert or drop inside one passage
MIN_PASSAGE_WORDS = 20  # shorter passages are not reuse ...
MIN_SENTENCES = 2  # ... nor passages of a single sentence ...
LONG_SENTENCE_WORDS = 40  # ... unless that sentence is at least this long
MIN_SIMILARITY = 0.5
SNAP_WORDS = 6  # a passage is widened to its sentence's edge when this few words are left
DUPLICATE_LONGER = 0.5  # whole-article duplicate: reuse covers this share of the longer one
DUPLICATE_SHORTER = 0.8  # ... and this share of the shorter one

_STOP = frozenset(
    """a an the and or but if of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once
    here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now i me my myself we our ours
    ourselves you your yours yourself yourselves he him his himself she her hers herself it its
    itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing would could also said says say
    one two new like get got may might must shall us mr mrs ms""".split()
)
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_PLAIN_WORD = re.compile(r"\w+")
_NAME = re.compile(r"\b[A-Z][\w'’\-]*(?:\s+(?:of|de|la|du|van|von|the)?\s*[A-Z][\w'’\-]*)*")
_NUMBER = re.compile(r"\b\d[\d.,:]*(?:-\w+)*\b")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])|\n\s*\n|\n")


# ----- features ------------------------------------------------------------------------


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _names(text: str) -> list[tuple[str, str]]:
    """(normalised key, surface form) of capitalised name sequences, line by line."""
    out: list[tuple[str, str]] = []
    for line in text.split("\n"):
        for match in _NAME.finditer(line):
            words = match.group(0).split()
            start = match.start()
            sentence_start = start == 0 or line[:start].rstrip().endswith((".", '"', "“", "!", "?"))
            if sentence_start and words[0].lower() in _STOP:
                words = words[1:]
            keep = [w for w in words if w.lower() not in _STOP]
            if keep:
                out.append((" ".join(_stem(w.lower()) for w in keep), " ".join(words)))
    return out


def _hash(term: str) -> int:
    # 24 bits: stored as 3 bytes per vector entry. Within one pair of articles (~700 features
    # each) a chance collision is a 1-in-30 event that moves the cosine by a single feature.
    return zlib.crc32(term.encode("utf-8")) & 0xFFFFFF


@dataclass
class Prepared:
    """What the related index needs of one article, from its title and text alone.

    A pure function of the article (``prepare``), so import workers compute it next to the
    extraction and the library's single writer only looks things up and stores them.
    """

    counted: list[tuple[int, int]]  # (feature hash, tf): words, names, numbers (df is kept)
    pairs: list[tuple[int, int, int, int]]  # (pair hash, tf, first word hash, second word hash)
    words: list[tuple[int, str]]  # plain content words (hash, word) for the FTS candidate query
    prints: list[int]  # passage fingerprints
    found: Found | None = None  # neighbour search done by the import worker (``search_snapshot``)


@dataclass
class Found:
    """The neighbour search and passage alignment of a new article, done by an import worker
    against a read snapshot of the library (``search_snapshot``); the writer only merges it
    with the articles committed after the snapshot (``update_related``)."""

    snapshot_max: int  # highest article id indexed in the snapshot: every one indexed later is the writer's
    n_docs: int  # documents counted in the snapshot's frequencies (this article included)
    scores: dict[int, float]  # candidate -> cosine (vector weighed with the snapshot's df)
    hits: dict[int, list[int]]  # fingerprint -> snapshot articles holding it
    aligned: dict[int, tuple[int, str] | None]  # other -> (duplicate, spans other-first) / none


def prepare(title: str | None, text: str) -> Prepared:
    """Features and fingerprints of one article (no library access)."""
    full = (title or "") + "\n" + text
    content = [
        _stem(w)
        for w in (m.group(0).lower() for m in _WORD.finditer(full))
        if len(w) > 1 and w not in _STOP
    ]
    counted: Counter[str] = Counter(content)
    pair_counts: Counter[tuple[str, str]] = Counter(pairwise(content))
    for key, _surface in _names(full):
        parts = key.split()
        counted.update("E:" + p for p in parts)
        if len(parts) > 1:
            counted["P:" + key] += 1
    counted.update("N:" + m.group(0) for m in _NUMBER.finditer(full))
    hashes = {term: _hash(term) for term in counted}
    return Prepared(
        counted=[(hashes[t], tf) for t, tf in counted.items()],
        pairs=[
            (_hash(a + "_" + b), tf, hashes[a], hashes[b]) for (a, b), tf in pair_counts.items()
        ],
        words=[(hashes[t], t) for t in counted if ":" not in t and t.isalnum()],
        prints=fingerprints(text),
    )


def _pack_vector(vector: dict[int, float]) -> tuple[bytes, bytes]:
    """(sorted 24-bit term hashes, 3 bytes each little-endian; uint8 sqrt-quantised weights)
    of the ``VECTOR_TERMS`` heaviest terms."""
    if len(vector) > VECTOR_TERMS:
        heavy = sorted(vector, key=lambda k: (-vector[k], k))[:VECTOR_TERMS]
        keys = sorted(heavy)
    else:
        keys = sorted(vector)
    wide = array("I", keys)
    if sys.byteorder != "little":
        wide.byteswap()
    raw = wide.tobytes()
    terms = bytearray(3 * len(keys))
    for k in range(3):
        terms[k::3] = raw[k::4]
    weights = array("B", (max(1, min(255, round(math.sqrt(vector[k]) * 255))) for k in keys))
    return bytes(terms), weights.tobytes()


def _unpack_terms(blob: bytes, count: int) -> array:
    """Term hashes of a stored vector (3 bytes each; 4 in libraries of RELATED_VERSION 1)."""
    keys = array("I")
    if len(blob) == 4 * count:
        keys.frombytes(blob)
        return keys
    wide = bytearray(4 * count)
    for k in range(3):
        wide[k::4] = blob[k::3]
    keys.frombytes(bytes(wide))
    if sys.byteorder != "little":
        keys.byteswap()
    return keys


_DEQUANT = [(q / 255.0) ** 2 for q in range(256)]


def _unpack_vector(terms: array, weights: bytes) -> dict[int, float]:
    return dict(zip(terms, map(_DEQUANT.__getitem__, weights), strict=True))


_Packed = tuple[array, bytes]  # (uint32 term hashes, uint8 quantised weights)


def _dot(query: dict[int, float], keys: set[int], packed: _Packed) -> float:
    """Dot product of a query vector (and its key set) with a stored vector."""
    terms, weights = packed
    get = query.get
    dequant = _DEQUANT
    total = 0.0
    for term, q in zip(terms, weights, strict=True):  # one pass; no set built, no bisect
        w = get(term)
        if w is not None:
            total += w * dequant[q]
    return total


# ----- passages: tokens, fingerprints, alignment -----------------------------------------


class _Tokens:
    """A text's words (casefolded); offsets, seeds and sentence starts computed when needed."""

    __slots__ = ("_bounds", "_ends", "_seeds", "_starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = [w.casefold() for w in _PLAIN_WORD.findall(text)]
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        self._seeds: list[int] | None = None
        self._bounds: list[int] | None = None

    def _offsets(self) -> None:
        spans = [m.span() for m in _PLAIN_WORD.finditer(self.text)]
        self._starts = [a for a, _ in spans]
        self._ends = [b for _, b in spans]

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._offsets()
        assert self._starts is not None
        return self._starts

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._offsets()
        assert self._ends is not None
        return self._ends

    def seeds(self) -> list[int]:
        """In-process hashes of every SEED-word gram (alignment only, never stored)."""
        if self._seeds is None:
            w = self.words
            self._seeds = list(map(hash, zip(*(w[i:] for i in range(SEED)), strict=False)))
        return self._seeds

    def bounds(self) -> list[int]:
        if self._bounds is None:
            self._bounds = _sentence_bounds(self.text)
        return self._bounds


def _tokens(text: str) -> _Tokens:
    return _Tokens(text)


def _gram_hashes(words: Sequence[str], size: int) -> list[int]:
    crc = zlib.crc32
    return [
        crc(" ".join(gram).encode("utf-8"))
        for gram in zip(*(words[i:] for i in range(size)), strict=False)
    ]


def fingerprints(text: str) -> list[int]:
    """Winnowed word-5-gram hashes: every shared run of 10+ words shares at least one."""
    hashes = _gram_hashes(_tokens(text).words, SHINGLE)
    if len(hashes) <= WINNOW:
        return sorted(set(hashes))
    chosen: set[int] = set()
    for i in range(len(hashes) - WINNOW + 1):
        chosen.add(min(hashes[i : i + WINNOW]))
    return sorted(chosen)


def _sentence_bounds(text: str) -> list[int]:
    """Sorted character offsets where sentences start (0 included)."""
    bounds = [0]
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if end < len(text) and end > bounds[-1]:
            bounds.append(end)
    return bounds


@dataclass
class Passage:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float


def _chains(a: _Tokens, b: _Tokens) -> list[tuple[int, int, int, int, int]]:
    """Runs of shared SEED-grams that follow each other in both texts, allowing edits.

    Returns (a_first_word, a_end_word, b_first_word, b_end_word, seeds) per run.
    """
    b_index: dict[int, list[int]] = {}
    for j, h in enumerate(b.seeds()):
        b_index.setdefault(h, []).append(j)
    # chains: [a0, a_last, b0, b_last, seeds]
    active: list[list[int]] = []
    done: list[list[int]] = []
    for i, h in enumerate(a.seeds()):
        positions = b_index.get(h)
        if not positions or len(positions) > 8:
            continue
        still: list[list[int]] = []
        for chain in active:
            if i - chain[1] > MAX_GAP:
                done.append(chain)
            else:
                still.append(chain)
        active = still
        for j in positions:
            best: list[int] | None = None
            for chain in active:
                di, dj = i - chain[1], j - chain[3]
                if (
                    0 < di <= MAX_GAP
                    and 0 < dj <= MAX_GAP
                    and abs(di - dj) <= MAX_GAP // 2
                    and (best is None or abs(di - dj) < abs(i - best[1] - (j - best[3])))
                ):
                    best = chain
            if best is not None:
                best[1], best[3] = i, j
                best[4] += 1
            else:
                active.append([i, i, j, j, 1])
    done.extend(active)
    return [(c[0], c[1] + SEED, c[2], c[3] + SEED, c[4]) for c in done if c[4] >= 2]


@dataclass
class _Edges:
    """Where a word span sits in its sentences: the sentence edges and the words left out."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int
    head_words: int  # words between the sentence start and the span
    tail_words: int  # words between the span and the sentence end


def _edges(bounds: list[int], tokens: _Tokens, first: int, end: int, text_len: int) -> _Edges:
    start_char, end_char = tokens.starts[first], tokens.ends[end - 1]
    sentence_start = bounds[bisect_right(bounds, start_char) - 1]
    e_idx = bisect_right(bounds, end_char - 1) - 1
    sentence_end = bounds[e_idx + 1] if e_idx + 1 < len(bounds) else text_len
    return _Edges(
        start_char,
        end_char,
        sentence_start,
        sentence_end,
        first - bisect_left(tokens.starts, sentence_start),
        bisect_left(tokens.starts, sentence_end) - end,
    )


def _snap_pair(x: _Edges, y: _Edges) -> None:
    """Widen both spans to whole sentences where only a few (edited) words are left out.

    An edit near a passage's edge leaves no seed there; when one side is nearly whole, the other
    may leave out up to twice as many words (the edit made its tail differ).
    """

    def ok(own: int, other: int) -> bool:
        return own <= SNAP_WORDS or (other <= SNAP_WORDS and own <= 2 * SNAP_WORDS)

    x_head, y_head = ok(x.head_words, y.head_words), ok(y.head_words, x.head_words)
    x_tail, y_tail = ok(x.tail_words, y.tail_words), ok(y.tail_words, x.tail_words)
    if x_head:
        x.start = x.sentence_start
    if y_head:
        y.start = y.sentence_start
    if x_tail:
        x.end = x.sentence_end
    if y_tail:
        y.end = y.sentence_end


def _sentences_in(bounds: list[int], start: int, end: int) -> int:
    return bisect_right(bounds, end - 1) - bisect_right(bounds, start) + 1


def _rstrip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def align_passages(a_text: str, b_text: str) -> list[Passage]:
    """Passages of ``a_text`` that reappear, verbatim or lightly edited, in ``b_text``.

    Seeds are shared word 4-grams; seeds that follow each other in both texts (gaps of up to
    ``MAX_GAP`` words for edits) form a passage, widened to whole sentences. Passages shorter
    than two sentences / ``MIN_PASSAGE_WORDS`` words (stock phrases, one-line quotes) are dropped.
    """
    return _align(_Tokens(a_text), _Tokens(b_text))


def _align(a: _Tokens, b: _Tokens) -> list[Passage]:
    a_text, b_text = a.text, b.text
    if len(a.words) < SEED or len(b.words) < SEED:
        return []
    chains = _chains(a, b)
    if not chains:
        return []
    a_bounds, b_bounds = a.bounds(), b.bounds()
    passages: list[Passage] = []
    for a0, a1, b0, b1, _seeds in sorted(chains):
        a_len, b_len = a1 - a0, b1 - b0
        if min(a_len, b_len) < MIN_PASSAGE_WORDS:
            continue
        matcher = difflib.SequenceMatcher(None, a.words[a0:a1], b.words[b0:b1], autojunk=False)
        similarity = matcher.ratio()
        if similarity < MIN_SIMILARITY:
            continue
        x = _edges(a_bounds, a, a0, a1, len(a_text))
        y = _edges(b_bounds, b, b0, b1, len(b_text))
        _snap_pair(x, y)
        as_, ae, a_sent = x.start, x.end, _sentences_in(a_bounds, x.start, x.end)
        bs, be, b_sent = y.start, y.end, _sentences_in(b_bounds, y.start, y.end)
        matched = sum(block.size for block in matcher.get_matching_blocks())
        if min(a_sent, b_sent) < MIN_SENTENCES and matched < LONG_SENTENCE_WORDS:
            continue
        as_, ae = _rstrip_span(a_text, as_, ae)
        bs, be = _rstrip_span(b_text, bs, be)
        if passages and as_ < passages[-1].a_end and bs < passages[-1].b_end:
            last = passages[-1]  # overlapping runs of one passage: merge
            last.a_end, last.b_end = max(last.a_end, ae), max(last.b_end, be)
            last.similarity = max(last.similarity, similarity)
            continue
        passages.append(Passage(as_, ae, bs, be, round(similarity, 3)))
    return passages


def _coverage(passages: Iterable[tuple[int, int]], length: int) -> float:
    covered = 0
    last_end = 0
    for start, end in sorted(passages):
        start = max(start, last_end)
        if end > start:
            covered += end - start
            last_end = end
    return covered / max(1, length)


def is_duplicate(passages: Sequence[Passage], a_len: int, b_len: int) -> bool:
    """Whole-article duplicate or repost: the reuse covers (nearly) all of the shorter text."""
    if not passages:
        return False
    cov_a = _coverage(((p.a_start, p.a_end) for p in passages), a_len)
    cov_b = _coverage(((p.b_start, p.b_end) for p in passages), b_len)
    shorter, longer = (cov_a, cov_b) if a_len <= b_len else (cov_b, cov_a)
    return shorter >= DUPLICATE_SHORTER and longer >= DUPLICATE_LONGER


# ----- dates ---------------------------------------------------------------------------


def _parse_published(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    return parsed.replace(tzinfo=None)


def first_published(a: str | None, b: str | None) -> str | None:
    """Return "a" or "b", whichever was published first; None when unknown or the same moment/day."""
    da, db = _parse_published(a), _parse_published(b)
    if da is None or db is None:
        return None
    date_only = (a is not None and len(a) <= 10) or (b is not None and len(b) <= 10)
    if date_only:
        if da.date() == db.date():
            return None
        return "a" if da.date() < db.date() else "b"
    if da == db:
        return None
    return "a" if da < db else "b"


def _days_apart(a: str | None, b: str | None) -> float | None:
    da, db = _parse_published(a), _parse_published(b)
    if da is None or db is None:
        return None
    return abs((da - db).total_seconds()) / 86400.0


# ----- storage helpers -------------------------------------------------------------------


def _meta_get(conn: sqlite3.Connection, key: str, default: int = 0) -> int:
    row = conn.execute("SELECT value FROM related_meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else default


def _meta_set(conn: sqlite3.Connection, key: str, value: int) -> None:
    conn.execute(
        "INSERT INTO related_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _df_of(conn: sqlite3.Connection, hashes: Sequence[int]) -> dict[int, int]:
    return dict(
        conn.execute(
            "SELECT term, df FROM related_df WHERE term IN (SELECT value FROM json_each(?))",
            (json.dumps(list(hashes)),),
        ).fetchall()
    )


def _count_df(conn: sqlite3.Connection, hashes: Sequence[int]) -> dict[int, int]:
    """Add one document to the frequencies of ``hashes``; returns their new frequencies."""
    return dict(
        conn.execute(
            "INSERT INTO related_df (term, df) SELECT value, 1 FROM json_each(?) WHERE 1 "
            "ON CONFLICT (term) DO UPDATE SET df = df + 1 RETURNING term, df",
            (json.dumps(list(hashes)),),
        ).fetchall()
    )


def _vectors_of(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, _Packed]:
    out: dict[int, _Packed] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for aid, terms, weights in conn.execute(
            f"SELECT article_id, terms, weights FROM related_docs WHERE article_id IN ({marks})",
            chunk,
        ):
            out[int(aid)] = (_unpack_terms(terms, len(weights)), bytes(weights))
    return out


def _weigh(prep: Prepared, df: dict[int, int], n_docs: int) -> dict[int, float]:
    """(1 + ln tf) * idf, L2-normalised. A word pair's idf is estimated from its two words
    (idf(a) + idf(b), at most that of a term seen once): pairs are mostly unique, and counting
    them took most of the index's writes and a third of its size."""
    log_n = math.log(max(n_docs, 2))
    log = math.log
    vector: dict[int, float] = {}
    idf_of: dict[int, float] = {}
    for h, tf in prep.counted:
        idf = log_n - log(max(1, df.get(h, 1)))
        idf_of[h] = idf
        if idf <= 0:
            continue
        vector[h] = vector.get(h, 0.0) + (1.0 + log(tf)) * idf
    for h, tf, a, b in prep.pairs:
        idf = min(log_n, idf_of.get(a, 0.0) + idf_of.get(b, 0.0))
        if idf <= 0:
            continue
        vector[h] = vector.get(h, 0.0) + (1.0 + log(tf)) * idf
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {h: w / norm for h, w in vector.items()}


def _fts_query(prep: Prepared, vector: dict[int, float], df: dict[int, int]) -> str:
    """An FTS5 OR query of the article's most distinctive plain words present elsewhere.

    Ranking every match costs time in proportion to the words' posting lists, so the words
    together may match at most ``FTS_MAX_POSTINGS`` documents (rarer words are kept first).
    """
    scored = []
    for h, term in prep.words:
        n = df.get(h, 0)
        if n >= 2 and h in vector:
            scored.append((vector[h], n, term))
    scored.sort(reverse=True)
    chosen: list[str] = []
    budget = FTS_MAX_POSTINGS
    for _weight, n, term in scored:
        if n > budget:
            continue
        budget -= n
        chosen.append(term)
        if len(chosen) >= FTS_QUERY_TERMS:
            break
    return " OR ".join(f'"{term}"' for term in chosen)


def _candidates(conn: sqlite3.Connection, query: str, exclude: int, bound: int) -> list[int]:
    """Best FTS5 matches among indexed articles. Articles stored but not yet indexed (an
    import's second pass takes them in id order) would only take candidate places: the ids
    are bounded by the highest indexed one (``bound``, from ``_max_indexed``)."""
    if not query:
        return []
    try:
        rows = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid <= ? "
            "ORDER BY rank LIMIT ?",
            (query, bound, FTS_CANDIDATES + 1),
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    return [int(r[0]) for r in rows if int(r[0]) != exclude]


# ----- indexing one article ----------------------------------------------------------------


def _article(conn: sqlite3.Connection, article_id: int) -> tuple[str | None, str, str | None]:
    row = conn.execute(
        "SELECT title, reader_text(text), published FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        raise ArticleNotFound(article_id)
    return row[0], row[1] or "", row[2]


def _unindex(conn: sqlite3.Connection, article_id: int) -> bool:
    """Remove one article from the indexes (df, fingerprints, lists, reuse). False if absent."""
    row = conn.execute(
        "SELECT terms, prints, weights FROM related_docs WHERE article_id = ?", (article_id,)
    ).fetchone()
    conn.execute("DELETE FROM related_links WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM related_links WHERE other_id = ?", (article_id,))
    conn.execute("DELETE FROM related_reuse WHERE a_id = ?", (article_id,))
    conn.execute("DELETE FROM related_reuse WHERE b_id = ?", (article_id,))
    if row is None:
        return False
    terms, prints = _unpack_terms(row[0], len(row[2])), array("I")
    prints.frombytes(row[1])  # empty since RELATED_VERSION 4: recomputed from the text
    conn.executemany("UPDATE related_df SET df = df - 1 WHERE term = ?", ((t,) for t in terms))
    conn.executemany("DELETE FROM related_df WHERE term = ? AND df <= 0", ((t,) for t in terms))
    text = conn.execute("SELECT reader_text(text) FROM articles WHERE id = ?", (article_id,)).fetchone()
    if prints or text is not None:
        # the stored text may have changed since it was indexed: drop both sets of prints
        known = set(prints) | set(fingerprints(text[0] or "") if text is not None else ())
        conn.executemany(
            "DELETE FROM related_prints WHERE print = ? AND article_id = ?",
            ((p, article_id) for p in known),
        )
    else:  # the article is gone and its prints were not stored: one scan (rare)
        conn.execute("DELETE FROM related_prints WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM related_docs WHERE article_id = ?", (article_id,))
    _meta_set(conn, "n_docs", max(0, _meta_get(conn, "n_docs") - 1))
    return True


def _store_vector(
    conn: sqlite3.Connection,
    article_id: int,
    vector: dict[int, float],
    prints: Sequence[int],
    *,
    with_prints: bool = True,
) -> None:
    terms, weights = _pack_vector(vector)
    conn.execute(
        "INSERT OR REPLACE INTO related_docs (article_id, version, terms, weights, prints) "
        "VALUES (?, ?, ?, ?, ?)",
        (article_id, RELATED_VERSION, terms, weights, b""),  # prints: in related_prints only
    )
    if with_prints:
        conn.executemany(
            "INSERT OR IGNORE INTO related_prints (print, article_id) VALUES (?, ?)",
            ((p, article_id) for p in prints),
        )


def _best_links(article_id: int, scores: dict[int, float]) -> list[tuple[int, int, float]]:
    best = sorted(((s, o) for o, s in scores.items() if s >= MIN_LINK_SCORE), reverse=True)
    return [(article_id, o, round(s, 5)) for s, o in best[:K_LIST]]


def _link(
    conn: sqlite3.Connection, article_id: int, scores: dict[int, float], *, update_others: bool
) -> None:
    """Store the article's best neighbours and (optionally) enter it into theirs."""
    conn.executemany(
        "INSERT OR REPLACE INTO related_links (article_id, other_id, score) VALUES (?, ?, ?)",
        _best_links(article_id, scores),
    )
    if not update_others:
        return
    eligible = {o: s for o, s in scores.items() if s >= MIN_LINK_SCORE}
    if not eligible:
        return
    state: dict[int, tuple[int, float]] = {}
    for chunk in _chunks(list(eligible)):
        marks = ",".join("?" * len(chunk))
        for aid, n, low in conn.execute(
            f"SELECT article_id, COUNT(*), MIN(score) FROM related_links "
            f"WHERE article_id IN ({marks}) GROUP BY article_id",
            chunk,
        ):
            state[int(aid)] = (int(n), float(low))
    for other, score in eligible.items():
        n, low = state.get(other, (0, 0.0))
        if n < K_LIST:
            conn.execute(
                "INSERT OR REPLACE INTO related_links (article_id, other_id, score) "
                "VALUES (?, ?, ?)",
                (other, article_id, round(score, 5)),
            )
        elif score > low:
            conn.execute(
                "DELETE FROM related_links WHERE article_id = ? AND other_id = ("
                "SELECT other_id FROM related_links WHERE article_id = ? "
                "ORDER BY score, other_id LIMIT 1)",
                (other, other),
            )
            conn.execute(
                "INSERT OR REPLACE INTO related_links (article_id, other_id, score) "
                "VALUES (?, ?, ?)",
                (other, article_id, round(score, 5)),
            )


_ReuseRow = tuple[int, int, int, str]  # (a_id, b_id, duplicate, passages JSON)


def _find_reuse(
    conn: sqlite3.Connection,
    article_id: int,
    text: str,
    prints: Sequence[int],
    *,
    only_older: bool,
) -> None:
    """Align the article with those sharing fingerprints; store reused passages."""
    _store_reuse(conn, _reuse_of(conn, article_id, text, prints, only_older=only_older))


def _store_reuse(conn: sqlite3.Connection, rows: Iterable[_ReuseRow]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO related_reuse (a_id, b_id, duplicate, passages) "
        "VALUES (?, ?, ?, ?)",
        rows,
    )


def _reuse_of(
    conn: sqlite3.Connection,
    article_id: int,
    text: str,
    prints: Sequence[int],
    *,
    only_older: bool,
) -> list[_ReuseRow]:
    """Reused passages between the article and those sharing fingerprints (reads only)."""
    shared: Counter[int] = Counter()
    hits: dict[int, list[int]] = {}
    for p, aid in conn.execute(
        "SELECT print, article_id FROM related_prints "
        "WHERE print IN (SELECT value FROM json_each(?)) AND article_id != ?",
        (json.dumps(list(prints)), article_id),
    ):
        hits.setdefault(int(p), []).append(int(aid))
    for ids in hits.values():
        if len(ids) <= COMMON_PRINT_ARTICLES:
            shared.update(ids)
    others = [
        aid
        for aid, n in shared.most_common()
        if n >= MIN_SHARED_PRINTS and (not only_older or aid < article_id)
    ][:MAX_ALIGN]
    mine = _Tokens(text)
    rows: list[_ReuseRow] = []
    for other in others:
        row = conn.execute("SELECT reader_text(text) FROM articles WHERE id = ?", (other,)).fetchone()
        if row is None:
            continue
        other_text = row[0] or ""
        passages = _align(mine, _Tokens(other_text))
        if not passages:
            continue
        duplicate = is_duplicate(passages, len(text), len(other_text))
        a_id, b_id = min(article_id, other), max(article_id, other)
        if a_id == article_id:
            spans = [[p.a_start, p.a_end, p.b_start, p.b_end, p.similarity] for p in passages]
        else:
            spans = [[p.b_start, p.b_end, p.a_start, p.a_end, p.similarity] for p in passages]
            spans.sort()
        rows.append((a_id, b_id, int(duplicate), json.dumps(spans, separators=(",", ":"))))
    return rows


def _index_article(
    conn: sqlite3.Connection, article_id: int, prepared: Prepared | None = None
) -> tuple[Prepared, dict[int, float], dict[int, int], str]:
    """Count the article in the df table and store its vector and fingerprints."""
    title, text, _published = _article(conn, article_id)
    prep = prepared if prepared is not None else prepare(title, text)
    df = _count_df(conn, sorted({h for h, _tf in prep.counted}))
    n_docs = _meta_get(conn, "n_docs") + 1
    _meta_set(conn, "n_docs", n_docs)
    vector = _weigh(prep, df, n_docs)
    _store_vector(conn, article_id, vector, prep.prints)
    return prep, vector, df, text


def _neighbours(
    conn: sqlite3.Connection,
    article_id: int,
    prep: Prepared,
    vector: dict[int, float],
    df: dict[int, int],
) -> dict[int, float]:
    ids = _candidates(conn, _fts_query(prep, vector, df), article_id, _max_indexed(conn))
    vectors = _vectors_of(conn, ids)
    keys = set(vector)
    return {other: _dot(vector, keys, v) for other, v in vectors.items()}


# ----- public API ------------------------------------------------------------------------


def update_related(
    library: Library, article_id: int, prepared: Prepared | None = None
) -> None:
    """Index a newly imported (or changed) article, link it and update older articles' lists.

    Runs in its own transaction (a savepoint inside the caller's, if any). ``prepared`` is
    ``prepare(title, text)`` of the stored article when the caller already has it (import
    workers compute it, and with it, in ``prepared.found``, the neighbour search and passage
    alignment against a snapshot of the library: then only the articles committed after the
    snapshot are searched here). In small libraries (under ``REBUILD_BELOW`` articles) the
    vectors and lists are rebuilt each time the library has doubled since the last build,
    because document frequencies are still moving a lot (passages do not depend on them and
    are kept).
    """
    conn = library.conn
    with library.transaction():
        _unindex(conn, article_id)
        prep, vector, df, text = _index_article(conn, article_id, prepared)
        found = prep.found
        if found is not None and article_id <= found.snapshot_max:
            found = None  # an id reused since the snapshot: search here
        n_docs = _meta_get(conn, "n_docs")
        built = _meta_get(conn, "built_n")
        if n_docs < REBUILD_BELOW and n_docs >= max(8, 2 * built):
            _rebuild(library, None, passages=False)
        else:
            if found is None:
                scores = _neighbours(conn, article_id, prep, vector, df)
            else:
                scores = _merge_neighbours(conn, article_id, vector, found, n_docs)
            _link(conn, article_id, scores, update_others=True)
        if found is None:
            _find_reuse(conn, article_id, text, prep.prints, only_older=False)
        else:
            _store_reuse(conn, _merge_reuse(conn, article_id, text, prep.prints, found))


def search_snapshot(conn: sqlite3.Connection, prep: Prepared, text: str) -> Found:
    """In an import worker: candidates, cosines and passages of a new article against a
    read-only connection to the library (one read transaction, so one consistent snapshot).

    The vector is weighed as the writer will weigh it (the article counted once more in the
    document frequencies), but with the snapshot's counts: articles committed since differ by
    a few documents in tens of thousands, which moves a cosine in its third decimal at most.
    """
    conn.execute("BEGIN")
    try:
        # the newest article indexed: every one indexed after it is the writer's to merge
        snapshot_max = _max_indexed(conn)
        n_docs = _meta_get(conn, "n_docs") + 1
        hashes = sorted({h for h, _tf in prep.counted})
        df = {h: n + 1 for h, n in _df_of(conn, hashes).items()}
        for h in hashes:
            df.setdefault(h, 1)
        vector = _weigh(prep, df, n_docs)
        scores: dict[int, float] = {}
        if n_docs >= REBUILD_BELOW:  # smaller libraries are relinked by the writer anyway
            ids = _candidates(conn, _fts_query(prep, vector, df), -1, snapshot_max)
            keys = set(vector)
            scores = {o: _dot(vector, keys, v) for o, v in _vectors_of(conn, ids).items()}
        hits = _print_hits(conn, prep.prints, -1, 0)
        mine = _Tokens(text)
        aligned: dict[int, tuple[int, str] | None] = {}
        for other in _reuse_choice(hits, None):
            aligned[other] = _aligned_with(conn, mine, other)
    finally:
        conn.execute("COMMIT")
    return Found(snapshot_max, n_docs, scores, hits, aligned)


def _max_indexed(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT MAX(article_id) FROM related_docs").fetchone()
    return int(row[0] or 0)


def _print_hits(
    conn: sqlite3.Connection, prints: Sequence[int], exclude: int, above: int
) -> dict[int, list[int]]:
    """Fingerprint -> articles (id > ``above``, not ``exclude``) holding it."""
    hits: dict[int, list[int]] = {}
    for p, aid in conn.execute(
        "SELECT print, article_id FROM related_prints "
        "WHERE print IN (SELECT value FROM json_each(?)) AND article_id != ? AND article_id > ?",
        (json.dumps(list(prints)), exclude, above),
    ):
        hits.setdefault(int(p), []).append(int(aid))
    return hits


def _reuse_choice(hits: dict[int, list[int]], older_than: int | None) -> list[int]:
    """Articles to align with: sharing enough fingerprints that are not stock phrases."""
    shared: Counter[int] = Counter()
    for ids in hits.values():
        if len(ids) <= COMMON_PRINT_ARTICLES:
            shared.update(ids)
    return [
        aid
        for aid, n in shared.most_common()
        if n >= MIN_SHARED_PRINTS and (older_than is None or aid < older_than)
    ][:MAX_ALIGN]


def _aligned_with(
    conn: sqlite3.Connection, mine: _Tokens, other: int
) -> tuple[int, str] | None:
    """(duplicate, spans JSON with the other article's offsets first) or None (no passage)."""
    row = conn.execute("SELECT reader_text(text) FROM articles WHERE id = ?", (other,)).fetchone()
    if row is None:
        return None
    other_text = row[0] or ""
    passages = _align(mine, _Tokens(other_text))
    if not passages:
        return None
    duplicate = is_duplicate(passages, len(mine.text), len(other_text))
    spans = sorted([p.b_start, p.b_end, p.a_start, p.a_end, p.similarity] for p in passages)
    return int(duplicate), json.dumps(spans, separators=(",", ":"))


def _merge_neighbours(
    conn: sqlite3.Connection,
    article_id: int,
    vector: dict[int, float],
    found: Found,
    n_docs: int,
) -> dict[int, float]:
    """The worker's candidates (still in the library) plus every article indexed since its
    snapshot, scored exactly (a superset of what the one-by-one FTS search would return).

    The worker's cosines are kept unless its document frequencies lag by more than 1 % of the
    library (a small library, or a long wait): then its candidates are re-scored here."""
    keys = set(vector)
    scores: dict[int, float] = {}
    if found.scores and (n_docs - found.n_docs) * 100 > n_docs:
        stored = _vectors_of(conn, found.scores)
        scores = {o: _dot(vector, keys, v) for o, v in stored.items()}
    elif found.scores:
        alive = {
            int(r[0])
            for r in conn.execute(
                "SELECT article_id FROM related_docs "
                "WHERE article_id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(found.scores)),),
            )
        }
        scores = {o: s for o, s in found.scores.items() if o in alive}
    for aid, terms, weights in conn.execute(
        "SELECT article_id, terms, weights FROM related_docs WHERE article_id > ? "
        "AND article_id != ?",
        (found.snapshot_max, article_id),
    ):
        packed = (_unpack_terms(terms, len(weights)), bytes(weights))
        scores[int(aid)] = _dot(vector, keys, packed)
    return scores


def _merge_reuse(
    conn: sqlite3.Connection, article_id: int, text: str, prints: Sequence[int], found: Found
) -> list[_ReuseRow]:
    """Passages: the worker's alignments, plus those with articles indexed since its snapshot;
    chosen over all fingerprints exactly as one-by-one import would."""
    hits = {p: list(ids) for p, ids in found.hits.items()}
    for p, ids in _print_hits(conn, prints, article_id, found.snapshot_max).items():
        hits.setdefault(p, []).extend(ids)
    mine: _Tokens | None = None
    rows: list[_ReuseRow] = []
    for other in _reuse_choice(hits, None):
        if other in found.aligned:
            result = found.aligned[other]
        else:
            mine = mine or _Tokens(text)
            result = _aligned_with(conn, mine, other)
        if result is None:
            continue
        a_id, b_id = min(article_id, other), max(article_id, other)
        duplicate, spans = result
        if a_id == article_id:  # only when an older id came back: flip to this article first
            flipped = sorted([s[2], s[3], s[0], s[1], s[4]] for s in json.loads(spans))
            spans = json.dumps(flipped, separators=(",", ":"))
        rows.append((a_id, b_id, duplicate, spans))
    return rows


def remove_related(library: Library, article_id: int) -> None:
    """Forget an article (call before or after deleting it); other lists just lose it."""
    with library.transaction():
        _unindex(library.conn, article_id)


def rebuild_related(
    library: Library, progress: Callable[[int, int], None] | None = None, *, workers: int = 1
) -> None:
    """Recompute every index, list and passage from the articles (one transaction).

    With ``workers > 1`` the lists and passages (the slow pass) are computed in that many
    processes reading a snapshot of the library; this process writes them.
    """
    if workers > 1 and library.count() > 2000:
        with library.transaction():
            _rebuild(library, progress, link=False)
        _link_pass_parallel(library, progress, workers)
        return
    with library.transaction():
        _rebuild(library, progress)


def _rebuild(
    library: Library,
    progress: Callable[[int, int], None] | None,
    *,
    link: bool = True,
    passages: bool = True,
) -> None:
    """All passes of a rebuild; ``link=False`` stops after the indexes (benchmarks use it),
    ``passages=False`` keeps the fingerprints and reused passages (they do not depend on
    document frequencies)."""
    conn = library.conn
    tables = ["related_docs", "related_df", "related_links"]
    if passages:
        tables += ["related_prints", "related_reuse"]
    for table in tables:
        conn.execute(f"DELETE FROM {table}")
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    total = len(ids)
    keep = total <= 5000

    def prepared(aid: int) -> tuple[Prepared, str]:
        if aid in prep_of:
            return prep_of[aid], text_of[aid]
        title, text, _ = _article(conn, aid)
        prep = prepare(title, text)
        if keep:
            prep_of[aid], text_of[aid] = prep, text
        return prep, text

    prep_of: dict[int, Prepared] = {}
    text_of: dict[int, str] = {}
    # pass 1: document frequencies
    df_counts: Counter[int] = Counter()
    for aid in ids:
        df_counts.update({h for h, _tf in prepared(aid)[0].counted})
    conn.executemany("INSERT INTO related_df (term, df) VALUES (?, ?)", df_counts.items())
    _meta_set(conn, "n_docs", total)
    _meta_set(conn, "built_n", total)
    _meta_set(conn, "version", RELATED_VERSION)
    df = dict(df_counts)
    del df_counts
    # pass 2: vectors and fingerprints
    vectors: dict[int, dict[int, float]] = {}
    for aid in ids:
        prep, _text = prepared(aid)
        vector = _weigh(prep, df, total)
        if keep:
            vectors[aid] = vector
        _store_vector(conn, aid, vector, prep.prints)
    if not link:
        return
    # pass 3: neighbour lists and passages (each pair aligned once: with the older article)
    for done, aid in enumerate(ids, 1):
        prep, text = prepared(aid)
        vector = vectors.get(aid) or _unpack_vector(*_vectors_of(conn, [aid])[aid])
        scores = _neighbours(conn, aid, prep, vector, df)
        _link(conn, aid, scores, update_others=False)
        if passages:
            _find_reuse(conn, aid, text, prep.prints, only_older=True)
        if progress is not None:
            progress(done, total)


_WORKER_CONN: sqlite3.Connection | None = None


def _link_worker_init(path: str) -> None:
    global _WORKER_CONN
    _WORKER_CONN = connect_read_only(path)


def _link_worker(
    ids: list[int],
) -> list[tuple[list[tuple[int, int, float]], list[_ReuseRow]]]:
    """In a worker: neighbour lists and passages of ``ids`` (each pair aligned with the older)."""
    conn = _WORKER_CONN
    assert conn is not None
    n_docs = _meta_get(conn, "n_docs")
    out = []
    for aid in ids:
        title, text, _ = _article(conn, aid)
        prep = prepare(title, text)
        df = _df_of(conn, sorted({h for h, _tf in prep.counted}))
        vector = _weigh(prep, df, n_docs)
        scores = _neighbours(conn, aid, prep, vector, df)
        out.append((_best_links(aid, scores), _reuse_of(conn, aid, text, prep.prints, only_older=True)))
    return out


def _link_pass_parallel(
    library: Library, progress: Callable[[int, int], None] | None, workers: int
) -> None:
    """Pass 3 of a rebuild in ``workers`` processes; the caller's connection writes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    conn = library.conn
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    chunks = [ids[i : i + 200] for i in range(0, len(ids), 200)]
    done = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_link_worker_init, initargs=(str(library.path),)
    ) as pool:
        for results in pool.map(_link_worker, chunks):
            with library.transaction():
                for links, reuse in results:
                    conn.executemany(
                        "INSERT OR REPLACE INTO related_links (article_id, other_id, score) "
                        "VALUES (?, ?, ?)",
                        links,
                    )
                    _store_reuse(conn, reuse)
            done += len(results)
            if progress is not None:
                progress(done, len(ids))


def _lists(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, list[tuple[int, float]]]:
    out: dict[int, list[tuple[int, float]]] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for aid, other, score in conn.execute(
            f"SELECT article_id, other_id, score FROM related_links WHERE article_id IN ({marks})",
            chunk,
        ):
            out.setdefault(int(aid), []).append((int(other), float(score)))
    for items in out.values():
        items.sort(key=lambda x: -x[1])
    return out


def _mutual_vectors(
    lists: dict[int, list[tuple[int, float]]], ids: Iterable[int]
) -> dict[int, dict[int, float]]:
    """k-reciprocal neighbourhood vectors: j's top-k that have j in their own top-k, plus j."""
    kth: dict[int, float] = {}
    for aid, items in lists.items():
        kth[aid] = items[K_MUTUAL - 1][1] if len(items) >= K_MUTUAL else 0.0
    out: dict[int, dict[int, float]] = {}
    for aid in ids:
        items = lists.get(aid, [])
        if not items:
            out[aid] = {aid: 1.0}
            continue
        vec = {aid: items[0][1]}
        for other, score in items[:K_MUTUAL]:
            if other in kth and score >= kth[other]:
                vec[other] = score
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out[aid] = {k: v / norm for k, v in vec.items()}
    return out


def ranked_scores(library: Library, article_id: int) -> list[tuple[int, float]]:
    """(other id, combined score in 0..1) best first, from the stored lists only."""
    conn = library.conn
    lists = _lists(conn, [article_id])
    own = lists.get(article_id, [])
    direct = dict(own)
    top = [o for o, _ in own[:K_MUTUAL]]
    lists.update(_lists(conn, top))
    candidates = set(direct)
    for m in top:
        candidates.update(o for o, _ in lists.get(m, [])[:K_MUTUAL])
    candidates.discard(article_id)
    # direct scores of candidates met only through neighbours (symmetric cosine)
    missing = [c for c in candidates if c not in lists]
    lists.update(_lists(conn, missing))
    for c in candidates:
        if c not in direct:
            for other, score in lists.get(c, []):
                if other == article_id:
                    direct[c] = score
                    break
    # k-th scores for everyone in the candidates' top-k
    second = {o for c in candidates for o, _ in lists.get(c, [])[:K_MUTUAL]} - set(lists)
    lists.update(_lists(conn, second))
    mutual = _mutual_vectors(lists, [article_id, *candidates])
    mine = mutual[article_id]
    out = []
    for c in candidates:
        theirs = mutual[c]
        s2 = sum(w * theirs.get(k, 0.0) for k, w in mine.items())
        combined = (direct.get(c, 0.0) + MUTUAL_WEIGHT * s2) / (1.0 + MUTUAL_WEIGHT)
        if combined > 0:
            out.append((c, combined))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out


def _reuse_rows(
    conn: sqlite3.Connection, article_id: int
) -> dict[int, tuple[bool, list[dict[str, Any]]]]:
    """Reused passages with each other article, offsets as seen from ``article_id``."""
    out: dict[int, tuple[bool, list[dict[str, Any]]]] = {}
    for a_id, b_id, dup, data in conn.execute(
        "SELECT a_id, b_id, duplicate, passages FROM related_reuse WHERE a_id = ? "
        "UNION ALL SELECT a_id, b_id, duplicate, passages FROM related_reuse WHERE b_id = ?",
        (article_id, article_id),
    ):
        spans = json.loads(data)
        mine_first = int(a_id) == article_id
        other = int(b_id) if mine_first else int(a_id)
        passages = []
        for s in spans:
            ts, te, os_, oe = (s[0], s[1], s[2], s[3]) if mine_first else (s[2], s[3], s[0], s[1])
            passages.append(
                {
                    "this_start": ts,
                    "this_end": te,
                    "other_start": os_,
                    "other_end": oe,
                    "similarity": s[4],
                }
            )
        passages.sort(key=lambda p: p["this_start"])
        out[other] = (bool(dup), passages)
    return out


def shared_names(text_a: str, text_b: str, limit: int = 6) -> list[str]:
    """Names (people, places, organisations) both texts mention, most specific first."""

    def keyed(text: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, surface in _names(text):
            found.setdefault(key, surface)
        return found

    a, b = keyed(text_a), keyed(text_b)
    common = [k for k in a if k in b]
    # whole multi-word names first, then single words not already inside one of them
    common.sort(key=lambda k: (-len(k.split()), k))
    chosen: list[str] = []
    words_used: set[str] = set()
    for key in common:
        parts = set(key.split())
        if len(parts) == 1 and parts <= words_used:
            continue
        if len(key) < 3:
            continue
        chosen.append(a[key])
        words_used |= parts
        if len(chosen) >= limit:
            break
    return chosen


def _relation(score: float, duplicate: bool, days: float | None) -> str:
    if duplicate:
        return "duplicate"
    if score >= SAME_STORY_SCORE and (days is None or days <= FAR_APART_DAYS):
        return "same story"
    return "related"


def related_for(library: Library, article_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The related-coverage panel for one article, best first (reads precomputed data only).

    Each item: id, title, site, published, score (0–1), relation ("duplicate", "same story",
    "related"), shared_passages (offsets into this / the other article's text), shared_names,
    first_published ("this", "other" or None).
    """
    conn = library.conn
    me = conn.execute(
        "SELECT title, reader_text(text), published FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if me is None:
        raise ArticleNotFound(article_id)
    ranked = ranked_scores(library, article_id)
    reuse = _reuse_rows(conn, article_id)
    scores = {c: s for c, s in ranked if s >= RELATED_SCORE}
    for other, (dup, _p) in reuse.items():
        floor = 1.0 if dup else RELATED_SCORE
        scores[other] = max(scores.get(other, 0.0), floor)
    order = sorted(scores, key=lambda c: (-scores[c], c))[: max(0, limit)]
    rows: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(order):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, title, site, published, reader_text(text) FROM articles WHERE id IN ({marks})", chunk
        ):
            rows[int(row[0])] = row
    my_text = (me[0] or "") + "\n" + (me[1] or "")
    items: list[dict[str, Any]] = []
    for other in order:
        if other not in rows:
            continue
        _id, title, site, published, text = rows[other]
        dup, passages = reuse.get(other, (False, []))
        first = first_published(me[2], published)
        names = shared_names(my_text, (title or "") + "\n" + (text or ""))
        days = _days_apart(me[2], published)
        relation = _relation(scores[other], dup, days)
        if relation == "related" and passages and len(names) >= 2 and (
            days is None or days <= FAR_APART_DAYS
        ):
            # Shared paragraphs about the same people at about the same time: one story told
            # twice (a press release, wire copy) even when the rest of the wording differs.
            relation = "same story"
        items.append(
            {
                "id": other,
                "title": title,
                "site": site,
                "published": published,
                "score": round(min(1.0, scores[other]), 3),
                "relation": relation,
                "shared_passages": passages,
                "shared_names": names,
                "first_published": {"a": "this", "b": "other"}.get(first or ""),
            }
        )
    return items


def compare_articles(library: Library, a: int, b: int) -> dict[str, Any]:
    """Two articles side by side: their reused passages aligned, and which came first.

    Computed on the fly (one alignment, a few milliseconds), so it works for any pair.
    """
    rows = {}
    for aid in (a, b):
        row = library.conn.execute(
            "SELECT id, title, site, published, reader_text(text) FROM articles WHERE id = ?", (aid,)
        ).fetchone()
        if row is None:
            raise ArticleNotFound(aid)
        rows[aid] = row
    text_a, text_b = rows[a][4] or "", rows[b][4] or ""
    passages = align_passages(text_a, text_b) if a != b else []
    return {
        "a": {"id": a, "title": rows[a][1], "site": rows[a][2], "published": rows[a][3]},
        "b": {"id": b, "title": rows[b][1], "site": rows[b][2], "published": rows[b][3]},
        "passages": [
            {
                "a_start": p.a_start,
                "a_end": p.a_end,
                "b_start": p.b_start,
                "b_end": p.b_end,
                "similarity": p.similarity,
            }
            for p in passages
        ],
        "duplicate": is_duplicate(passages, len(text_a), len(text_b)),
        "first_published": first_published(rows[a][3], rows[b][3]),
    }


def format_related(items: list[dict[str, Any]]) -> str:
    """Readable text for ``reader related ID``."""
    if not items:
        return "No related coverage in the library."
    lines: list[str] = []
    for item in items:
        date = (item.get("published") or "")[:10] or "undated"
        site = item.get("site") or "unknown outlet"
        head = f"#{item['id']}  {item.get('title') or '(untitled)'}"
        lines.append(head)
        detail = f"    {item['relation']} ({item['score']:.2f}) · {site} · {date}"
        if item.get("first_published") == "other":
            detail += " · published earlier"
        elif item.get("first_published") == "this":
            detail += " · published later"
        lines.append(detail)
        if item.get("shared_names"):
            lines.append("    shares: " + ", ".join(item["shared_names"]))
        passages = item.get("shared_passages") or []
        if passages:
            sims = ", ".join(f"{p['similarity']:.0%}" for p in passages[:5])
            lines.append(f"    {len(passages)} reused passage(s) (similarity {sims})")
    return "\n".join(lines)
