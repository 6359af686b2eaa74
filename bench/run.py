"""Run every benchmark module, each in a fresh interpreter, and merge their figures.

A fresh process per module keeps one benchmark's heap, threads and caches from
slowing the next one down.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

MODULES = (
    "core", "pipeline", "cache", "rackmap", "power_jobs", "alarms", "alarm_kpis", "review",
    "export", "backends", "slurm", "faults", "steering", "forecast", "tenant_report",
    "scale",  # last: it runs the site at several sizes
)
ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH-FIGURES "


def _child(name: str, quick: bool) -> None:
    """Entry point of the child process: print the module's figures after a marker."""
    module = importlib.import_module(f"bench.{name}")
    figures = module.run(quick=quick)
    print(MARK + json.dumps(figures), flush=True)


def run_all(quick: bool = False, only: list[str] | None = None) -> dict[str, Any]:
    """Run the selected benchmark modules; a failing module reports its error, others go on."""
    figures: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in only or list(MODULES):
        if importlib.util.find_spec(f"bench.{name}") is None:
            if only:
                errors[name] = "no such benchmark"
            continue
        t0 = time.perf_counter()
        code = f"from bench.run import _child; _child({name!r}, {quick!r})"
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
            env=dict(os.environ), timeout=1800,
        )
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)), None)
        if proc.returncode != 0 or line is None:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            errors[name] = f"exit {proc.returncode}: {tail}"
            sys.stderr.write(proc.stderr)
        else:
            figures.update(json.loads(line.removeprefix(MARK)))
        figures[f"bench_{name}_s"] = round(time.perf_counter() - t0, 2)
    figures["machine"] = f"{platform.machine()} {platform.python_version()} {_cores()} cores"
    if errors:
        figures["errors"] = errors
    return figures


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
