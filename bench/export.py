"""Shift handover export: a whole headless export of a full-scale 8-hour shift."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import installed_env

ROOT = Path(__file__).resolve().parent.parent

def _last_shift() -> str:
    from console.handover import ShiftWindow

    shift = ShiftWindow.default()
    return f"{shift.start:.0f}..{shift.end:.0f}"


def export_s(runs: int = 3, source: str = "sim://tetouan") -> float:
    """Median seconds of ``main.py export`` in a fresh process: start the simulated hub,
    poll every kind, render the views offscreen, write the PDF, PNGs and summary.json.

    The console runs as installed: its modules' bytecode compiled (as pip compiles them;
    here into a folder of the bench's own, by an untimed first export)."""
    shift = _last_shift()
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        env = installed_env(Path(tmp))
        for i in range(runs + 1):
            out = Path(tmp) / f"pack{i}"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--out", str(out),
                            "--source", source, "--shift", shift, "--cache", "off"],
                           cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
            if i:  # the first: the install's compile and the file cache's warm-up
                times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool = False) -> dict[str, float]:
    """``export_s``: the whole ``main.py export`` of the last complete 8-hour shift."""
    return {"export_s": round(export_s(1 if quick else 3), 2)}


if __name__ == "__main__":
    print(run())
