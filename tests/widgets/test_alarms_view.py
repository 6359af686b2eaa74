"""Alarm list, banner and dialogs, offscreen, on hand-built alarms (the engine has its own
tests in test_alarms.py; these need only the :class:`Alarm` records it hands out)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from console.alarms import ACKED, RTN_UNACK, SHELVED, UNACK, Alarm
from console.decode import decode_site
from console.hub.topology import Topology
from console.model import SiteTopology
from widgets.alarm_dialogs import AckDialog, PlanShelfDialog, ShelveDialog
from widgets.alarm_model import ACTION_COL, COLUMNS
from widgets.alarms import AlarmBanner, AlarmListView
from widgets.text import FSI, PDI

T0 = 1_780_000_000.0
HOSTILE = "<img src=x>Breaker A <b>tripped</b>"


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


def make(alarm_id: str, rule: str, priority: str, **kw: Any) -> Alarm:
    fields: dict[str, Any] = {"state": UNACK, "active": True, "message": alarm_id,
                              "time": T0, "changed": T0, "area": "site"} | kw
    return Alarm(id=alarm_id, rule=rule, priority=priority, **fields)


@pytest.fixture
def alarms() -> list[Alarm]:
    """A row's cooling loss (critical), two hot racks (high, one acknowledged) and an older
    GPU cluster (high) with its GPUs."""
    row = tuple(f"A-03-{i:02d}" for i in range(1, 6))
    return [
        make("cooling_loss:row:A-03", "cooling_loss", "critical", area="row A-03", row="A-03",
             hall="A", racks=row, value=35.0, time=T0 - 30, changed=T0 - 30,
             detail=tuple(f"{r}: inlet 35.0 °C" for r in row)),
        make("inlet_high:A-10-01", "inlet_high", "high", state=ACKED, area="A-10-01",
             rack="A-10-01", racks=("A-10-01",), hall="A", row="A-10", operator="Amina",
             comment="CRAH checked", value=33.0),
        make("inlet_high:A-11-02", "inlet_high", "high", area="A-11-02", rack="A-11-02",
             racks=("A-11-02",), hall="A", row="A-11", value=33.5),
        make("gpu_cluster:A-07-04", "gpu_cluster", "high", area="A-07-04", rack="A-07-04",
             racks=("A-07-04",), hall="A", row="A-07", gpus=("GPU-aaa", "GPU-bbb"),
             value=2.0, time=T0 - 600, changed=T0 - 600),
    ]


def view_of(qtbot: Any, site: SiteTopology, alarms: list[Alarm], now: float = T0 + 60
            ) -> AlarmListView:
    view = AlarmListView()
    qtbot.addWidget(view)
    view.clock = lambda: T0 + 100
    view.set_topology(site)
    view.set_alarms(alarms, now)
    view.flush()
    return view


def test_banner_counts_unacked_apart_and_names_the_highest_priority(
    qtbot: Any, alarms: list[Alarm]
) -> None:
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    banner.set_alarms(alarms, T0 + 160)
    assert banner.counts["critical"] == 1 and banner.counts["high"] == 3
    assert banner.unacked["high"] == 2 and banner.acked["high"] == 1
    assert banner.chips["critical"].text() == "Critical 1 unack · 0 ack"
    assert banner.chips["high"].text() == "High 2 unack · 1 ack"
    assert banner.chips["low"].text() == "Low 0"
    # the GPU cluster waits longer, but the critical cooling loss comes first
    assert banner.first is not None and banner.first.id == "cooling_loss:row:A-03"
    text = banner.first_label.text()
    assert "Critical" in text and "3 min 10 s" in text and "respond within 5 min" in text
    assert banner.first_label.textFormat() == Qt.TextFormat.PlainText
    assert "&lt;" not in banner.first_label.toolTip() and "row's cooling unit" in (
        banner.first_label.toolTip())
    # within a priority, the oldest first
    rest = [a for a in alarms if a.priority != "critical"]
    banner.set_alarms(rest, T0 + 160)
    assert banner.first is not None and banner.first.id == "gpu_cluster:A-07-04"
    # all acknowledged: a framed chip (not solid), no alarm named
    banner.set_alarms([replace(a, state=ACKED) for a in alarms], T0 + 160)
    assert banner.chips["high"].text() == "High 0 unack · 3 ack"
    assert "border" in banner.chips["high"].styleSheet()
    assert banner.first_label.text() == "No unacknowledged alarms"


def test_banner_audible_alert_silence_and_review(qtbot: Any, alarms: list[Alarm]) -> None:
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    banner.show()
    banner.set_alarms(alarms, T0 + 190)
    assert not banner.sounding and not banner.silence_button.isEnabled()  # off by default
    banner.audible_action.setChecked(True)
    assert banner.sounding and banner.beeps == 1 and banner.silence_button.isEnabled()
    banner.silence_button.click()
    assert not banner.sounding
    banner.set_alarms(alarms, T0 + 200)  # the same critical alarm: stays silenced
    assert not banner.sounding
    banner.set_alarms([replace(a, state=ACKED) for a in alarms], T0 + 201)
    assert banner.counts["critical"] == 1 and not banner.sounding
    banner.set_review(True)
    assert not banner.silence_button.isVisible() and not banner.audible_button.isVisible()
    banner.set_alarms(alarms, T0 + 300)
    assert not banner.sounding and not banner._beeper.isActive()


def test_list_filters_by_state_priority_and_hall(
    qtbot: Any, site: SiteTopology, alarms: list[Alarm]
) -> None:
    view = view_of(qtbot, site, alarms)
    assert view.model.columnCount() == len(COLUMNS)
    assert [a.priority for a in view.visible_alarms()][0] == "critical"
    assert len(view.visible_alarms()) == 4
    view.set_filters(priority="Critical")
    assert [a.id for a in view.visible_alarms()] == ["cooling_loss:row:A-03"]
    view.set_filters(priority="All priorities", state="Unacknowledged")
    assert "inlet_high:A-10-01" not in {a.id for a in view.visible_alarms()}
    assert len(view.visible_alarms()) == 3
    view.set_filters(state="Standing", hall="A")
    assert len(view.visible_alarms()) == 4
    assert view.hall_filter.count() == 2  # all halls + hall A
    shelved = replace(alarms[2], state=SHELVED, shelved_until=T0 + 3600)
    view.set_alarms([*alarms[:2], shelved, alarms[3]], T0 + 60)
    view.flush()
    assert len(view.visible_alarms()) == 3
    view.set_filters(state="Shelved")
    [only] = view.visible_alarms()
    assert only.state == SHELVED
    row = view.proxy.index(0, COLUMNS.index("State"))
    assert view.proxy.data(row).startswith("Shelved until ")
    assert "1 of 4 alarms shown" in view.status.text()


def test_sort_order_and_selection_hold_across_new_lists(
    qtbot: Any, site: SiteTopology, alarms: list[Alarm]
) -> None:
    """A review re-reads the alarm list at every step of the timeline, in any order."""
    view = view_of(qtbot, site, alarms)
    view.set_review(True)
    order = [a.id for a in view.visible_alarms()]
    # priority first, then newest first within a priority, ties by id
    assert order[0] == "cooling_loss:row:A-03" and order[-1] == "gpu_cluster:A-07-04"
    assert view.select_alarm("inlet_high:A-11-02")
    rng = random.Random(4)
    for step in range(5):
        shuffled = alarms[:]
        rng.shuffle(shuffled)
        view.set_alarms(shuffled, T0 + 60 + step)
        view.flush()
        assert [a.id for a in view.visible_alarms()] == order
        assert view.selected_ids() == ["inlet_high:A-11-02"]
        assert view.current_id() == "inlet_high:A-11-02"
    view.table.sortByColumn(COLUMNS.index("Area"), Qt.SortOrder.DescendingOrder)
    by_area = [a.id for a in view.visible_alarms()]
    assert by_area == ["cooling_loss:row:A-03", "inlet_high:A-11-02", "inlet_high:A-10-01",
                       "gpu_cluster:A-07-04"]  # 'row A-03' sorts after rack ids
    view.set_alarms(alarms[::-1], T0 + 90)
    view.flush()
    assert [a.id for a in view.visible_alarms()] == by_area
    # an alarm gone from the list: nothing selected, nothing else picked instead
    view.set_alarms([a for a in alarms if a.id != "inlet_high:A-11-02"], T0 + 95)
    view.flush()
    assert view.selected_ids() == []


def test_action_column_and_detail_pane(qtbot: Any, site: SiteTopology, alarms: list[Alarm]
                                       ) -> None:
    hostile = replace(alarms[3], operator="<b>Eve</b>", comment="<img src=y>")
    view = view_of(qtbot, site, [*alarms[:3], hostile])
    assert COLUMNS[ACTION_COL] == "Action"
    assert view.select_alarm("cooling_loss:row:A-03")
    row = view.table.currentIndex().row()
    cell = view.proxy.index(row, ACTION_COL)
    assert view.proxy.data(cell) == alarms[0].action and alarms[0].action
    tip = view.proxy.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert "If nobody acts" in tip and "Respond within 5 min" in tip
    assert view.table.textElideMode() == Qt.TextElideMode.ElideRight
    text = view.detail.toPlainText()
    assert text.startswith(alarms[0].message)
    for words in ("Action: ", "If nobody acts: ", "Respond within 5 min (waiting 1 min 30 s",
                  "Area: row A-03", "Racks (5): A-03-01, A-03-02", "A-03-01: inlet 35.0 °C"):
        assert words in text, words
    view.select_alarm("gpu_cluster:A-07-04")
    text = view.detail.toPlainText()
    assert "GPUs (2): GPU-aaa, GPU-bbb" in text
    assert f"Last action by {FSI}<b>Eve</b>{PDI}: {FSI}<img src=y>{PDI}" in text
    msg = view.proxy.index(view.table.currentIndex().row(), COLUMNS.index("Message"))
    tip = view.proxy.data(msg, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Eve&lt;/b&gt;" in tip and "<img" not in tip


def test_ack_and_shelve_through_signals(qtbot: Any, site: SiteTopology, alarms: list[Alarm]
                                        ) -> None:
    view = view_of(qtbot, site, alarms)
    acks: list[tuple[str, str, str]] = []
    view.acknowledgeRequested.connect(lambda *a: acks.append(a))
    assert view.select_alarm("cooling_loss:row:A-03")
    assert view.ack_button.isEnabled()
    # the dialog is replaced by a canned answer; the real dialog is tested below
    view.ask_acknowledge = lambda alarms: ("Amina", "CDU A-03 tripped")  # type: ignore[method-assign]
    with qtbot.waitSignal(view.acknowledgeRequested) as blocker:
        view.ack_button.click()
    assert blocker.args == ["cooling_loss:row:A-03", "Amina", "CDU A-03 tripped"]
    assert view.operator == "Amina"
    view.set_alarms([replace(alarms[0], state=ACKED), *alarms[1:]], T0 + 100)
    view.flush()
    assert view.selected_ids() == ["cooling_loss:row:A-03"]  # selection kept across updates
    assert not view.ack_button.isEnabled()
    with qtbot.waitSignal(view.shelveRequested) as blocker:
        assert view.shelve_selected(900, "Amina", "watching") == 1
    assert blocker.args == ["cooling_loss:row:A-03", T0 + 1000, "Amina", "watching"]
    with qtbot.waitSignal(view.rackRequested) as blocker:
        view.jump_button.click()
    assert blocker.args == ["A-03-01"]
    assert len(acks) == 1


def test_activating_an_alarm_asks_for_its_rack_and_gpu(
    qtbot: Any, site: SiteTopology, alarms: list[Alarm]
) -> None:
    bare_row = make("cooling_loss:row:A-05", "cooling_loss", "critical", area="row A-05",
                    row="A-05", hall="A", state=RTN_UNACK)
    view = view_of(qtbot, site, [*alarms, bare_row])
    view.show()
    assert view.select_alarm("gpu_cluster:A-07-04")
    with qtbot.waitSignal(view.rackDetailRequested) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == ["A-07-04", "GPU-aaa"]
    # a row's alarm opens its worst (first listed) rack, without a GPU
    assert view.select_alarm("cooling_loss:row:A-03")
    with qtbot.waitSignal(view.rackDetailRequested) as blocker:
        rect = view.table.visualRect(view.table.currentIndex())
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["A-03-01", ""]
    # a row's alarm naming no rack opens the row's first rack
    assert view.select_alarm("cooling_loss:row:A-05")
    with qtbot.waitSignal(view.rackDetailRequested) as blocker:
        assert view.open_selected()
    assert blocker.args == ["A-05-01", ""]


@dataclass(frozen=True)
class Plan:
    id: str
    scope: str
    start: float
    end: float
    operator: str
    reason: str


def test_plan_work_and_cancel_through_signals(
    qtbot: Any, site: SiteTopology, alarms: list[Alarm]
) -> None:
    view = view_of(qtbot, site, alarms)
    view.show()
    assert not view.plans.isVisible()  # no plans: no list
    view.focused_rack = "A-09-02"
    assert view.default_scope() == "A-09-02"
    assert view.select_alarm("cooling_loss:row:A-03")
    assert view.default_scope() == "A-03"
    asked: list[str] = []

    def canned(scope: str) -> tuple[str, float, float, str, str]:
        asked.append(scope)
        return (scope, T0 + 200, T0 + 7400, "Amina", "CDU A-03 pump swap")

    view.ask_plan = canned  # type: ignore[method-assign]
    with qtbot.waitSignal(view.planShelfRequested) as blocker:
        view.plan_button.click()
    assert asked == ["A-03"]
    assert blocker.args == ["A-03", T0 + 200, T0 + 7400, "Amina", "CDU A-03 pump swap"]
    plan = Plan("17", "A-03", T0 + 200, T0 + 7400, "Amina", "<b>CDU</b> pump swap")
    view.set_alarms(alarms, T0 + 120, plans=(plan,))
    view.flush()
    assert view.plans.isVisible() and view.plans.list.count() == 1
    item = view.plans.list.item(0)
    assert item.text().startswith("A-03 · ") and "<b>CDU</b> pump swap" in item.text()
    assert "&lt;b&gt;" in item.toolTip()
    assert not view.plans.cancel_button.isEnabled()
    assert view.plans.select_plan("17") and view.plans.cancel_button.isEnabled()
    view.ask_cancel_plan = lambda plan_id: ("Amina", "pump swapped early")  # type: ignore[method-assign]
    with qtbot.waitSignal(view.cancelPlanRequested) as blocker:
        view.plans.cancel_button.click()
    assert blocker.args == ["17", "Amina", "pump swapped early"]
    view.set_alarms(alarms, T0 + 130)  # an update without plans keeps them
    view.flush()
    assert view.plans.list.count() == 1
    view.set_plans(())
    view.flush()
    assert not view.plans.isVisible()


def test_review_hides_operator_actions(qtbot: Any, site: SiteTopology, alarms: list[Alarm]
                                       ) -> None:
    view = view_of(qtbot, site, alarms)
    view.show()
    view.set_review(True)
    for button in (view.ack_button, view.shelve_button, view.plan_button,
                   view.plans.cancel_button):
        assert not button.isVisible()
    assert view.jump_button.isVisible()
    assert view.select_alarm("inlet_high:A-11-02")
    assert view.acknowledge_selected("Amina") == 0 and view.shelve_selected(60, "Amina") == 0
    assert not view.plan_work(("A", T0, T0 + 60, "Amina", "x"))


def test_hub_text_is_plain(qtbot: Any, site: SiteTopology) -> None:
    alarm = make("hub_event:pdu_trip:A-02-02", "hub_event", "high", message=HOSTILE,
                 area="A-02-02", rack="A-02-02", racks=("A-02-02",))
    view = view_of(qtbot, site, [alarm], T0)
    index = view.proxy.index(0, COLUMNS.index("Message"))
    assert view.proxy.data(index) == HOSTILE
    tip = view.proxy.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img src=x&gt;" in tip and "<img" not in tip and "<b>" not in tip
    view.select_alarm("hub_event:pdu_trip:A-02-02")
    assert view.detail.toPlainText().startswith(HOSTILE)
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    banner.set_alarms([alarm], T0 + 5)
    assert HOSTILE in banner.first_label.text()
    assert banner.first_label.textFormat() == Qt.TextFormat.PlainText
    for chip in banner.chips.values():
        assert chip.textFormat() == Qt.TextFormat.PlainText


def test_ack_shelve_and_plan_dialogs(qtbot: Any) -> None:
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


def test_plan_dialog_requires_everything(qtbot: Any) -> None:
    now = T0
    plan = PlanShelfDialog("A-03", "", clock=lambda: now)
    qtbot.addWidget(plan)
    ok = plan.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert plan.scope.text() == "A-03"
    assert not ok.isEnabled() and "name" in plan.problem.text()
    plan.operator.setText("Amina")
    assert not ok.isEnabled() and "reason" in plan.problem.text()
    plan.reason.setText("CDU pump swap")
    assert ok.isEnabled() and plan.problem.text() == ""
    scope, start, end, operator, reason = plan.values()
    assert (scope, operator, reason) == ("A-03", "Amina", "CDU pump swap")
    assert now < start and end - start == 2 * 3600
    plan.end.setDateTime(plan.start.dateTime().addSecs(-60))
    assert not ok.isEnabled() and "after the start" in plan.problem.text()
    plan.end.setDateTime(plan.start.dateTime().addDays(8))
    assert not ok.isEnabled() and "at most 7 days" in plan.problem.text()
    plan.end.setDateTime(plan.start.dateTime().addDays(7))
    assert ok.isEnabled()
    plan.scope.setText("  ")
    assert not ok.isEnabled() and "scope" in plan.problem.text()


def test_an_empty_list_says_why_it_is_empty(qtbot: Any) -> None:
    from widgets.alarms import AlarmListView

    view = AlarmListView()
    qtbot.addWidget(view)
    view.show()
    assert view.empty.isVisible() and "waiting for the first" in view.empty.text()
    view.set_alarms([], 1_780_000_000.0)
    view.flush()
    assert view.empty.isVisible() and view.empty.text().startswith("No standing alarms")


T_NOV = 1_795_908_600.0
"""Sat 28 Nov 2026 23:30 UTC: Sun 29 Nov 00:30 at the site (Africa/Casablanca, UTC+1)."""


@pytest.fixture
def workstation_in_utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The workstation's clock set to UTC, so a time said in it differs from the site's."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("workstation_in_utc")
def test_times_are_the_sites(qtbot: Any, site: SiteTopology) -> None:
    """The alarm's time, the hub time of the list, planned work and the plan dialog are the
    site's wall time (a day ahead of the workstation's here), the zone named once; planned
    work is in force by the alarms' time (a review's), not the workstation's clock."""
    alarm = make("inlet_high:A-11-02", "inlet_high", "high", area="A-11-02",
                 time=T_NOV - 600, changed=T_NOV - 600)
    view = AlarmListView()
    qtbot.addWidget(view)
    view.clock = lambda: T_NOV - 3600  # the workstation's clock, an hour before the list
    view.set_topology(site)
    plan = Plan("17", "A-03", T_NOV - 1800, T_NOV + 1800, "Amina", "pump swap")
    view.set_alarms([alarm], T_NOV, plans=(plan,))
    view.flush()
    assert view.proxy.data(view.proxy.index(0, COLUMNS.index("Time"))) == "00:20:00"
    assert "hub time 29 Nov 00:30:00 UTC+01 (2026-11-28 23:30:00 UTC)" in view.status.text()
    assert " · in force until 29 Nov 01:00 · " in view.plans.list.item(0).text()
    assert "29 Nov 00:00 to 29 Nov 01:00" in view.plans.list.item(0).toolTip()
    assert view.plans.heading.text() == "Planned work (1), site time UTC+01"
    assert view.select_alarm("inlet_high:A-11-02")
    assert "Raised 00:20:00 site time (2026-11-28 23:20:00 UTC)" in view.detail.toPlainText()
    dialog = PlanShelfDialog("A-03", "Amina", view, lambda: T_NOV)
    qtbot.addWidget(dialog)
    assert dialog.start.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-29 00:31"
    assert "Africa/Casablanca, UTC+01" in dialog.zone_label.text()
    dialog.start.setDateTime(dialog.start.dateTime().addSecs(29 * 60))  # 01:00 at the site
    assert dialog.times()[0] == T_NOV + 1800


