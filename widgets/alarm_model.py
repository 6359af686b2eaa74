"""The alarm table's item model and filter: plain strings, precomputed once per alarm list.

Every cell is a plain string (hub messages are shown as text, never interpreted);
tooltips that carry hub text are escaped. Priority is written out in words as well as
coloured (Okabe-Ito steps, the rack map's), so colour is never the only cue. The
Action column says what the operator does (the rule's action; the full text, the
consequence and the time to respond are in its tooltip). The proxy sorts on Python
keys with the alarm id last, so the order is the same for every new alarm list (an
offline review re-reads the list at each step of the timeline).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from console.alarms import RULES, SHELVED, STATE_LABELS, Alarm
from console.alarms.rules import PRIORITY_RANK, UNACKED_STATES
from widgets.text import isolate, plain_tooltip

_Index = QModelIndex | QPersistentModelIndex

PRIORITY_COLOURS: dict[str, QColor] = {
    "critical": QColor("#d55e00"),  # vermillion
    "high": QColor("#e69f00"),  # orange
    "medium": QColor("#f0e442"),  # yellow
    "low": QColor("#56b4e9"),  # sky blue
    "diagnostic": QColor("#8a9099"),  # grey
}
"""Priority colours: the rack map's Okabe-Ito steps, safe for colour-blind operators."""
DARK_TEXT = QColor("#1e2126")
COLUMNS = (
    QT_TRANSLATE_NOOP("AlarmTableModel", "Time"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Priority"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "State"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Area"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Message"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Action"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Value"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Operator"),
)
"""Column titles (untranslated; the header shows them through ``tr``)."""
PRIORITY_COL = COLUMNS.index("Priority")
ACTION_COL = COLUMNS.index("Action")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


def site_zone(name: str | None) -> tzinfo | None:
    """The site's time zone, None (workstation local time) when it is unknown here."""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def clock_text(t: float, zone: tzinfo | None, now: float | None = None) -> str:
    """Hub time ``t`` as site-local wall time: 'HH:MM:SS', with the date if not today."""
    local = datetime.fromtimestamp(t, zone)
    today = datetime.fromtimestamp(now if now is not None else time.time(), zone).date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%d %b %H:%M")


def utc_text(t: float) -> str:
    """'2026-11-28 02:14:07 UTC'."""
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(t))


def value_text(alarm: Alarm) -> str:
    """The alarm's value with its unit ('' when it has none)."""
    v = alarm.value
    if v is None or v != v:
        return ""
    unit = RULES[alarm.rule].unit if alarm.rule in RULES else ""
    if unit == "GPUs":
        n = int(v)
        return f"{n} GPU{'s' if n != 1 else ''}"
    if unit == "s":
        return f"{v:.0f} s"
    if unit in ("%", "MW"):
        return f"{v:.0f} {unit}"
    return f"{v:.1f} {unit}".strip()


def state_text(alarm: Alarm, zone: tzinfo | None, now: float | None) -> str:
    """Operator wording of the state, with the shelf's expiry."""
    text = STATE_LABELS.get(alarm.state, alarm.state)
    if alarm.state == SHELVED and alarm.shelved_until is not None:
        text += f" until {clock_text(alarm.shelved_until, zone, now)}"
    return text


class AlarmTableModel(QAbstractTableModel):
    """One row per alarm; cells and sort keys built once in :meth:`set_alarms`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.alarms: list[Alarm] = []
        self.cells: list[tuple[str, ...]] = []
        self.keys: list[tuple[Any, ...]] = []
        self.zone: tzinfo | None = None

    def set_alarms(self, alarms: Sequence[Alarm], now: float | None = None) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.alarms = list(alarms)
        self.cells = [
            (
                clock_text(a.time, self.zone, now),
                a.priority.capitalize(),
                state_text(a, self.zone, now),
                a.area,
                a.message,
                a.action,
                value_text(a),
                a.operator,
            )
            for a in self.alarms
        ]
        self.keys = [
            (
                a.time,
                (PRIORITY_RANK.get(a.priority, 9), -a.time),  # newest first within a priority
                a.state,
                a.area,
                a.message,
                a.action,
                a.value if a.value is not None and a.value == a.value else float("-inf"),
                a.operator,
            )
            for a in self.alarms
        ]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.alarms)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        alarm = self.alarms[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells[row][col]
        if role == SORT_ROLE:
            return self.keys[row][col]
        if role == ID_ROLE:
            return alarm.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(alarm, col)
        if col == PRIORITY_COL and role == Qt.ItemDataRole.BackgroundRole:
            return PRIORITY_COLOURS.get(alarm.priority)
        if col == PRIORITY_COL and role == Qt.ItemDataRole.ForegroundRole:
            return DARK_TEXT
        if role == Qt.ItemDataRole.FontRole and alarm.state in UNACKED_STATES:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _tooltip(self, alarm: Alarm, col: int) -> str:
        if col == 0:
            return self.tr("Raised {raised} (hub time)\nLast change {changed}").format(
                raised=utc_text(alarm.time), changed=utc_text(alarm.changed))
        if col == ACTION_COL:
            lines = [alarm.action or self.tr("(no action stated for this alarm)")]
            if alarm.consequence:
                lines.append(self.tr("If nobody acts: {0}").format(alarm.consequence))
            if alarm.respond_min is not None:
                lines.append(self.tr("Respond within {0} min").format(alarm.respond_min))
        else:
            lines = [alarm.message, self.tr("Alarm id: {0}").format(alarm.id)]
            if alarm.operator:
                lines.append(self.tr("By {0}").format(isolate(alarm.operator))
                             + (f": {isolate(alarm.comment)}" if alarm.comment else ""))
        # Qt guesses rich text from the content: hub and operator text is escaped.
        return plain_tooltip("\n".join(lines))


class AlarmFilterProxy(QSortFilterProxyModel):
    """Filters alarms by state, worst allowed priority rank and hall."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.states: frozenset[str] | None = None
        self.max_rank = 9
        self.hall: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_filter(
        self,
        states: Collection[str] | None = None,
        max_rank: int = 9,
        hall: str | None = None,
    ) -> None:
        """Show alarms whose state is in ``states`` (None: all), priority rank at most
        ``max_rank`` (0: critical only) and hall ``hall`` (None: every hall and site)."""
        modern = hasattr(self, "beginFilterChange")  # Qt >= 6.10
        if modern:
            self.beginFilterChange()
        self.states = None if states is None else frozenset(states)
        self.max_rank = max_rank
        self.hall = hall
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def lessThan(self, left: _Index, right: _Index) -> bool:  # noqa: N802
        """Compare the model's Python sort keys, then alarm ids: a stable, total order."""
        model = self.sourceModel()
        if not isinstance(model, AlarmTableModel):
            return super().lessThan(left, right)
        col, lr, rr = left.column(), left.row(), right.row()
        a = (model.keys[lr][col], model.alarms[lr].id)
        b = (model.keys[rr][col], model.alarms[rr].id)
        return bool(a < b)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, AlarmTableModel):
            return True
        alarm = model.alarms[source_row]
        if self.states is not None and alarm.state not in self.states:
            return False
        if PRIORITY_RANK.get(alarm.priority, 9) > self.max_rank:
            return False
        return self.hall is None or alarm.hall == self.hall
