"""Run every benchmark module and merge their figures into one dict."""

from __future__ import annotations

import importlib
import platform
import sys
import time
import traceback
from typing import Any

MODULES = ("core", "pipeline", "cache", "rackmap", "power_jobs", "alarms", "export", "backends")


def run_all(quick: bool = False, only: list[str] | None = None) -> dict[str, Any]:
    """Run the selected benchmark modules; a failing module reports its error, others go on."""
    figures: dict[str, Any] = {}
    errors: dict[str, str] = {}
    names = only or list(MODULES)
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                if only:
                    errors[name] = "no such benchmark"
                continue
            raise
        t0 = time.perf_counter()
        try:
            figures.update(module.run(quick=quick))
        except Exception as exc:  # report, keep the other figures
            errors[name] = f"{exc.__class__.__name__}: {exc}"
            traceback.print_exc(file=sys.stderr)
        figures[f"bench_{name}_s"] = round(time.perf_counter() - t0, 2)
    figures["machine"] = f"{platform.machine()} {platform.python_version()} {_cores()} cores"
    if errors:
        figures["errors"] = errors
    return figures


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
