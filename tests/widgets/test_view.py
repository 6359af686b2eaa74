"""widgets.view's site clock: every view says times in the site's zone, whatever the
workstation's, and the widgets and dialogs inside a view read the view's."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from console.model import SiteTopology
from widgets.view import LiveView, SiteClock, site_clock_of

T_NOV = 1_795_908_600.0
"""Sat 28 Nov 2026 23:30 UTC: Sun 29 Nov 00:30 in Africa/Casablanca (UTC+1 in November)."""


@pytest.fixture
def workstation_in_utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The workstation's clock set to UTC, so a time said in it differs from the site's."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("workstation_in_utc")
def test_site_clock_says_the_sites_wall_time() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert datetime.fromtimestamp(T_NOV, ZoneInfo("Africa/Casablanca")).utcoffset() \
        .total_seconds() == 3600  # as the tests of the views take it
    site = SiteClock("Africa/Casablanca")
    assert time.strftime("%H:%M", time.localtime(T_NOV)) == "23:30"  # the workstation's
    assert site.clock(T_NOV) == "00:30:00" and site.clock(T_NOV, "%d %b") == "29 Nov"
    assert site.day_clock(T_NOV, T_NOV) == "00:30:00"
    assert site.day_clock(T_NOV - 3600, T_NOV) == "28 Nov 23:30"  # the site's day before
    assert site.abbrev(T_NOV) == "UTC+01" and site.label(T_NOV) == "Africa/Casablanca, UTC+01"
    assert SiteClock("Europe/Paris").abbrev(T_NOV) == "CET"
    assert SiteClock("UTC").label(T_NOV) == "UTC"
    for nothing in (math.nan, math.inf, -1e308, "x", [1], None):
        assert site.clock(nothing) == "—" and site.at(nothing) is None


def test_an_unknown_zone_is_utc_never_the_workstations() -> None:
    for name in ("Nowhere/Such", "", None, 7, ["Africa/Casablanca"]):
        site = SiteClock(name)
        assert site.name == "UTC" and site.clock(T_NOV) == "23:30:00"
    assert SiteClock.of(SiteTopology(time=0.0, timezone="Mars/Olympus")).name == "UTC"
    assert SiteClock("Africa/Casablanca") == SiteClock.of(
        SiteTopology(time=0.0, timezone="Africa/Casablanca"))


def test_views_take_the_site_layouts_zone_and_their_widgets_read_it(qtbot: Any) -> None:
    view = LiveView()
    qtbot.addWidget(view)
    inner = QLabel(view)
    assert view.site_clock.name == "Africa/Casablanca"  # the default site's until a layout
    assert site_clock_of(inner) is view.site_clock
    view.set_topology(SiteTopology(time=0.0, timezone="Asia/Tokyo"))
    assert view.site_clock.name == "Asia/Tokyo" and site_clock_of(inner).name == "Asia/Tokyo"
    assert site_clock_of(None).name == "Africa/Casablanca"
    view.stop()


def test_a_line_box_passes_its_labels_new_room_up_and_nothing_else(qtbot: Any) -> None:
    """LineBox: the label fills the box, which takes the label's size hints; new words of
    the same width ask no layout of the window, words needing more room do."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from widgets.view import LineBox

    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    label = QLabel("list 12 s old")
    box = LineBox(label)
    layout.addWidget(box)
    layout.addWidget(QLabel("below"))
    window.resize(300, 100)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(6):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
    assert label.parentWidget() is box and label.geometry() == box.rect()
    assert box.sizeHint() == label.sizeHint()
    asked: list[int] = []

    class Requests(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.LayoutRequest:
                asked.append(1)
            return False

    spy = Requests()
    window.installEventFilter(spy)
    hint = label.sizeHint()
    label.setText("list 21 s old")
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert label.sizeHint() == hint and asked == []
    label.setText("list 21 s old, and a great many more words than fit in the box")
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert asked and box.sizeHint() == label.sizeHint()
    assert label.width() >= label.sizeHint().width() and label.geometry() == box.rect()


def test_a_site_clock_gives_its_zone_as_qt_knows_it_once(monkeypatch: Any) -> None:
    """Range edits take the site's zone as Qt knows it, made once per zone; a zone Qt's own
    database lacks is its offset from UTC at the time given."""
    from PySide6.QtCore import QDateTime, QTimeZone

    from widgets import view

    site = SiteClock("Africa/Casablanca")
    zone = site.qt_zone(1.8e9)
    assert zone.isValid() and zone.id().data() == b"Africa/Casablanca"
    assert site.qt_zone(1.8e9) is zone  # made once
    assert SiteClock("UTC").qt_zone(0.0) == QTimeZone.utc()
    monkeypatch.setattr(view, "_qt_zone", lambda name: QTimeZone())  # Qt lacks the zone
    lacking = SiteClock("Asia/Kolkata").qt_zone(1.8e9)
    assert lacking.offsetFromUtc(QDateTime.fromSecsSinceEpoch(int(1.8e9))) == 19_800