@pytest.mark.usefixtures("workstation_in_utc")
def test_times_before_the_site_layout_are_the_default_sites(qtbot: Any) -> None:
    """Alarms shown before any site layout are in the default site's zone, never the
    workstation's."""
    view = AlarmListView()
    qtbot.addWidget(view)
    view.set_alarms([make("a", "inlet_high", "high", time=T_NOV, changed=T_NOV)], T_NOV)
    view.flush()
    assert view.proxy.data(view.proxy.index(0, COLUMNS.index("Time"))) == "00:30:00"


def test_an_action_with_nothing_selected_looks_unavailable(qtbot: Any, site: SiteTopology) -> None:
    """With no alarm selected, Acknowledge, Shelve and Jump to rack are disabled and drawn
    so (the theme once drew them as the live Plan work button: a click that did nothing)."""
    from PySide6.QtWidgets import QApplication

    from resources import theme_qss

    app = QApplication.instance()
    before = app.styleSheet()  # type: ignore[union-attr]
    app.setStyleSheet(theme_qss())  # type: ignore[union-attr]
    try:
        view = view_of(qtbot, site, [])
        button = view.ack_button
        assert not button.isEnabled() and not view.shelve_button.isEnabled()
        off = button.grab().toImage()
        button.setEnabled(True)
        assert button.grab().toImage() != off
    finally:
        app.setStyleSheet(before)  # type: ignore[union-attr]
