"""The main window on a live loopback hub: live state, comm loss, recovery, layout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from PySide6.QtCore import QSettings

from console.sources.hub import HubApiSource
from widgets.live import LiveFeed
from widgets.main_window import MainWindow

FAST = {"site": 30.0, "racks": 0.3, "gpus": 0.6, "power": 1.0, "jobs": 2.0, "events": 0.5}


@pytest.fixture
def window(qtbot: Any, hub_server: Any, tmp_path: Any) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    feed = LiveFeed(lambda: HubApiSource(hub_server.url, timeout=(0.5, 1.0), retries=0), None, FAST)
    win = MainWindow(hub_server.url, feed=feed, intervals=FAST, settings=settings)
    qtbot.addWidget(win)
    win.show()
    feed.start()
    yield win
    win.close()


def test_window_goes_live_with_data(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.link_status.text() == "● live", timeout=20_000)
    qtbot.waitUntil(lambda: "racks" in window.latest and "power" in window.latest, timeout=20_000)
    assert window.topology is not None and window.topology.n_racks == 480
    assert not window.comm_banner.isVisible()
    qtbot.waitUntil(lambda: window.summary.tiles["racks"].value.text() == "480 / 480")
    assert window.age_status.text().startswith("data age:")


def test_comm_loss_banner_then_recovery(qtbot: Any, window: MainWindow, hub_server: Any) -> None:
    qtbot.waitUntil(lambda: window.link_status.text() == "● live", timeout=20_000)
    requests.post(f"{hub_server.url}/api/v1/sim/outage", json={"on": True}, timeout=5)
    qtbot.waitUntil(lambda: window.link_status.text().startswith("missed poll"), timeout=20_000)
    qtbot.waitUntil(lambda: window.comm_banner.isVisible(), timeout=20_000)
    assert "COMM LOSS" in window.comm_banner.text()
    assert "503" in window.comm_banner.text()
    qtbot.waitUntil(lambda: window.summary.stale, timeout=5_000)
    assert "racks" in window.latest  # last good data kept
    requests.post(f"{hub_server.url}/api/v1/sim/outage", json={"on": False}, timeout=5)
    qtbot.waitUntil(lambda: not window.comm_banner.isVisible(), timeout=20_000)
    qtbot.waitUntil(lambda: not window.summary.stale, timeout=20_000)
    assert window.link_status.text() == "● live"


def test_layout_is_restored(qtbot: Any, tmp_path: Any, monkeypatch: Any) -> None:
    from PySide6.QtCore import QRect

    import widgets.placement as placement

    class Screen:  # the offscreen screen (800 x 800) is narrower than the window's least width
        def name(self) -> str:
            return "DP-1"

        def geometry(self) -> QRect:
            return QRect(0, 0, 1920, 1080)

        availableGeometry = geometry  # noqa: N815 - Qt name

    monkeypatch.setattr(placement, "current_screens", lambda: [Screen()])
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    first = MainWindow("sim://test", settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.docks["jobs"].hide()
    first.showNormal()
    first.setGeometry(20, 30, 1300, 700)
    first.close()
    second = MainWindow("sim://test", settings=settings)
    qtbot.addWidget(second)
    second.show()
    assert second.docks["jobs"].isHidden()
    assert second.geometry_restored
    assert not second.isMaximized()  # Qt clamps the size to the real (offscreen) screen
    second.reset_layout()
    assert not second.docks["jobs"].isHidden()
    second.close()


def test_full_screen_toggle(qtbot: Any, tmp_path: Any) -> None:
    settings = QSettings(str(tmp_path / "fs.ini"), QSettings.Format.IniFormat)
    win = MainWindow("sim://test", settings=settings)
    qtbot.addWidget(win)
    win.show()
    win.toggle_full_screen()
    assert win.action_fullscreen.isChecked()
    win.toggle_full_screen()
    assert not win.action_fullscreen.isChecked()
    win.close()


def test_corrupt_cache_shows_banner_and_live_goes_on(qtbot: Any, tmp_path: Any) -> None:
    import hashlib

    from console.settings import load_settings
    from widgets.app import live_window

    bad = tmp_path / "cache.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)  # a header, then garbage
    digest = hashlib.sha256(bad.read_bytes()).hexdigest()
    settings = load_settings(None, env={}, overrides={"cache": str(bad)})
    settings.poll = dict(FAST)
    qs = QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat)
    win = live_window(settings, "sim://rack", qs)
    qtbot.addWidget(win)
    win.show()
    win.feed.start()
    qtbot.waitUntil(lambda: win.cache_banner.isVisible(), timeout=20_000)
    assert "History cache unavailable" in win.cache_banner.text()
    qtbot.waitUntil(lambda: win.link_status.text() == "● live", timeout=20_000)
    win.close()
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == digest  # never overwritten


def test_status_bar_counts_invalid_job_records(qtbot: Any, tmp_path: Any) -> None:
    """Job records the scheduler sent without an id or state are dropped and counted."""
    from dataclasses import replace

    from console.decode import jobs_from_records

    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    win = MainWindow("test", settings=settings, clock=lambda: 1_780_000_010.0)
    qtbot.addWidget(win)
    jobs = replace(jobs_from_records([], 1_780_000_000.0, 1_780_000_000.0), invalid=3)
    win.apply(jobs)
    win.refresh_ages()
    assert "3 invalid job records dropped" in win.nodata_status.text()


def _site(timezone: str | None = None) -> Any:
    from dataclasses import replace

    from console.decode import decode_site
    from console.hub.sim import SimulatedHub

    topology = decode_site(SimulatedHub("rack", seed=1, start=1_780_000_000.0).site())
    return topology if timezone is None else replace(topology, timezone=timezone)


def test_a_layout_read_again_with_another_zone_reaches_the_views(
    qtbot: Any, tmp_path: Any
) -> None:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    win = MainWindow("test", settings=settings)
    qtbot.addWidget(win)
    first = _site()
    win.apply(first)
    views = [win.summary, *win.views.values()]
    assert {v.site_clock.name for v in views} == {first.timezone}
    taken: list[str] = []
    rackmap = win.views["rackmap"]
    original = rackmap.set_topology

    def counted(topology: Any) -> None:
        taken.append(topology.timezone)
        original(topology)

    rackmap.set_topology = counted  # type: ignore[method-assign]
    win.apply(_site())  # the same layout read again: the views are left alone
    assert taken == []
    win.apply(_site("Asia/Tokyo"))  # the same racks in another zone: every view is told
    assert taken == ["Asia/Tokyo"]
    assert {v.site_clock.name for v in views} == {"Asia/Tokyo"}
    assert win.topology is not None and win.topology.timezone == "Asia/Tokyo"
    win.close()


def test_the_alarm_kpi_panel_says_the_sites_time(qtbot: Any, tmp_path: Any) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from console.alarms.kpis import alarm_kpis

    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    win = MainWindow("test", settings=settings)
    qtbot.addWidget(win)
    start = 1_780_000_000.0
    win.alarm_kpis.set_kpis(alarm_kpis([], start, start + 8 * 3600), (start, start + 8 * 3600))

    def said(zone: str) -> str:
        return datetime.fromtimestamp(start, ZoneInfo(zone)).strftime("%a %d %b %H:%M")

    assert said("Africa/Casablanca") in win.alarm_kpis.title.text()  # the default site's
    win.apply(_site("Asia/Tokyo"))  # the layout's zone: the figures shown are said again
    assert said("Asia/Tokyo") in win.alarm_kpis.title.text()
    win.close()


def test_the_source_said_later_hides_its_password(qtbot: Any) -> None:
    """An export's window is made before its source is known; the source said then reads
    like one given at the start (no user or password of the URL)."""
    window = MainWindow("", feed=None)
    qtbot.addWidget(window)
    window.set_source_label("https://ops:secret@hub.example:8443")
    for text in (window.windowTitle(), window.source_status.text(), window.source_label):
        assert "hub.example:8443" in text and "secret" not in text and "ops" not in text


def _recorded(age_s: float) -> Any:
    """The floor of the loopback hub's site as a cache recorded it ``age_s`` ago."""
    import time

    from console.cache.last import Recorded
    from console.decode import decode_racks, decode_site
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="hall", seed=5, start=time.time() - age_s)
    topology = decode_site(hub.site())
    return Recorded(topology, decode_racks(hub.racks(), topology))


