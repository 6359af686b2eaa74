"""The alarm view's requests reach the alarm engine through the live feed, and review mode
hides what makes no sense offline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from console.alarms.service import AlarmService
from console.sources.hub import HubApiSource
from widgets.live import LiveFeed, _PollWorker
from widgets.main_window import MainWindow

FAST = {"site": 30.0, "racks": 1.0, "gpus": 2.0, "power": 5.0, "jobs": 5.0, "events": 2.0}


@pytest.fixture
def window(qtbot: Any, hub_server: Any, tmp_path: Any) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    feed = LiveFeed(
        lambda: HubApiSource(hub_server.url, timeout=(0.5, 2.0), retries=0), None, FAST,
        alarm_factory=lambda cache: AlarmService(cache=cache),
    )
    win = MainWindow(hub_server.url, feed=feed, intervals=FAST, settings=settings)
    qtbot.addWidget(win)
    win.show()
    feed.start()
    qtbot.waitUntil(lambda: win.latest_alarms is not None, timeout=30_000)
    yield win
    win.close()


def test_planned_work_reaches_the_engine_and_comes_back(qtbot: Any, window: MainWindow) -> None:
    view = window.views["alarms"]
    window.docks["alarms"].raise_()  # hidden views put their redraws off
    now = time.time()
    assert view.plan_work(("A-03", now + 60, now + 3600, "Amina", "CDU A-03 pump swap"))
    qtbot.waitUntil(lambda: view.plans.list.count() == 1, timeout=10_000)
    [plan] = view.plans.plans
    assert (plan.scope, plan.operator, plan.reason) == ("A-03", "Amina", "CDU A-03 pump swap")
    assert view.cancel_plan(str(plan.id), "Amina", "postponed")
    qtbot.waitUntil(lambda: view.plans.list.count() == 0, timeout=10_000)
    # the engine's refusal comes back in words, on the status bar
    assert view.plan_work(("A-03", now - 7200, now - 3600, "Amina", "already over"))
    qtbot.waitUntil(lambda: "refused" in window.statusBar().currentMessage(), timeout=10_000)
    assert "future" in window.statusBar().currentMessage()


class _OldEngine:
    """An alarm service whose engine cannot plan work."""

    engine = object()


def test_an_engine_without_planned_work_says_so(qtbot: Any) -> None:
    worker = _PollWorker(lambda: None, None, {})  # type: ignore[arg-type, return-value]
    worker.alarm_service = _OldEngine()
    failures: list[str] = []
    worker.alarmActionFailed.connect(failures.append)
    worker.plan_shelf("A-03", 0.0, 60.0, "Amina", "test")
    worker.cancel_plan("1", "Amina", "")
    assert failures == ["this console's alarm engine cannot do plan shelf",
                        "this console's alarm engine cannot do cancel plan"]


def test_review_window_hides_live_only_controls(qtbot: Any, tmp_path: Any) -> None:
    settings = QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat)
    win = MainWindow("review.db", settings=settings, review=True)
    qtbot.addWidget(win)
    win.show()
    view = win.views["alarms"]
    win.docks["alarms"].raise_()
    for widget in (view.ack_button, view.shelve_button, view.plan_button,
                   view.plans.cancel_button, win.alarm_banner.audible_button,
                   win.alarm_banner.silence_button):
        assert widget.isHidden()
    assert not view.jump_button.isHidden()
    live = MainWindow("sim://test", settings=settings)
    qtbot.addWidget(live)
    assert not live.views["alarms"].plan_button.isHidden()
    assert not live.alarm_banner.silence_button.isHidden()
    win.close()
    live.close()
