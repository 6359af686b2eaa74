"""Offline review: jump to any time in a 24 h full-scale cache and repaint every view on
screen (views in a tab behind another draw when brought to the front, as in the console)."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def record(path: Path, hours: float, every_s: float = 60.0) -> None:
    """Write a full-scale simulated shift into a cache: racks each poll, the rest less often."""
    from console.cache import Cache
    from console.decode import (
        decode_jobs,
        decode_power,
        decode_racks,
        decode_site,
        decode_unhealthy,
    )
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub("tetouan", seed=7, start=time.time() - hours * 3600 - 60)
    topo = decode_site(hub.site())
    with Cache.open(path) as cache:
        cache.write_poll([topo], topology=topo)
        last_power = hub.now - 600
        for i in range(int(hours * 3600 / every_s)):
            hub.step(hub.now + every_s)
            snaps = [decode_racks(hub.racks(), topo), decode_unhealthy(hub.unhealthy_gpus()),
                     decode_power(hub.power(last_power, hub.now, 10))]
            last_power = hub.now + 1
            if i % 10 == 0:
                snaps.append(decode_jobs(hub.jobs()))
            cache.write_poll(snaps, topology=topo)


def review_seek_ms(hours: float, seeks: int) -> dict[str, float | str]:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from widgets.review import open_review_window

    _app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day.db"
        t0 = time.perf_counter()
        record(path, hours)
        build_s = time.perf_counter() - t0
        # The default layout, every run: a window kept in the user's settings came back
        # as the last run left it (the tab brought to the front last by tab_switch_ms),
        # so each run drew other views.
        settings = QSettings(str(Path(folder) / "layout.ini"), QSettings.Format.IniFormat)
        window = open_review_window(str(path), settings=settings, start=False)
        window.resize(1600, 1000)
        window.show()
        loop = QEventLoop()
        window.feed.seeked.connect(lambda *_: loop.quit())
        window.feed.start()
        QTimer.singleShot(60_000, loop.quit)
        loop.exec()
        first, last = window.scrubber.first, window.scrubber.last
        rng = random.Random(1)
        times = []
        for _ in range(seeks):
            target = rng.uniform(first, last)
            t = time.perf_counter()
            window.scrubber.seek(target)
            loop.exec()  # until the feed says every kind was read
            for view in [window.summary, *window.views.values()]:
                if view.is_shown():  # as the console draws: a view behind a tab when shown
                    view.flush()
            window.repaint()
            times.append((time.perf_counter() - t) * 1000)
        tabs = tab_switch_ms(window)
        window.close()
    return {
        "review_seek_ms": round(statistics.median(times), 1),
        "review_seek_max_ms": round(max(times), 1),
        "review_tab_max_ms": round(max(tabs.values()), 1),
        "review_tab_slowest": max(tabs, key=tabs.__getitem__),
        "review_cache_hours": hours,
        "review_cache_build_s": round(build_s, 1),
    }


def tab_switch_ms(window: object) -> dict[str, float]:
    """Ms to bring each view held behind another tab to the front at the last seek's time
    and draw it (what a seek left for later), by view name."""
    from PySide6.QtWidgets import QApplication

    found = {}
    for name, view in window.views.items():  # type: ignore[attr-defined]
        if view.is_shown():
            continue
        t = time.perf_counter()
        window.docks[name].raise_()  # type: ignore[attr-defined]
        QApplication.processEvents()
        view.flush()
        window.repaint()  # type: ignore[attr-defined]
        found[name] = (time.perf_counter() - t) * 1000
    return found


def run(quick: bool = False) -> dict[str, float | str]:
    return review_seek_ms(2.0 if quick else 24.0, 5 if quick else 20)
