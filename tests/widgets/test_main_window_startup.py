"""The main window as a console starts it: views behind a tab built after the first frame
with all their wiring, and no tab bar left over by Qt drawn over the docks."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QLabel, QTabBar

from console.model import Snapshot
from widgets.app import DEFERRED_VIEWS, SHOWN_AFTER_FIRST_FRAME
from widgets.feed import Feed
from widgets.main_window import VIEW_SPECS, MainWindow
from widgets.view import LiveView, SiteClock


class RecordingFeed(Feed):
    """A feed that reads nothing and keeps the requests it is sent."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[Any, ...]] = []

    def acknowledge(self, alarm_id: str, operator: str, comment: str) -> None:
        self.requests.append(("acknowledge", alarm_id, operator, comment))

    def shelve(self, alarm_id: str, until: float, operator: str, comment: str) -> None:
        self.requests.append(("shelve", alarm_id, until))

    def clear_log_entry(self, uid: str, who: str) -> None:
        self.requests.append(("clear", uid, who))


def _recorded(age_s: float = 60.0, zone: str | None = None) -> Any:
    from console.cache.last import Recorded
    from console.decode import decode_racks, decode_site
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=5, start=time.time() - age_s)
    site = hub.site()
    if zone is not None:
        site = {**site, "timezone": zone}
    topology = decode_site(site)
    return Recorded(topology, decode_racks(hub.racks(), topology))


def _settings(tmp_path: Any, name: str = "console.ini") -> QSettings:
    return QSettings(str(tmp_path / name), QSettings.Format.IniFormat)


def test_views_behind_a_tab_are_built_later_with_all_their_wiring(
    qtbot: Any, tmp_path: Any,
) -> None:
    feed = RecordingFeed()
    win = MainWindow("sim://hall", feed=feed, settings=_settings(tmp_path), defer=DEFERRED_VIEWS)
    qtbot.addWidget(win)
    policies: list[Any] = []
    win.when_built("steering", policies.append)
    assert set(win.deferred) == set(DEFERRED_VIEWS)
    assert set(win.views) == {"rackmap"} and not policies
    assert all(isinstance(win.docks[k].widget(), QLabel) for k in DEFERRED_VIEWS)
    recorded = _recorded(zone="Asia/Tokyo")
    win.show_recorded(recorded)
    assert win._alarm_kpis is None  # the alarm KPI panel, in the alarm list's dock: later too
    win.operator_name = "Amal"
    win.build_deferred()
    assert not win.deferred and list(win.views) == [spec[0] for spec in VIEW_SPECS]
    assert policies == [win.views["steering"]]  # a setup asked for before it was built
    alarms, log, rackmap = win.views["alarms"], win.views["log"], win.views["rackmap"]
    assert win.docks["alarms"].widget() is not alarms  # under the alarm KPI panel
    assert win.alarm_kpis.parent() is not None
    assert win.alarm_kpis.site_clock == SiteClock("Asia/Tokyo")  # the layout's zone
    assert alarms.operator == "Amal" and log.operator == "Amal"
    assert all(v.topology is recorded.topology for v in win.views.values()
               if hasattr(v, "topology"))
    # the feed's: an alarm action and a shift-log clear reach it
    alarms.acknowledgeRequested.emit("A-1", "Amal", "seen")
    log.clearRequested.emit("uid-1", "Amal")
    assert feed.requests == [("acknowledge", "A-1", "Amal", "seen"), ("clear", "uid-1", "Amal")]
    # the window's and the other views': the rack map's selection reaches the alarm list
    rack = recorded.topology.rack_ids[3]
    rackmap.rackSelected.emit(rack)
    assert alarms.focused_rack == rack
    alarms.rackRequested.emit(rack)
    assert rackmap.selected_rack() == rack
    assert log.name_source is not None and log.name_source() == "Amal"
    idle = win.views["idle"]
    assert idle.wanted() is False  # neither the list nor the map's idle overlay shows
    # the GPU list, built after the first frame too: a GPU chosen there focuses its rack
    other = recorded.topology.rack_ids[5]
    win.views["gpus"].gpuSelected.emit(other, "GPU-0")
    assert rackmap.selected_rack() == other
    win.close()


