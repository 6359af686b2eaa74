"""Live pipeline figures: one full poll cycle, and the GUI thread's longest stall while polling
(the hub on loopback in its own process, and the default source ``sim://`` as the console opens it)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

KINDS = ("racks", "gpus", "power", "jobs", "events")
SETTLE_MS = 3000
"""Start-up (first topology, history and job-queue keyframes in the cache) is reported apart."""
ROOT = Path(__file__).resolve().parent.parent


class LoopbackHub:
    """The simulated hub (the full site, or another ``scale`` preset) in its own process on
    127.0.0.1, as a real hub would be."""

    def __init__(self, scale: str = "tetouan") -> None:
        self.scale = scale

    def __enter__(self) -> str:
        import subprocess
        import sys

        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "hub", "--port", "0", "--scale", self.scale],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "serving on" not in line:
            self.proc.kill()
            raise RuntimeError(f"hub did not start: {line!r}")
        return line.rsplit(" ", 1)[-1].strip()

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _open_cache(folder: str) -> Any:
    try:
        from console.cache import Cache
    except ImportError:
        return None
    return Cache.open(Path(folder) / "bench.db")


def poll_cycle_ms(
    cycles: int = 10, scale: str = "tetouan", url: str | None = None
) -> dict[str, float]:
    """Median ms of fetch + decode + cache write + apply for every kind, full site (or the
    ``scale`` preset), loopback hub (started here, or the one already serving ``url``), then
    the views on screen drawn (the window's default layout at 1600 x 1000; views in a tab
    behind another draw when brought to the front, as the console's do).
    ``poll_cycle_cpu_ms``: the console process's CPU time of the same cycles (the hub's and
    other processes' share of a busy machine left out)."""
    import contextlib

    from PySide6.QtWidgets import QApplication

    from console.poller import Poller
    from console.sources.hub import HubApiSource
    from widgets.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    hub: Any = contextlib.nullcontext(url) if url else LoopbackHub(scale)
    with tempfile.TemporaryDirectory() as folder, hub as url, HubApiSource(url) as source:
        cache = _open_cache(folder)
        poller = Poller(source, cache)
        window = MainWindow("bench")
        window.resize(1600, 1000)
        window.show()
        site = poller.poll("site")
        assert site.snapshot is not None, site.error
        window.apply(site.snapshot)
        totals, racks_only, cpu = [], [], []
        for _ in range(cycles):
            time.sleep(2.0)  # the hub's own clock ticks every 2 s
            t0, c0 = time.perf_counter(), time.process_time()
            for kind in KINDS:
                result = poller.poll(kind)
                assert result.ok, result.error
                window.on_polled(result)
                if kind == "racks":
                    racks_only.append((time.perf_counter() - t0) * 1000)
            for view in [window.summary, *window.views.values()]:
                if view.is_shown():  # as the console draws: a view behind a tab when shown
                    view.flush()
            app.processEvents()
            totals.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        window.stop()
        window.close()
        if cache is not None:
            cache.close()
    return {
        "poll_cycle_ms": round(statistics.median(totals), 1),
        "poll_racks_ms": round(statistics.median(racks_only), 1),
        "poll_cycle_cpu_ms": round(statistics.median(cpu), 1),
    }


def _alarms(cache: Any) -> Any:
    from console.alarms.service import AlarmService

    return AlarmService(cache=cache)


def gui_max_stall_ms(
    duration_s: float = 60.0, in_process: bool = False, scale: str = "tetouan",
    url: str | None = None,
) -> dict[str, float]:
    """Longest lateness of a 10 ms GUI timer while the full site is polled every 2 s.

    ``gui_max_stall_ms`` covers steady polling, from 3 s after every kind first arrived;
    ``gui_startup_max_stall_ms`` the start-up before that (first cache keyframes, the
    first draw of the 24 h power history). ``in_process`` reads the default source
    ``sim://`` as the console opens it (:class:`SimSource`: the simulated hub in a process
    of its own, started by the source; ``sim://...?process=0`` would keep it on the
    console's threads); figures get ``_sim``.
    ``scale`` polls another preset of the simulator instead of the full site; ``url`` a
    loopback hub already serving (else one is started for the measurement).
    """
    import contextlib

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from console.sources.hub import HubApiSource
    from console.sources.sim import SimSource
    from widgets.live import LiveFeed
    from widgets.main_window import MainWindow

    _app = QApplication.instance() or QApplication([])
    intervals = {"site": 300.0, "racks": 2.0, "gpus": 2.0, "power": 2.0, "jobs": 2.0, "events": 2.0}
    hub: Any = (contextlib.nullcontext(f"sim://{scale}") if in_process
                else contextlib.nullcontext(url) if url else LoopbackHub(scale))
    with tempfile.TemporaryDirectory() as folder, hub as url:
        make = (lambda: SimSource(url)) if in_process else (lambda: HubApiSource(url))
        feed = LiveFeed(make, lambda: _open_cache(folder), intervals, alarm_factory=_alarms)
        window = MainWindow("bench", feed=feed, intervals=intervals)
        window.resize(1600, 1000)
        window.show()
        polls = {"n": 0}
        feed.polled.connect(lambda r: polls.__setitem__("n", polls["n"] + 1))
        feed.start()
        loop = QEventLoop()
        # Wait for the first data so start-up work is not counted.
        first = QTimer()
        first.timeout.connect(lambda: loop.quit() if "racks" in window.latest else None)
        first.start(50)
        loop.exec()
        first.stop()
        kinds = set(intervals) - {"site"}
        lateness: list[float] = []
        startup: list[float] = []  # until every kind has arrived once (first cache keyframes)
        steady: dict[str, float | None] = {"since": None}
        clock = QElapsedTimer()
        clock.start()
        tick = QTimer()
        tick.setInterval(10)
        last = {"t": clock.elapsed()}

        def on_tick() -> None:
            now = clock.elapsed()
            late = max(0.0, now - last["t"] - 10)
            if steady["since"] is None and kinds <= set(window.latest):
                steady["since"] = now
            settled = steady["since"] is not None and now - steady["since"] > SETTLE_MS
            (lateness if settled else startup).append(late)
            last["t"] = now
            if now > duration_s * 1000:
                loop.quit()

        tick.timeout.connect(on_tick)
        tick.start()
        loop.exec()
        tick.stop()
        window.close()
        feed.stop()
    lateness.sort()
    end = "_sim" if in_process else ""
    return {
        f"gui_max_stall{end}_ms": round(lateness[-1], 1),
        f"gui_startup_max_stall{end}_ms": round(max(startup, default=0.0), 1),
        f"gui_stall_p99{end}_ms": round(lateness[int(len(lateness) * 0.99)], 1),
        f"gui_polls_during_stall_test{end}": float(polls["n"]),
    }


def run(quick: bool = False) -> dict[str, float]:
    figures = poll_cycle_ms(3 if quick else 10)
    figures.update(gui_max_stall_ms(10.0 if quick else 60.0))
    figures.update(gui_max_stall_ms(10.0 if quick else 60.0, in_process=True))
    return figures
