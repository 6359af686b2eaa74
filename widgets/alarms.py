"""The alarm list and the alarm banner.

:class:`AlarmListView` shows the engine's alarms (fed by :meth:`AlarmListView.set_alarms`)
with filters by state, priority and hall, and asks for operator actions through signals:
``acknowledgeRequested(alarm_id, operator, comment)``,
``shelveRequested(alarm_id, until, operator, comment)`` and ``rackRequested(rack_id)``.
The main window connects them to the alarm engine (in the poller's thread) and feeds the
new alarm list back. :class:`AlarmBanner` is the always-visible strip: counts by priority,
the oldest unacknowledged alarm, and the optional audible alert with its Silence button.
Neither widget does any I/O.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.alarms import ACKED, OUT_OF_SERVICE, RTN_UNACK, SHELVED, SUPPRESSED, UNACK, Alarm
from console.alarms.rules import PRIORITIES, UNACKED_STATES
from console.model import SiteTopology
from widgets.alarm_dialogs import AckDialog, ShelveDialog
from widgets.alarm_model import (
    COLUMNS,
    DARK_TEXT,
    PRIORITY_COLOURS,
    AlarmFilterProxy,
    AlarmTableModel,
    clock_text,
    site_zone,
    utc_text,
)
from widgets.view import LiveView, format_age, set_style

STATE_FILTERS: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("Standing", frozenset({UNACK, ACKED, RTN_UNACK})),
    ("Unacknowledged", frozenset({UNACK, RTN_UNACK})),
    ("Shelved", frozenset({SHELVED})),
    ("Suppressed / out of service", frozenset({SUPPRESSED, OUT_OF_SERVICE})),
    ("All states", None),
)
PRIORITY_FILTERS: tuple[tuple[str, int], ...] = (
    ("All priorities", 9),
    ("Critical", 0),
    ("High and above", 1),
    ("Medium and above", 2),
    ("Low and above", 3),
)
DETAIL_LINES = 400


class AlarmListView(LiveView):
    """Every alarm in a sortable, filterable table, with Ack, Shelve and Jump to rack."""

    kinds: tuple[str, ...] = ()
    title = "Alarms"

    acknowledgeRequested = Signal(str, str, str)
    shelveRequested = Signal(str, float, str, str)
    rackRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operator = ""
        """The operator name last given (pre-filled in the next dialog)."""
        self.clock: Callable[[], float] = time.time
        self.max_shelve_s = 86400.0
        self._alarms: list[Alarm] = []
        self._now: float | None = None
        self.model = AlarmTableModel(self)
        self.proxy = AlarmFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.state_filter = QComboBox(self)
        for label, _ in STATE_FILTERS:
            self.state_filter.addItem(label)
        self.priority_filter = QComboBox(self)
        for label, _ in PRIORITY_FILTERS:
            self.priority_filter.addItem(label)
        self.hall_filter = QComboBox(self)
        self.hall_filter.addItem("All halls", None)
        for combo in (self.state_filter, self.priority_filter, self.hall_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.ack_button = QPushButton("Acknowledge…", self)
        self.shelve_button = QPushButton("Shelve…", self)
        self.jump_button = QPushButton("Jump to rack", self)
        self.ack_button.clicked.connect(lambda: self.acknowledge_selected())
        self.shelve_button.clicked.connect(lambda: self.shelve_selected())
        self.jump_button.clicked.connect(self.jump_to_rack)
        bar = QHBoxLayout()
        for w in (self.state_filter, self.priority_filter, self.hall_filter):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.ack_button, self.shelve_button, self.jump_button):
            bar.addWidget(w)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Message"), QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.jump_to_rack())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select an alarm to see its racks, GPUs and history.")
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
        layout.addWidget(self.status)
        self._selection_changed()

    # -- data in ------------------------------------------------------------------------
    def set_topology(self, topology: SiteTopology) -> None:
        """Take the site's halls (hall filter) and time zone (alarm times)."""
        super().set_topology(topology)
        self.model.zone = site_zone(topology.timezone)
        current = self.hall_filter.currentData()
        self.hall_filter.blockSignals(True)
        self.hall_filter.clear()
        self.hall_filter.addItem("All halls", None)
        for hall in topology.halls:
            self.hall_filter.addItem(f"Hall {hall.get('id')}", str(hall.get("id")))
        pos = max(0, self.hall_filter.findData(current))
        self.hall_filter.setCurrentIndex(pos)
        self.hall_filter.blockSignals(False)
        self._apply_filter()

    def set_alarms(self, alarms: Sequence[Alarm], now: float | None = None) -> None:
        """Take the engine's alarm list; ``now`` is hub time (for dates and ages)."""
        self._alarms = list(alarms)
        self._now = now
        self.mark_dirty()

    def redraw(self) -> None:
        selected = set(self.selected_ids())
        self.model.set_alarms(self._alarms, self._now)
        if selected:
            sel = self.table.selectionModel()
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            for row in range(self.proxy.rowCount()):
                index = self.proxy.index(row, 0)
                if self.model.alarms[self.proxy.mapToSource(index).row()].id in selected:
                    sel.select(index, flags)
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
        text = f"{shown} of {total} alarms shown"
        if self._now is not None:
            text += f" · hub time {utc_text(self._now)}"
        if self.stale:
            text += f" · alarm data {format_age(self.data_age)} old"
        self.status.setText(text)

    # -- selection and actions ----------------------------------------------------------
    def selected_alarms(self) -> list[Alarm]:
        """Alarms of the selected rows, in display order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [
            self.model.alarms[self.proxy.mapToSource(self.proxy.index(r, 0)).row()] for r in rows
        ]

    def selected_ids(self) -> list[str]:
        return [a.id for a in self.selected_alarms()]

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
        self.ack_button.setEnabled(any(a.state in UNACKED_STATES for a in alarms))
        self.shelve_button.setEnabled(any(a.state in (UNACK, ACKED, RTN_UNACK) for a in alarms))
        self.jump_button.setEnabled(any(a.racks for a in alarms))
        self.detail.setPlainText(self._detail_text(alarms[0]) if alarms else "")

    def _detail_text(self, a: Alarm) -> str:
        zone = self.model.zone
        lines = [
            a.message,
            f"{a.priority.capitalize()} · {a.state} · {a.area} · id {a.id}",
            f"Raised {clock_text(a.time, zone, self._now)} site time ({utc_text(a.time)})",
        ]
        if a.operator:
            lines.append(f"Last action by {a.operator}" + (f": {a.comment}" if a.comment else ""))
        if a.detail:
            lines.append(f"Members ({len(a.detail)}):")
            lines += [f"  {d}" for d in a.detail[:DETAIL_LINES]]
            if len(a.detail) > DETAIL_LINES:
                lines.append(f"  … and {len(a.detail) - DETAIL_LINES} more")
        return "\n".join(lines)

    def ask_acknowledge(self, alarms: Sequence[Alarm]) -> tuple[str, str] | None:
        """Ask operator and comment in a dialog; None when cancelled."""
        what = alarms[0].message if len(alarms) == 1 else f"{len(alarms)} alarms"
        dialog = AckDialog(what, self.operator, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def ask_shelve(self, alarms: Sequence[Alarm]) -> tuple[int, str, str] | None:
        """Ask duration, operator and comment in a dialog; None when cancelled."""
        what = alarms[0].message if len(alarms) == 1 else f"{len(alarms)} alarms"
        dialog = ShelveDialog(what, self.operator, self, self.max_shelve_s)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return (dialog.seconds(), *dialog.values())

    def acknowledge_selected(self, operator: str | None = None, comment: str = "") -> int:
        """Ask for acknowledgement of the selected unacknowledged alarms (a dialog when
        ``operator`` is None); returns how many were requested."""
        alarms = [a for a in self.selected_alarms() if a.state in UNACKED_STATES]
        if not alarms:
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
        alarms = [a for a in self.selected_alarms() if a.state in (UNACK, ACKED, RTN_UNACK)]
        if not alarms:
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

    def jump_to_rack(self) -> None:
        """Emit ``rackRequested`` with the selected alarm's rack (a collapsed alarm's worst)."""
        for a in self.selected_alarms():
            if a.rack or a.racks:
                self.rackRequested.emit(a.rack or a.racks[0])
                return


def _chip_style(colour: str | None) -> str:
    if colour is None:
        return (
            "QLabel { background: #2a2e34; color: #8a9099; padding: 2px 8px; border-radius: 3px; }"
        )
    return (
        f"QLabel {{ background: {colour}; color: {DARK_TEXT.name()}; font-weight: bold;"
        " padding: 2px 8px; border-radius: 3px; }"
    )


class AlarmBanner(QWidget):
    """Always-visible strip: standing alarms by priority, oldest unacknowledged, audible alert.

    The audible alert (off by default, :attr:`audible_action`) beeps while a critical
    alarm waits for acknowledgement; Silence quiets it until another critical alarm rises.
    """

    CHIPS = ("critical", "high", "medium", "low")
    BEEP_MS = 2000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: dict[str, QLabel] = {}
        self.counts: dict[str, int] = dict.fromkeys(PRIORITIES, 0)
        self.oldest: Alarm | None = None
        self._critical_unacked: set[str] = set()
        self._silenced: set[str] = set()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        title = QLabel("Alarms", self)
        layout.addWidget(title)
        for p in self.CHIPS:
            chip = QLabel(self)
            chip.setTextFormat(Qt.TextFormat.PlainText)
            chip.setToolTip(f"Standing {p} alarms (unacknowledged, acknowledged or returned)")
            self.chips[p] = chip
            layout.addWidget(chip)
        self.oldest_label = QLabel(self)
        self.oldest_label.setTextFormat(Qt.TextFormat.PlainText)
        self.oldest_label.setMinimumWidth(120)
        layout.addWidget(self.oldest_label, 1)
        self.audible_action = QAction("Audible alert", self)
        self.audible_action.setCheckable(True)
        self.audible_action.setChecked(False)
        self.audible_action.setToolTip("Beep while a critical alarm is unacknowledged")
        self.audible_action.toggled.connect(self._update_sound)
        audible = QToolButton(self)
        audible.setDefaultAction(self.audible_action)
        layout.addWidget(audible)
        self.silence_button = QPushButton("Silence", self)
        self.silence_button.clicked.connect(self.silence)
        layout.addWidget(self.silence_button)
        self._beeper = QTimer(self)
        self._beeper.setInterval(self.BEEP_MS)
        self._beeper.timeout.connect(self._beep)
        self.beeps = 0
        self.set_alarms((), None)

    def set_alarms(self, alarms: Sequence[Alarm], now: float | None) -> None:
        """Update from the engine's alarm list; ``now`` is hub time (for the age)."""
        counts = dict.fromkeys(PRIORITIES, 0)
        waiting: list[Alarm] = []
        critical: set[str] = set()
        for a in alarms:
            if a.state in (UNACK, ACKED, RTN_UNACK):
                counts[a.priority] = counts.get(a.priority, 0) + 1
            if a.state in UNACKED_STATES:
                waiting.append(a)
                if a.priority == "critical" and a.state == UNACK:
                    critical.add(a.id)
        self.counts = counts
        self._critical_unacked = critical
        self._silenced &= critical
        for p, chip in self.chips.items():
            n = counts[p]
            chip.setText(f"{p.capitalize()} {n}")
            set_style(chip, _chip_style(PRIORITY_COLOURS[p].name() if n else None))
        self.oldest = min(waiting, key=lambda a: (a.changed, a.id)) if waiting else None
        if self.oldest is None:
            self.oldest_label.setText("No unacknowledged alarms")
        else:
            age = format_age(None if now is None else now - self.oldest.changed)
            self.oldest_label.setText(
                f"Oldest unacknowledged ({age}): {self.oldest.area} · {self.oldest.message}"
            )
        self._update_sound()

    @property
    def sounding(self) -> bool:
        """True while the audible alert is on and a critical alarm waits unsilenced."""
        return self.audible_action.isChecked() and bool(self._critical_unacked - self._silenced)

    def silence(self) -> None:
        """Quiet the alert until another critical alarm becomes unacknowledged."""
        self._silenced |= self._critical_unacked
        self._update_sound()

    def _update_sound(self, *args: object) -> None:
        sounding = self.sounding
        self.silence_button.setEnabled(sounding)
        if sounding and not self._beeper.isActive():
            self._beep()
            self._beeper.start()
        elif not sounding:
            self._beeper.stop()

    def _beep(self) -> None:
        self.beeps += 1
        QApplication.beep()