def test_a_view_built_late_gets_every_snapshot_since_the_layout_in_order(
    qtbot: Any, tmp_path: Any, monkeypatch: Any,
) -> None:
    from dataclasses import dataclass

    import widgets.main_window as main_window

    @dataclass(frozen=True)
    class Entries(Snapshot):  # appended by its view, as shift-log entries are
        kind = "log"

    class Recorder(LiveView):
        kinds = ("racks", "log")

        def __init__(self) -> None:
            super().__init__()
            self.seen: list[Snapshot] = []
            self.history: Any = None

        def on_snapshot(self, snapshot: Snapshot) -> None:
            self.seen.append(snapshot)

        def set_history(self, series: Any) -> None:
            self.history = series

    late = ("power", "log")
    specs = [(k, t, Recorder if k in late else make, a) for k, t, make, a in VIEW_SPECS]
    monkeypatch.setattr(main_window, "VIEW_SPECS", tuple(specs))
    win = MainWindow("sim://hall", settings=_settings(tmp_path), defer=late)
    qtbot.addWidget(win)
    recorded = _recorded()
    win.show_recorded(recorded)
    win.on_power_history("history")
    first, second = Entries(time=1.0), Entries(time=2.0)
    win.apply(first)
    win.apply(second)
    win.build_deferred()
    for key in late:
        view = win.views[key]
        assert isinstance(view, Recorder)
        assert view.seen == [recorded.racks, first, second] and view.history == "history"
    assert not win._kept  # nothing kept once every view is built
    win.close()


def test_deferred_views_are_built_one_per_turn_shown_ones_first(
    qtbot: Any, tmp_path: Any,
) -> None:
    win = MainWindow("sim://hall", settings=_settings(tmp_path), defer=DEFERRED_VIEWS)
    qtbot.addWidget(win)
    win.show()
    win.settle()
    assert win.deferred_shown() == SHOWN_AFTER_FIRST_FRAME  # the others start behind a tab
    built: list[str] = []
    original = win.build_deferred

    def build(keys: Any = None) -> None:
        built.extend(keys)
        original(keys)

    win.build_deferred = build  # type: ignore[method-assign]
    win.build_deferred_soon()
    assert not built  # nothing before the event loop turns
    qtbot.waitUntil(lambda: not win.deferred, timeout=20_000)
    assert built[:2] == ["gpus", "power"] and sorted(built) == sorted(DEFERRED_VIEWS)
    assert set(SHOWN_AFTER_FIRST_FRAME) <= set(DEFERRED_VIEWS)
    win.close()


def test_after_the_first_frame_views_behind_a_tab_wait_for_the_live_floor(
    qtbot: Any, tmp_path: Any,
) -> None:
    from console.poller import PollResult

    win = MainWindow("sim://hall", settings=_settings(tmp_path), defer=DEFERRED_VIEWS)
    qtbot.addWidget(win)
    win.show()
    win.settle()
    win.build_deferred_after_first_frame(late_s=600.0)
    qtbot.waitUntil(lambda: "power" in win.views, timeout=20_000)  # shown: built at once
    assert "gpus" in win.views
    qtbot.wait(100)
    assert set(win.deferred) == set(DEFERRED_VIEWS) - {"gpus", "power"}
    win.docks["alarms"].raise_()  # raised: built then
    qtbot.waitUntil(lambda: "alarms" in win.views, timeout=20_000)
    assert "jobs" in win.deferred
    recorded = _recorded()
    win.on_polled(PollResult("racks", recorded.racks, None, time.time(), 0.1))
    qtbot.waitUntil(lambda: not win.deferred, timeout=20_000)  # after the first live racks
    win.close()


