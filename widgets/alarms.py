"""The alarm list (and, re-exported, the alarm banner).

:class:`AlarmListView` shows the engine's alarms (fed by :meth:`AlarmListView.set_alarms`)
with what to do about each (the Action column; the detail pane adds the consequence,
the time to respond, area, racks, GPUs, operator and comment), filters by state,
priority and hall, and asks for operator actions through signals:

- ``acknowledgeRequested(alarm_id, operator, comment)``;
- ``shelveRequested(alarm_id, until, operator, comment)``;
- ``rackRequested(rack_id)``: Jump to rack (show it on the map);
- ``rackDetailRequested(rack_id, gpu_uuid)``: an alarm activated (double-click or Enter):
  open its first rack (a row's worst, else first, rack) in depth with its first GPU
  selected ('' when it lists none);
- ``planShelfRequested(scope, start, end, operator, reason)``: Plan work…;
- ``cancelPlanRequested(plan_id, operator, comment)``: Cancel plan… in the plans list.

The main window connects them to the alarm engine (in the poller's thread) and feeds the
new alarm list back. :meth:`AlarmListView.set_review` hides what makes no sense offline
(Acknowledge, Shelve, Plan work, Cancel plan); the sort order and the selection hold
while a review's timeline moves. :class:`AlarmBanner` (widgets/alarm_banner.py) is the
always-visible strip. Neither widget does any I/O.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.alarms import ACKED, OUT_OF_SERVICE, RTN_UNACK, SHELVED, SUPPRESSED, UNACK, Alarm
from console.alarms.phrases import local_area, local_message
from console.alarms.rules import state_label
from console.model import SiteTopology
from widgets.alarm_banner import AlarmBanner, act_first
from widgets.alarm_dialogs import AckDialog, PlanShelfDialog, ShelveDialog
from widgets.alarm_model import (
    ACTION_COL,
    COLUMNS,
    AlarmFilterProxy,
    AlarmTableModel,
    clock_text,
    finite,
    is_unacknowledged,
    priority_text,
    rule_of,
    utc_text,
    word,
)
from widgets.alarm_plans import PlanList, scope_of
from widgets.text import bound_columns, cell, isolate
from widgets.view import LiveView, format_age

__all__ = ["AlarmBanner", "AlarmListView", "act_first", "alarm_target"]

STATE_FILTERS: tuple[tuple[str, frozenset[str] | None], ...] = (
    (QT_TRANSLATE_NOOP("AlarmListView", "Standing"), frozenset({UNACK, ACKED, RTN_UNACK})),
    (QT_TRANSLATE_NOOP("AlarmListView", "Unacknowledged"), frozenset({UNACK, RTN_UNACK})),
    (QT_TRANSLATE_NOOP("AlarmListView", "Shelved"), frozenset({SHELVED})),
    (QT_TRANSLATE_NOOP("AlarmListView", "Suppressed / out of service"),
     frozenset({SUPPRESSED, OUT_OF_SERVICE})),
    (QT_TRANSLATE_NOOP("AlarmListView", "All states"), None),
)
PRIORITY_FILTERS: tuple[tuple[str, int], ...] = (
    (QT_TRANSLATE_NOOP("AlarmListView", "All priorities"), 9),
    (QT_TRANSLATE_NOOP("AlarmListView", "Critical"), 0),
    (QT_TRANSLATE_NOOP("AlarmListView", "High and above"), 1),
    (QT_TRANSLATE_NOOP("AlarmListView", "Medium and above"), 2),
    (QT_TRANSLATE_NOOP("AlarmListView", "Low and above"), 3),
)
DETAIL_LINES = 400
LIST_LINES = 40
"""Racks and GPUs named in the detail pane before '… and N more'."""


def alarm_target(alarm: Alarm, topology: SiteTopology | None = None) -> tuple[str, str]:
    """(rack id, GPU uuid) to open for an alarm: its rack (a collapsed alarm's worst), else
    its first rack, else the first rack of its row; its first GPU. '' for what it lacks."""
    racks = alarm.racks if isinstance(alarm.racks, tuple | list) else ()
    gpus = alarm.gpus if isinstance(alarm.gpus, tuple | list) else ()
    rack = cell(alarm.rack or (racks[0] if racks else ""))
    if not rack and alarm.row and topology is not None:
        rack = next((cell(r.get("id")) for r in topology.racks if r.get("row") == alarm.row), "")
    return rack, (cell(gpus[0]) if gpus else "")


def _more(items: Sequence[str], limit: int = LIST_LINES) -> str:
    items = list(items) if isinstance(items, tuple | list) else [items]
    text = ", ".join(cell(i, 120) for i in items[:limit])
    return text + (f" … (+{len(items) - limit})" if len(items) > limit else "")


class AlarmListView(LiveView):
    """Every alarm in a sortable, filterable table with its action; Ack, Shelve, Jump to
    rack, open the rack in depth, Plan work. Signals: see the module docstring."""

    kinds: tuple[str, ...] = ()
    title = "Alarms"

    acknowledgeRequested = Signal(str, str, str)
    shelveRequested = Signal(str, float, str, str)
    rackRequested = Signal(str)
    rackDetailRequested = Signal(str, str)
    planShelfRequested = Signal(str, float, float, str, str)
    cancelPlanRequested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operator = ""
        """The operator name last given (pre-filled in the next dialog)."""
        self.clock: Callable[[], float] = time.time
        self.max_shelve_s = 86400.0
        self.focused_rack = ""
        """The rack the operator last looked at (pre-fills Plan work's scope)."""
        self.review = False
        self._alarms: list[Alarm] = []
        self._now: float | None = None
        self._plans: tuple[Any, ...] | None = None
        self.model = AlarmTableModel(self)
        self.model.zone = self.site_clock.zone
        self.proxy = AlarmFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.state_filter = QComboBox(self)
        for label, _ in STATE_FILTERS:
            self.state_filter.addItem(self.tr(label))
        self.priority_filter = QComboBox(self)
        for label, _ in PRIORITY_FILTERS:
            self.priority_filter.addItem(self.tr(label))
        self.hall_filter = QComboBox(self)
        self.hall_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.hall_filter.setMinimumContentsLength(12)
        self.hall_filter.addItem(self.tr("All halls"), None)
        for combo in (self.state_filter, self.priority_filter, self.hall_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.ack_button = QPushButton(self.tr("Acknowledge…"), self)
        self.shelve_button = QPushButton(self.tr("Shelve…"), self)
        self.plan_button = QPushButton(self.tr("Plan work…"), self)
        self.plan_button.setToolTip(self.tr(
            "Announce planned work: alarms of a hall, row, rack or server raised during it "
            "are shelved at once"))
        self.jump_button = QPushButton(self.tr("Jump to rack"), self)
        self.ack_button.clicked.connect(lambda: self.acknowledge_selected())
        self.shelve_button.clicked.connect(lambda: self.shelve_selected())
        self.plan_button.clicked.connect(lambda: self.plan_work())
        self.jump_button.clicked.connect(self.jump_to_rack)
        from widgets.flow_layout import FlowLayout

        bar = FlowLayout()  # wraps in a narrow dock rather than widening the window
        for w in (self.state_filter, self.priority_filter, self.hall_filter,
                  self.ack_button, self.shelve_button, self.plan_button, self.jump_button):
            bar.addWidget(w)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("Priority"), Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        bound_columns(self.table)  # a 100,000-character rack id never pushes the message away
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # Message and action share what is left; the action is elided (full in its tooltip).
        header.setSectionResizeMode(COLUMNS.index("Message"), QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ACTION_COL, QHeaderView.ResizeMode.Stretch)
        # What an empty list means, in words: nothing standing, filtered away, or no data yet.
        self.empty = QLabel(self.table.viewport())
        self.empty.setObjectName("alarmListEmpty")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        empty_layout = QVBoxLayout(self.table.viewport())
        empty_layout.addWidget(self.empty)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.tr(
            "Select an alarm to see what to do, its racks, GPUs and history; double-click "
            "or Enter opens its rack in depth."))
        self.plans = PlanList(self)
        self.plans.cancelRequested.connect(self.cancel_plan)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.plans)
        layout.addWidget(self.status)
        self._selection_changed()
        self._update_status()

    # -- data in ------------------------------------------------------------------------
    def set_topology(self, topology: SiteTopology) -> None:
        """Take the site's halls (hall filter) and time zone (alarm times)."""
        super().set_topology(topology)
        self.model.zone = self.site_clock.zone
        current = self.hall_filter.currentData()
        self.hall_filter.blockSignals(True)
        self.hall_filter.clear()
        self.hall_filter.addItem(self.tr("All halls"), None)
        for hall in topology.halls:
            self.hall_filter.addItem(self.tr("Hall {0}").format(cell(hall.get("id"), 20)),
                                     str(hall.get("id")))
        pos = max(0, self.hall_filter.findData(current))
        self.hall_filter.setCurrentIndex(pos)
        self.hall_filter.blockSignals(False)
        self._apply_filter()

    def set_alarms(
        self, alarms: Sequence[Alarm], now: float | None = None, plans: Sequence[Any] | None = None
    ) -> None:
        """Take the engine's alarm list; ``now`` is hub time (for dates and ages);
        ``plans`` the planned work in force or to come (None keeps the plans shown)."""
        self._alarms = list(alarms)
        self._now = now
        if plans is not None:
            self._plans = tuple(plans)
        self.mark_dirty()

    def set_plans(self, plans: Sequence[Any]) -> None:
        """Show the planned work in force or to come (``AlarmUpdate.plans``)."""
        self._plans = tuple(plans)
        self.mark_dirty()

    def set_review(self, review: bool) -> None:
        """Offline review: hide Acknowledge, Shelve, Plan work and Cancel plan."""
        self.review = review
        for button in (self.ack_button, self.shelve_button, self.plan_button,
                       self.plans.cancel_button):
            button.setVisible(not review)

    def redraw(self) -> None:
        selected = set(self.selected_ids())
        current = self.current_id()
        self.model.set_alarms(self._alarms, self._now)
        if selected:
            sel = self.table.selectionModel()
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            for row in range(self.proxy.rowCount()):
                index = self.proxy.index(row, 0)
                alarm_id = self.model.alarms[self.proxy.mapToSource(index).row()].id
                if alarm_id in selected:
                    sel.select(index, flags)
                if alarm_id == current:
                    sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        if self._plans is not None:  # in force or to come at the alarms' time (a review's)
            self.plans.set_plans(self._plans, self._now if self._now is not None
                                 else self.clock())
        self._update_status()
        self._selection_changed()

    # -- filters ------------------------------------------------------------------------
    def set_filters(
        self, state: str | None = None, priority: str | None = None, hall: str | None = None
    ) -> None:
        """Choose filters by their labels (state, priority) and hall id; None keeps one."""
        if state is not None:
            self.state_filter.setCurrentIndex([s for s, _ in STATE_FILTERS].index(state))
        if priority is not None:
            self.priority_filter.setCurrentIndex([p for p, _ in PRIORITY_FILTERS].index(priority))
        if hall is not None:
            self.hall_filter.setCurrentIndex(max(0, self.hall_filter.findData(hall)))

    def _apply_filter(self) -> None:
        states = STATE_FILTERS[max(0, self.state_filter.currentIndex())][1]
        rank = PRIORITY_FILTERS[max(0, self.priority_filter.currentIndex())][1]
        self.proxy.set_filter(states, rank, self.hall_filter.currentData())
        self._update_status()

    def visible_alarms(self) -> list[Alarm]:
        """The alarms the filters let through, in display order."""
        return [
            self.model.alarms[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
            for r in range(self.proxy.rowCount())
        ]

    def _update_status(self) -> None:
        shown, total = self.proxy.rowCount(), len(self.model.alarms)
        text = self.tr("{shown} of {total} alarms shown").format(shown=shown, total=total)
        if self._now is not None:
            site = self.site_clock
            text += self.tr(" · hub time {clock} {zone} ({utc})").format(
                clock=site.clock(self._now, "%d %b %H:%M:%S"),
                zone=site.abbrev(self._now), utc=utc_text(self._now))
        if self.stale:
            text += self.tr(" · alarm data {0} old").format(format_age(self.data_age))
        self.status.setText(text)
        self.empty.setVisible(shown == 0)
        if shown:
            return
        if self._now is None:
            empty = self.tr("No alarm data yet: waiting for the first evaluation.")
        elif total:
            empty = self.tr("No alarm matches the filters ({0} hidden).").format(total)
        else:
            empty = self.tr("No standing alarms: nothing needs the control room now.")
        if self.stale:
            empty += "\n" + self.tr("Alarm data is {0} old.").format(format_age(self.data_age))
        self.empty.setText(empty)

    # -- selection and actions ----------------------------------------------------------
    def selected_alarms(self) -> list[Alarm]:
        """Alarms of the selected rows, in display order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [
            self.model.alarms[self.proxy.mapToSource(self.proxy.index(r, 0)).row()] for r in rows
        ]

    def selected_ids(self) -> list[str]:
        return [a.id for a in self.selected_alarms()]

    def current_id(self) -> str:
        """Id of the alarm at the current (keyboard) row, '' when none."""
        index = self.table.currentIndex()
        if not index.isValid():
            return ""
        row = self.proxy.mapToSource(index).row()
        return self.model.alarms[row].id if 0 <= row < len(self.model.alarms) else ""

    def select_alarm(self, alarm_id: str) -> bool:
        """Select the row of one alarm (False when it is filtered out or unknown)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.model.alarms[self.proxy.mapToSource(index).row()].id == alarm_id:
                self.table.selectRow(row)
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                return True
        return False

    def _selection_changed(self, *args: object) -> None:
        alarms = self.selected_alarms()
        live = not self.review
        self.ack_button.setEnabled(live and any(is_unacknowledged(a) for a in alarms))
        self.shelve_button.setEnabled(
            live and any(word(a.state) in (UNACK, ACKED, RTN_UNACK) for a in alarms))
        self.jump_button.setEnabled(any(alarm_target(a, self.topology)[0] for a in alarms))
        self.detail.setPlainText(self._detail_text(alarms[0]) if alarms else "")

    def _detail_text(self, a: Alarm) -> str:
        zone = self.model.zone
        state = word(a.state)
        lines = [
            cell(local_message(a.message), 1000),
            self.tr("{priority} · {state} · {area} · id {id}").format(
                priority=priority_text(a.priority),
                state=state_label(state) if state else cell(a.state, 20),
                area=cell(local_area(a.area), 200), id=cell(a.id, 200)),
            self.tr("Raised {local} site time ({utc})").format(
                local=clock_text(a.time, zone, self._now), utc=utc_text(a.time)),
        ]
        rule = rule_of(a)
        if rule is not None and rule.action:
            lines.append(self.tr("Action: {0}").format(rule.advice))
        if rule is not None and rule.consequence:
            lines.append(self.tr("If nobody acts: {0}").format(rule.outcome))
        if rule is not None and rule.respond_min is not None:
            line = self.tr("Respond within {0} min").format(rule.respond_min)
            now, changed = finite(self._now), finite(a.changed)
            if now is not None and changed is not None and is_unacknowledged(a):
                waited = now - changed
                line += self.tr(" (waiting {0}{1})").format(
                    format_age(waited), self.tr(", overdue") if waited > rule.respond_min * 60 else "")
            lines.append(line)
        lines.append(self.tr("Area: {0}").format(cell(local_area(a.area), 1000)))
        if a.racks:
            lines.append(self.tr("Racks ({n}): {racks}").format(n=len(a.racks), racks=_more(a.racks)))
        if a.gpus:
            lines.append(self.tr("GPUs ({n}): {gpus}").format(n=len(a.gpus), gpus=_more(a.gpus)))
        if a.operator:
            lines.append(self.tr("Last action by {0}").format(isolate(a.operator, 80))
                         + (f": {isolate(a.comment, 1000)}" if a.comment else ""))
        detail = list(a.detail) if isinstance(a.detail, tuple | list) else []
        if detail:
            lines.append(self.tr("Members ({0}):").format(len(detail)))
            lines += [f"  {cell(d, 200)}" for d in detail[:DETAIL_LINES]]
            if len(detail) > DETAIL_LINES:
                lines.append(self.tr("  … and {0} more").format(len(detail) - DETAIL_LINES))
        return "\n".join(lines)

    def ask_acknowledge(self, alarms: Sequence[Alarm]) -> tuple[str, str] | None:
        """Ask operator and comment in a dialog; None when cancelled."""
        what = (cell(local_message(alarms[0].message), 500) if len(alarms) == 1
                else self.tr("{0} alarms").format(len(alarms)))
        dialog = AckDialog(what, self.operator, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def ask_shelve(self, alarms: Sequence[Alarm]) -> tuple[int, str, str] | None:
        """Ask duration, operator and comment in a dialog; None when cancelled."""
        what = (cell(local_message(alarms[0].message), 500) if len(alarms) == 1
                else self.tr("{0} alarms").format(len(alarms)))
        dialog = ShelveDialog(what, self.operator, self, self.max_shelve_s)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return (dialog.seconds(), *dialog.values())

    def ask_plan(self, scope: str) -> tuple[str, float, float, str, str] | None:
        """Ask scope, start, end, operator and reason in a dialog; None when cancelled."""
        dialog = PlanShelfDialog(scope, self.operator, self, self.clock, site=self.site_clock)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def ask_cancel_plan(self, plan_id: str) -> tuple[str, str] | None:
        """Ask who cancels planned work and why; None when cancelled."""
        plan = next((p for p in self.plans.plans if str(p.id) == plan_id), None)
        what = (self.tr("Planned work on {scope}: {reason}").format(
            scope=cell(plan.scope, 200), reason=isolate(plan.reason, 500))
            if plan is not None else cell(plan_id, 200))
        dialog = AckDialog(what, self.operator, self, title=self.tr("Cancel planned work"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def acknowledge_selected(self, operator: str | None = None, comment: str = "") -> int:
        """Ask for acknowledgement of the selected unacknowledged alarms (a dialog when
        ``operator`` is None); returns how many were requested."""
        alarms = [a for a in self.selected_alarms() if is_unacknowledged(a)]
        if not alarms or self.review:
            return 0
        if operator is None:
            answer = self.ask_acknowledge(alarms)
            if answer is None:
                return 0
            operator, comment = answer
        operator = operator.strip()
        if not operator:
            return 0
        self.operator = operator
        for a in alarms:
            self.acknowledgeRequested.emit(a.id, operator, comment)
        return len(alarms)

    def shelve_selected(
        self, seconds: float | None = None, operator: str | None = None, comment: str = ""
    ) -> int:
        """Ask to shelve the selected alarms for ``seconds`` (a dialog when None)."""
        alarms = [a for a in self.selected_alarms() if word(a.state) in (UNACK, ACKED, RTN_UNACK)]
        if not alarms or self.review:
            return 0
        if seconds is None or operator is None:
            answer = self.ask_shelve(alarms)
            if answer is None:
                return 0
            seconds, operator, comment = answer
        operator = operator.strip()
        if not operator or seconds <= 0:
            return 0
        self.operator = operator
        until = self.clock() + float(seconds)
        for a in alarms:
            self.shelveRequested.emit(a.id, until, operator, comment)
        return len(alarms)

    def default_scope(self) -> str:
        """Plan work's scope to start from: the selected alarm's area, else the focused rack."""
        alarms = self.selected_alarms()
        if alarms:
            return scope_of(alarms[0].area)
        return self.focused_rack

    def plan_work(self, answer: tuple[str, float, float, str, str] | None = None) -> bool:
        """Ask for planned work (a dialog when ``answer`` is None) and emit
        ``planShelfRequested``; False when cancelled or incomplete."""
        if self.review:
            return False
        if answer is None:
            answer = self.ask_plan(self.default_scope())
            if answer is None:
                return False
        scope, start, end, operator, reason = answer
        scope, operator, reason = scope.strip(), operator.strip(), reason.strip()
        if not (scope and operator and reason) or not end > start:
            return False
        self.operator = operator
        self.planShelfRequested.emit(scope, float(start), float(end), operator, reason)
        return True

    def cancel_plan(self, plan_id: str, operator: str | None = None, comment: str = "") -> bool:
        """Ask to cancel planned work (a dialog when ``operator`` is None)."""
        if self.review or not plan_id:
            return False
        if operator is None:
            answer = self.ask_cancel_plan(plan_id)
            if answer is None:
                return False
            operator, comment = answer
        operator = operator.strip()
        if not operator:
            return False
        self.operator = operator
        self.cancelPlanRequested.emit(plan_id, operator, comment)
        return True

    def jump_to_rack(self) -> None:
        """Emit ``rackRequested`` with the selected alarm's rack (a collapsed alarm's worst)."""
        for a in self.selected_alarms():
            rack, _gpu = alarm_target(a, self.topology)
            if rack:
                self.rackRequested.emit(rack)
                return

    def open_selected(self) -> bool:
        """Emit ``rackDetailRequested(rack, gpu)`` for the current alarm (double-click or
        Enter): its first rack (a row's worst, else first) with its first GPU, if any."""
        current = self.current_id()
        alarms = self.selected_alarms()
        chosen = next((a for a in alarms if a.id == current), alarms[0] if alarms else None)
        if chosen is None:
            return False
        rack, gpu = alarm_target(chosen, self.topology)
        if not rack:
            return False
        self.rackDetailRequested.emit(rack, gpu)
        return True
