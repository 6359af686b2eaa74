"""Cost against size: the live pipeline, the GUI, the rack map and memory at 1x, 2x and 4x the site.

The simulator's presets ``tetouan`` (3,520 racks, 189,440 GPUs), ``tetouan-x2`` and
``tetouan-x4`` (the same halls twice and four times over) are each measured in a fresh
interpreter, as :mod:`bench.run` runs each module (one size's heap never slows the next):

- ``scale_poll_cycle_ms_<size>``: :func:`bench.pipeline.poll_cycle_ms` against a hub of that
  size on loopback (its own process): every kind polled once through
  :class:`console.poller.Poller`, decoded, cached and applied to the window; with
  ``scale_poll_cycle_cpu_ms_<size>``, the console process's CPU time of it (on a machine
  shared with other work the wall time also counts waiting for a core);
- ``scale_gui_max_stall_ms_<size>``: :func:`bench.pipeline.gui_max_stall_ms` against the same
  hub: the longest lateness of a 10 ms GUI timer while the window polls it every 2 s;
- ``scale_rackmap_repaint_ms_<size>``: :func:`bench.rackmap.rackmap_repaint_ms` on that site;
- ``scale_rss_mb_<size>``: :func:`window_rss_mb`, the resident memory of a console process
  (window, live feed, cache) after polling that hub for a while.

``scale_<figure>_growth_2x`` and ``_growth_4x`` are each figure's ratio to its 1x value: a
cost that grows no faster than the site stays at or under 2 and 4 (noise aside). ``rss_mb``
is ``scale_rss_mb_1x`` under the name of the console's memory budget (at most 300 MiB on the
full site after 30 s of polling; docs/PERFORMANCE.md).

``python -m bench.scale [--quick]`` prints one JSON object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
MARK = "SCALE-FIGURES "
SIZES: tuple[tuple[str, str], ...] = (("1x", "tetouan"), ("2x", "tetouan-x2"), ("4x", "tetouan-x4"))
"""(label, simulator preset) of each size measured."""
FIGURES = ("poll_cycle_ms", "poll_cycle_cpu_ms", "gui_max_stall_ms", "rackmap_repaint_ms", "rss_mb")
RSS_S = 30.0
"""Seconds of polling before :func:`window_rss_mb` reads the resident memory (issue 15's
budget: 30 s); ``--quick`` reads it after :data:`RSS_QUICK_S` instead."""
RSS_QUICK_S = 10.0
KINDS_DEADLINE_S = 120.0
"""How long the memory probe waits for every kind to arrive once (a slow start at 4x)."""


# -- the child processes --------------------------------------------------------------------
def _in_child(call: str, timeout: float) -> dict[str, Any]:
    """Run ``bench.scale.<call>`` in a fresh interpreter; the figures it prints after MARK."""
    code = f"from bench import scale; scale.{call}"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env=dict(os.environ), timeout=timeout,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)), None)
    if proc.returncode != 0 or line is None:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"bench.scale.{call}: exit {proc.returncode}: {tail}")
    figures: dict[str, Any] = json.loads(line.removeprefix(MARK))
    return figures


def _vm_rss_mb() -> float:
    """This process's resident memory now (VmRSS of /proc/self/status), in MiB; where there
    is no /proc, the peak resident memory the system reports (ru_maxrss)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def _rss_child(url: str, seconds: float) -> None:
    """Entry point of :func:`window_rss_mb`'s process: the console window polling ``url``
    every 2 s (cache in a temporary folder, alarms on), its VmRSS after ``seconds``."""
    import tempfile
    import time

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from bench.pipeline import _alarms, _open_cache
    from console.sources.hub import HubApiSource
    from widgets.live import LiveFeed
    from widgets.main_window import MainWindow

    _app = QApplication.instance() or QApplication([])
    intervals = {"site": 300.0, "racks": 2.0, "gpus": 2.0, "power": 2.0, "jobs": 2.0, "events": 2.0}
    kinds = set(intervals) - {"site"}
    with tempfile.TemporaryDirectory() as folder:
        feed = LiveFeed(lambda: HubApiSource(url), lambda: _open_cache(folder), intervals,
                        alarm_factory=_alarms)
        window = MainWindow("bench", feed=feed, intervals=intervals)
        window.resize(1600, 1000)
        window.show()
        loop = QEventLoop()
        t0 = time.monotonic()
        arrived = {"all": False}

        def check() -> None:
            now = time.monotonic() - t0
            arrived["all"] = arrived["all"] or kinds <= set(window.latest)
            if (now >= seconds and arrived["all"]) or now >= seconds + KINDS_DEADLINE_S:
                loop.quit()

        timer = QTimer()
        timer.timeout.connect(check)
        timer.start(100)
        feed.start()
        loop.exec()
        timer.stop()
        rss = _vm_rss_mb()
        window.close()
        feed.stop()
    if not arrived["all"]:
        raise RuntimeError(f"not every kind arrived in {seconds + KINDS_DEADLINE_S:.0f} s")
    print(MARK + json.dumps({"rss_mb": round(rss, 1)}), flush=True)


