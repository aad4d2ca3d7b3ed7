"""Attribution engine: who says what in a news article, and how well sourced it is.

Rule-based and deterministic.  The text is cut into paragraphs, quotations and sentences
(``reader.core.sentences``), each sentence is tokenised, and every reporting cue found from
the lexicons in ``resources/lexicons/`` (verbs of saying, "according to", agentless
passives) is given a source (subject on the left, inverted "said X", "according to X",
participle ", saying") and a content (the clause after "that", the quote, or the text
before a trailing ", X said.").  Sources are typed with lexicons of vague nouns, media,
documents, organisations, roles and places; pronouns and definite descriptions are resolved
to the last named source.  See docs/attribution.md.

All loops are linear in the text (bounded look-back windows), so pathological input costs
no more than ordinary input of the same size.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reader.core.sentences import (
    QUOTE_CHARS,
    QuoteRegion,
    normalise_quotes,
    paragraphs,
    quote_regions,
    split_sentences,
)

ANALYZER_VERSION = 8

SOURCE_TYPES = ("named_person", "named_organization", "unnamed", "media", "document", "self")
# How readers name the kinds of attribution (the panel, tooltips and exports).
KIND_LABELS = {"direct": "direct quote", "indirect": "paraphrase", "mixed": "partial quote"}

LEXICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "lexicons"


# --------------------------------------------------------------------------------------
# Public records


@dataclass
class Span:
    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Attribution:
    source: Span | None
    cue: Span
    content: Span
    kind: str  # direct | indirect | mixed
    source_type: str  # one of SOURCE_TYPES
    source_resolved: str | None
    vague_trigger: str | None
    agentless: bool = False  # "it was reported": no source at all

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.to_json() if self.source else None,
            "cue": self.cue.to_json(),
            "content": self.content.to_json(),
            "kind": self.kind,
            "source_type": self.source_type,
            "source_resolved": self.source_resolved,
            "vague_trigger": self.vague_trigger,
        }


@dataclass
class UnattributedClaim:
    text: str
    start: int
    end: int
    reason: str  # "number" | "accusation" | "assertive phrase"

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "reason": self.reason}


@dataclass
class ArticleAnalysis:
    attributions: list[Attribution] = field(default_factory=list)
    unattributed_claims: list[UnattributedClaim] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "attributions": [a.to_json() for a in self.attributions],
            "profile": self.profile,
            "unattributed_claims": [c.to_json() for c in self.unattributed_claims],
        }


# --------------------------------------------------------------------------------------
# Lexicons


def _read_lines(name: str) -> list[str]:
    path = LEXICON_DIR / name
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError:
        return []  # a missing lexicon degrades recall; it must not break imports
    out = []
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.lower())
    return out


def _inflect(base: str) -> list[str]:
    """Regular inflections of an English verb (good enough for the reporting-verb list)."""
    forms = [base]
    vowels = "aeiou"
    if base.endswith("e"):
        forms += [base + "s", base + "d", base[:-1] + "ing"]
    elif base.endswith("y") and len(base) > 2 and base[-2] not in vowels:
        forms += [base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms += [base + "es", base + "ed", base + "ing"]
    else:
        forms += [base + "s", base + "ed", base + "ing"]
        # Doubling for short CVC verbs ("admit" -> "admitted", "plan" -> "planned").
        if (
            len(base) >= 3
            and base[-1] not in vowels + "wxy"
            and base[-2] in vowels
            and base[-3] not in vowels
            and (len(base) <= 4 or base.endswith(("mit", "fer", "pel", "cur")))
        ):
            forms += [base + base[-1] + "ed", base + base[-1] + "ing"]
    return forms


@dataclass
class _VerbInfo:
    lemma: str
    weak: bool
    rest: tuple[str, ...]  # further words of a multi-word cue ("on" in "call on")


class _Lexicon:
    def __init__(self) -> None:
        # form -> list of entries (multi-word entries first, longest first)
        self.verbs: dict[str, list[_VerbInfo]] = {}
        self.past_participles: set[str] = set()
        self.ing_forms: set[str] = set()
        speech = _read_lines("speech_verbs.txt")
        speech_lemmas = {e.split()[0] for e in speech if " " not in e or len(e.split()) >= 1}
        for weak, entries in ((False, speech), (True, _read_lines("weak_verbs.txt"))):
            for entry in entries:
                self._add(entry, weak, speech_lemmas)
        for forms in self.verbs.values():
            forms.sort(key=lambda v: -len(v.rest))
        self.vague = set(_read_lines("vague_sources.txt"))
        media = _read_lines("media.txt")
        self.media_single = {m for m in media if " " not in m}
        self.media_multi = [tuple(m.split()) for m in media if " " in m]
        self.documents = set(_read_lines("document_nouns.txt"))
        orgs = _read_lines("org_nouns.txt")
        self.org_nouns = {o for o in orgs if " " not in o}
        self.org_multi = [tuple(o.split()) for o in orgs if " " in o]
        roles = _read_lines("person_roles.txt")
        self.roles = {r.split()[-1] for r in roles}
        self.titles = set(_read_lines("titles.txt"))
        places = _read_lines("places.txt")
        self.places = set(places)
        self.channels = set(_read_lines("channels.txt"))
        self.mastheads = set(_read_lines("mastheads.txt"))

    def _add(self, entry: str, weak: bool, speech_lemmas: set[str]) -> None:
        words = entry.split()
        # Entries look like "say said" (irregular forms) or "point out" (multi-word cue).
        # A multi-word entry is recognised by its second word not being a form of the first.
        lemma = words[0]
        irregular: list[str] = []
        rest: tuple[str, ...] = ()
        if len(words) > 1:
            if words[1] in ("out", "on", "for", "concern", "hope", "doubt", "confidence",
                            "regret", "support", "optimism", "clear", "the", "to", "up"):
                rest = tuple(words[1:])
                # "make clear made": irregular forms may trail a multi-word entry
                rest_words = [w for w in rest if w not in ("made",)]
                irregular = [w for w in rest if w == "made"]
                rest = tuple(rest_words)
            else:
                irregular = words[1:]
        if weak and lemma in speech_lemmas and not rest:
            return  # listed as a full speech verb: the strong reading wins
        forms = _inflect(lemma) + irregular
        for f in forms:
            self.verbs.setdefault(f, []).append(_VerbInfo(lemma, weak, rest))
        for f in forms[2:3] + irregular:
            self.past_participles.add(f)
        for f in forms:
            if f.endswith("ing"):
                self.ing_forms.add(f)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon()


# --------------------------------------------------------------------------------------
# Tokens

_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # dotted acronyms: U.S., U.N.
    r"|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Prof|Rev|St|Jr|Sr)\.(?=\s)"
    r"|\d+[AP]M(?=[A-Z][a-z])"  # a live-blog timestamp glued to a name: "9:52PMBush Says"
    r"|\w+(?:['’\-]\w+)*"
    r"|[^\w\s]"
)


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    low: str
    in_quote: bool
    is_word: bool
    cap: bool


AUX = frozenset(
    "has have had was were is are be been being will would could can may might should must "
    "shall do does did also further later earlier previously recently repeatedly once again "
    "then reportedly allegedly publicly privately separately openly finally first last "
    "subsequently since still already just even often frequently never not n't "
    "himself herself themselves itself well widely long generally commonly now".split()
)
BE_FORMS = frozenset("was were is are be been being 's".split())
NEGATIONS = frozenset("not never n't no neither nor".split())
DETERMINERS = frozenset(
    "the a an this these those its his her their our my your of for with whose every each "
    "no any in on at into from about".split()
)
LEFT_STOP = frozenset(
    "that which who whom whose when while as because since if although though but so where "
    "after before than what how why whether until unless once whereas".split()
)
INTRO_WORDS = frozenset(
    "but and also however meanwhile still yet so then instead separately moreover besides "
    "furthermore indeed thus hence now today yesterday later earlier similarly likewise "
    "nonetheless nevertheless finally additionally".split()
)
PREPOSITIONS = frozenset(
    "in on at during after before since by for from with of to over under about amid among "
    "against within without through throughout across near".split()
)
TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december today yesterday tonight "
    "morning afternoon evening night week month year weekend earlier later last this next "
    "recently previously on in at late early".split()
)
PRONOUNS_PERSON = frozenset("he she him i".split())
PRONOUNS_GROUP = frozenset("they them we".split())
PRONOUNS_THING = frozenset(["it"])
RELATIVES = frozenset(["who", "which"])
# After "said", these keep it a verb ("said that", "said he", "said on Tuesday").
SAID_FOLLOWERS = frozenset(
    "any every each both most several another nobody nothing none "
    "that he she they it we i you the a an this these those his her their its our my in on "
    "at of to after before during while when as there some many no not all one two last "
    "yesterday today tonight earlier later recently previously repeatedly again also only "
    "privately publicly separately in a about with if what how why whether so".split()
)
AGENTLESS_OK = frozenset(
    "report say claim allege accuse announce reveal confirm rumor rumour quote tell".split()
)
HOMOGRAPHS = frozenset(
    "comment remark tweet post report claim state note charge answer reply respond counter "
    "estimate demand show find call record quote".split()
)
AGENTLESS_NOUNS = frozenset(
    "accusations allegations claims reports rumors rumours suggestions charges".split()
)
SPEECH_SUBSET = frozenset(
    "say tell claim add note write report state announce explain declare insist argue reply "
    "respond answer ask tweet post comment remark confirm deny acknowledge admit warn mention "
    "assert allege reveal testify".split()
)
NAME_PARTICLES = frozenset("al al- bin ibn bint de da del della di du van von der la le abu".split())
PERSON_HINT_TITLES = frozenset("mr mrs ms dr sen rep gov gen mr. mrs. ms. dr. sen. rep. gov. gen.".split())


class _Quotes:
    """Quote regions of a paragraph with O(log n) lookups (no per-cue scans)."""

    def __init__(self, regions: list[QuoteRegion]) -> None:
        self.regions = regions
        self.starts = [q.start for q in regions]
        self.by_start = {q.start: q for q in regions}
        self.by_end = {q.end: q for q in regions if q.closed}

    def first_index(self, pos: int) -> int:
        """Index of the first region that may contain or follow ``pos``."""
        return max(0, bisect_right(self.starts, pos) - 1)

    def any_start_in(self, a: int, b: int) -> bool:
        k = bisect_right(self.starts, a - 1)
        return k < len(self.starts) and self.starts[k] < b


def _tokenize(text: str, s: int, e: int, qs: _Quotes) -> list[_Tok]:
    toks: list[_Tok] = []
    quotes = qs.regions
    qi = qs.first_index(s)
    nq = len(quotes)
    for m in _TOKEN_RE.finditer(text, s, e):
        a, b = m.start(), m.end()
        while qi < nq and quotes[qi].end <= a:
            qi += 1
        inq = qi < nq and quotes[qi].start < a < quotes[qi].end
        if inq and quotes[qi].closed and a >= quotes[qi].end - 1:
            inq = False
        t = m.group()
        c0 = t[0]
        toks.append(_Tok(a, b, t, t.lower(), inq, c0.isalnum(), c0.isupper()))
    return toks


# --------------------------------------------------------------------------------------
# Per-article context for resolution


@dataclass
class _Ctx:
    site_words: tuple[str, ...]
    last_person: str | None = None
    last_source_person: str | None = None
    last_group: tuple[str, str, str | None] | None = None  # (resolved, type, trigger)
    last_thing: tuple[str, str] | None = None  # (resolved, type)
    surnames: dict[str, str] = field(default_factory=dict)


@dataclass
class _Raw:
    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: tuple[int, int]
    agentless: bool
    lemma: str
    source_override: tuple[str, str, str | None, str | None] | None = None  # type, trigger, resolved


# --------------------------------------------------------------------------------------
# Main entry


def analyze(text: str, site: str | None = None) -> ArticleAnalysis:
    """Find the attributions of ``text`` and profile how the article is sourced.

    Never raises on any string input; offsets are Python string indices into ``text``.
    """
    if not isinstance(text, str) or not text:
        return ArticleAnalysis(profile=_profile([]))
    try:
        return _analyze(text, site)
    except Exception:  # an import must never fail because of analysis
        if os.environ.get("READER_ATTRIBUTION_DEBUG"):
            raise
        return ArticleAnalysis(profile=_profile([]))


def _analyze(original: str, site: str | None) -> ArticleAnalysis:
    lex = _lexicon()
    # Two-character quotation marks ('' ... '') become one mark plus a space: same length,
    # same offsets; span texts are re-read from the original at the end.
    text = normalise_quotes(original)
    site_words = tuple(w for w in re.findall(r"\w+", (site or "").lower()) if w != "the")
    ctx = _Ctx(site_words=site_words)
    attributions: list[Attribution] = []
    all_sentences: list[tuple[int, int, bool]] = []  # (start, end, heading-like)
    prev_sentence: tuple[int, int] | None = None
    # "X said:" at the end of a sentence: the content is the next sentence or paragraph
    pending: list[tuple[_Raw, list[_Tok], _Quotes]] = []
    # '"A," he said. "B."': a quote continuing the last direct quote, with no cue of its own
    last_direct: tuple[Attribution, int] | None = None
    for pi, (ps, pe) in enumerate(paragraphs(text)):
        regions = quote_regions(text, ps, pe)
        quotes = _Quotes(regions)
        heading = _is_heading(text, ps, pe)
        for ss, se in _chunks(text, split_sentences(text, ps, pe, regions)):
            all_sentences.append((ss, se, heading))
            toks = _tokenize(text, ss, se, quotes)
            if pending:
                q = quotes.by_start.get(ss)
                span = (q.inner_start, q.inner_end) if q is not None else (ss, se)
                for raw, rtoks, rquotes in pending:
                    raw.content = span
                    att = _build(text, raw, rtoks, quotes if q is not None else rquotes, ctx, lex)
                    if att is not None:
                        attributions.append(att)
                pending = []
            if heading or _title_case(toks):
                # "Clinton Says Russians Hacked DNC": a headline's capitalised cue
                for raw in _headline_cues(text, toks, se, lex):
                    att = _build(text, raw, toks, quotes, ctx, lex)
                    if att is not None:
                        attributions.append(att)
            if heading:
                last_direct = None
            else:
                raws = _find_in_sentence(text, toks, ss, se, quotes, prev_sentence, lex)
                if not raws and last_direct is not None and last_direct[1] == pi and text[ss] in QUOTE_CHARS:
                    att0 = last_direct[0]
                    q = quotes.by_start.get(ss)
                    end = _trim(text, ss, q.inner_end if q is not None else se)[1]
                    if end > att0.content.end:
                        att0.content = Span(text[att0.content.start : end], att0.content.start, end)
                elif raws:
                    last_direct = None
                    for raw in raws:
                        if raw.content[0] < 0:
                            pending.append((raw, toks, quotes))
                            continue
                        att = _build(text, raw, toks, quotes, ctx, lex)
                        if att is not None:
                            attributions.append(att)
                            if att.kind == "direct" and att.content.end <= att.cue.start:
                                last_direct = (att, pi)
                else:
                    last_direct = None
            _update_names(toks, ctx, lex)
            prev_sentence = (ss, se)
    attributions.sort(key=lambda a: a.cue.start)
    claims = _unattributed(text, all_sentences, attributions)
    if text is not original:
        for a in attributions:
            for sp in (a.cue, a.content, a.source):
                if sp is not None:
                    sp.text = original[sp.start : sp.end]
        for c in claims:
            c.text = original[c.start : c.end]
    return ArticleAnalysis(attributions, claims, _profile(attributions))


MAX_SENTENCE = 3000  # chars; longer "sentences" are not prose and are cut into chunks


def _chunks(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut overlong sentences at spaces so every later step works on bounded pieces."""
    out: list[tuple[int, int]] = []
    for ss, se in sents:
        while se - ss > MAX_SENTENCE:
            cut = text.rfind(" ", ss + MAX_SENTENCE // 2, ss + MAX_SENTENCE)
            if cut <= ss:
                cut = ss + MAX_SENTENCE
            out.append((ss, cut))
            ss = cut
            while ss < se and text[ss].isspace():
                ss += 1
        if se > ss:
            out.append((ss, se))
    return out


def _is_heading(text: str, s: int, e: int) -> bool:
    """Short paragraph without final punctuation: a heading, not body copy."""
    if e - s > 120:
        return False
    last = text[e - 1]
    return last not in ".!?:;\"”’'»)…" and len(text[s:e].split()) <= 14


# --------------------------------------------------------------------------------------
# Cue finding


def _find_in_sentence(
    text: str,
    toks: list[_Tok],
    ss: int,
    se: int,
    quotes: _Quotes,
    prev_sentence: tuple[int, int] | None,
    lex: _Lexicon,
) -> list[_Raw]:
    out: list[_Raw] = []
    n = len(toks)
    main_source: tuple[int, int] | None = None
    # prefix counts of word tokens, and a floor: content before a trailing cue never
    # reaches back past the previous cue (keeps cost linear on cue-dense input)
    wp = [0] * (n + 1)
    for k, tk in enumerate(toks):
        wp[k + 1] = wp[k] + (1 if tk.is_word else 0)
    floor = [0]
    i = 0
    while i < n:
        t = toks[i]
        if not t.is_word or t.in_quote:
            i += 1
            continue
        low = t.low
        raw: _Raw | None = None
        if low == "according" and i + 1 < n and toks[i + 1].low == "to":
            raw = _according(text, toks, i, ss, se, quotes, wp, floor[0])
            if raw is not None:
                out.append(raw)
                _raise_floor(toks, i, raw, floor)
                i += 2
                continue
        elif low in AGENTLESS_NOUNS and i + 1 < n and toks[i + 1].low == "that" and any(
            toks[k].low == "there" for k in range(max(0, i - 4), i)
        ):
            # "There are (already) accusations that ...": a charge with no one behind it
            content = _content_after(text, toks, i + 2, se, quotes)
            if content[1] > content[0]:
                raw = _Raw((t.start, t.end), None, content, True, low)
        elif low in ("reportedly", "allegedly"):
            raw = _adverb_cue(text, toks, i, ss, se)
        elif low in lex.verbs:
            raw = _verb_cue(text, toks, i, ss, se, quotes, prev_sentence, lex, main_source, wp, floor[0])
        if raw is not None:
            out.append(raw)
            _raise_floor(toks, i, raw, floor)
            if raw.source is not None and main_source is None:
                main_source = raw.source
        i += 1
    return out


def _request(toks: list[_Tok], k: int) -> bool:
    """After "asked": a request or a bare question with nothing reported: "asked for
    privacy", "asked him a question"."""
    n = len(toks)
    if k < n and toks[k].low in ("for", "of"):
        return True
    # an object of up to three words, then "a question" (what was asked is not given)
    for m in range(k + 1, min(n, k + 4)):
        tm = toks[m]
        if not tm.is_word or tm.in_quote:
            return False
        if tm.low in ("a", "the", "some", "several", "many") and m + 1 < n and toks[m + 1].low in ("question", "questions"):
            nxt = toks[m + 2].low if m + 2 < n else ""
            return nxt not in ("about", "on", "of", "whether", "if", ":")
        if tm.low in _ASK_HEADS:
            return False
    return False


def _is_dash(toks: list[_Tok], k: int) -> bool:
    return toks[k].text in ("—", "–") or (toks[k].text == "-" and k >= 1 and toks[k - 1].text == "-")


def _before_dash_aside(toks: list[_Tok], j: int, lex: _Lexicon) -> tuple[int, int] | None:
    """For a closing dash at ``j``, the subject noun phrase before the opening dash."""
    k = j - 2 if toks[j].text == "-" else j - 1
    lo = max(0, j - 45)
    while k > lo:
        if _is_dash(toks, k):
            e = k - 2 if toks[k].text == "-" else k - 1
            if e < 0 or not toks[e].is_word or toks[e].in_quote:
                return None
            np = _left_np(toks, e, lex)
            if np is None or not _np_like(toks, np, lex):
                return None
            if np[0] > 0 and not (toks[np[0] - 1].text in ",;:" or toks[np[0] - 1].low in INTRO_WORDS or toks[np[0] - 1].text in QUOTE_CHARS):
                return None  # the phrase must open the clause
            return _prefer_name(toks, np, lex)
        if toks[k].text in (";", ":") or toks[k].text in QUOTE_CHARS:
            return None
        k -= 1
    return None


_ADD_OBJECT = frozenset("a an another the more some new his her their its our my".split())
_CONTRACTED_PERFECT = re.compile(r"^(he|she|who|they|we)['’](?:s|ve)$")

_GERUND_PREPS = frozenset("to from of besides".split())
_NOUN_SAY_MODIFIERS = frozenset("final larger bigger greater real equal little big strong direct much more".split())
_INFINITIVE_HOSTS = frozenset("quick proceeded proceeds proceed proceeding hastened hastens rushed rushes continued continues".split())


def _reporting_infinitive(toks: list[_Tok], k: int) -> bool:
    """Token ``k`` (before "to") makes the infinitive a report: "went on", "was quick"."""
    low = toks[k].low
    if low in _INFINITIVE_HOSTS:
        return True
    return low == "on" and k >= 1 and toks[k - 1].low in ("went", "goes", "go", "going", "gone")


_NOT_PURPOSE_HOSTS = frozenset(
    "able unable hard difficult easy fair safe likely unlikely going about ready willing "
    "unwilling free eager happy reluctant hesitant enough too time way right need chance "
    "wants want wanted wanting decline declined declines refuse refused refuses plan "
    "plans planned hope hopes hoped expected expects allowed forced asked seem seems "
    "seemed seeming like would had have has used begin began started trying tried try "
    "first last only one nothing anything something everything lot more less much "
    "opportunity reason pressure failure effort attempt decision permission".split()
)


def _purpose_infinitive(toks: list[_Tok], k: int, last: int, info: _VerbInfo, lex: _Lexicon) -> bool:
    """ "… rushed to TV to say he did not …", "called friends to say they …": an infinitive
    of purpose after a complete clause, followed by what was said."""
    if info.lemma not in ("say", "tell", "announce", "declare"):
        return False
    host = toks[k]
    if not host.is_word or host.in_quote or host.low in _NOT_PURPOSE_HOSTS or host.low in lex.verbs or host.low in AUX:
        return False
    if host.low.endswith(("ly", "ed", "ing")) or host.low in DETERMINERS:
        return False
    if host.low in PRONOUNS_PERSON or host.low in PRONOUNS_GROUP or host.low in ("it", "you", "me", "us"):
        return False
    after = last + 1
    if info.lemma == "tell":
        return after < len(toks) and toks[after].is_word and _bare_clause_after(toks, after + 1)
    return after < len(toks) and (toks[after].low == "that" or (toks[after].low in _SUBJ_PRONOUNS and _bare_clause_after(toks, after)))


def _title_case(toks: list[_Tok]) -> bool:
    """A headline set in title case: most longer words capitalised."""
    if len(toks) > 60:
        return False
    longer = [t for t in toks if t.is_word and len(t.text) > 3 and not t.in_quote and not t.text[0].isdigit()]
    if len(longer) < 3:
        return False
    return sum(1 for t in longer if t.cap) >= 0.8 * len(longer)


_HEADLINE_FORMS = frozenset(
    "says said say tells told tell claims claimed warns warned admits admitted insists insisted "
    "denies denied declares declared announces announced reveals revealed reveal confirms "
    "confirmed argues argued asks asked adds added notes noted writes wrote tweets tweeted "
    "alleges alleged explains explained explain responds responded".split()
)
# adverbs between a headline's name and its verb: "Al Sharpton Just Said ..."
_HEADLINE_ADVERBS = frozenset("just now also again finally still reportedly".split())


def _headline_name_ok(name: list[_Tok]) -> bool:
    return bool(name) and name[-1].is_word and all(
        x.cap or x.low in NAME_PARTICLES or x.text in (".", "-", "'", "’") or x.low.endswith(("'s", "’s")) for x in name
    )


_GLUED_TIME = re.compile(r"\d+[AP]M$")


def _headline_cues(text: str, toks: list[_Tok], se: int, lex: _Lexicon) -> list[_Raw]:
    """'Trump Says He Never Pledged To Kill Family Members': a name of at most six
    capitalised words, a capitalised verb of saying, then the content.  The name may
    follow a kicker ("Wow: Al Sharpton Just Said …", "… Found— Hillary Clinton Says …",
    "After the Speech, Trump Said …"); a headline may also end in its cue ("…, Trevor
    Noah Says.")."""
    n = len(toks)
    k0 = 0
    while k0 < n and toks[k0].text in QUOTE_CHARS:
        k0 += 1
    starts = [k0]
    for k in range(k0, min(n, k0 + 16)):
        if toks[k].text in (":", "—", "–", ",") and not toks[k].in_quote:
            m = k + 1
            while m < n and toks[m].text in QUOTE_CHARS:
                m += 1
            if m < n:
                starts.append(m)
    for k in range(k0, n - 1):
        if _GLUED_TIME.match(toks[k].text) and toks[k + 1].cap and toks[k + 1].start == toks[k].end:
            starts.append(k + 1)  # "February 6, 2016 9:52PMBush Says …": the name after the time
    for s0 in starts:
        raw = _headline_at(text, toks, s0, se, lex)
        if raw is not None:
            return [raw]
    # "'ISIS Truther' Donald Trump Is Like A Lawyer's Dumbest Client Ever, Trevor Noah Says."
    e = n - 1
    while e >= 0 and toks[e].text in ".!?" + "".join(QUOTE_CHARS):
        e -= 1
    if e >= 3 and toks[e].cap and toks[e].low in _HEADLINE_FORMS and toks[e].low in lex.verbs and not toks[e].in_quote:
        c = e - 1
        while c >= 0 and e - c <= 7 and toks[c].text != ",":
            c -= 1
        if c >= 2 and toks[c].text == "," and _headline_name_ok(toks[c + 1 : e]):
            content = _trim(text, toks[k0].start, toks[c].start)
            if content[1] > content[0]:
                return [_Raw((toks[e].start, toks[e].end), (toks[c + 1].start, toks[e - 1].end), content, False, lex.verbs[toks[e].low][0].lemma)]
    return []


def _headline_at(text: str, toks: list[_Tok], k0: int, se: int, lex: _Lexicon) -> _Raw | None:
    n = len(toks)
    for k in range(k0 + 1, min(n - 2, k0 + 8)):
        t = toks[k]
        if not t.is_word or t.in_quote:
            return None
        if t.cap and t.low in _HEADLINE_FORMS and t.low in lex.verbs:
            e = k - 1
            while e > k0 and toks[e].low in _HEADLINE_ADVERBS:
                e -= 1  # "Al Sharpton Just Said"
            name = toks[k0 : e + 1]
            if not _headline_name_ok(name) or (len(name) == 1 and name[0].low in _HEADLINE_ADVERBS):
                return None
            words_after = sum(1 for x in toks[k + 1 :] if x.is_word)
            if words_after < 2:
                return None
            content = _content_after(text, toks, k + 1, se, quotes=_Quotes([]))
            if content[1] <= content[0]:
                return None
            return _Raw((t.start, t.end), (toks[k0].start, toks[e].end), content, False, lex.verbs[t.low][0].lemma)
        if not t.cap and t.low not in NAME_PARTICLES:
            return None
    return None


def _raise_floor(toks: list[_Tok], i: int, raw: _Raw, floor: list[int]) -> None:
    end = max(raw.cue[1], raw.source[1] if raw.source else 0)
    k = i
    while k < len(toks) and toks[k].start < end and k - i < 30:
        k += 1
    floor[0] = max(floor[0], k)


def _first_word(toks: list[_Tok], a: int, b: int) -> _Tok | None:
    for k in range(a, min(b, a + 10)):
        if toks[k].is_word and toks[k].low not in INTRO_WORDS:
            return toks[k]
    return None


def _match_entry(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[_VerbInfo, int] | None:
    """The lexicon entry for the verb at ``i`` and the index of the cue's last token."""
    for info in lex.verbs.get(toks[i].low, []):
        if not info.rest:
            return info, i
        j = i + 1
        ok = True
        for w in info.rest:
            # allow one intervening word ("called on Saturday on Iraq" is too far; "point it out")
            if j < len(toks) and toks[j].low == w:
                j += 1
            else:
                ok = False
                break
        if ok:
            return info, j - 1
    return None


def _skip_time(toks: list[_Tok], j: int, limit: int) -> int:
    """Skip a short time expression ("on Tuesday", "May 20", "last week") starting at j."""
    k = j
    end = min(len(toks), j + limit)
    while k < end and (toks[k].low in TIME_WORDS or toks[k].low.isdigit() or toks[k].low in ("the", "a", "an")):
        k += 1
    # Only accept if something time-like was consumed (not just articles).
    if any(toks[x].low in TIME_WORDS - {"on", "in", "at", "last", "this", "next"} or toks[x].low.isdigit() for x in range(j, k)):
        while k > j and toks[k - 1].low in ("the", "a", "an"):
            k -= 1  # "said on Monday the plan ...": the article opens the clause
        return k
    return j


_HOMOGRAPH_ADVERBS = frozenset("also now later earlier again then still often once never just".split())
_NOUN_LEFT = frozenset(
    "a an his her their its our my your this these those some several any every each most many "
    "in on from of for with by to after about sharing referencing".split()
)


def _modified_noun(toks: list[_Tok], i: int, nx0: str) -> bool:
    """A homograph after a capitalised modifier is a noun ("a Twitter post", "in a Friday
    tweet", "the Chinese comments") unless a clause follows or it closes a trailing
    attribution ('…," the Daily Caller reports.')."""
    r = i - 1
    while r - 1 >= 0 and i - r < 6 and (toks[r - 1].cap or toks[r - 1].low in NAME_PARTICLES or toks[r - 1].text == "."):
        r -= 1
    before = toks[r - 1] if r >= 1 else None
    if toks[i].low in ("state", "states"):
        # "Rust Belt states", "Western states": the verb reading needs a complement
        return not (nx0 in ("that", ":") or (i + 1 < len(toks) and toks[i + 1].text in QUOTE_CHARS) or (nx0 in (",", ".") and before is not None and (before.text == "," or before.text in QUOTE_CHARS)))
    if before is None or nx0 == ":":
        return False
    if before.low in _NOUN_LEFT or before.low.endswith(("'s", "’s")):
        return True
    # "makes the Chinese comments particularly galling": "the" after a verb, no clause
    return before.low == "the" and r >= 2 and toks[r - 2].is_word and toks[r - 2].low not in LEFT_STOP and toks[r - 2].low not in ("and", "but", "or") and nx0 != "that"


_ADJ_TELLING_NEXT = frozenset(
    "sign signs insight insights response responses moment moments detail details example "
    "examples promise indicator indication evidence fact facts statistic statistics glimpse "
    "question questions point exchange".split()
)


def _verb_cue(
    text: str,
    toks: list[_Tok],
    i: int,
    ss: int,
    se: int,
    quotes: _Quotes,
    prev_sentence: tuple[int, int] | None,
    lex: _Lexicon,
    main_source: tuple[int, int] | None,
    wp: list[int],
    floor: int,
) -> _Raw | None:
    t = toks[i]
    n = len(toks)
    m = _match_entry(toks, i, lex)
    if m is None:
        return None
    info, last = m
    low = t.low
    # Capitalised mid-sentence: part of a name ("The Washington Post", "Report 2020").
    if t.cap and i > 0 and toks[i - 1].is_word and toks[i - 1].low not in INTRO_WORDS:
        return None
    prev = toks[i - 1].low if i > 0 else ""
    if info.lemma in HOMOGRAPHS and low in (info.lemma + "s", info.lemma + "es", info.lemma):
        # "comments", "states", "reports" are nouns far more often than verbs: only a
        # name or a pronoun right before makes them a verb ("Smith states that ...")
        nx0 = toks[last + 1].low if last + 1 < n else ""
        relative_that = prev == "that" and (bool(info.rest) or nx0 == "that")  # "banners that call on"
        p1 = prev[:-1] if prev.endswith("s") else prev
        nouny = i > 0 and not toks[i - 1].in_quote and (
            (prev in lex.vague or p1 in lex.vague or prev in lex.org_nouns or p1 in lex.org_nouns or prev in lex.documents or p1 in lex.documents or p1 in lex.roles)
            and (nx0 in ("that", ":") or (last + 1 < n and toks[last + 1].text in QUOTE_CHARS) or _bare_clause_after(toks, last + 1))
        )
        # "Byrne — who was posted at the door … — states that …": a subject before a dash aside
        dash_subject = nx0 == "that" and i >= 2 and _is_dash(toks, i - 1) and _before_dash_aside(toks, i - 1, lex) is not None
        # "O'Malley frequently notes that ...": the subject before an adverb, with a clause
        h = i - 1
        while h > 0 and toks[h].is_word and not toks[h].cap and (toks[h].low in _HOMOGRAPH_ADVERBS or (toks[h].low.endswith("ly") and len(toks[h].low) > 4)):
            h -= 1
        subject_words = ("he", "she", "it", "who", "which", "they", "we", "i")
        after_adverb = h < i - 1 and nx0 in ("that", ":") and (toks[h].cap or toks[h].low in subject_words)
        # "Gerry O'Brien, a GOP consultant, notes that ...": an appositive subject
        after_appositive = prev == "," and nx0 == "that" and _appositive_name(toks, i - 1, lex) is not None
        if not (i > 0 and (toks[i - 1].cap or relative_that or nouny or dash_subject or after_adverb or after_appositive or prev in subject_words)):
            return None
        if toks[i - 1].cap and _modified_noun(toks, i, nx0):
            return None  # "a Twitter post", "in a Sunday tweet", "Soviet states", "a CNN report"
    if low == "telling" and (
        (prev in ("most", "more", "less", "very", "particularly", "especially", "other", "so", "too", "equally", "perhaps", "is", "was", "are", "were")
        and not (last + 1 < n and toks[last + 1].is_word and toks[last + 1].low not in ("in", "of") and prev in ("is", "was", "are", "were")))
        or (last + 1 < n and toks[last + 1].low in _ADJ_TELLING_NEXT)
    ):
        return None  # adjectival: "the most telling promise", "other telling signs", "is telling."
    if prev == "to" and i >= 2 and (_reporting_infinitive(toks, i - 2) or _purpose_infinitive(toks, i - 2, last, info, lex)) and not info.weak:
        # "went on to say", "was quick to add", "proceeded to tell": a report; not
        # "declined to say", "wants to say"
        inf_src = _participle_subject(toks, i - 1, lex) or _sentence_subject(toks, i - 1, lex)
        if inf_src is None:
            return None
        k = _extend_cue(toks, i, last, info, lex)
        content = _content_after(text, toks, _skip_time(toks, k + 1, 4), se, quotes, skip_that=True)
        if content[1] <= content[0]:
            if k + 1 < n and toks[k + 1].text == ":":
                content = (-1, -1)  # "She went on to say:" — the quotation follows
            else:
                return None
        return _Raw((t.start, toks[k].end), inf_src, content, False, info.lemma)
    if prev == "as" and i >= 3 and toks[i - 2].low == "quoted" and low in lex.ing_forms and toks[i - 3].low in BE_FORMS:
        # '"…," Braynard is quoted as saying.': the subject of "is quoted" speaks
        q_src = _left_np(toks, i - 4, lex) if i >= 4 and toks[i - 4].is_word else None
        if q_src is None:
            return None
        content = _content_after(text, toks, last + 1, se, quotes, skip_that=True)
        if content[1] <= content[0] or _only_punct(text, content):
            content = _content_before(text, toks, max(ss, toks[floor].start) if floor < n else ss, toks[q_src[0]].start, quotes)
        if content[1] <= content[0]:
            return None
        return _Raw((toks[i - 3].start, t.end), (toks[q_src[0]].start, toks[q_src[1]].end), content, False, info.lemma)
    if (
        prev in _GERUND_PREPS
        and low in lex.ing_forms
        and info.lemma in SPEECH_SUBSET
        and last + 1 < n
        and toks[last + 1].low == "that"
        and not t.in_quote
        and not (i >= 2 and toks[i - 2].low in ("without", "instead", "avoid", "avoided", "refrain", "refrained", "stop", "stopped"))
    ):
        # "In addition to stating that …", "aside from stating that …", "pivoted to
        # arguing that …": a gerund report whose speaker is the clause's subject
        if i <= 4 and (toks[0].low in PREPOSITIONS or toks[0].low in ("aside", "apart", "besides", "beyond")) and all(toks[x].is_word for x in range(i)):
            return _fronted_cue(text, toks, i, last, last + 1, True, True, info, se, quotes, lex)
        ger_src = main_source or _participle_subject(toks, i, lex) or _sentence_subject(toks, i, lex)
        content = _content_after(text, toks, last + 1, se, quotes, skip_that=True)
        if ger_src is None or content[1] <= content[0]:
            return None
        return _Raw((t.start, t.end), ger_src, content, False, info.lemma)
    if low == "say" and prev in _NOUN_SAY_MODIFIERS and i >= 2 and (toks[i - 2].low in DETERMINERS or toks[i - 2].low in ("has", "have", "had", "having", "a", "no", "more")):
        return None  # "has the final say", "have a larger say": a noun
    # "he's said", "who's argued", "they've suggested": pronoun + contracted "has/have"
    contracted = _CONTRACTED_PERFECT.match(prev) if i > 0 and low in lex.past_participles and low != info.lemma else None
    # '"…," Will wrote.' / '"…," From said.': a surname that is also a function word
    quoted_surname = (
        i >= 2
        and toks[i - 1].cap
        and toks[i - 1].is_word
        and toks[i - 2].text in QUOTE_CHARS
        and text[toks[i - 2].start - 1 : toks[i - 2].start] in (",", "?", "!")
    )
    if (prev in DETERMINERS or prev == "to" or prev.endswith("'s") or prev.endswith("’s")) and contracted is None and not quoted_surname:
        return None  # a noun ("the report", "a post") or an infinitive ("declined to say")
    nxt = toks[last + 1].low if last + 1 < n else ""
    if low == "said" and nxt and toks[last + 1].is_word and not toks[last + 1].cap and prev in ("and", "or", "the", "this", "of", "a", ""):
        if nxt not in SAID_FOLLOWERS and not nxt.endswith("ly") and not nxt.endswith("ing") and not nxt.isdigit() and not (
            prev in ("and", "or") and _clause_follows(toks, last + 1, lex)
        ):
            return None  # adjectival "said" ("the said resistance"), not "and said allies wanted"
    if nxt in ("to",) and info.lemma not in ("say", "tell", "report", "add", "write", "explain", "announce", "complain", "admit", "confess", "promise", "vow", "pledge", "urge", "ask", "call", "want"):
        pass
    if nxt in ("up", "off") or (nxt == "to" and info.lemma in ("add", "call", "point", "note", "respond", "reply", "write")):
        if info.lemma not in ("respond", "reply", "write") or nxt == "off":
            return None  # "add up", "write off capital investment": not speech
    if low == "known" and nxt in ("as", "for"):
        return None  # "the hacker known as Guccifer": a name, not a belief
    if low == "reporting" and prev in ("precincts", "districts", "counties", "precinct"):
        return None  # "with 100 percent of precincts reporting": election returns

    if info.lemma == "insist" and nxt == "on" and last + 2 < n and toks[last + 2].low not in _WEEKDAYS and not toks[last + 2].low.isdigit() and toks[last + 2].low not in ("monday's", "the", "this", "that"):
        return None  # "insisted on paying the bill": a demand, not a report
    if info.lemma == "ask" and _request(toks, last + 1):
        return None  # "asked for privacy", "asked Chipotle to cater": a request, not a question

    # Walk left over auxiliaries and adverbs, noticing negation and passive voice.
    j = i - 1
    passive = False
    negated = False
    while j >= 0:
        lj = toks[j].low
        if lj in AUX or lj.endswith("n't") or lj.endswith("n’t"):
            if lj in NEGATIONS or lj.endswith("n't") or lj.endswith("n’t"):
                negated = True
            if lj in BE_FORMS:
                passive = True
            j -= 1
            continue
        if toks[j].is_word and not toks[j].cap and lj.endswith("ly") and len(lj) > 4 and not toks[j].in_quote:
            j -= 1
            continue
        break
    if quoted_surname:
        j, passive, negated = i - 1, False, False
    if negated or (low.endswith("ing") and j >= 0 and toks[j].low == "without"):
        return None  # "did not say", "without saying": nothing was said
    if low.endswith("ing") and passive:
        passive = False  # "was saying": progressive, not passive
    is_participle = low in lex.ing_forms
    cue_end_tok = last
    cue_end_tok = _extend_cue(toks, i, cue_end_tok, info, lex)

    # Weak verbs need a clause, a quote or a trailing position.
    after = cue_end_tok + 1
    after_t = _skip_time(toks, after, 4)
    after_low = toks[after_t].low if after_t < n else ""
    clausal = after_low in ("that", ":") or (after_t < n and toks[after_t].text in QUOTE_CHARS)
    if after_low == "," and after_t + 1 < n and toks[after_t + 1].text in QUOTE_CHARS:
        clausal = True
    elif not clausal and after_low == "," and not is_participle:
        # "Politico reported, according to sources in the meeting, that …": an aside
        # between commas, then the clause
        for mm in range(after_t + 1, min(n, after_t + 16)):
            tm = toks[mm]
            if tm.text == "," and mm > after_t + 1 and mm + 1 < n and toks[mm + 1].low == "that" and not toks[mm + 1].in_quote:
                clausal = True
                after_t = mm + 1
                after_low = "that"
                break
            if (
                tm.text == ","
                and mm > after_t + 2
                and toks[after_t + 1].low in ("according", "citing", "based", "in", "on", "at", "during", "after")
                and mm + 1 < n
                and (toks[mm + 1].cap or toks[mm + 1].low in _SUBJ_PRONOUNS or toks[mm + 1].low in ("the", "a", "an"))
                and _bare_clause_after(toks, mm + 1)
                and _clause_follows(toks, mm + 1, lex)
            ):
                # "Politico reported, according to sources in the room, Clinton tried …"
                clausal = True
                after_t = mm + 1
                after_low = toks[mm + 1].low
                break
            if not (tm.is_word or tm.text in ("'", "’", "-", ".")) or tm.in_quote:
                break
    elif not clausal and after_t < n and toks[after_t].low in PREPOSITIONS:
        # "said Thursday on Twitter, "We ..."" / "said in an interview: ...": a short
        # adverbial, then the quote or colon
        titled = False
        for mm in range(after_t + 1, min(n, after_t + 16)):
            tm = toks[mm]
            if tm.low == "that" and mm > after_t + 1 and not tm.in_quote and (mm < after_t + 10 or titled):
                clausal = True  # "said after a lunch on Tuesday that ..."
                after_t = mm
                after_low = "that"
                break
            if tm.is_word and not tm.in_quote:
                if tm.low in lex.verbs and mm > after_t + 1 and tm.low not in ("report", "reports", "statement", "post", "comments"):
                    break  # "vowing to fight on and said that …": another cue's clause
                continue
            if tm.text == "," and mm + 1 < n and toks[mm + 1].is_word:
                continue  # "reported on Monday, based on the count, that …"
            if tm.in_quote or tm.text in QUOTE_CHARS or tm.text in ("'", "’"):
                # 'stating on NBC's "Meet the Press" that …': a quoted programme title
                titled = True
                continue
            if tm.text == ":" or (tm.text == "," and mm + 1 < n and toks[mm + 1].text in QUOTE_CHARS):
                clausal = True
                after_t = mm
                after_low = tm.text
            break

    if low == "written" and not clausal and cue_end_tok == last and after < n and toks[after].low in ("on", "in", "into") and not _bare_clause_after(toks, after_t):
        return None  # "the paper they're written on", "notes written in the margins"
    if (
        info.lemma == "add"
        and not clausal
        and after < n
        and (toks[after].low in _ADD_OBJECT or toks[after].low[:1].isdigit())
        and not (j >= 0 and (toks[j].text in QUOTE_CHARS or (toks[j].text == "," and j >= 1 and toks[j - 1].text in QUOTE_CHARS)))
        and not _clause_follows(toks, after, lex)
        and not any(toks[x].text == ":" for x in range(after, min(n, after + 8)))
    ):
        return None  # "could add another job title", "the economy added 151,000 jobs": not speech

    if info.lemma == "ask" and low == "asked" and (
        passive
        or j < 0
        or toks[j].low in ("when", "after", "once", "if", "as", "while", "before", "until", "upon")
        or (j >= 0 and toks[j].text in QUOTE_CHARS and j == 0)
    ):
        # "When asked whether ...", "Asked about ...", "He was asked if ...": a question
        # put by an unnamed asker (the answer usually follows, with its own cue)
        content = _ask_content(text, toks, after, se, quotes, stop_at_comma=not passive)
        if content[1] <= content[0]:
            return None
        return _Raw((t.start, toks[cue_end_tok].end), None, content, True, info.lemma)

    if passive:
        if low not in lex.past_participles and not low.endswith("ed"):
            return None
        # "was revealed by a source ..." : the agent follows "by"
        k = after
        if k < n and toks[k].low == "by":
            np = _right_np(toks, k + 1)
            if np is None:
                return None
            content = _content_after(text, toks, np[1] + 1, se, quotes)
            if content[1] <= content[0] and j >= 0:
                # "The ban was first reported by BuzzFeed.": the subject is the content
                content = _trim(text, toks[0].start, toks[j].end)
            return _Raw((t.start, toks[cue_end_tok].end), (toks[np[0]].start, toks[np[1]].end), content, False, info.lemma)
        if info.lemma not in AGENTLESS_OK:
            return None
        subj = toks[j].low if j >= 0 else ""
        if info.lemma == "accuse":
            k = after
            while k < n and toks[k].is_word and toks[k].low != "of" and k - after < 3:
                k += 1
            if k < n and toks[k].low == "of":
                content = _content_after(text, toks, k + 1, se, quotes)
                return _Raw((t.start, toks[cue_end_tok].end), None, content, True, info.lemma)
            return None
        if subj not in ("it", "there") and not clausal:
            if after_low != "to" or info.lemma == "tell":
                return None  # "was told to leave": an order, not a report
        content = _content_after(text, toks, after_t, se, quotes, skip_that=True)
        if content[1] <= content[0]:
            return None
        return _Raw((t.start, toks[cue_end_tok].end), None, content, True, info.lemma)

    # Source on the left?
    boundary = j  # index of the token just before the subject phrase (or the subject end)
    src: tuple[int, int] | None = None
    src_tok: tuple[int, int] | None = None
    # "He smiled and said ...", "... but has since said ...": a second predicate of the
    # clause's subject (auxiliaries and adverbs between the conjunction and the verb)
    coordinated = j >= 0 and toks[j].low in ("and", "but", "or") and (i - j == 1 or not toks[j + 1].cap)
    if coordinated:
        pass
    elif quoted_surname:
        src_tok = (i - 1, i - 1)
        boundary = i - 2
    elif (
        j >= 0
        and (toks[j].is_word or (toks[j].text == "%" and j >= 1 and toks[j - 1].text.isdigit()))
        and toks[j].low not in LEFT_STOP
        and (toks[j].low not in lex.verbs or _noun_reading(toks, j, lex))
        # "defended the line by saying …": the gerund's speaker is the clause's subject
        and not (is_participle and toks[j].low in ("by", "without", "in", "from", "for", "of", "like"))
    ):
        np = _left_np(toks, j, lex)
        if np is not None:
            src_tok = _prefer_name(toks, np, lex)
            boundary = src_tok[0] - 1
    elif (
        j >= 1
        and toks[j].low == "that"
        and toks[j - 1].is_word
        and not toks[j - 1].in_quote
        and toks[j - 1].low not in lex.verbs
        and toks[j - 1].low not in AUX
        and toks[j - 1].low not in LEFT_STOP
        and toks[j - 1].low not in ("so", "such", "now", "is", "was", "clear", "evident")
    ):
        # relative "that": "banners that call on ...", "a report that found ..."
        np = _left_np(toks, j - 1, lex)
        if np is not None:
            src_tok = np
            boundary = np[0] - 1
    elif j >= 0 and toks[j].low in RELATIVES:
        src_tok = (j, j)
        boundary = j - 1
    elif j >= 0 and toks[j].low == ")":
        # "Sen. Bernie Sanders (I-Vt.) said": skip the parenthesis
        k = j
        while k >= 0 and toks[k].low != "(" and j - k < 24:
            k -= 1
        if k > 0 and toks[k].low == "(":
            np = _left_np(toks, k - 1, lex)
            if np is not None:
                # a short tag belongs to the name ("(I-Vt.)"); a long aside does not
                src_tok = (np[0], j) if j - k <= 8 else np
                boundary = np[0] - 1

    trailing_boundary = boundary >= 0 and (toks[boundary].text == "," or toks[boundary].text in QUOTE_CHARS)
    fs = max(ss, toks[floor].start) if floor < n else ss
    before_words = wp[max(boundary, floor)] - wp[floor] if trailing_boundary else 0

    # "As The Hill reported, ..." / "..., as the Times reported on Tuesday.": the clause
    # the as-phrase is attached to is the content
    as_src = src_tok
    as_at = boundary
    if src_tok is None and j >= 0 and toks[j].low == "as" and after < n and toks[after].low == "by":
        np = _right_np(toks, after + 1)
        if np is not None:
            as_src, as_at = np, j
            after = np[1] + 1
    if as_src is not None and as_at >= 0 and toks[as_at].low == "as" and not clausal:
        first = _first_word(toks, floor, as_at) if as_at > floor else None
        if first is None:
            mm = after
            while mm < n and mm - after < 12 and toks[mm].text != ",":
                mm += 1
            content = _content_after(text, toks, mm + 1, se, quotes) if mm < n else (0, 0)
        else:
            content = _content_before(text, toks, fs, toks[as_at].start, quotes)
        if content[1] > content[0]:
            return _Raw((t.start, toks[cue_end_tok].end), (toks[as_src[0]].start, toks[as_src[1]].end), content, False, info.lemma)

    if src_tok is None and j >= 1 and not is_participle and _is_dash(toks, j):
        # "Justice Ginsburg -- who has been in a scuffle with the nominee -- said ...",
        # "The senator — a longtime critic of the deal — said ...": skip the dash aside
        src_tok = _before_dash_aside(toks, j, lex)
        if src_tok is not None:
            boundary = src_tok[0] - 1
            trailing_boundary = False

    if src_tok is None and j < 0 and t.cap:
        fronted = _fronted_cue(text, toks, i, cue_end_tok, after_t if clausal else after, clausal, is_participle, info, se, quotes, lex)
        if fronted is not None:
            return fronted
    if is_participle and after < n and toks[after].low == "by" and info.lemma in ("write", "report"):
        return None  # "(Reporting by …; Writing by …)": a credit line
    if src_tok is None:
        if is_participle and j >= 0 and (
            toks[j].text in ",;—–-"
            or (toks[j].low in ("before", "after", "while", "by", "when", "in", "without") and j >= 1 and (toks[j - 1].is_word or (toks[j - 1].text == "," and toks[j].low in ("before", "after", "while") and not (after < n and toks[after].low in PREPOSITIONS))))
            # '... were "overblown," adding that ...': the comma is inside the quote
            or (toks[j].text in QUOTE_CHARS and j >= 1 and text[toks[j].start - 1] == ",")
        ):
            there_clause = after_t + 1 < n and toks[after_t].low == "there" and toks[after_t + 1].low in ("is", "was", "are", "were", "will", "would", "has", "have", "had")
            if info.weak and not (info.lemma in SPEECH_SUBSET and (clausal or there_clause or _bare_clause_after(toks, after_t))):
                return None  # "..., knowing that ...": a stance of the writer, not a report
            # ", saying ...", ", adding that ...": the subject of the main clause speaks.
            src = main_source or _participle_subject(toks, i, lex) or _sentence_subject(toks, i, lex)
            content = _content_after(text, toks, after_t if clausal else after, se, quotes, skip_that=True)
            if content[1] <= content[0]:
                if after_low == ":" and after_t == n - 1 and after_t == cue_end_tok + 1:
                    # "The Times confirmed it, reporting:" — the quotation follows
                    return _Raw((t.start, toks[cue_end_tok].end), src, (-1, -1), False, info.lemma)
                return None
            return _Raw((t.start, toks[cue_end_tok].end), src, content, False, info.lemma)
        if j >= 0 and (toks[j].text in (",", "—", "–", "-") or toks[j].text in QUOTE_CHARS):
            # Appositive subject: "Ali Shamkhani, secretary of the council, claimed ..."
            app = _appositive_name(toks, j, lex)
            if app is not None:
                src_tok = app
                boundary = app[0] - 1
                # "the economist Jared Bernstein, …, wrote": the role before the name is
                # not part of what was said
                while boundary >= 0 and toks[boundary].is_word and not toks[boundary].cap and (toks[boundary].low in lex.roles or toks[boundary].low in ("the", "a")):
                    boundary -= 1
            else:
                # Inverted: "..., said Jim Smith, a spokesman."
                np = _right_np(toks, cue_end_tok + 1, inverted=True)
                if np is not None and (
                    any(toks[x].low in AUX and toks[x].low not in ("also", "further", "later", "earlier", "recently", "once", "again", "first", "last", "well", "long") for x in range(np[0], np[1] + 1))
                    or toks[np[0]].low in TIME_WORDS
                    or any(toks[x].low in _SUBJ_PRONOUNS and not toks[x].cap for x in range(np[0], np[1] + 1))
                ):
                    np = None  # "..., said Wednesday he agrees": not an inverted subject
                if np is not None and not is_participle:
                    np = _prefer_name_right(toks, np)
                    before = (fs, toks[j].start)
                    content = _content_before(text, toks, fs, toks[j].start, quotes)
                    if content[1] <= content[0]:
                        content = before
                    return _Raw((t.start, toks[cue_end_tok].end), (toks[np[0]].start, toks[np[1]].end), content, False, info.lemma)
                # (also after a comma inside a closing quote: 'Humphrey, who calls Trump a
                # "sociopath," said he ...')
                comma_quote = toks[j].text in QUOTE_CHARS and j >= 1 and text[toks[j].start - 1] == "," and not toks[0].in_quote and toks[0].text not in QUOTE_CHARS
                if not is_participle and not info.weak and (toks[j].text == "," or comma_quote) and (clausal or _bare_clause_after(toks, after_t)):
                    # "Representative Peter T. King, Republican of New York, said he ...": a
                    # subject with an appositive we could not parse; the clause opener speaks
                    src = _sentence_subject(toks, i, lex)
                    if src is not None:
                        content = _content_after(text, toks, after_t, se, quotes, skip_that=True)
                        if content[1] > content[0]:
                            return _Raw((t.start, toks[cue_end_tok].end), src, content, False, info.lemma)
                return None
        elif coordinated:
            # "He smiled and said ...": the subject of the first verb; only with a clause
            # ("... and pledge spiritual allegiance" is not a report)
            if not clausal and info.lemma not in ("say", "add", "tell", "write", "ask") and not (
                not info.weak and after_t < n and (toks[after_t].low in _SUBJ_PRONOUNS or _clause_follows(toks, after_t, lex))
            ):
                return None
            src = _sentence_subject(toks, i, lex)
            if src is None:
                return None
        else:
            return None

    if contracted is not None:
        src_tok = (i - 1, i - 1)
    if src_tok is not None:
        src = (toks[src_tok[0]].start, toks[src_tok[1]].end)
        if contracted is not None:
            src = (src[0], src[0] + len(contracted.group(1)))  # "he" of "he's"
        standalone = (
            boundary < 0
            and after == n - 1
            and toks[after].text in ".!?"
            and prev_sentence is not None
            and text[prev_sentence[1] - 1] in QUOTE_CHARS
        )  # '"That is false!" Maher replied.' (the quote ended the sentence before)
        # '"Denver," he answered.': a reply after a closing quotation mark
        quoted_reply = trailing_boundary and toks[boundary].text in QUOTE_CHARS and info.lemma in ("reply", "respond", "answer")
        if info.weak and not clausal and not (trailing_boundary and before_words >= 3) and not standalone and not quoted_reply:
            # Weak verb with a non-clausal complement: "IMIS maintain strong links".
            # ("reported on Monday the agency had ...": the clause after a time phrase)
            if not _weak_ok(toks, info, after, lex) and not (
                after_t > after
                and (toks[after_t].cap or toks[after_t].low in _SUBJ_PRONOUNS or toks[after_t].low in ("the", "a", "an"))
                and _bare_clause_after(toks, after_t)
                and _clause_follows(toks, after_t, lex)
            ):
                return None
    elif info.weak and not clausal:
        return None

    # Content: after the cue (clause, quote, colon) or before a trailing ", X said."
    content = (0, 0)
    if info.lemma == "ask" and not clausal and after_t < n and toks[after_t].is_word:
        content = _ask_content(text, toks, after_t, se, quotes, stop_at_comma=False)
        if content[1] > content[0]:
            return _Raw((t.start, toks[cue_end_tok].end), src, content, False, info.lemma)
    if clausal:
        content = _content_after(text, toks, after_t, se, quotes, skip_that=True)
    elif src_tok is not None and _bare_clause_after(toks, after_t):
        # "Despite ..., he said he would stay": the clause after the cue is the content,
        # not the fronted adverbial before it.
        content = _content_after(text, toks, after_t, se, quotes)
    elif trailing_boundary and before_words >= 1 and src_tok is not None and _before_is_content(toks, floor, boundary, wp, quotes):
        content = _content_before(text, toks, fs, toks[boundary].start, quotes)
        rest = _content_after(text, toks, after_t, se, quotes)
        if rest[1] - rest[0] > 0 and _starts_clause(toks, after_t):
            content = (content[0], rest[1])
    else:
        content = _content_after(text, toks, after_t, se, quotes, skip_that=True)
    if content[1] <= content[0] or _only_punct(text, content):
        if after_low == ":":
            # "X said:" — what was said follows in the next sentence or paragraph
            return _Raw((t.start, toks[cue_end_tok].end), src, (-1, -1), False, info.lemma)
        # "he added." on its own: the sentence before is what was said.
        if prev_sentence is not None:
            content = prev_sentence
        else:
            return None
    return _Raw((t.start, toks[cue_end_tok].end), src, content, False, info.lemma)


def _fronted_cue(
    text: str,
    toks: list[_Tok],
    i: int,
    cue_end: int,
    after: int,
    clausal: bool,
    is_participle: bool,
    info: _VerbInfo,
    se: int,
    quotes: _Quotes,
    lex: _Lexicon,
) -> _Raw | None:
    """A cue opening the sentence: 'Said Comey, "The thought …"' (inverted) or "Noting
    that only Sen. Kirk …, Tester said …" (a fronted participle; the main clause's
    subject after the comma speaks)."""
    n = len(toks)
    low = toks[i].low
    if is_participle:
        if not (clausal or _bare_clause_after(toks, after)):
            return None  # "Acknowledging defeat, …"
        for m in range(after, min(n, after + 60)):
            if toks[m].text == "," and not toks[m].in_quote:
                np = _right_np(toks, m + 1)
                if np is None or not (toks[np[0]].cap or toks[np[0]].low in _SUBJ_PRONOUNS):
                    return None
                for x in range(np[0] + 1, np[1] + 1):
                    if toks[x].low in AUX or (toks[x].low in lex.verbs and not toks[x].cap):
                        np = (np[0], x - 1)  # "…, Tester said the measure …" → "Tester"
                        break
                content = _content_after(text, toks, after, toks[m].start, quotes, skip_that=True)
                if content[1] <= content[0]:
                    return None
                return _Raw((toks[i].start, toks[cue_end].end), (toks[np[0]].start, toks[np[1]].end), content, False, info.lemma)
        return None
    if low not in ("said", "says", "stated", "added", "wrote", "asked", "told"):
        return None
    np = _right_np(toks, cue_end + 1, inverted=True)
    if np is None or not toks[np[0]].cap:
        return None
    k = np[1] + 1
    if k >= n or toks[k].text not in (",", ":"):
        return None
    content = _content_after(text, toks, k + 1, se, quotes)
    if content[1] <= content[0] and toks[k].text != ":":
        return None
    if content[1] <= content[0]:
        content = (-1, -1)  # 'Stated Stone:' — the quotation follows in the next paragraph
    return _Raw((toks[i].start, toks[cue_end].end), (toks[np[0]].start, toks[np[1]].end), content, False, info.lemma)


def _clause_follows(toks: list[_Tok], k: int, lex: _Lexicon) -> bool:
    """A short noun phrase at ``k`` followed by a finite-looking verb ("allies wanted")."""
    for m in range(k + 1, min(len(toks), k + 5)):
        tm = toks[m]
        if not tm.is_word or tm.in_quote:
            return False
        if _verb_like(tm, lex) and tm.low not in ("been", "being", "be"):
            return True
    return False


_NOT_CLAUSE_START = frozenset(
    "to as while when before after because with without and but or so if than like until "
    "unless though although whether during since by for from of at in on into about over "
    "under through amid despite simply only also again recently then there".split()
)


def _bare_clause_after(toks: list[_Tok], k: int) -> bool:
    """A finite clause right after the cue ("said he would stay", "said the plan is dead")."""
    n = len(toks)
    if k >= n:
        return False
    t = toks[k]
    if t.in_quote or not t.is_word:
        return False
    if t.low in _NOT_CLAUSE_START or t.low.endswith("ing") or (t.low.endswith("ly") and not t.cap):
        return False
    words = 0
    for m in range(k, min(n, k + 12)):
        tm = toks[m]
        if tm.is_word:
            words += 1
        elif tm.text not in ("'", "’", "-", "."):
            break
    return words >= 3


_ASK_HEADS = frozenset("if whether about what how why who whom when where which to for".split())


def _ask_content(
    text: str, toks: list[_Tok], k: int, se: int, quotes: _Quotes, stop_at_comma: bool
) -> tuple[int, int]:
    """The question after "asked": from "if/whether/about/what ..." (skipping the person
    asked, "by reporters"), up to the comma before the answer when fronted."""
    n = len(toks)
    if k < n and toks[k].low == "by":
        k += 1
        while k < n and toks[k].is_word and toks[k].low not in _ASK_HEADS and toks[k].low != "that":
            k += 1
    for m in range(k, min(n, k + 7)):
        if toks[m].low in _ASK_HEADS:
            k = m + 1 if toks[m].low == "about" else m
            break
        if not toks[m].is_word:
            break
    if k >= n:
        return (se, se)
    a = toks[k].start
    if stop_at_comma:
        for m in range(k, min(n, k + 120)):
            if toks[m].text == "," and not toks[m].in_quote and m > k:
                return _trim(text, a, toks[m].start)
    return _content_after(text, toks, k, se, quotes)


def _noun_reading(toks: list[_Tok], j: int, lex: _Lexicon) -> bool:
    """A verb form read as the head noun of a subject: "the report said", "The Post reported"."""
    t = toks[j]
    if t.cap and j > 0 and toks[j - 1].is_word:
        return True  # inside a name ("The Washington Post", "the White House Press Office")
    low = t.low
    if low.endswith("ing") and j > 0 and toks[j - 1].low.endswith(("'s", "’s")):
        return True  # "a source familiar with Cruz's thinking said"
    stem = low[:-1] if low.endswith("s") and not low.endswith("ss") else low
    if not (stem in HOMOGRAPHS or stem in lex.documents or low in lex.documents or stem in lex.vague or low in lex.vague):
        return False
    if j == 0:
        return t.cap
    p = toks[j - 1]
    return p.is_word and p.low not in PRONOUNS_PERSON and p.low not in PRONOUNS_GROUP and p.low not in ("it", "who", "which", "that", "to") and p.low not in AUX


def _starts_clause(toks: list[_Tok], k: int) -> bool:
    """Content resuming after a mid-sentence cue: '"A," he said, "B."' or "The plan, she
    said, is dead." — not a participle or adverbial ("..., he said, adding ...")."""
    if k >= len(toks) or toks[k].text != ",":
        return False
    if k + 1 >= len(toks):
        return False
    nx = toks[k + 1]
    if nx.text in QUOTE_CHARS:
        return True
    if not nx.is_word or nx.cap or nx.in_quote:
        return False
    return not (
        nx.low.endswith("ing")
        or nx.low in PREPOSITIONS
        or nx.low in LEFT_STOP
        or nx.low in ("and", "but", "or", "according", "then", "as", "who", "which", "a", "an", "the")
    )


def _before_is_content(toks: list[_Tok], floor: int, boundary: int, wp: list[int], quotes: _Quotes) -> bool:
    """Whether the text before ", X said" is the reported content, not a fronted adverbial."""
    if boundary <= floor:
        return False
    nwords = wp[boundary] - wp[floor]
    first = _first_word(toks, floor, boundary)
    if first is None:
        return nwords > 0
    if quotes.any_start_in(toks[floor].start, toks[boundary].start):
        return True
    if nwords >= 6:
        return True
    return first.low not in PREPOSITIONS and nwords >= 3


def _only_punct(text: str, span: tuple[int, int]) -> bool:
    return not any(c.isalnum() for c in text[span[0] : span[1]])


def _weak_ok(toks: list[_Tok], info: _VerbInfo, after: int, lex: _Lexicon) -> bool:
    """Belief verbs with a bare clause: "Both ... believe the post-ISIS phase will ..."."""
    n = len(toks)
    if after >= n:
        return False
    a = toks[after]
    if info.lemma == "report" and toks[after - 1].low == "reported":
        # "The Times reported the email came ...", "Amazon reported a profit of ...":
        # a reported fact (not "reported to work", "reported on the trial")
        return (a.is_word or a.text == "$") and a.low not in PREPOSITIONS and a.low not in ("back", "as", "and", "but", "or") and not a.in_quote
    if info.lemma in ("believe", "think", "feel", "fear", "hope", "expect", "know", "suspect", "worry", "guess", "assume", "reckon", "doubt", "understand", "consider", "insist", "agree", "conclude", "acknowledge", "realize", "realise", "recognize", "recognise", "estimate", "indicate", "show", "find", "want"):
        if info.lemma == "want":
            return a.low in ("to",) or a.low in PRONOUNS_PERSON or a.low in PRONOUNS_GROUP or a.low in ("the", "a", "an")
        if info.lemma == "consider":
            # "many consider X to be ..." / "who many consider to be ..."
            for k in range(after, min(n, after + 6)):
                if toks[k].low == "to" and k + 1 < n and toks[k + 1].low == "be":
                    return True
            return False
        # a bare finite clause: determiner / pronoun / name followed by a verb-ish word soon
        if a.low in ("the", "this", "that", "these", "those", "there", "it", "he", "she", "they", "we", "i", "you") or a.cap:
            for k in range(after + 1, min(n, after + 8)):
                lk = toks[k].low
                if lk in ("will", "would", "is", "are", "was", "were", "has", "have", "had", "can", "could", "should", "must", "may", "might", "does", "did"):
                    return True
                if not toks[k].is_word:
                    break
        return False
    return False


_CONTRACTED_PRONOUN = re.compile(r"^(?:he|she|they|we|i|it|you)['’]")
_TELL_STOP = LEFT_STOP | frozenset("that about to he she they it we i you his her their this".split())


def _extend_cue(toks: list[_Tok], i: int, last: int, info: _VerbInfo, lex: _Lexicon) -> int:
    """Extend the cue over its addressee and medium: "told reporters", "wrote on Facebook"."""
    n = len(toks)
    k = last + 1
    if info.lemma == "tell" and k < n:
        # the addressee: "told reporters", "told The Baghdad Post", "told a news conference"
        m = k
        while m < n and m - k < 7 and toks[m].is_word and not toks[m].in_quote:
            lm = toks[m].low
            if lm in _TELL_STOP or (lm in ("the", "a", "an") and m > k) or _CONTRACTED_PRONOUN.match(lm):
                break
            m += 1
        if m > k:
            last = m - 1
            k = m
    # medium: "in a statement", "on Facebook", "in a video"
    if k < n and toks[k].low in ("in", "on", "via", "during", "at"):
        for m in range(k + 1, min(n, k + 5)):
            lm = toks[m].low
            if lm in lex.channels:
                return m
            if not toks[m].is_word or lm in ("that", ","):
                break
    return last


def _left_np(toks: list[_Tok], j: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The subject noun phrase ending at token ``j`` (inclusive), as token indices."""
    k = j
    limit = max(0, j - 12)
    while k >= limit:
        tk = toks[k]
        lk = tk.low
        if not tk.is_word:
            if lk in ("-", "'", "’", ".", "&", "%") and k > 0 and toks[k - 1].is_word:
                k -= 1
                continue
            break
        if tk.in_quote:
            break
        if lk in LEFT_STOP:
            break
        if k != j and lk in lex.verbs and not tk.cap and lk not in lex.vague and lk not in lex.documents:
            break
        if lk in ("and", "or") and k != j:
            # keep "Washington and Riyadh", "the Gulf states and US circles"; stop at a
            # coordinated clause ("... and analysts said") when a verb-like word precedes
            pk = toks[k - 1].low if k >= 1 else ""
            verbish = pk in lex.verbs and pk not in lex.org_nouns and pk not in lex.documents and pk not in lex.vague
            if k - 1 >= 0 and toks[k - 1].is_word and not (verbish and not toks[k - 1].cap) and pk not in LEFT_STOP:
                if (j - k) <= 4 and (k - 1) >= limit:
                    k -= 1
                    continue
            break
        k -= 1
    a = k + 1
    if a > j:
        return None
    # Trim introductory words and fronted adverbials without a comma.
    while a <= j and toks[a].low in INTRO_WORDS and not toks[a].cap:
        a += 1
    while a <= j and toks[a].low in INTRO_WORDS and a < j and toks[a].cap and toks[a].low in ("but", "and", "also", "however", "meanwhile", "still", "yet", "so", "then", "instead", "now"):
        a += 1
    if a > j:
        return None
    # Too long to be a subject: keep the tail starting at a determiner, pronoun or name.
    if j - a >= 8 and not (a >= 1 and toks[a - 1].text == "," and not toks[a].cap):
        for b in range(j - 7, j + 1):
            if toks[b].low in ("the", "a", "an") or toks[b].cap:
                a = b
                break
        else:
            a = j - 2
    # a lone lower-case adverb/preposition is not a subject
    if a == j and toks[a].low in PREPOSITIONS:
        return None
    return (a, j)


_COMMON_PAST = frozenset(
    "left went made took gave came met held won lost ran spoke sent kept brought got put set "
    "led began became stood sat paid sought fought drew threw chose broke rose fell hit cut".split()
)


def _verb_like(t: _Tok, lex: _Lexicon) -> bool:
    """A lower-case word that is probably a finite verb (no tagger: endings and lists)."""
    low = t.low
    if t.cap or not t.is_word:
        return False
    return low in AUX or low in lex.verbs or low in _COMMON_PAST or (len(low) > 4 and low.endswith("ed"))


_SENTENCE_ADVERBS = frozenset(
    "perhaps still rather instead however now indeed moreover meanwhile nonetheless nevertheless "
    "yet also then again otherwise admittedly sure true ultimately apparently".split()
)
_CLAUSE_OPENERS = frozenset("and but as when while after because so then yet though although".split())
_SUBJ_PRONOUNS = frozenset("he she they we it i".split())


def _participle_subject(toks: list[_Tok], i: int, lex: _Lexicon) -> tuple[int, int] | None:
    """Subject of the clause a participle (", saying ...") hangs on: the nearest noun
    phrase before ``i`` that opens a clause (sentence start, after a comma or a
    conjunction) and is followed by a verb-like word — which skips fronted adverbials
    ("Back in 1999, Mr. Trump expressed ..., telling CNBC")."""
    best: tuple[int, int] | None = None
    lo = max(0, i - 60)
    for k in range(lo, i):
        t = toks[k]
        if not t.is_word or t.in_quote:
            continue
        if k > 0 and not (toks[k - 1].text in ",;:" or toks[k - 1].low in _CLAUSE_OPENERS or toks[k - 1].text in QUOTE_CHARS):
            continue
        low = t.low
        if low in _SUBJ_PRONOUNS:
            e = k
        elif t.cap and low not in INTRO_WORDS and low not in PREPOSITIONS and low not in LEFT_STOP and low not in ("the", "a", "an", "this", "that", "it"):
            e = k
            while e + 1 < i and e - k < 6 and (toks[e + 1].cap or toks[e + 1].low in NAME_PARTICLES or toks[e + 1].text in (".", "-")):
                e += 1
            while e > k and not toks[e].is_word:
                e -= 1
        elif low in ("the", "a", "an") or (t.cap and low in ("the", "a", "an")):
            e = k + 1
            while e < i and e - k < 6 and toks[e].is_word and not _verb_like(toks[e], lex) and toks[e].low not in PREPOSITIONS and toks[e].low not in LEFT_STOP and toks[e].low not in ("and", "or"):
                e += 1
            e -= 1
            if e <= k:
                continue
        else:
            continue
        nx = e + 1
        if nx >= i:
            continue
        v = toks[nx]
        if not v.is_word or v.cap or v.in_quote:
            continue
        if v.low in PREPOSITIONS or v.low in ("of", "and", "or", "'s", "’s") or v.low in LEFT_STOP:
            continue
        if not (_verb_like(v, lex) or v.low.endswith("s")):
            continue
        best = (t.start, toks[e].end)
    return best


def _prefer_name(toks: list[_Tok], np: tuple[int, int], lex: _Lexicon) -> tuple[int, int]:
    """For "NAME, a description, said" prefer NAME over the description."""
    a = np[0]
    first = toks[a]
    descriptive = (not first.cap or first.low in ("the", "a", "an")) and first.low not in _SUBJ_PRONOUNS
    # "Mr. Obama, officials said": a plural vague subject is not an appositive
    if np[1] == a and (first.low in lex.vague or first.low.endswith("s")):
        descriptive = False
    if not descriptive or a < 2 or toks[a - 1].text != ",":
        return np
    head = toks[np[1]]
    if head.cap and head.low not in lex.roles and head.low.rstrip(".") not in lex.titles and head.low not in lex.org_nouns:
        return np  # "…, the BBC reported": a name, not a description of the phrase before
    name = _appositive_name(toks, a - 1, lex)
    if name is not None and toks[name[0]].low in ("the", "a", "an") and not any(toks[x].cap for x in range(name[0] + 1, name[1] + 1)):
        return np  # "The man, who …, worked as a geologist, the BBC reported": no name to prefer
    return name if name is not None else np


def _name_like(toks: list[_Tok], a: int, b: int) -> bool:
    """All capitalised words (or name particles): "Ali Shamkhani", "Ahmad al-Assadi"."""
    if b < a or b - a > 6:
        return False
    saw_cap = False
    for k in range(a, b + 1):
        t = toks[k]
        if not t.is_word:
            if t.text in (".", "-"):
                continue
            return False
        if t.cap:
            saw_cap = True
        elif t.low not in NAME_PARTICLES and not t.low.startswith(("al-", "el-", "bin-")):
            return False
    return saw_cap


def _appositive_name(toks: list[_Tok], j: int, lex: _Lexicon) -> tuple[int, int] | None:
    """For "NAME, description(, description), said" the NAME; ``j`` is the comma before
    the cue (or before the description).  Walks back over at most four comma-separated
    descriptions, within 40 tokens."""
    b = j - 1
    if toks[j].text in QUOTE_CHARS and j >= 2 and toks[j - 1].text == ",":
        # 'the hacker known as "Guccifer," stated': a quoted name ends the description
        o = next((x for x in range(j - 3, max(-1, j - 8), -1) if toks[x].text in QUOTE_CHARS), None)
        if o is not None and o >= 1 and toks[o - 1].is_word:
            b = o - 1
    for _ in range(6):
        if b >= 0 and toks[b].text == ")":
            # "Sen. Jack Reed (D-R.I.), said": step over the parenthesis
            k = b - 1
            while k >= 0 and toks[k].text != "(" and b - k < 15:
                k -= 1
            if k < 1 or toks[k].text != "(":
                return None
            b = k - 1
        a = b
        while a >= 0 and toks[a].text not in _APPOS_SEPARATORS and j - a < 40:
            if toks[a].text in QUOTE_CHARS:
                # a short quoted nickname or title inside the description is part of it
                o = next((x for x in range(a - 2, max(-1, a - 6), -1) if toks[x].text in QUOTE_CHARS), None)
                if o is None or o < 1 or not toks[o - 1].is_word or any(toks[x].text in _APPOS_SEPARATORS for x in range(o, a)):
                    break
                a = o - 1
                continue
            a -= 1
        seg_start = a + 1
        if seg_start > b:
            return None
        if a >= 0 and toks[a].text in _APPOS_SEPARATORS and _place_or_age(toks, seg_start, b, lex):
            # "Cory James, 22, of Flint, Mich., said": ages, states and party tags
            b = a - 1
            continue
        # trailing name run of this segment ("James B. Comey Jr." ends in a full stop)
        if b - 1 >= seg_start and toks[b].text == "." and toks[b - 1].low in _NAME_SUFFIXES:
            b -= 1
        ns = b
        while ns - 1 >= seg_start and (
            toks[ns - 1].cap or toks[ns - 1].low in NAME_PARTICLES or toks[ns - 1].text in (".", "-")
        ):
            ns -= 1
        if (_name_like(toks, ns, b) and toks[b].cap) or (
            _name_like(toks, ns, b) and toks[b].low.startswith(("al-", "el-"))
        ):
            lead = [t for t in toks[seg_start:ns] if t.is_word]
            # lead words: "But", "former", or a role with its article ("the economist X")
            role_lead = bool(lead) and lead[0].low in ("the", "a") and all(t.low in lex.roles or t.cap for t in lead[1:]) and len(lead) >= 2
            if (role_lead or all(t.low in INTRO_WORDS or (t.low in PREPOSITIONS and t.low not in ("of", "from")) or t.cap or _NAME_MODIFIER.match(t.low) for t in lead)) and len(lead) <= 4:
                if (toks[b].low not in lex.roles or (ns < b and toks[ns].low not in lex.roles and toks[ns].low.rstrip(".") not in lex.titles)) and toks[b].low not in lex.vague and not (
                    ns == b and (toks[b].low in INTRO_WORDS or toks[b].low in _SENTENCE_ADVERBS)
                ):
                    return (ns, b)
        # "Rep. Tom Cole of Oklahoma, an ally of GOP leadership, said": a name followed
        # by "of/from" + place or organisation
        ls = seg_start
        while ls <= b and toks[ls].is_word and toks[ls].low in INTRO_WORDS:
            ls += 1
        le = ls
        while le + 1 <= b and (toks[le + 1].cap or toks[le + 1].low in NAME_PARTICLES or toks[le + 1].text in (".", "-")):
            le += 1
        if (
            le > ls
            and le + 1 <= b
            and toks[le + 1].low in ("of", "from")
            and toks[le].cap
            and _name_like(toks, ls, le)
            and toks[le].low not in lex.org_nouns
            and toks[le].low not in lex.places
            and (a < 0 or toks[a].text in (",", "—", "–", "-") or toks[a].text in QUOTE_CHARS)
        ):
            return (ls, le)
        first = toks[seg_start]
        descriptive = (
            (not first.cap)
            or first.low in ("the", "a", "an")
            or first.low in lex.roles
            or first.low in ("republican", "democrat", "independent", "libertarian")
            or (not toks[b].cap and (toks[b].low in lex.roles or toks[b].low in lex.vague))
            # "Mrs. Obama's chief of staff", "Gov. X's spokesman": a possessive description
            or (not toks[b].cap and any(toks[x].low.endswith(("'s", "’s")) for x in range(seg_start, b)))
            or (not toks[b].cap and b - seg_start >= 2)
        )
        if not descriptive or a < 0 or toks[a].text not in (",", "—", "–", "-"):
            if a >= 0 and toks[a].text == "," and first.low in ("who", "whose", "who's", "who’s"):
                b = a - 1
                continue
            return None
        if first.low in ("who", "which", "whose", "who's", "who’s") or (first.low.endswith("ing") and not first.cap):
            # "One former employee, speaking on condition of anonymity, said": the noun
            # phrase before a relative or participle clause is the subject
            np = _left_np(toks, a - 1, lex) if a >= 1 else None
            if np is not None and np[0] >= 0 and (np[0] == 0 or toks[np[0] - 1].text in ",;:" or toks[np[0] - 1].low in INTRO_WORDS or toks[np[0] - 1].low in LEFT_STOP or toks[np[0] - 1].text in QUOTE_CHARS) and _np_like(toks, np, lex):
                inner = _appositive_name(toks, a, lex) if toks[np[0]].low in ("the", "a", "an") else None
                return inner if inner is not None else np
            if first.low == "including" and a >= 1:
                # "numerous veterans interviewed at rallies this week, including Mr. Jebens,
                # said": the whole phrase from the clause's start is the subject
                s0 = 0
                while s0 < a and toks[s0].low in INTRO_WORDS:
                    s0 += 1
                if a - s0 <= 20 and s0 < a and all(toks[x].is_word for x in range(s0, a)) and not any(toks[x].low in lex.verbs and not toks[x].low.endswith("ed") for x in range(s0, a)):
                    return (s0, a - 1)
        b = a - 1
    return None


_NAME_SUFFIXES = frozenset("jr sr jr. sr. ii iii".split())

# lower-case words that may lead a name: "81-year-old Parker Eaton", "former Gov. X"
_NAME_MODIFIER = re.compile(r"\d+-(?:year|month)-old$|former$|longtime$|veteran$|retired$|fellow$|then-\w+$")
_APPOS_SEPARATORS = frozenset([",", ";", ":", "(", ")", "—", "–", "-"])


def _place_or_age(toks: list[_Tok], a: int, b: int, lex: _Lexicon) -> bool:
    """A short appositive segment that is an age ("67"), a state ("Pa.", "N.C.", "Ohio")
    or a party tag ("R-Ky.")."""
    words = [t for t in toks[a : b + 1] if t.is_word]
    if not words or len(words) > 2:
        return False
    if len(words) == 1 and words[0].text.isdigit():
        return True
    w = words[0]
    if len(words) == 1 and re.fullmatch(r"[RDI]-[A-Z][A-Za-z.]*", w.text):
        return True
    if all(x.cap for x in words) and (
        " ".join(x.low for x in words) in lex.places
        or (len(words) == 1 and len(w.text) <= 4 and b + 1 < len(toks) and toks[b].text == ".")
        or (len(words) == 1 and w.text.endswith(".") and len(w.text) <= 5)
    ):
        return True
    return False


def _np_like(toks: list[_Tok], np: tuple[int, int], lex: _Lexicon) -> bool:
    """A plausible subject noun phrase: short, no verb-like lower-case word inside."""
    a, b = np
    if b - a > 8:
        return False
    for k in range(a, b + 1):
        t = toks[k]
        if t.is_word and not t.cap and (t.low in AUX or t.low in LEFT_STOP):
            return False
    return True


_INVERTED_STOP = frozenset(
    "after before since during following ahead amid via while when as with upon".split()
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_TIME_ADVERBS = frozenset("yesterday today tonight earlier later last this recently".split())


def _right_np(toks: list[_Tok], k: int, inverted: bool = False) -> tuple[int, int] | None:
    """Noun phrase starting at ``k`` up to punctuation or a clause word (max 12 tokens).
    ``inverted`` ("..., said Mayor Elena Voss after the vote."): the phrase also ends
    before a time or manner adverbial and before a participle ("speaking to reporters")."""
    n = len(toks)
    a = k
    m = k
    while m < n and m - k < 12:
        t = toks[m]
        if inverted and m > a and t.is_word and not t.in_quote:
            pl = toks[m - 1].low
            if (
                (t.low in _INVERTED_STOP and not t.cap)
                or (t.low in _TIME_ADVERBS and not t.cap)
                or (t.low in _WEEKDAYS and pl not in ("the", "a", "an"))
                or (not t.cap and t.low.endswith("ing") and len(t.low) > 5 and (toks[m - 1].cap or pl in _lexicon().roles))
            ):
                break
        if not t.is_word and t.text not in (".", "-", "'", "’", "&", "(", ")"):
            break
        if t.text == "." and not (m + 1 < n and toks[m + 1].is_word and not toks[m + 1].cap):
            # an initial ("Gregory W. Slayton") does not end the phrase
            if not (m > a and len(toks[m - 1].text) == 1 and toks[m - 1].cap and m + 1 < n and toks[m + 1].cap):
                break
        if t.low in ("that", "who", "which", "on", "in", "at", "during") and m > a:
            break
        if t.in_quote:
            break
        m += 1
    b = m - 1
    while b >= a and not toks[b].is_word:
        b -= 1
    if b < a:
        return None
    if toks[a].low in PREPOSITIONS or toks[a].low in ("that",):
        return None
    return (a, b)


def _prefer_name_right(toks: list[_Tok], np: tuple[int, int]) -> tuple[int, int]:
    """In "said one of the group's leaders, Ahmad al-Assadi." prefer the name."""
    b = np[1]
    n = len(toks)
    if b + 2 < n and toks[b + 1].text == ",":
        m = b + 2
        e = m
        while e < n and e - m < 6 and (toks[e].is_word or toks[e].text in ("-", ".")) and not (toks[e].text == "." and e + 1 >= n):
            if toks[e].text == "." and (e + 1 >= n or not toks[e + 1].is_word):
                break
            e += 1
        e -= 1
        if e >= m and _name_like(toks, m, e) and not _name_like(toks, np[0], np[1]):
            return (m, e)
    return np


def _dateline_end(toks: list[_Tok], before: int) -> int:
    """Index after a wire dateline ("ORLANDO, Fla. (Reuters) -", "WASHINGTON (AP) —"), else 0:
    upper-case place words, optionally a state and a bracketed agency, then a dash."""
    if not toks or not (toks[0].text == "(" or (toks[0].is_word and toks[0].text.isupper() and len(toks[0].text) >= 3)):
        return 0  # (a split after "Fla." leaves "(Reuters) - …" as a sentence of its own)
    for m in range(1, min(before, 12)):
        tm = toks[m]
        if (tm.text in ("-", "—", "–", "--") and toks[m - 1].text == ")") or (tm.text in ("—", "–", "--") and toks[m - 1].text.isupper()):
            return m + 1
        if not (tm.is_word or tm.text in (",", ".", "(", ")")):
            return 0
    return 0


_PHRASE_OPENERS = frozenset("the a an his her their its our my".split())
_NUMBER_WORDS = frozenset("two three four five six seven eight nine ten dozens hundreds thousands several many some".split())


def _sentence_subject(toks: list[_Tok], before: int, lex: _Lexicon) -> tuple[int, int] | None:
    """The subject at the start of the clause: a pronoun or a capitalised name."""
    k = _dateline_end(toks, before)
    # skip a fronted adverbial ending in a comma within the first few tokens
    if toks[k].low in PREPOSITIONS or toks[k].low in INTRO_WORDS:
        # the comma that ends it is followed by the subject ("In a wide-ranging, in-prison
        # interview last year, Lazar said ..."): a name or a pronoun
        for m in range(k, min(before - 1, k + 25)):
            if toks[m].text == ",":
                nx = toks[m + 1]
                if nx.cap or nx.low in PRONOUNS_PERSON or nx.low in PRONOUNS_GROUP or m >= k + 14:
                    k = m + 1
                    break
    while k < before and (toks[k].low in INTRO_WORDS or toks[k].text in QUOTE_CHARS):
        k += 1
    if k >= before:
        return None
    t = toks[k]
    if t.low in PRONOUNS_PERSON or t.low in PRONOUNS_GROUP:
        return (t.start, t.end)
    numeral = t.low in _NUMBER_WORDS or t.low.isdigit()
    if t.cap or t.low in _PHRASE_OPENERS or numeral:
        e = k
        # "The deputy head", "Five military veterans": a determiner or number takes the
        # noun phrase after it
        phrase = toks[k].low in _PHRASE_OPENERS or numeral
        while e + 1 < before and e - k < 5 and toks[e + 1].is_word and (toks[e + 1].cap or toks[e + 1].low in NAME_PARTICLES or (phrase and not _verb_like(toks[e + 1], lex))):
            e += 1
        return (t.start, toks[e].end)
    return None


def _according(
    text: str, toks: list[_Tok], i: int, ss: int, se: int, quotes: _Quotes, wp: list[int], floor: int
) -> _Raw | None:
    n = len(toks)
    np = _right_np(toks, i + 2)
    if np is None:
        return None
    # "according to analysts at the Northvale Institute, …": the prepositional phrase up
    # to the comma or the end of the sentence belongs to the source
    e = np[1] + 1
    if e < n and toks[e].low in ("at", "in", "from", "of", "with", "for", "on", "inside", "close") and not toks[e].in_quote:
        m = e + 1
        while m < n and m - e < 10 and toks[m].is_word and not toks[m].in_quote and not _verb_like(toks[m], _lexicon()) and toks[m].low not in LEFT_STOP:
            m += 1
        if m > e + 1 and (m >= n or toks[m].text in (",", ".", ";", ")", "—", "–")):
            np = (np[0], m - 1)
    cue = (toks[i].start, toks[i + 1].end)
    src = (toks[np[0]].start, toks[np[1]].end)
    nbefore = wp[i] - wp[floor] if i > floor else 0
    first = _first_word(toks, floor, i) if i > floor else None
    fs = max(ss, toks[floor].start) if floor < n else ss
    if first is None or (nbefore <= 4 and first.low in PREPOSITIONS):
        # "According to X, CONTENT."
        k = np[1] + 1
        while k < n and not toks[k].is_word and toks[k].text not in QUOTE_CHARS:
            k += 1
        content = _content_after(text, toks, k, se, quotes, skip_that=False)
        if content[1] <= content[0] and i > 0 and toks[i - 1].text == ",":
            # '"...," Welch said, according to Vermont Edition.': what was reported
            content = _content_before(text, toks, ss, toks[i - 1].start, quotes)
    else:
        # "CONTENT, according to X." (maybe with more content after)
        j = i - 1
        content = _content_before(text, toks, fs, toks[j].start if toks[j].text == "," else toks[i].start, quotes)
        k = np[1] + 1
        if k < n - 1 and toks[k].text == ",":
            rest = _content_after(text, toks, k + 1, se, quotes)
            if rest[1] > rest[0]:
                content = (content[0], rest[1])
    if content[1] <= content[0]:
        return None
    return _Raw(cue, src, content, False, "according")


def _adverb_cue(text: str, toks: list[_Tok], i: int, ss: int, se: int) -> _Raw | None:
    """"X reportedly met Y": the whole sentence rests on unnamed reports."""
    t = toks[i]
    e = se
    while e > ss and text[e - 1] in ".!? ":
        e -= 1
    if e <= ss:
        return None
    return _Raw((t.start, t.end), None, (ss, e), True, t.low)


# --------------------------------------------------------------------------------------
# Content spans


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",;:—–-"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:—–-"):
        b -= 1
    return a, b


def _content_after(
    text: str,
    toks: list[_Tok],
    k: int,
    se: int,
    quotes: _Quotes,
    skip_that: bool = False,
) -> tuple[int, int]:
    n = len(toks)
    while k < n and toks[k].text in (",", ":"):
        k += 1
    if skip_that and k < n and toks[k].low == "that":
        k += 1
    if k >= n:
        return (se, se)
    a = toks[k].start
    # a quotation right after the cue: its inside is the content (may run past the sentence)
    if text[a] in QUOTE_CHARS:
        q = quotes.by_start.get(a)
        nxt = q.end if q is not None and q.closed else -1
        while 0 <= nxt < se and text[nxt] == " ":
            nxt += 1
        if 0 <= nxt < se and text[nxt].isalnum():
            q = None  # 'said "zero" voters would ...': the quote is only part of the clause
        if q is not None:
            # the quote may run past the sentence (or paragraph, if unclosed): keep it whole,
            # but never beyond a bounded window
            return _trim(text, q.inner_start, min(q.inner_end, a + 4 * MAX_SENTENCE))
    b = _clause_end(text, toks, k, se)
    while b > a and text[b - 1] in ".!? ":
        b -= 1
    return _trim(text, a, b)


_KEEP_ING = frozenset("including during according regarding concerning notwithstanding nothing something anything everything".split())


def _clause_end(text: str, toks: list[_Tok], k: int, se: int) -> int:
    """End of reported content starting at token ``k``: the sentence end, or earlier at a
    participle clause (", calling it ...", ", adding ..."), a dash aside, or ", according
    to" — the writer's own material after the report."""
    n = len(toks)
    words = 0
    for m in range(k, min(n, k + 200)):  # bounded: cue-dense input stays linear
        t = toks[m]
        if t.is_word:
            if t.low in ("and", "but") and words >= 3 and not t.in_quote and m + 1 < n and _second_predicate(toks, m + 1):
                # "says he respects Clinton and calls her ...": the speaker's next act
                return t.start
            words += 1
            continue
        if words >= 3 and t.text in QUOTE_CHARS and not t.in_quote and text[t.start - 1] == "," and m + 1 < n:
            nx = toks[m + 1]
            if nx.is_word and not nx.cap and nx.low.endswith("ing") and nx.low not in _KEEP_ING and len(nx.low) > 5:
                return t.start + 1  # '... "overblown," adding that ...'
        if t.in_quote or words < 3:
            continue
        if t.text == "," and m + 1 < n:
            nx = toks[m + 1]
            if nx.is_word and not nx.cap and not nx.in_quote and (
                (nx.low.endswith("ing") and nx.low not in _KEEP_ING and len(nx.low) > 5)
                or (nx.low == "according" and m + 2 < n and toks[m + 2].low == "to")
            ):
                return t.start
            if nx.low in ("and", "but") and m + 2 < n and toks[m + 2].is_word and toks[m + 2].low != "that" and not toks[m + 2].in_quote:
                return t.start  # ", and he railed against ...": a new clause of the writer
        elif t.text == ";":
            return t.start
        elif t.text in ("—", "–") or (t.text == "-" and m + 1 < n and toks[m + 1].text == "-"):
            if t.start > 0 and text[t.start - 1] == " ":
                return t.start
    return se


_PREDICATE_AUX = frozenset("has have had is was will would could can did does also then".split())


def _second_predicate(toks: list[_Tok], m: int) -> bool:
    """Whether token ``m`` (after "and"/"but") starts a second verb phrase of the speaker."""
    t = toks[m]
    if not t.is_word or t.cap or t.in_quote:
        return False
    low = t.low
    if low in _PREDICATE_AUX:
        return True
    if low in _lexicon().verbs and not low.endswith("s"):
        return True
    return len(low) > 5 and low.endswith("ed")


def _content_before(
    text: str, toks: list[_Tok], ss: int, b: int, quotes: _Quotes
) -> tuple[int, int]:
    # If the material before the cue ends with a closed quotation, the quote is the content
    # (also when it opened in an earlier sentence: a multi-sentence quote).
    e = b
    while e > ss and (text[e - 1].isspace() or text[e - 1] in ",—–-"):
        e -= 1
    for x in (e, b, b + 1):
        q = quotes.by_end.get(x)
        if q is not None and q.end > ss and q.start >= ss - 4 * MAX_SENTENCE:
            return _trim(text, q.inner_start, q.inner_end)
    return _trim(text, ss, e)


# --------------------------------------------------------------------------------------
# Building the public record: source type, resolution, kind


_CONDITIONAL_RE = re.compile(r"\b(?:[Ii]f|[Uu]nless)\s+(?=\S)")


def _build(
    text: str, raw: _Raw, toks: list[_Tok], quotes: _Quotes, ctx: _Ctx, lex: _Lexicon
) -> Attribution | None:
    cs, ce = raw.content
    cs, ce = _trim(text, cs, ce)
    if ce <= cs:
        return None
    cue = Span(text[raw.cue[0] : raw.cue[1]], raw.cue[0], raw.cue[1])
    content = Span(text[cs:ce], cs, ce)
    kind = _kind(text, cs, ce, quotes)
    if raw.source is None:
        stype = "unnamed"
        why = "agentless: " + cue.text if raw.agentless else "no source"
        return Attribution(None, cue, content, kind, stype, None, why, agentless=raw.agentless)
    s0, s1 = raw.source
    if _CONDITIONAL_RE.search(text, max(0, s0 - 8), s0 + 4) and raw.cue[0] > s0:
        return None  # "If Obama says it, it's true": a hypothetical, not a report
    source = Span(text[s0:s1], s0, s1)
    stype, trigger, resolved = _classify(source.text, ctx, lex, toks, s0)
    _remember(source.text, stype, trigger, resolved, ctx, lex)
    return Attribution(source, cue, content, kind, stype, resolved, trigger)


def _kind(text: str, cs: int, ce: int, quotes: _Quotes) -> str:
    quoted = 0
    k = quotes.first_index(cs)
    regions = quotes.regions
    while k < len(regions) and regions[k].start < ce:
        q = regions[k]
        a = max(cs, q.inner_start)
        b = min(ce, q.inner_end)
        if b > a:
            quoted += b - a
        k += 1
    if quoted == 0:
        return "indirect"
    if quoted / max(1, ce - cs) >= 0.9:
        return "direct"
    return "mixed"


_WORD_RE = re.compile(r"[\w.’'\-]+")


def _classify(
    src: str, ctx: _Ctx, lex: _Lexicon, toks: list[_Tok], start: int
) -> tuple[str, str | None, str | None]:
    """Source type, vague trigger and resolved name for a source phrase."""
    words = _WORD_RE.findall(src)
    lows = [w.lower().rstrip(".") for w in words]
    if not lows:
        return ("unnamed", "no source", None)
    low_text = " ".join(lows)
    # Pronouns
    if len(lows) == 1:
        p = lows[0]
        if p in ("he", "she", "i"):
            if ctx.last_person:
                return ("named_person", None, ctx.last_person)
            return ("unnamed", p, None)
        if p in ("they", "we"):
            if ctx.last_group:
                res, typ, trig = ctx.last_group
                return (typ, trig, res)
            return ("unnamed", p, None)
        if p == "it":
            if ctx.last_thing:
                return (ctx.last_thing[1], None, ctx.last_thing[0])
            return ("unnamed", "it", None)
        if p in ("who", "which"):
            ante = _antecedent(toks, start)
            if ante:
                a_type, a_trig, a_res = _classify(ante, ctx, lex, toks, -1)
                return (a_type, a_trig, a_res or ante)
            return ("unnamed", p, None)
    # The outlet itself
    core = [w for w in lows if w not in ("the", "this", "our")]
    if ctx.site_words and core:
        if all(w in ctx.site_words for w in core) or (lows[0] in ("the", "this") and core[-1] == ctx.site_words[-1] and len(core) == 1):
            return ("self", None, None)
    if lows[0] == "this" and core and core[-1] in ("newspaper", "website", "paper", "reporter", "outlet", "site"):
        return ("self", None, None)
    # Coordination: named if any conjunct is named
    if "and" in lows and len(lows) > 2:
        parts: list[list[str]] = [[]]
        for w, lw in zip(words, lows, strict=True):
            if lw == "and":
                parts.append([])
            else:
                parts[-1].append(w)
        results = [_classify(" ".join(p), ctx, lex, toks, -1) for p in parts if p]
        for r in results:
            if r[0] in ("named_organization", "named_person"):
                kinds = {x[0] for x in results}
                return ("named_organization" if "named_organization" in kinds or len(results) > 1 else r[0], None, None)
        return results[0] if results else ("unnamed", None, None)
    # Media names (whole phrase or contained multi-word names)
    padded = " " + low_text + " "
    for mm in lex.media_multi:
        if " " + " ".join(mm) + " " in padded:
            return ("media", None, None)
    head_idx = _head_index(words, lows)
    head = lows[head_idx]
    head_word = words[head_idx]
    if head in lex.media_single:
        if not (head in ("agency", "network", "channel", "paper", "website", "outlet") and head_idx > 0 and words[head_idx - 1][0].isupper() is False and len(lows) <= 2 and lows[0] not in ("the", "a", "an", "state")):
            return ("media", None, None)
    if head in _SPOKES and len(lows) > 1:
        # "a spokeswoman for the council", "a White House spokesman", "the mayor's
        # spokesman": an on-the-record spokesperson speaks for an identified principal,
        # who gives the type; "a spokesman" or "a spokesman for a lawmaker" stays unnamed.
        pp = head_idx + 2 < len(lows) and lows[head_idx + 1] in ("for", "of", "at", "from", "to")
        if pp:
            principal = words[head_idx + 2 :]
            p_det = lows[head_idx + 2]
        else:
            principal = [w for w in words[:head_idx] if w.lower() not in ("a", "an", "the", "one")]
            p_det = lows[0]
            if principal and principal[-1].lower().endswith(("'s", "’s")):
                principal[-1] = principal[-1][:-2]
            if principal and not principal[0][0].isupper() and principal[-1].lower() not in lex.org_nouns and principal[-1].lower() not in lex.roles:
                principal = []  # "a longtime spokesman": no principal
        if principal:
            p_type, p_trig, _res = _classify(" ".join(principal), ctx, lex, toks, -1)
            if p_type in ("named_person", "named_organization", "media"):
                return ("named_organization" if p_type == "media" else p_type, None, None)
            if p_type == "unnamed" and p_trig in lex.roles and p_det in ("the", "his", "her", "their"):
                return ("named_organization", None, None)  # "the mayor's spokesman"
    if head == "one" and "of" in lows:
        sub = words[lows.index("of") + 1 :]
        if sub:
            return _classify(" ".join(sub), ctx, lex, toks, -1)
    # Named person with a title or a proper-name head
    caps = [w for w in words if w[0].isupper()]
    # "Analysts say" / "Sources said": capitalised only because the sentence starts there
    common = lex.vague | lex.documents | lex.org_nouns | lex.roles | lex.media_single
    head_cap = (head_word[0].isupper() and not (head_idx == 0 and head in common)) or (
        head.startswith(("al-", "el-", "bin-", "abu-")) and any(c.isupper() for c in head_word)
    )
    role_in = any(w in lex.roles or w in lex.titles or w in PERSON_HINT_TITLES for w in lows)
    if role_in and len(words) >= 2 and (words[-1][0].isupper() or lows[-1].startswith(("al-", "el-"))):
        tail = _strip_roles(words, lows, lex)
        tl = [w.lower() for w in tail]
        if tail and not any(w in lex.org_nouns or w in lex.places or w in lex.media_single for w in tl[-1:]):
            full = ctx.surnames.get(tl[-1]) if len(tail) == 1 else None
            return ("named_person", None, full)
    if head_cap and head in lex.mastheads and head_word[0].isupper() and not any(lw in PERSON_HINT_TITLES for lw in lows):
        # "The Post", "the Herald", "The Baltimore Sun": a newspaper's masthead
        return ("media", None, None)
    if head_cap:
        name_phrase = _strip_roles(words, lows, lex)
        nlows = [w.lower() for w in name_phrase]
        joined = " ".join(nlows)
        if joined in lex.places or joined.removeprefix("the ") in lex.places:
            return ("named_organization", None, None)
        if any(w in lex.org_nouns for w in nlows) or any(" ".join(m) in joined for m in lex.org_multi):
            return ("named_organization", None, None)
        if any(w in lex.media_single for w in nlows if w not in ("press",)) and len(nlows) <= 3 and not any(lw in PERSON_HINT_TITLES for lw in lows):
            return ("media", None, None)
        if head_word.isupper() and len(head_word) >= 2 and len(name_phrase) == 1:
            return ("named_organization", None, None)  # acronym: NATO, IRGC
        if len(name_phrase) == 1:
            full = ctx.surnames.get(nlows[0])
            if full and full.lower() != nlows[0]:
                return ("named_person", None, full)
            return ("named_person", None, None)
        return ("named_person", None, None)
    if head in lex.documents:
        return ("document", None, None)
    if head in lex.org_nouns or any(" ".join(m) in low_text for m in lex.org_multi):
        return ("named_organization", None, None)
    # "the senior Iranian official", "the leading Shia politician": resolve to the last
    # named person who spoke; "the source(s)" stays anonymous.
    if lows[0] in ("the", "this") and head in lex.roles and not head.endswith("s") and ctx.last_source_person:
        return ("named_person", None, ctx.last_source_person)
    if head in lex.vague or head in lex.roles:
        return ("unnamed", head, None)
    if caps and any(w.lower() in lex.places for w in caps) and head in ("states", "countries", "nations"):
        return ("named_organization", None, None)
    return ("unnamed", head, None)


_SPOKES = frozenset("spokesman spokeswoman spokesperson spokesmen spokeswomen spokespeople".split())


def _head_index(words: list[str], lows: list[str]) -> int:
    """Head of the noun phrase: last word before a preposition or relative clause."""
    end = len(lows)
    for k, w in enumerate(lows):
        if k > 0 and (w in ("of", "from", "to", "with", "at", "in", "for", "on", "by", "familiar", "close", "who", "that", "inside", "within", "near", "among")):
            end = k
            break
    # skip a trailing parenthetical or punctuation-like word
    h = end - 1
    while h > 0 and lows[h] in ("'s", "’s"):
        h -= 1
    return max(h, 0)


def _strip_roles(words: list[str], lows: list[str], lex: _Lexicon) -> list[str]:
    """The proper-name part of "former prime minister Nouri al-Maliki"."""
    out: list[str] = []
    for w, lw in zip(words, lows, strict=True):
        if lw in ("the", "a", "an") or lw in lex.titles or lw in lex.roles or lw in PERSON_HINT_TITLES:
            out = []
            continue
        if w[0].isupper() or lw in NAME_PARTICLES or lw.startswith(("al-", "el-")):
            out.append(w)
        else:
            out = []
    while len(out) > 1 and (out[0].lower() in lex.org_nouns or out[0].lower() in lex.places):
        out = out[1:]
    return out or [words[-1]]


def _tok_index(toks: list[_Tok], start: int) -> int:
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].start < start:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(toks) and toks[lo].start == start else -1


def _antecedent(toks: list[_Tok], start: int) -> str | None:
    """For a relative pronoun at ``start``, the noun phrase before its comma."""
    idx = _tok_index(toks, start)
    if idx <= 0:
        return None
    k = idx - 1
    if toks[k].text == ",":
        k -= 1
    e = k
    while k >= 0 and toks[k].is_word and e - k < 6 and toks[k].low not in LEFT_STOP:
        k -= 1
    if e <= k:
        return None
    return " ".join(t.text for t in toks[k + 1 : e + 1])


def _remember(src: str, stype: str, trigger: str | None, resolved: str | None, ctx: _Ctx, lex: _Lexicon) -> None:
    lows = src.lower().split()
    name = resolved or src
    if stype == "named_person":
        if lows and lows[0] in ("he", "she", "i"):
            return
        if resolved is None:
            words = _WORD_RE.findall(src)
            name = " ".join(_strip_roles(words, [w.lower().rstrip(".") for w in words], lex))
        ctx.last_person = name
        ctx.last_source_person = name
        return
    plural = bool(lows) and (
        (lows[-1].endswith("s") and not lows[-1].endswith("ss")) or "and" in lows or lows[-1] in ("many", "some", "others", "people", "police")
    )
    if lows and lows[0] in ("they", "we"):
        return
    if plural:
        ctx.last_group = (name, stype, trigger)
    elif stype in ("named_organization", "media", "document", "self"):
        ctx.last_thing = (name, stype)


def _update_names(toks: list[_Tok], ctx: _Ctx, lex: _Lexicon) -> None:
    """Register full names (for "Shamkhani" -> "Ali Shamkhani") and sentence subjects."""
    n = len(toks)
    k = 0
    first_subject_done = False
    while k < n:
        t = toks[k]
        if t.is_word and t.cap and not t.in_quote:
            e = k
            while e + 1 < n and toks[e + 1].is_word and not toks[e + 1].in_quote and (
                toks[e + 1].cap or toks[e + 1].low in NAME_PARTICLES or toks[e + 1].low.startswith(("al-", "el-"))
            ):
                e += 1
            run = [toks[x].text for x in range(k, e + 1)]
            while run and (run[0].lower().rstrip(".") in lex.titles or run[0].lower() in INTRO_WORDS or run[0].lower() in ("the", "a", "an", "in", "on", "at", "as", "after", "but", "and", "if")):
                run = run[1:]
            # "Interior Minister Karim Haddad" -> "Karim Haddad"
            for x in range(len(run) - 1, -1, -1):
                rl = run[x].lower().rstrip(".")
                if rl in lex.roles or rl in lex.titles:
                    run = run[x + 1 :]
                    break
            rlows = [r.lower() for r in run]
            if len(run) >= 2 and len(run) <= 4 and not any(r in lex.org_nouns or r in lex.places or r in lex.media_single for r in rlows) and not run[-1].isupper():
                full = " ".join(run)
                ctx.surnames[rlows[-1]] = full
                # subject position: a name at the start of the sentence (after an intro)
                if not first_subject_done and (k <= 2 or (k > 0 and toks[k - 1].text == "," and k <= 6)):
                    ctx.last_person = full
            first_subject_done = True
            k = e + 1
            continue
        if t.is_word:
            first_subject_done = first_subject_done or k > 3
        k += 1


# --------------------------------------------------------------------------------------
# Unattributed strong claims and the profile

_ASSERTIVE_RE = re.compile(
    r"\b(it is (?:well |widely )?known|it(?: is|'s|’s) (?:clear|evident|obvious|undeniable)|"
    r"there is no doubt|undoubtedly|without doubt|clearly|in fact|of course|needless to say|"
    r"no one can deny|it goes without saying|certainly)\b",
    re.IGNORECASE,
)
_ACCUSATION_RE = re.compile(
    r"\b(accus\w*|terroris[tm]s?|genocide|war crimes?|crimes?|corrupt\w*|fraud\w*|plot\w*|"
    r"massacre\w*|murder\w*|killed|abuses?|illegal\w*|lied|lies|cover-?up|collu\w+|conspir\w+|"
    r"brutal\w*|repressive|oppress\w*|atrocit\w+|bribe\w*|embezzl\w+|torture\w*)\b",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(
    r"\d|\b(?:hundreds|thousands|millions|billions|trillions|dozens|percent|per cent)\b",
    re.IGNORECASE,
)


def _unattributed(
    text: str, sentences: list[tuple[int, int, bool]], atts: list[Attribution]
) -> list[UnattributedClaim]:
    covered: list[tuple[int, int]] = sorted(
        [(a.content.start, a.content.end) for a in atts] + [(a.cue.start, a.cue.end) for a in atts]
    )
    out: list[UnattributedClaim] = []
    ci = 0
    for s, e, heading in sentences:
        if heading or e - s < 25:
            continue
        while ci < len(covered) and covered[ci][1] <= s:
            ci += 1
        overlap = False
        for k in range(ci, min(len(covered), ci + 50)):
            a, b = covered[k]
            if a >= e:
                break
            if b > s:
                overlap = True
                break
        if overlap:
            continue
        sent = text[s:e]
        if sent.rstrip("\"”’' ").endswith("?"):
            continue
        if len(sent.split()) < 6:
            continue
        reason: str | None = None
        if _ASSERTIVE_RE.search(sent):
            reason = "assertive phrase"
        elif _ACCUSATION_RE.search(sent):
            reason = "accusation"
        elif _NUMBER_RE.search(sent):
            reason = "number"
        if reason:
            out.append(UnattributedClaim(sent, s, e, reason))
    return out


def _profile(atts: list[Attribution]) -> dict[str, Any]:
    counts = {t: 0 for t in SOURCE_TYPES}
    for a in atts:
        counts[a.source_type] = counts.get(a.source_type, 0) + 1
    total_chars = sum(a.content.end - a.content.start for a in atts)
    unnamed_chars = sum(a.content.end - a.content.start for a in atts if a.source_type == "unnamed")
    names: list[str] = []
    seen: set[str] = set()
    for a in atts:
        if a.source_type in ("named_person", "named_organization") and a.source is not None:
            name = a.source_resolved or a.source.text
            key = name.lower()
            if key not in seen:
                seen.add(key)
                names.append(name)
    direct = sum(1 for a in atts if a.kind == "direct")
    return {
        "counts": counts,
        "total": len(atts),
        "unsourced": sum(1 for a in atts if a.agentless),
        "unnamed_share": round(unnamed_chars / total_chars, 4) if total_chars else 0.0,
        "named_sources": names,
        "distinct_named_sources": len(names),
        "direct_quote_share": round(direct / len(atts), 4) if atts else 0.0,
    }


def is_speech_cue(cue_text: str) -> bool:
    """Whether a cue contains a verb of saying (or "according to"): the speech subset."""
    low = cue_text.lower()
    if "according to" in low:
        return True
    lex = _lexicon()
    for w in re.findall(r"[a-z]+", low):
        for info in lex.verbs.get(w, []):
            if info.lemma in SPEECH_SUBSET:
                return True
    return False
