"""Crash safety: SIGKILL `reader import` at random moments; the library survives every kill.

The normal suite runs a short campaign (5 kills over a 200-file import); the full one (30 kills
over 1,000 files) is ``python benchmarks/trust_figures.py``. See tests/crash_driver.py for what
is checked after each kill.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.crash_driver import run_campaign


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and process groups are POSIX")
def test_sigkill_during_import_never_costs_the_library(tmp_path: Path) -> None:
    result = run_campaign(tmp_path, files=200, kills=5, seed=11)
    assert result.kills_tried == 5, result
    assert result.problems == []
    assert result.kills_survived == result.kills_tried
    assert result.records_lost == 0
    # Re-running the import completes the rest: every good file is in, exactly once.
    assert result.final_articles == result.expected_articles == result.good_files
    assert result.final_exit == 1  # the broken tenth of the files is refused, by name