def window_rss_mb(url: str, seconds: float = RSS_S) -> float:
    """``rss_mb``: resident memory (MiB) of a console process (the main window, its live feed,
    alarm service and cache) after ``seconds`` of polling the hub at ``url`` every 2 s, once
    every kind has arrived. Measured in a process of its own, so nothing of the bench is
    counted; the hub runs in another. ``--quick`` reads it after 10 s, not 30 s."""
    return float(_in_child(f"_rss_child({url!r}, {seconds!r})", 300 + seconds)["rss_mb"])


# -- one size ----------------------------------------------------------------------------------
def measure_size(
    scale: str, cycles: int = 10, stall_s: float = 60.0, rss_s: float = RSS_S, repaints: int = 40
) -> dict[str, float]:
    """The four figures of one simulator preset (unlabelled: ``poll_cycle_ms``, ...): a hub
    of that size on loopback serves the poll cycle, the stall and the memory probe; the rack
    map is measured on a simulator built in this process afterwards."""
    from bench.pipeline import LoopbackHub, gui_max_stall_ms, poll_cycle_ms
    from bench.rackmap import rackmap_repaint_ms

    with LoopbackHub(scale) as url:
        cycle = poll_cycle_ms(cycles, url=url)
        figures = {name: cycle[name] for name in ("poll_cycle_ms", "poll_cycle_cpu_ms")}
        figures["gui_max_stall_ms"] = gui_max_stall_ms(stall_s, url=url)["gui_max_stall_ms"]
        figures["rss_mb"] = window_rss_mb(url, rss_s)
    figures["rackmap_repaint_ms"] = rackmap_repaint_ms(scale, repaints)
    return figures


def _size_child(scale: str, quick: bool) -> None:
    """Entry point of one size's process: :func:`measure_size` with the bench's settings."""
    if quick:  # five cycles: the median of three is the second, still warming up at 4x
        figures = measure_size(scale, cycles=5, stall_s=15.0, rss_s=RSS_QUICK_S, repaints=20)
    else:
        figures = measure_size(scale)
    print(MARK + json.dumps(figures), flush=True)


def with_growth(by_size: dict[str, dict[str, float]]) -> dict[str, float]:
    """``scale_<figure>_<size>`` of every size and ``scale_<figure>_growth_<size>`` (ratio to
    the 1x figure, two decimals) of every size but 1x; no growth where the 1x figure is 0."""
    out: dict[str, float] = {}
    for name in FIGURES:
        base = by_size.get("1x", {}).get(name)
        for label, figures in by_size.items():
            if name not in figures:
                continue
            out[f"scale_{name}_{label}"] = figures[name]
            if label != "1x" and base:
                out[f"scale_{name}_growth_{label}"] = round(figures[name] / base, 2)
    return out


def run(quick: bool = False) -> dict[str, Any]:
    """Every size in its own process, then the growth of each figure and ``rss_mb``. A size
    that fails leaves the others their figures, its reason under ``scale_errors``."""
    by_size: dict[str, dict[str, float]] = {}
    errors: dict[str, str] = {}
    for label, scale in SIZES:
        try:
            by_size[label] = _in_child(f"_size_child({scale!r}, {quick!r})", 1800)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            errors[label] = str(exc)[:500]
    if not by_size:
        raise RuntimeError(f"no size measured: {errors}")
    figures: dict[str, Any] = dict(with_growth(by_size))
    if "1x" in by_size:
        figures["rss_mb"] = by_size["1x"]["rss_mb"]
    if errors:
        figures["scale_errors"] = errors
    return figures


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:])))
