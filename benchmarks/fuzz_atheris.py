"""Coverage-guided fuzzing (atheris/libFuzzer) of the importers and the attribution engine.

Targets: ``txt``, ``html``, ``mhtml``, ``pdf`` (``extract_file_bytes`` with that file type; every
input must import or raise ImportRefused with a reason) and ``attribution`` (``analyze`` on the
input as text; every span must point into the text). Anything else raises, and libFuzzer saves
the input as ``crash-*``; a slow input is reported by ``-timeout``.

Set up once (atheris is a test extra):  .venv/bin/pip install atheris
Run, e.g.:
    .venv/bin/python benchmarks/fuzz_atheris.py html -max_total_time=600 -timeout=60 corpus/html
    .venv/bin/python benchmarks/fuzz_atheris.py attribution -runs=100000
The corpus folder (optional, created by you) is seeded with the test seeds of that format when
empty. Other arguments go to libFuzzer (-jobs=N, -dict=…, -max_len=…).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGETS = ("txt", "html", "mhtml", "pdf", "attribution")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(TARGETS)}}} [libFuzzer options] [corpus]")
    target = sys.argv.pop(1)
    os.environ["READER_ATTRIBUTION_DEBUG"] = "1"  # analyze() must not hide its own errors here

    import atheris

    with atheris.instrument_imports():
        from reader.core import attribution, ingest
        from reader.core.errors import ImportRefused
    from tests.trust_inputs import check_analysis, check_record, seeds

    for arg in sys.argv[1:]:
        folder = Path(arg)
        if not arg.startswith("-") and folder.is_dir() and not any(folder.iterdir()):
            for name, data in seeds().items():
                if (target == "attribution" and name.endswith(".txt")) or name.endswith(f".{target}"):
                    (folder / name).write_bytes(data)

    name = f"fuzz.{target}"

    def one_file(data: bytes) -> None:
        try:
            record = ingest.extract_file_bytes(data, name)
        except ImportRefused as refusal:
            if not refusal.reason.strip():
                raise AssertionError("refused without a reason") from refusal
            return
        problem = check_record(record)
        if problem:
            raise AssertionError(problem)

    def one_text(data: bytes) -> None:
        text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
        problem = check_analysis(text)
        if problem:
            raise AssertionError(problem)
        attribution.analyze(text, site="Fuzz Times")

    atheris.Setup(sys.argv, one_text if target == "attribution" else one_file)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