def test_without_an_answer_views_behind_a_tab_are_built_all_the_same(
    qtbot: Any, tmp_path: Any,
) -> None:
    win = MainWindow("sim://hall", settings=_settings(tmp_path), defer=DEFERRED_VIEWS)
    qtbot.addWidget(win)
    win.show()
    win.settle()
    win.build_deferred_after_first_frame(late_s=0.2)
    qtbot.waitUntil(lambda: not win.deferred, timeout=20_000)
    win.close()


def test_an_export_asked_for_early_builds_every_view_first(qtbot: Any, tmp_path: Any) -> None:
    seen: list[set[str]] = []
    win = MainWindow("sim://hall", settings=_settings(tmp_path), defer=DEFERRED_VIEWS,
                     export_dialog=lambda window, *a, **k: seen.append(set(window.views)))
    qtbot.addWidget(win)
    win.export_handover()
    assert seen == [{spec[0] for spec in VIEW_SPECS}] and not win.deferred
    win.close()


def test_a_deferred_view_in_front_shows_as_such(qtbot: Any, tmp_path: Any) -> None:
    win = MainWindow("sim://hall", settings=_settings(tmp_path), defer=DEFERRED_VIEWS)
    qtbot.addWidget(win)
    win.show()
    win.docks["alarms"].raise_()
    win.settle()
    assert set(win.deferred_shown()) == {"alarms", "power"}
    assert win.view("alarms") is win.views["alarms"]  # built when asked for
    assert "alarms" not in win.deferred
    win.close()


def _bars(win: MainWindow) -> list[QTabBar]:
    return [bar for bar in win.dock_host.findChildren(QTabBar) if bar.isVisible()]


def _groups(win: MainWindow) -> list[set[str]]:
    """The docks' tab groups, by title."""
    groups = []
    for dock in win.docks.values():
        group = {dock.windowTitle(), *(d.windowTitle() for d in win.dock_host.tabifiedDockWidgets(dock))}
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return groups


@pytest.mark.parametrize("kept_layout", [False, True])
def test_no_tab_bar_left_over_over_the_docks(
    qtbot: Any, tmp_path: Any, kept_layout: bool,
) -> None:
    """Qt leaves the bar of the first pair of a tab group shown over the rack map's title
    when a third dock joins the group (and the old bars when a dock layout is restored):
    the window hides them before its first frame."""
    settings = _settings(tmp_path)
    if kept_layout:  # a second start: the docks restored over the tab groups just made
        first = MainWindow("sim://hall", settings=settings)
        qtbot.addWidget(first)
        first.show()
        first.settle()
        first.close()
    win = MainWindow("sim://hall", settings=settings, defer=DEFERRED_VIEWS)
    qtbot.addWidget(win)
    win.show()
    win.settle()
    bars = _bars(win)
    groups = _groups(win)
    shown = [{bar.tabText(i) for i in range(bar.count())} for bar in bars]
    assert sorted(map(sorted, shown)) == sorted(map(sorted, groups))  # one bar a group
    title = win.docks["rackmap"].geometry()
    title.setHeight(30)
    assert not any(bar.geometry().intersects(title) for bar in bars)
    qtbot.waitUntil(lambda: win.views.get("rackmap") is not None)
    win.close()


def test_a_stray_bar_is_told_from_one_in_use(qtbot: Any, tmp_path: Any) -> None:
    win = MainWindow("sim://hall", settings=_settings(tmp_path))
    qtbot.addWidget(win)
    win.show()
    win.settle()
    stray = QTabBar(win.dock_host)
    stray.addTab(win.docks["power"].windowTitle())
    stray.setGeometry(QRect(0, 4, 21, 26))
    stray.show()
    in_use = _bars(win)
    assert stray in in_use
    assert win.hide_stray_tab_bars() == 1
    assert stray.isHidden() and all(bar.isVisible() for bar in in_use if bar is not stray)
    win.close()
