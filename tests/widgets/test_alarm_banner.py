"""The alarm banner before any alarm evaluation: it claims nothing (no all-clear, no zero
counts) until the alarm service's first result, in the banner alone and in the main window's
first frame, and says so again when there is no alarm service (the source did not start)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings

from console.alarms import UNACK, Alarm
from console.alarms.state import AlarmUpdate
from widgets.alarm_banner import AlarmBanner
from widgets.feed import Feed
from widgets.main_window import MainWindow

T0 = 1_760_000_000.0
GREY = "#2a2e34"


def _claims_nothing(banner: AlarmBanner) -> None:
    assert not banner.evaluated and banner.first is None
    text = banner.first_label.text()
    assert "No unacknowledged" not in text and "evaluat" in text
    for chip in banner.chips.values():
        assert not any(ch.isdigit() for ch in chip.text()), chip.text()  # no count at all
        assert GREY in chip.styleSheet()
        assert "not yet evaluated" in chip.toolTip()
    assert not banner.sounding and not banner.silence_button.isEnabled()


def test_banner_waits_for_the_first_evaluation_then_shows_it(qtbot: Any) -> None:
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    _claims_nothing(banner)
    assert banner.first_label.text() == "Alarms: waiting for the first evaluation…"

    banner.set_alarms((), T0)  # an evaluation with no alarm: now the all-clear is true
    assert banner.evaluated
    assert banner.first_label.text() == "No unacknowledged alarms"
    assert banner.chips["critical"].text() == "Critical 0"


def test_banner_without_alarm_service_says_why_and_stops_the_alert(qtbot: Any) -> None:
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    banner.audible_action.setChecked(True)
    critical = Alarm(id="cooling_loss:row:A-03", rule="cooling_loss", priority="critical",
                     state=UNACK, active=True, message="m", time=T0, changed=T0, area="row A-03")
    banner.set_alarms([critical], T0 + 5)
    assert banner.sounding and banner.chips["critical"].text().startswith("Critical 1")

    banner.set_not_evaluated("the data source did not start <b>")
    _claims_nothing(banner)
    assert "the data source did not start <b>" in banner.first_label.text()  # plain text
    assert banner.counts["critical"] == 0 and banner.beeps == 1


def _window(qtbot: Any, tmp_path: Any) -> tuple[MainWindow, Feed]:
    """A main window on a feed of its own (its settings in ``tmp_path``), shown and exposed."""
    feed = Feed()
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    win = MainWindow("sim://hall", feed=feed, settings=settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win, feed


def test_main_window_first_frame_shows_alarms_not_yet_evaluated(
    qtbot: Any, tmp_path: Any,
) -> None:
    win, feed = _window(qtbot, tmp_path)
    image = win.grab()  # the first frame as painted
    assert not image.isNull()
    _claims_nothing(win.alarm_banner)

    win.on_alarms(AlarmUpdate(time=T0, alarms=()))
    assert win.alarm_banner.evaluated
    assert win.alarm_banner.first_label.text() == "No unacknowledged alarms"

    feed.sourceFailed.emit("connection refused")
    _claims_nothing(win.alarm_banner)
    assert "the data source did not start" in win.alarm_banner.first_label.text()


def test_a_failing_evaluation_warns_that_the_counts_may_be_out_of_date(
    qtbot: Any, tmp_path: Any,
) -> None:
    win, feed = _window(qtbot, tmp_path)
    banner = win.alarm_banner
    win.on_alarms(AlarmUpdate(time=T0, alarms=()))
    assert banner.failing_label.isHidden()

    feed.alarmEvaluation.emit({"racks": "rule crashed <b>", "odd\u202ekind": "x"})
    assert banner.failing_label.isVisible()
    text = banner.failing_label.text()
    assert "racks" in text and "out of date" in text and "\u202e" not in text
    assert banner.failing_label.textFormat().name == "PlainText"
    assert "rule crashed &lt;b&gt;" in banner.failing_label.toolTip()  # plain text
    # the last evaluation's counts stay: the warning says they may be stale
    assert banner.evaluated and banner.chips["critical"].text() == "Critical 0"

    feed.alarmEvaluation.emit({})
    assert banner.failing_label.isHidden()
    assert "works again" in win.statusBar().currentMessage()


def test_the_banner_imports_no_alarm_engine() -> None:
    """The banner is built before the window's first frame: the alarm engine's modules (its
    rules over telemetry, the journal, planned shelves) are the feed thread's to import."""
    from tests.fresh_imports import imported_after

    assert imported_after("import widgets.alarm_banner, widgets.alarm_model", (
        "console.alarms.engine", "console.alarms.journal", "console.alarms.plans",
        "console.alarms.conditions")) == []
