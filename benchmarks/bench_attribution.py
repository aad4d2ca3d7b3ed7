"""Benchmark the attribution engine on the seed gold and on PolNeAR.

Usage: .venv/bin/python benchmarks/bench_attribution.py [--split dev|train] [--errors N]

Scoring (shared across the project):
- a prediction matches a gold attribution when their cue spans overlap (one-to-one, greedy
  in reading order);
- the source counts when the spans overlap, or both are absent, or ``source_resolved``
  names the gold source;
- the content counts when the word F1 of the two content spans is >= 0.5.
Seeds: ``borderline`` gold attributions are left out of precision and recall (predictions
matching them are dropped).  PolNeAR: first annotator per article; "speech" subset = gold
and predicted cues containing a verb of saying or "according to".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.core.attribution import Attribution, analyze, is_speech_cue  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SEEDS = SHARED / "seeds"
POLNEAR = SHARED / "polnear"


@dataclass
class Gold:
    cue: tuple[int, int]
    source: tuple[int, int] | None
    source_text: str | None
    content: tuple[int, int]
    source_type: str | None = None
    kind: str | None = None
    borderline: bool = False
    cue_text: str = ""


_W = re.compile(r"\w+")


def word_f1(a: str, b: str) -> float:
    wa = Counter(w.lower() for w in _W.findall(a))
    wb = Counter(w.lower() for w in _W.findall(b))
    common = sum((wa & wb).values())
    if not common:
        return 0.0
    p = common / sum(wb.values())
    r = common / sum(wa.values())
    return 2 * p * r / (p + r)


def overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    cue: int = 0
    cue_src: int = 0
    cue_src_content: int = 0
    type_total: int = 0
    type_ok: int = 0
    direct_gold: int = 0
    direct_found: int = 0

    def add(self, o: Tally) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(o, k))

    def prf(self, tp: int) -> tuple[float, float, float]:
        p = tp / self.pred if self.pred else 0.0
        r = tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def score(
    text: str,
    golds: list[Gold],
    preds: list[Attribution],
    errors: list[str] | None = None,
) -> Tally:
    t = Tally()
    golds = sorted(golds, key=lambda g: g.cue)
    preds = sorted(preds, key=lambda p: p.cue.start)
    used: set[int] = set()
    matched_pred: dict[int, int] = {}
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if pi in used:
                continue
            if overlap(g.cue, (p.cue.start, p.cue.end)):
                used.add(pi)
                matched_pred[pi] = gi
                break
    drop_preds = {pi for pi, gi in matched_pred.items() if golds[gi].borderline}
    t.gold = sum(1 for g in golds if not g.borderline)
    t.pred = len(preds) - len(drop_preds)
    gold_matched: set[int] = set()
    for pi, gi in matched_pred.items():
        g = golds[gi]
        if g.borderline:
            continue
        gold_matched.add(gi)
        p = preds[pi]
        t.cue += 1
        ps = (p.source.start, p.source.end) if p.source else None
        src_ok = (
            overlap(g.source, ps)
            or (g.source is None and ps is None)
            or (
                p.source_resolved is not None
                and g.source_text is not None
                and p.source_resolved.lower() == g.source_text.lower()
            )
        )
        content_ok = word_f1(text[g.content[0] : g.content[1]], p.content.text) >= 0.5
        if src_ok:
            t.cue_src += 1
            if content_ok:
                t.cue_src_content += 1
        if g.source_type is not None:
            t.type_total += 1
            if p.source_type == g.source_type:
                t.type_ok += 1
            elif errors is not None:
                errors.append(f"TYPE gold={g.source_type} pred={p.source_type} src={p.source.text if p.source else None!r}")
        if errors is not None and not (src_ok and content_ok):
            errors.append(
                f"{'SRC' if not src_ok else 'CONTENT'} cue={p.cue.text!r} gold_src={g.source_text!r} "
                f"pred_src={p.source.text if p.source else None!r} res={p.source_resolved!r}\n"
                f"   gold_content={text[g.content[0]:g.content[1]][:150]!r}\n   pred_content={p.content.text[:150]!r}"
            )
    for gi, g in enumerate(golds):
        if g.kind == "direct" and not g.borderline:
            t.direct_gold += 1
            if gi in gold_matched:
                t.direct_found += 1
    if errors is not None:
        for gi, g in enumerate(golds):
            if gi not in gold_matched and not g.borderline:
                s = max(0, g.cue[0] - 100)
                errors.append(f"MISS cue={g.cue_text!r} ctx={text[s:g.cue[1]+40]!r}")
        for pi, p in enumerate(preds):
            if pi not in matched_pred:
                s = max(0, p.cue.start - 100)
                errors.append(f"FP cue={p.cue.text!r} src={p.source.text if p.source else None!r} ctx={text[s:p.cue.end+40]!r}")
    return t


# ------------------------------------------------------------------ seeds


def load_seeds() -> list[tuple[str, str, str | None, list[Gold]]]:
    out = []
    for gp in sorted((SEEDS / "gold").glob("*.json")):
        d = json.loads(gp.read_text(encoding="utf-8"))
        raw = (SEEDS / (gp.stem + ".txt")).read_bytes().decode("utf-8")
        # Blank out the boilerplate lines (banner, caption, footer) with spaces, so the
        # engine sees only body text while the gold offsets stay valid.
        lines = raw.split("\n")
        bl = set(d.get("boilerplate_line_numbers", []))
        text = "\n".join((" " * len(line) if (k + 1) in bl else line) for k, line in enumerate(lines))
        golds = []
        for a in d["attributions"]:
            sp = a["spans"]
            golds.append(
                Gold(
                    cue=(sp["cue"][0], sp["cue"][1]),
                    source=(sp["source"][0], sp["source"][1]) if sp.get("source") else None,
                    source_text=a.get("source"),
                    content=(sp["content"][0], sp["content"][1]),
                    source_type=a.get("source_type"),
                    kind=a.get("kind"),
                    borderline=bool(a.get("borderline")),
                    cue_text=a["cue"],
                )
            )
        out.append((gp.stem, text, d.get("site"), golds))
    return out


# ------------------------------------------------------------------ PolNeAR


def _span(field: str) -> tuple[int, int]:
    parts = field.split(" ", 1)[1]
    segs = [tuple(int(x) for x in seg.split()) for seg in parts.split(";")]
    return (min(s[0] for s in segs), max(s[1] for s in segs))


def load_polnear(split: str) -> list[tuple[str, str, list[Gold]]]:
    base = POLNEAR / split
    out = []
    by_doc: dict[str, Path] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        doc = ann.stem.rsplit("_", 1)[0]
        by_doc.setdefault(doc, ann)  # first annotator per article
    for doc, ann in sorted(by_doc.items()):
        txt = base / "text" / (doc + ".txt")
        if not txt.exists():
            continue
        text = txt.read_text(encoding="utf-8")
        spans: dict[str, tuple[int, int]] = {}
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0].startswith("T"):
                try:
                    spans[parts[0]] = _span(parts[1])
                except ValueError:
                    continue
        golds = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if not parts[0].startswith("E") or len(parts) < 2:
                continue
            args = dict(a.split(":", 1) for a in parts[1].split() if ":" in a)
            if "Cue" not in args or args["Cue"] not in spans or args.get("Content") not in spans:
                continue
            cue = spans[args["Cue"]]
            src = spans.get(args.get("Source", ""))
            golds.append(
                Gold(
                    cue=cue,
                    source=src,
                    source_text=text[src[0] : src[1]] if src else None,
                    content=spans[args["Content"]],
                    cue_text=text[cue[0] : cue[1]],
                )
            )
        out.append((doc, text, golds))
    return out


# ------------------------------------------------------------------ report


def fmt(t: Tally, name: str) -> str:
    rows = [f"{name}: gold={t.gold} pred={t.pred}"]
    for label, tp in (("cue", t.cue), ("cue+source", t.cue_src), ("cue+source+content", t.cue_src_content)):
        p, r, f = t.prf(tp)
        rows.append(f"  {label:<20} P={p:.3f} R={r:.3f} F1={f:.4f}  ({tp} matched)")
    if t.type_total:
        rows.append(f"  source-type accuracy {t.type_ok / t.type_total:.3f} ({t.type_ok}/{t.type_total})")
    if t.direct_gold:
        rows.append(f"  direct quotes found  {t.direct_found}/{t.direct_gold}")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev")
    ap.add_argument("--errors", type=int, default=0, help="print up to N error lines per corpus")
    ap.add_argument("--only", default="", help="seeds|polnear")
    ap.add_argument("--error-subset", default="all", choices=("all", "speech"),
                    help="which PolNeAR subset --errors lists")
    args = ap.parse_args()
    words = 0
    seconds = 0.0
    if args.only in ("", "seeds") and SEEDS.exists():
        total = Tally()
        errs: list[str] = []
        for _name, text, site, golds in load_seeds():
            t0 = time.perf_counter()
            res = analyze(text, site)
            seconds += time.perf_counter() - t0
            words += len(text.split())
            total.add(score(text, golds, res.attributions, errs))
        print(fmt(total, "seeds gold"))
        for e in errs[: args.errors]:
            print("   ", e)
    if args.only in ("", "polnear") and POLNEAR.exists():
        docs = load_polnear(args.split)
        allt, speech = Tally(), Tally()
        errs = []
        speech_only = args.error_subset == "speech"
        for _name, text, golds in docs:
            t0 = time.perf_counter()
            res = analyze(text)
            seconds += time.perf_counter() - t0
            words += len(text.split())
            allt.add(score(text, golds, res.attributions, None if speech_only else errs))
            sg = [g for g in golds if is_speech_cue(g.cue_text)]
            sp = [p for p in res.attributions if is_speech_cue(p.cue.text)]
            speech.add(score(text, sg, sp, errs if speech_only else None))
        print(fmt(speech, f"PolNeAR {args.split} speech subset ({len(docs)} docs)"))
        print(fmt(allt, f"PolNeAR {args.split} all cues"))
        for e in errs[: args.errors]:
            print("   ", e)
    if words:
        print(f"speed: {1000 * seconds / words * 1000:.2f} ms per 1,000 words ({words} words, one core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
