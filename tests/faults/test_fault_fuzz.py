"""A fixed-seed fuzz of spoiled hub answers through the console's whole path.

At least 1,000 recorded answers of the simulated hub, each spoiled one way (a value
replaced by None, NaN, an infinity, a huge number, 100,000 characters, markup or
bidirectional text, a list, a dict or a bool; a key dropped; a record duplicated; times
a year ahead; the JSON cut short; the wrong top-level type), are served on 127.0.0.1 to a
real hub API source and go through the poller, a real cache, the alarm service and every
view of the main window (bench/fuzz_pipeline.py). None may end in the poller's "unexpected
error" or an exception out of the poller, cache or alarm service; no view may raise (nor
leave a model inside a reset); nothing read back from the cache may be outside the limit
tables of console.model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.fuzz_pipeline import run_fuzz

CASES = 1000
SEED = 20_260_601


def test_spoiled_hub_answers_never_break_the_console(qapp: Any, tmp_path: Path) -> None:
    report = run_fuzz(cases=CASES, seed=SEED, folder=tmp_path)
    print(report.summary_line())
    problems = report.details()
    assert report.cases == CASES
    assert report.unexpected == 0, problems
    assert report.view_errors == 0, problems
    assert report.out_of_range == 0, problems
    assert report.qt_warnings == 0, problems  # the suite fails on Qt warnings anyway
