"""Alarm list and banner widgets, offscreen."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from console.alarms import ACKED, SHELVED, UNACK, Alarm, AlarmEngine
from console.decode import decode_events, decode_racks, decode_site, decode_unhealthy
from console.hub.openapi import RACK_FIELDS
from console.hub.topology import Topology
from console.model import SiteTopology
from widgets.alarm_dialogs import AckDialog, ShelveDialog
from widgets.alarm_model import COLUMNS
from widgets.alarms import AlarmBanner, AlarmListView

T0 = 1_780_000_000.0


@pytest.fixture(scope="module")
def site() -> SiteTopology:
    topo = Topology("hall", 3)
    payload = {
        "time": T0,
        "halls": topo.halls,
        "rows": topo.rows,
        "racks": topo.racks,
        "timezone": "Africa/Casablanca",
    }
    return decode_site(payload, received=T0)


def _racks(site: SiteTopology, t: float, inlet: dict[str, float]) -> Any:
    n = site.n_racks
    payload: dict[str, Any] = {"time": t, "rack_ids": list(site.rack_ids)}
    for name in RACK_FIELDS:
        payload[name] = [40.0 if name.startswith("pdu") else 25.0] * n
    for rack, v in inlet.items():
        payload["inlet_c"][site.rack_index[rack]] = v
    return decode_racks(payload, site, received=t)


@pytest.fixture
def engine_alarms(site: SiteTopology) -> tuple[AlarmEngine, list[Alarm]]:
    """An engine with a row flood (high), two hot racks (high) and an off-bus GPU (critical)."""
    engine = AlarmEngine(clock=lambda: T0)
    row = [r["id"] for r in site.racks if r["row"] == "A-03"]
    inlet = dict.fromkeys(row, 35.0) | {"A-10-01": 33.0, "A-11-02": 33.5}
    gpus = decode_unhealthy(
        {
            "time": T0,
            "gpus": [{"uuid": "GPU-<x>", "rack": "A-07-04", "status": "off_bus", "xid": 79}],
        },
        received=T0,
    )
    engine.evaluate({"racks": _racks(site, T0, inlet), "gpus": gpus}, site, T0)
    engine.acknowledge("inlet_high:A-10-01", "Amina", now=T0)
    return engine, list(engine.alarms())


def test_banner_counts_oldest_and_silence(qtbot: Any, engine_alarms: Any) -> None:
    engine, alarms = engine_alarms
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    banner.set_alarms(alarms, T0 + 190)
    assert banner.counts["critical"] == 1 and banner.counts["high"] == 3
    assert banner.chips["critical"].text() == "Critical 1"
    assert banner.chips["low"].text() == "Low 0"
    assert banner.oldest is not None and banner.oldest.state == UNACK
    assert "3 min 10 s" in banner.oldest_label.text()
    assert banner.oldest_label.textFormat() == Qt.TextFormat.PlainText
    # the audible alert is off by default; on, it sounds for the critical alarm until silenced
    assert not banner.sounding and not banner.silence_button.isEnabled()
    banner.audible_action.setChecked(True)
    assert banner.sounding and banner.beeps == 1 and banner.silence_button.isEnabled()
    banner.silence_button.click()
    assert not banner.sounding
    banner.set_alarms(alarms, T0 + 200)  # the same critical alarm: stays silenced
    assert not banner.sounding
    engine.acknowledge("gpu_off_bus:A-07-04", "Amina", now=T0 + 201)
    banner.set_alarms(engine.alarms(), T0 + 201)
    assert banner.counts["critical"] == 1 and not banner.sounding
    banner.set_alarms((), T0 + 300)
    assert banner.oldest_label.text() == "No unacknowledged alarms"


def test_list_filters_by_state_priority_and_hall(
    qtbot: Any, site: SiteTopology, engine_alarms: Any
) -> None:
    engine, alarms = engine_alarms
    view = AlarmListView()
    qtbot.addWidget(view)
    view.set_topology(site)
    view.set_alarms(alarms, T0 + 60)
    view.flush()
    assert view.model.columnCount() == len(COLUMNS)
    assert [a.priority for a in view.visible_alarms()][0] == "critical"
    assert len(view.visible_alarms()) == 4
    view.set_filters(priority="Critical")
    assert [a.id for a in view.visible_alarms()] == ["gpu_off_bus:A-07-04"]
    view.set_filters(priority="All priorities", state="Unacknowledged")
    assert "inlet_high:A-10-01" not in {a.id for a in view.visible_alarms()}
    assert len(view.visible_alarms()) == 3
    view.set_filters(state="Standing", hall="A")
    assert len(view.visible_alarms()) == 4
    assert view.hall_filter.count() == 2  # all halls + hall A
    engine.shelve("inlet_high:A-11-02", T0 + 3600, "Amina", now=T0)
    view.set_alarms(engine.alarms(), T0 + 60)
    view.flush()
    assert len(view.visible_alarms()) == 3
    view.set_filters(state="Shelved")
    [shelved] = view.visible_alarms()
    assert shelved.state == SHELVED
    row = view.proxy.index(0, COLUMNS.index("State"))
    assert view.proxy.data(row).startswith("Shelved until ")
    assert "3 of 4" not in view.status.text() and "1 of 4 alarms shown" in view.status.text()


def test_ack_and_shelve_through_signals(qtbot: Any, site: SiteTopology, engine_alarms: Any) -> None:
    engine, alarms = engine_alarms
    view = AlarmListView()
    qtbot.addWidget(view)
    view.clock = lambda: T0 + 100
    view.set_topology(site)
    view.set_alarms(alarms, T0 + 60)
    view.flush()
    acks: list[tuple[str, str, str]] = []
    view.acknowledgeRequested.connect(lambda *a: acks.append(a))
    view.acknowledgeRequested.connect(lambda i, o, c: engine.acknowledge(i, o, c, now=T0 + 100))
    assert view.select_alarm("inlet_high:row:A-03")
    assert view.ack_button.isEnabled()
    assert "A-03-01: inlet 35.0 °C" in view.detail.toPlainText()
    # the dialog is replaced by a canned answer; the real dialog is tested below
    view.ask_acknowledge = lambda alarms: ("Amina", "CRAH A-03 tripped")  # type: ignore[method-assign]
    with qtbot.waitSignal(view.acknowledgeRequested) as blocker:
        view.ack_button.click()
    assert blocker.args == ["inlet_high:row:A-03", "Amina", "CRAH A-03 tripped"]
    assert engine.alarm("inlet_high:row:A-03").state == ACKED
    assert view.operator == "Amina"
    view.set_alarms(engine.alarms(), T0 + 100)
    view.flush()
    assert view.selected_ids() == ["inlet_high:row:A-03"]  # selection kept across updates
    assert not view.ack_button.isEnabled()
    with qtbot.waitSignal(view.shelveRequested) as blocker:
        assert view.shelve_selected(900, "Amina", "watching") == 1
    assert blocker.args == ["inlet_high:row:A-03", T0 + 1000, "Amina", "watching"]
    with qtbot.waitSignal(view.rackRequested) as blocker:
        view.jump_button.click()
    assert blocker.args == ["A-03-01"]
    assert len(acks) == 1


def test_hub_text_is_plain(qtbot: Any, site: SiteTopology) -> None:
    engine = AlarmEngine(clock=lambda: T0)
    events = decode_events(
        {
            "time": T0,
            "events": [
                {
                    "id": 1,
                    "time": T0,
                    "kind": "pdu_trip",
                    "severity": "high",
                    "rack": "A-02-02",
                    "message": "<b>Breaker</b> A tripped",
                }
            ],
        },
        received=T0,
    )
    engine.evaluate({"events": events}, site, T0)
    view = AlarmListView()
    qtbot.addWidget(view)
    view.set_alarms(engine.alarms(), T0)
    view.flush()
    index = view.proxy.index(0, COLUMNS.index("Message"))
    assert view.proxy.data(index) == "<b>Breaker</b> A tripped"
    tip = view.proxy.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Breaker&lt;/b&gt;" in tip and "<b>" not in tip
    view.select_alarm("hub_event:pdu_trip:A-02-02")
    assert view.detail.toPlainText().startswith("<b>Breaker</b> A tripped")
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    banner.set_alarms(engine.alarms(), T0 + 5)
    assert "<b>Breaker</b>" in banner.oldest_label.text()
    assert banner.oldest_label.textFormat() == Qt.TextFormat.PlainText


def test_ack_and_shelve_dialogs(qtbot: Any) -> None:
    dialog = AckDialog("Inlet above 32 °C", "")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # an operator name is required
    dialog.operator.setText(" Amina ")
    dialog.comment.setText("checked")
    assert ok.isEnabled() and dialog.values() == ("Amina", "checked")
    shelve = ShelveDialog("Inlet above 32 °C", "Amina")
    qtbot.addWidget(shelve)
    assert shelve.seconds() == 3600 and not shelve.custom.isEnabled()
    shelve.duration.setCurrentIndex(0)
    assert shelve.seconds() == 900
    shelve.duration.setCurrentIndex(3)
    shelve.custom.setValue(45)
    assert shelve.custom.isEnabled() and shelve.seconds() == 45 * 60
