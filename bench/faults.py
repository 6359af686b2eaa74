"""The fault suite's figures: hostile hub answers, a console killed, faults of the others.

- ``fuzz_cases``, ``fuzz_unexpected``, ``fuzz_view_errors``, ``fuzz_out_of_range_stored``:
  the fixed-seed fuzz of spoiled hub answers through source, poller, cache, alarm service
  and views (bench/fuzz_pipeline.py; 1,000 cases, 100 with ``--quick``); all three counts
  should be 0. ``fuzz_qt_warnings``, ``fuzz_cache_failures`` and ``fuzz_s`` come with them.
- ``console_kills``, ``console_kill_rows_lost``: a live console SIGKILLed on one cache
  (bench/kill_console.py; 10 times, 3 with ``--quick``); rows lost should be 0.
- ``resume_after_fault_s`` (bench/faults_recording.py), ``trickle_poll_s`` and
  ``bomb_peak_mb`` (bench/faults_http.py), and the figures of
  ``measure_events_after_restarts`` (bench/faults_events.py). A figure whose module or
  function is missing, or that fails, is null, with the reason under ``faults_errors``.
"""

from __future__ import annotations

import importlib
import json
import tempfile
from pathlib import Path
from typing import Any

TRICKLE_DEADLINE_S = 2.0


def _other(errors: dict[str, str], figure: str, module: str, function: str,
           *args: Any, **kwargs: Any) -> Any:
    """``module.function(*args, **kwargs)``, or None with the reason in ``errors``."""
    try:
        measure = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as exc:
        errors[figure] = f"{module}.{function} not available ({exc.__class__.__name__}: {exc})"
        return None
    try:
        return measure(*args, **kwargs)
    except Exception as exc:  # one failing measurement leaves the others their figures
        errors[figure] = f"{module}.{function} failed: {exc.__class__.__name__}: {exc}"[:300]
        return None


def run(quick: bool = False) -> dict[str, Any]:
    from bench.fuzz_pipeline import run_fuzz
    from bench.kill_console import kill_rounds

    figures: dict[str, Any] = {}
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        folder = Path(tmp)
        (folder / "fuzz").mkdir()
        report = run_fuzz(cases=100 if quick else 1000, folder=folder / "fuzz")
        figures.update(report.figures())
        (folder / "kill").mkdir()
        kills = kill_rounds(folder / "kill", rounds=3 if quick else 10)
        figures.update(kills.figures())
        (folder / "recording").mkdir()
        resume = _other(errors, "resume_after_fault_s", "bench.faults_recording",
                        "measure_resume_after_fault", folder / "recording")
        trickle = _other(errors, "trickle_poll_s", "bench.faults_http", "measure_trickle",
                         TRICKLE_DEADLINE_S)
        bomb = _other(errors, "bomb_peak_mb", "bench.faults_http", "measure_bomb_peak_mb")
        events = _other(errors, "events_after_restarts", "bench.faults_events",
                        "measure_events_after_restarts", n=3 if quick else 10)
    figures["resume_after_fault_s"] = None if resume is None else round(float(resume), 2)
    figures["trickle_poll_s"] = None if trickle is None else round(float(trickle), 2)
    figures["bomb_peak_mb"] = None if bomb is None else round(float(bomb), 1)
    figures.update(events if isinstance(events, dict) else {"hub_restarts": None})
    if errors:
        figures["faults_errors"] = errors
    return figures


if __name__ == "__main__":
    print(json.dumps(run(quick=True), indent=2))
