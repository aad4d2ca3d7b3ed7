"""The trust figures: inputs fuzzed, crashes, hangs, kills survived out of kills tried, records lost.

Runs the long versions of tests/test_trust_fuzz.py and tests/test_trust_crash.py:

- fuzzing: every named hostile input (at ``--scale``), ``--fuzz`` random byte strings, mutated and
  truncated files of every format (txt, html, mhtml, pdf) and texts for the attribution engine.
  Inputs run in a worker process; an input that takes over ``--hang`` seconds is a hang (the
  worker is killed and replaced), anything but "imported" or "refused with a reason" is a crash;
- crash safety: ``--kills`` SIGKILLs at random moments of a ``--files``-file import, the library
  checked after each (tests/crash_driver.py), then the import run to completion.

Usage: python benchmarks/trust_figures.py [--fuzz 3000] [--files 1000] [--kills 30] [--scale 2]
           [--seed 1] [--skip-fuzz] [--skip-crash]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash_driver import run_campaign
from tests.trust_inputs import (
    ENCODINGS,
    SUFFIXES,
    attempt,
    check_analysis,
    hostile_cases,
    mutate,
    seeds,
)

Job = tuple[str, str, bytes]  # kind ("file" | "text"), name, payload


def fuzz_inputs(count: int, scale: int, seed: int) -> Iterator[Job]:
    rng = random.Random(seed)
    for name, make in hostile_cases(scale):
        yield "file", name, make()
    seed_files = seeds()
    names = sorted(seed_files)
    article = seed_files["seed.txt"].decode()
    words = [*article.split(), "said", "told", "according", "“", "”", '"', "'", "—", "\n\n",
             "officials", "sources", "وقال", "אמר", "\u202e", "Mr.", "(", ")"]
    for i in range(count):
        kind = i % 6
        if kind == 0:
            yield "file", f"random{rng.choice(SUFFIXES)}", rng.randbytes(rng.randrange(0, 20_000))
        elif kind in (1, 2):
            name = rng.choice(names)
            yield "file", name, mutate(seed_files[name], rng, rng.randrange(1, 40))
        elif kind == 3:
            name = rng.choice(names)
            data = seed_files[name]
            yield "file", f"truncated-{name}", data[: rng.randrange(len(data) + 1)]
        elif kind == 4:
            encoding = rng.choice(ENCODINGS)
            newline = rng.choice(["\n", "\r\n", "\r", "\u2028", "\x85"])
            text = article.replace("\n", newline)
            suffix = rng.choice([".txt", ".html"])
            if suffix == ".html":
                text = f"<html><meta charset='{encoding}'><body><p>{text}</p></body></html>"
            yield "file", f"encoded{suffix}", text.encode(encoding, errors="replace")
        else:
            text = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 2000)))
            yield "text", "attribution", text.encode("utf-8", "surrogatepass")


def _worker(jobs: multiprocessing.Queue[Job | None], results: multiprocessing.Queue[tuple[str, float, str]]) -> None:
    os.environ["READER_ATTRIBUTION_DEBUG"] = "1"  # analyze() must not hide its own errors here
    while (job := jobs.get()) is not None:
        kind, name, payload = job
        started = time.monotonic()
        if kind == "text":
            try:
                problem = check_analysis(payload.decode("utf-8", "surrogatepass"))
            except BaseException as exc:  # a crash of the engine
                problem = f"{exc.__class__.__name__}: {exc}"
            status = "crash" if problem else "imported"
            results.put((status, time.monotonic() - started, problem or ""))
        else:
            outcome = attempt(payload, name)
            results.put((outcome.status, outcome.seconds, outcome.detail))


def run_fuzz(count: int, scale: int, seed: int, hang_after: float) -> dict[str, object]:
    context = multiprocessing.get_context("fork")
    totals = {"inputs": 0, "imported": 0, "refused": 0, "crashes": 0, "hangs": 0}
    slowest = (0.0, "")
    failures: list[str] = []
    process = None
    jobs: multiprocessing.Queue[Job | None] = context.Queue()
    results: multiprocessing.Queue[tuple[str, float, str]] = context.Queue()

    def start() -> multiprocessing.process.BaseProcess:
        worker = context.Process(target=_worker, args=(jobs, results), daemon=True)
        worker.start()
        return worker

    process = start()
    for kind, name, payload in fuzz_inputs(count, scale, seed):
        jobs.put((kind, name, payload))
        totals["inputs"] += 1
        try:
            status, seconds, detail = results.get(timeout=hang_after)
        except queue.Empty:
            totals["hangs"] += 1
            failures.append(f"hang: {name} ({kind}) over {hang_after:.0f} s")
            process.kill()
            process.join()
            jobs = context.Queue()
            results = context.Queue()
            process = start()
            continue
        if status == "crash":
            totals["crashes"] += 1
            failures.append(f"crash: {name} ({kind}): {detail[:200]}")
        else:
            totals[status if status in ("imported", "refused") else "imported"] += 1
        if seconds > slowest[0]:
            slowest = (seconds, name)
        if totals["inputs"] % 500 == 0:
            print(f"  … {totals['inputs']} inputs", flush=True)
    jobs.put(None)
    process.join(timeout=10)
    return {**totals, "slowest": slowest, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fuzz", type=int, default=3000, help="random and mutated inputs")
    parser.add_argument("--scale", type=int, default=2, help="size multiplier of the named hostile inputs")
    parser.add_argument("--hang", type=float, default=60.0, help="seconds after which an input is a hang")
    parser.add_argument("--files", type=int, default=1000, help="files in the killed import")
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument("--skip-crash", action="store_true")
    args = parser.parse_args()

    figures: list[tuple[str, str]] = []
    if not args.skip_fuzz:
        started = time.monotonic()
        print(f"fuzzing: named hostile inputs at scale {args.scale} and {args.fuzz} generated ones")
        fuzz = run_fuzz(args.fuzz, args.scale, args.seed, args.hang)
        for line in fuzz["failures"]:  # type: ignore[attr-defined]
            print(f"  {line}")
        slow_seconds, slow_name = fuzz["slowest"]  # type: ignore[misc]
        print(f"  {fuzz['imported']} imported (or analysed), {fuzz['refused']} refused with a "
              f"reason; slowest {slow_seconds:.1f} s ({slow_name}); "
              f"{time.monotonic() - started:.0f} s in all")
        figures += [("inputs fuzzed", f"{fuzz['inputs']:,}"), ("crashes", str(fuzz["crashes"])),
                    ("hangs", str(fuzz["hangs"]))]
    if not args.skip_crash:
        print(f"crash safety: {args.kills} SIGKILLs during a {args.files}-file import")
        with tempfile.TemporaryDirectory() as tmp:
            result = run_campaign(Path(tmp), files=args.files, kills=args.kills, seed=args.seed,
                                  log=lambda line: print(f"  {line}", flush=True))
        for problem in result.problems:
            print(f"  PROBLEM {problem}")
        print(f"  final run: {result.final_articles} of {result.expected_articles} good files in "
              f"the library (exit {result.final_exit}: the broken tenth refused); "
              f"{result.seconds:.0f} s in all")
        figures += [("kills survived / tried", f"{result.kills_survived} / {result.kills_tried}"),
                    ("records lost", str(result.records_lost))]
    print()
    width = max(len(label) for label, _ in figures) if figures else 0
    for label, value in figures:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