def test_the_recorded_floor_shows_stale_and_aged_until_live_racks_come(
    qtbot: Any, hub_server: Any, tmp_path: Any,
) -> None:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    feed = LiveFeed(lambda: HubApiSource(hub_server.url, timeout=(0.5, 1.0), retries=0), None, FAST)
    win = MainWindow(hub_server.url, feed=feed, intervals=FAST, settings=settings)
    qtbot.addWidget(win)
    win.show()
    recorded = _recorded(300.0)
    win.show_recorded(recorded)
    rackmap = win.views["rackmap"]
    assert win.topology is recorded.topology and win.latest["racks"] is recorded.racks
    assert win.link_status.text() == "connecting…"  # no live data yet, and it says so
    assert win.summary.stale and rackmap.stale
    assert rackmap.data_age is not None and 295 <= rackmap.data_age <= 330
    assert "5 min" in win.age_status.text() or "4 min" in win.age_status.text()
    assert "last recorded" in win.statusBar().currentMessage()
    feed.start()
    qtbot.waitUntil(lambda: win.link_status.text() == "● live", timeout=20_000)
    qtbot.waitUntil(lambda: win.latest["racks"] is not recorded.racks, timeout=20_000)
    assert win.recorded_at is None and not win.summary.stale and not rackmap.stale
    assert rackmap.data_age is not None and rackmap.data_age < 30
    win.close()


def test_live_racks_first_leave_the_recorded_floor_unshown(qtbot: Any, hub_server: Any,
                                                           tmp_path: Any) -> None:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    feed = LiveFeed(lambda: HubApiSource(hub_server.url, timeout=(0.5, 1.0), retries=0), None, FAST)
    win = MainWindow(hub_server.url, feed=feed, intervals=FAST, settings=settings)
    qtbot.addWidget(win)
    feed.start()
    qtbot.waitUntil(lambda: "racks" in win.latest, timeout=20_000)
    live = win.latest["racks"]
    win.show_recorded(_recorded(300.0))
    assert win.latest["racks"] is live and win.recorded_at is None
    win.close()


def test_a_deferred_view_is_built_later_with_what_the_others_were_given(
    qtbot: Any, tmp_path: Any,
) -> None:
    from PySide6.QtWidgets import QLabel

    from widgets.main_window import VIEW_SPECS
    from widgets.power_chart import PowerBalanceChart

    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    win = MainWindow("sim://hall", settings=settings, defer=("power",))
    qtbot.addWidget(win)
    assert "power" not in win.views
    assert isinstance(win.docks["power"].widget(), QLabel)
    recorded = _recorded(60.0)
    win.show_recorded(recorded)
    win.build_deferred()
    chart = win.views["power"]
    assert isinstance(chart, PowerBalanceChart) and win.docks["power"].widget() is chart
    assert chart.topology is recorded.topology
    assert list(win.views) == [spec[0] for spec in VIEW_SPECS]
    win.build_deferred()  # nothing left: the same chart
    assert win.views["power"] is chart
    win.close()
