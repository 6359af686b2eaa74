"""Views wait for the data worker's burst of polls before drawing, but never for long."""

from __future__ import annotations

import time
from typing import Any

from widgets.view import FIRST_DEFER_S, MAX_DEFER_S, LiveView


class Counting(LiveView):
    kinds = ("racks",)
    redraw_hz = 50.0

    def __init__(self) -> None:
        super().__init__()
        self.redraws: list[float] = []

    def redraw(self) -> None:
        self.redraws.append(time.monotonic())


def _shown(qtbot: Any) -> Counting:
    view = Counting()
    qtbot.addWidget(view)
    view.resize(200, 100)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_redraw_waits_for_the_worker_then_draws(qtbot: Any) -> None:
    view = _shown(qtbot)
    busy = {"on": True, "asked": 0}

    def probe() -> bool:
        busy["asked"] += 1
        return bool(busy["on"])

    view.busy_probe = probe
    start = time.monotonic()
    view.mark_dirty()
    qtbot.waitUntil(lambda: busy["asked"] >= 3, timeout=2000)  # asked, and told to wait
    if time.monotonic() - start < MAX_DEFER_S * 0.9:
        assert view.redraws == []
    busy["on"] = False
    qtbot.waitUntil(lambda: len(view.redraws) == 1, timeout=2000)
    view.stop()


def test_a_worker_that_stays_busy_delays_a_redraw_only_so_long(qtbot: Any) -> None:
    view = _shown(qtbot)
    view.busy_probe = lambda: True
    start = time.monotonic()
    view.mark_dirty()
    qtbot.waitUntil(lambda: len(view.redraws) == 1, timeout=5000)
    assert view.redraws[0] - start >= MAX_DEFER_S * 0.9
    view.stop()


def test_live_views_redraw_apart_so_each_gets_its_own_paint(qtbot: Any) -> None:
    from widgets.view import FLUSH_SPACING_S

    views = [_shown(qtbot) for _ in range(3)]
    for view in views:
        view.busy_probe = lambda: False  # a live feed that is idle
        view.mark_dirty()
    qtbot.waitUntil(lambda: all(len(v.redraws) == 1 for v in views), timeout=3000)
    times = sorted(v.redraws[0] for v in views)
    assert all(b - a >= FLUSH_SPACING_S * 0.99 for a, b in zip(times, times[1:], strict=False))
    for view in views:
        view.stop()


def test_the_first_data_waits_for_the_worker_hardly_at_all(qtbot: Any) -> None:
    from console.model import RackTelemetry

    view = _shown(qtbot)
    busy = {"on": True}
    view.busy_probe = lambda: busy["on"]
    start = time.monotonic()
    view.apply(RackTelemetry(time=1_780_000_000.0))
    qtbot.waitUntil(lambda: len(view.redraws) == 1, timeout=2000)
    assert FIRST_DEFER_S * 0.9 <= view.redraws[0] - start < MAX_DEFER_S
    view.apply(RackTelemetry(time=1_780_000_002.0))  # later data waits for the worker longer
    qtbot.waitUntil(lambda: len(view.redraws) == 2, timeout=5000)
    assert view.redraws[1] - view.redraws[0] >= MAX_DEFER_S * 0.9
    view.stop()


def test_the_first_data_is_drawn_at_once_when_the_worker_is_idle(qtbot: Any) -> None:
    from console.model import RackTelemetry

    view = _shown(qtbot)
    view.stop()  # its timer's turn is taken here
    view.busy_probe = lambda: False
    view.apply(RackTelemetry(time=1_780_000_000.0))
    LiveView._last_flush = time.monotonic()  # another view has just drawn: no matter
    view._maybe_redraw()
    assert len(view.redraws) == 1
    view.apply(RackTelemetry(time=1_780_000_002.0))
    LiveView._last_flush = time.monotonic()
    view._maybe_redraw()  # later data is drawn apart from the other view's
    assert len(view.redraws) == 1
