"""The status line's ages after a poll: said at once when the link's state can change,
once per event-loop turn for the answers of a live link."""

from __future__ import annotations

from typing import Any

from console.model import JobsSnapshot
from console.poller import PollResult
from widgets.main_window import MainWindow

T0 = 1_780_000_000.0


def _ok(kind: str, t: float) -> PollResult:
    return PollResult(kind, JobsSnapshot(time=t, received=t), None, t, 0.01)


def test_live_answers_refresh_the_ages_once_per_turn_and_a_miss_at_once(qtbot: Any) -> None:
    clock = {"now": T0}
    window = MainWindow("http://hub.example", feed=None, intervals={"racks": 2.0, "jobs": 2.0},
                        clock=lambda: clock["now"])
    qtbot.addWidget(window)
    window._age_timer.stop()  # the once-a-second refresh: not counted here
    refreshed: list[float] = []
    real = window.refresh_live_ages
    window.refresh_live_ages = lambda: (refreshed.append(clock["now"]), real())[1]  # type: ignore[method-assign]
    window.on_polled(_ok("racks", T0))  # the first answer: said at once
    assert len(refreshed) == 1 and window.link_status.text() == "● live"
    window.on_polled(_ok("jobs", T0))
    assert len(refreshed) == 2  # a kind's first answer: at once
    clock["now"] = T0 + 2
    for kind in ("racks", "jobs", "racks"):  # answers of a live link
        window.on_polled(_ok(kind, clock["now"]))
    assert len(refreshed) == 2
    qtbot.waitUntil(lambda: len(refreshed) == 3)  # once, in this event-loop turn
    qtbot.wait(50)
    assert len(refreshed) == 3
    clock["now"] = T0 + 4
    window.on_polled(PollResult("jobs", None, "cannot connect", clock["now"], 0.01))
    assert len(refreshed) == 4 and window.link_status.text().startswith("missed poll")
    window.on_polled(_ok("jobs", clock["now"]))  # back after a miss: at once
    assert len(refreshed) == 5 and window.link_status.text() == "● live"
    window.stop()


def test_a_queued_refresh_is_dropped_once_the_timer_said_the_ages(qtbot: Any) -> None:
    """The once-a-second refresh that runs in the same turn (due after a busy spell) says
    what the queued one would: the ages are refreshed once, not twice."""
    clock = {"now": T0}
    window = MainWindow("http://hub.example", feed=None, intervals={"racks": 2.0},
                        clock=lambda: clock["now"])
    qtbot.addWidget(window)
    window._age_timer.stop()
    refreshed: list[float] = []
    real = window.refresh_live_ages
    window.refresh_live_ages = lambda: (refreshed.append(clock["now"]), real())[1]  # type: ignore[method-assign]
    window.on_polled(_ok("racks", T0))
    clock["now"] = T0 + 2
    window.on_polled(_ok("racks", clock["now"]))  # queued
    window.refresh_ages()  # the timer, due first
    assert len(refreshed) == 2
    qtbot.wait(50)
    assert len(refreshed) == 2
    window.on_polled(_ok("racks", clock["now"]))  # queued again afterwards: said
    qtbot.waitUntil(lambda: len(refreshed) == 3)
    window.stop()


def test_an_answers_refresh_puts_the_once_a_second_one_a_second_later(qtbot: Any) -> None:
    """After a busy spell (the timer overdue) an answer's queued refresh runs first: the
    timer's tick in the same turn would say the same again, so each refresh starts the
    timer's second anew (the ages are never said more than a second apart, nor twice in
    one turn). A stopped timer stays stopped."""
    import time

    from PySide6.QtCore import QCoreApplication

    clock = {"now": T0}
    window = MainWindow("http://hub.example", feed=None, intervals={"racks": 2.0},
                        clock=lambda: clock["now"])
    qtbot.addWidget(window)
    window._age_timer.setInterval(200)
    window._age_timer.start()
    refreshed: list[float] = []
    real = window.refresh_live_ages
    window.refresh_live_ages = lambda: (refreshed.append(clock["now"]), real())[1]  # type: ignore[method-assign]
    window.on_polled(_ok("racks", T0))  # the first answer: said at once
    assert len(refreshed) == 1
    QCoreApplication.processEvents()
    clock["now"] = T0 + 2
    before = len(refreshed)
    window.on_polled(_ok("racks", clock["now"]))  # queued
    time.sleep(0.3)  # busy: the 200 ms tick is overdue when the loop runs again
    QCoreApplication.processEvents()
    assert len(refreshed) == before + 1  # the queued refresh, not the overdue tick too
    assert window._age_timer.isActive() and window._age_timer.remainingTime() > 100
    qtbot.waitUntil(lambda: len(refreshed) == before + 2, timeout=2000)  # ticks go on
    window._age_timer.stop()
    window.refresh_ages()
    assert not window._age_timer.isActive()
    window.stop()
