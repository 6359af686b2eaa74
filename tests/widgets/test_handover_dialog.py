"""File → Hand over shift: the checklist filled from the live window, Hand over gated on
every item ticked and both names, both times and the summary journaled in the cache, and
the pack of the shift exported with the handover printed."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from console.alarms import ACKED, SHELVED, UNACK, Alarm, AlarmUpdate
from console.alarms.plans import PlannedShelf
from console.decode import decode_power, decode_site, decode_unhealthy
from console.handover import ShiftWindow
from console.handover.record import HandoverRecord, records_from_journal
from console.maintenance import MaintenanceTracker
from console.shiftlog.model import LogEntry
from widgets.handover_dialog import CHECKLIST, HandoverDialog, export_after_handover
from widgets.main_window import MainWindow

T0 = 1_780_000_000.0
RTL = "\u202eevil"


class _Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class _Feed:
    """What the dialog asks of a feed: the handover to journal."""

    journals = True

    def __init__(self) -> None:
        self.handovers: list[HandoverRecord] = []

    def record_handover(self, record: HandoverRecord) -> None:
        self.handovers.append(record)

    def stop(self) -> None:
        """Nothing runs."""


def _alarm(alarm_id: str, priority: str, state: str, **over: Any) -> Alarm:
    return replace(Alarm(id=alarm_id, rule="rack_inlet", priority=priority, state=state,
                         active=True, message=f"Inlet hot on {alarm_id}", time=T0 - 600,
                         changed=T0 - 300, rack="A-01-01", area="A-01-01"), **over)


def _items() -> list[LogEntry]:
    return [
        LogEntry(7, "u-7", T0 - 7200, "Samira", "safety",
                 "Chiller CH-3 on manual <b>keep</b> below 30 °C\nsecond line", (), True),
        LogEntry(8, "u-8", T0 - 3600, RTL, "customer", "Tenant asked for a report", (), True),
        LogEntry(9, "u-9", T0 - 1800, "Omar", "operations", "=1+1 generator on test", (), True),
    ]


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Any:
    from console.hub.sim import SimulatedHub

    hub = SimulatedHub(scale="rack", seed=3, start=T0)
    hub.inject("xid", "E-01-01", xid=79)
    for _ in range(3):
        hub.step(hub.now + 30.0)
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    win = MainWindow("sim://rack", feed=None, settings=settings, clock=lambda: T0)
    qtbot.addWidget(win)
    topo = decode_site(hub.site())
    win.apply(topo)
    gpus = decode_unhealthy(hub.unhealthy_gpus())
    win.apply(gpus)
    win.apply(decode_power(hub.power(hub.now - 3600, hub.now, 10)))
    mlist = MaintenanceTracker().update(gpus, None, topo)
    plans = (PlannedShelf("1", "A-01-03", T0 + 2 * 3600, T0 + 4 * 3600, "Omar", "PDU swap"),
             PlannedShelf("2", "B-02", T0 + 20 * 3600, T0 + 22 * 3600, "Omar", "far ahead"))
    alarms = (_alarm("a1", "critical", UNACK), _alarm("a2", "high", ACKED),
              _alarm("a3", "medium", SHELVED, shelved_until=T0 + 3600,
                     message=f"Shelved {RTL} <i>x</i>"))
    win.on_alarms(AlarmUpdate(time=T0, alarms=alarms, maintenance=mlist, plans=plans))
    win.views["alarms"].operator = "Samira"
    win.feed = _Feed()
    yield win
    win.stop()


def _dialog(qtbot: Any, window: Any, clock: _Clock | None = None,
            items: list[LogEntry] | None = None) -> HandoverDialog:
    found = _items() if items is None else items
    dialog = HandoverDialog(window, clock=clock or _Clock(T0),
                            open_items=lambda t: (found, ""))
    qtbot.addWidget(dialog)
    return dialog


def test_hand_over_waits_for_every_item_and_both_names(qtbot: Any, window: Any) -> None:
    clock = _Clock(T0)
    dialog = _dialog(qtbot, window, clock)
    assert dialog.outgoing.text() == "Samira"  # the name the window knows
    assert not dialog.hand_over_button.isEnabled()
    assert "6 left" in dialog.status.text()
    boxes = [dialog.checks[key] for key, _ in CHECKLIST]
    for box in boxes[:-1]:
        box.setChecked(True)
    dialog.incoming.setText("Youssef")
    assert not dialog.hand_over_button.isEnabled() and "1 left" in dialog.status.text()
    assert dialog.handed_at is None and not dialog.hand_over()
    clock.t = T0 + 60
    boxes[-1].setChecked(True)  # the outgoing operator's part is complete now
    assert dialog.hand_over_button.isEnabled() and dialog.handed_at == T0 + 60
    dialog.incoming.setText(" samira ")
    assert not dialog.hand_over_button.isEnabled() and "someone else" in dialog.status.text()
    dialog.incoming.setText("")
    assert not dialog.hand_over_button.isEnabled()
    dialog.incoming.setText("Youssef")
    dialog.outgoing.setText("")
    assert not dialog.hand_over_button.isEnabled() and dialog.handed_at is None
    dialog.outgoing.setText("Samira")
    assert dialog.hand_over_button.isEnabled()
    boxes[2].setChecked(False)
    assert not dialog.hand_over_button.isEnabled()
    assert window.feed.handovers == []


def test_the_checklist_is_filled_from_the_live_window(qtbot: Any, window: Any) -> None:
    dialog = _dialog(qtbot, window)
    text = {key: dialog.details[key].text() for key, _ in CHECKLIST}
    assert "Facility load" in text["site"] and "PUE" in text["site"]
    assert "renewable share" in text["site"] and "Communication:" in text["site"]
    assert "Unacknowledged: critical 1" in text["alarms"]
    assert "Acknowledged, still standing: high 1" in text["alarms"]
    assert "Shelved: 1" in text["alarms"] and "until" in text["alarms"]
    assert "\u202e" not in text["alarms"] and "<i>x</i>" in text["alarms"]  # plain, isolated
    assert "Maintenance list: " in text["equipment"] and "Servers with" in text["equipment"]
    assert "Reboot / power-cycle the node: 1" in text["equipment"]
    assert "2 open items" in text["limits"] and "Chiller CH-3" in text["limits"]
    assert "generator on test" in text["limits"] and "Tenant" not in text["limits"]
    assert "<b>keep</b>" in text["limits"] and "second line" not in text["limits"]
    assert "A-01-03" in text["planned"] and "PDU swap" in text["planned"]
    assert "far ahead" not in text["planned"]  # starts in 20 h: not the next shift's
    assert "3 open items" in text["open_items"] and "Tenant asked" in text["open_items"]
    assert "\u202e" not in text["open_items"]
    for label in dialog.details.values():
        assert label.textFormat().name == "PlainText"


def test_site_status_reads_the_power_history_when_the_last_poll_brought_no_sample(
        qtbot: Any, window: Any) -> None:
    import numpy as np

    power = window.latest["power"]
    empty = replace(power, t=np.zeros(0), fields={k: np.zeros(0) for k in power.fields})
    window.apply(empty)  # a live poll with nothing new since the last one
    assert window.latest["power"] is empty
    text = _dialog(qtbot, window).details["site"].text()
    assert "n/a" not in text and "Facility load" in text


def test_a_changed_item_is_unticked_on_refresh(qtbot: Any, window: Any) -> None:
    dialog = _dialog(qtbot, window)
    for box in dialog.checks.values():
        box.setChecked(True)
    plans = window.latest_alarms.plans  # an update without a new maintenance list
    window.on_alarms(AlarmUpdate(time=T0, alarms=(_alarm("a9", "critical", UNACK),),
                                 plans=plans))
    dialog.refresh()
    assert dialog.unticked() == ["alarms"]


def test_hand_over_journals_both_names_times_and_the_summary(qtbot: Any, window: Any) -> None:
    clock = _Clock(T0)
    dialog = _dialog(qtbot, window, clock)
    dialog.summary.setPlainText("All quiet.\nWatch A-03 <b>closely</b>.")
    for box in dialog.checks.values():
        box.setChecked(True)
    clock.t = T0 + 240
    dialog.incoming.setText("Youssef")
    assert dialog.hand_over()
    [record] = window.feed.handovers
    assert (record.outgoing, record.incoming) == ("Samira", "Youssef")
    assert (record.handed_at, record.taken_at) == (T0, T0 + 240)
    assert record.summary == "All quiet.\nWatch A-03 <b>closely</b>."
    assert record.checklist == tuple(key for key, _ in CHECKLIST)
    assert dialog.record == record and dialog.result() == dialog.DialogCode.Accepted.value
    opened: list[tuple[Any, ...]] = []
    window.export_dialog = lambda *args, **kwargs: opened.append((args, kwargs))
    export_after_handover(window, record, dialog.shift)
    assert opened and opened[0][1]["handover"] == record
    assert opened[0][1]["shift"] == dialog.shift


def test_a_feed_that_cannot_journal_is_told_not_handed_over(qtbot: Any, window: Any) -> None:
    """A review's feed (the base Feed refuses a handover in a signal) is no live session:
    the dialog says so and stays open, never 'handed over' with nothing journaled."""
    from widgets.feed import Feed

    window.feed = Feed()
    dialog = _dialog(qtbot, window, _Clock(T0))
    for box in dialog.checks.values():
        box.setChecked(True)
    dialog.incoming.setText("Youssef")
    assert not dialog.hand_over()
    assert dialog.error == "no live session" and dialog.record is None


def test_the_menu_action_is_for_a_live_window(qtbot: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat)
    review = MainWindow("cache.db", feed=None, settings=settings, review=True)
    qtbot.addWidget(review)
    assert not review.action_handover.isEnabled()
    assert "Hand over shift" in review.action_handover.text()


def test_hand_over_on_a_live_window_writes_the_journal_and_the_pack(
        qtbot: Any, tmp_path: Path) -> None:
    from console.cache import Cache
    from console.settings import load_settings
    from widgets.app import live_window
    from widgets.export_dialog import ExportDialog

    cache_path = tmp_path / "cache.db"
    settings = load_settings(None, env={}, overrides={"cache": str(cache_path)})
    settings.poll = {"site": 30.0, "racks": 0.5, "gpus": 1.0, "power": 1.0, "jobs": 1.0,
                     "events": 1.0}
    qs = QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat)
    win = live_window(settings, "sim://rack", qs)
    qtbot.addWidget(win)
    win.show()
    win.feed.start()
    try:
        qtbot.waitUntil(lambda: win.latest_alarms is not None and "power" in win.latest
                        and "racks" in win.latest, timeout=30_000)
        assert win.action_handover.isEnabled()
        dialog = HandoverDialog(win)
        qtbot.addWidget(dialog)
        now = time.time()
        dialog.shift = ShiftWindow.default(now, dialog.tz, live=True)  # the cache's shift
        dialog.outgoing.setText("Samira")
        dialog.summary.setPlainText("All quiet.\nWatch A-03.")
        for box in dialog.checks.values():
            box.setChecked(True)
        dialog.incoming.setText("Youssef")
        assert dialog.hand_over()
        record = dialog.record
        assert record is not None

        def journaled() -> bool:
            with Cache.open(cache_path, readonly=True) as cache:
                return record in records_from_journal(cache.journal())

        qtbot.waitUntil(journaled, timeout=20_000)
        packs: list[Path | None] = []

        def export(window: Any, collect: Any = None, **kwargs: Any) -> None:
            export_dialog = ExportDialog(window, collect, **kwargs)
            qtbot.addWidget(export_dialog)
            export_dialog.folder.setText(str(tmp_path / "pack"))
            assert export_dialog.export_now(), export_dialog.error
            packs.append(export_dialog.result_path)

        win.export_dialog = export
        export_after_handover(win, record, dialog.shift)
        assert packs == [tmp_path / "pack"]
        summary = json.loads((tmp_path / "pack" / "summary.json").read_text("utf-8"))
        assert summary["handover"] == [record.to_dict()]
        assert summary["shift_log"]["entries"] == []
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pack" /
                                                            "handover.pdf"), "-"],
                                  capture_output=True, text=True, timeout=60,
                                  check=True).stdout
            flat = " ".join(text.split())
            assert "Handed over by Samira at" in flat and "taken over by Youssef at" in flat
            assert "All quiet. Watch A-03." in flat
    finally:
        win.close()
