"""Shift handover export: a whole headless export of a full-scale 8-hour shift."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SCRIPT = (
    "import argparse, sys\n"
    "from widgets.export import run_export\n"
    "sys.exit(run_export(argparse.Namespace(out=sys.argv[1], source=sys.argv[2], review=None,"
    " shift=sys.argv[3], at=None, notes=None, force=False)))\n"
)


def _last_shift() -> str:
    from console.handover import ShiftWindow

    shift = ShiftWindow.default()
    return f"{shift.start:.0f}..{shift.end:.0f}"


def export_s(runs: int = 3, source: str = "sim://tetouan") -> float:
    """Median seconds of ``run_export`` in a fresh process: start the simulated hub, poll
    every kind, render the five views offscreen, write the PDF, PNGs and summary.json."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=str(ROOT))
    shift = _last_shift()
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        for i in range(runs):
            out = Path(tmp) / f"pack{i}"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", _SCRIPT, str(out), source, shift], cwd=ROOT,
                           env=env, check=True, capture_output=True, timeout=300)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool = False) -> dict[str, float]:
    """``export_s``: the whole ``main.py export`` of the last complete 8-hour shift."""
    return {"export_s": round(export_s(1 if quick else 3), 2)}


if __name__ == "__main__":
    print(run())
