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

import math
import time
from collections.abc import Collection, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from console.alarms.phrases import local_area, local_message
from console.alarms.rules import PRIORITY_RANK, RULES, SHELVED, UNACKED_STATES, state_label
from console.i18n import strftime
from widgets.text import HUGE, cell, figure, isolate, missing, plain, plain_tooltip
from widgets.view import DATA_ERRORS

if TYPE_CHECKING:  # the alarm engine's module (and its rules' modules): the feed's to import
    from console.alarms import Alarm

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


def finite(value: object) -> float | None:
    """``value`` as a finite float; None for anything else (NaN, inf, text, a list)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        f = float(value)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def word(value: object) -> str:
    """A short word the engine sets (a priority, a state, a rule); '' for anything else."""
    return value if isinstance(value, str) else ""


def clock_text(t: float, zone: tzinfo | None, now: float | None = None) -> str:
    """Hub time ``t`` as site-local wall time: 'HH:MM:SS', with the date if not today;
    '—' for a time no clock can show."""
    try:
        local = datetime.fromtimestamp(t, zone)
        today = datetime.fromtimestamp(now if finite(now) is not None else time.time(),
                                       zone).date()
        return strftime(local, "%H:%M:%S" if local.date() == today else "%d %b %H:%M")
    except DATA_ERRORS:
        return missing()


def utc_text(t: float) -> str:
    """'2026-11-28 02:14:07 UTC'; '—' for a time no clock can show."""
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(t))
    except DATA_ERRORS:
        return missing()


def value_text(alarm: Alarm) -> str:
    """The alarm's value with its unit ('' when it has none)."""
    v = finite(alarm.value)
    if v is None:
        return "" if alarm.value is None or alarm.value != alarm.value else missing()
    unit = RULES[alarm.rule].unit if word(alarm.rule) in RULES else ""
    if abs(v) >= HUGE:
        return figure(v, unit=f" {unit}").strip()
    if unit == "GPUs":
        n = int(v)
        words = (QCoreApplication.translate("AlarmTableModel", "{0} GPU") if n == 1 else
                 QCoreApplication.translate("AlarmTableModel", "{0} GPUs"))
        return words.format(figure(n, "d"))
    if unit == "s":
        return figure(v, ".0f", " s")
    if unit in ("%", "MW"):
        return figure(v, ".0f", f" {unit}")
    said = QCoreApplication.translate("AlarmTableModel", "per h") if unit == "per h" else unit
    return (figure(v, ".1f") + f" {said}").strip()


def state_text(alarm: Alarm, zone: tzinfo | None, now: float | None) -> str:
    """Operator wording of the state, with the shelf's expiry."""
    state = word(alarm.state)
    text = state_label(state) if state else cell(alarm.state, 40)
    if state == SHELVED and alarm.shelved_until is not None:
        until = clock_text(alarm.shelved_until, zone, now)
        return QCoreApplication.translate("AlarmTableModel", "{0} until {1}").format(text, until)
    return text


def priority_text(priority: object) -> str:
    """A priority as the operator reads it ('Critical'), in the chosen language."""
    said = word(priority).capitalize()
    if not said:
        return cell(priority, 20)
    return QCoreApplication.translate("AlarmBanner", said)  # the banner's words


def rule_of(alarm: Alarm) -> Any:
    """The alarm's rule (its action, consequence and time to respond); None for a rule the
    console does not know."""
    return RULES.get(word(alarm.rule))


def is_unacknowledged(alarm: Alarm) -> bool:
    """The alarm waits for acknowledgement (active or returned)."""
    return word(alarm.state) in UNACKED_STATES


def priority_rank(alarm: Alarm) -> int:
    """0 for critical .. 4 for diagnostic; 9 for a priority the console does not know."""
    return PRIORITY_RANK.get(word(alarm.priority), 9)


class AlarmTableModel(QAbstractTableModel):
    """One row per alarm; cells and sort keys built once in :meth:`set_alarms`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.alarms: list[Alarm] = []
        self.cells: list[tuple[str, ...]] = []
        self.keys: list[tuple[Any, ...]] = []
        self.ids: list[str] = []
        self.bold: list[bool] = []
        self.colours: list[QColor | None] = []
        self.zone: tzinfo | None = None

    def set_alarms(self, alarms: Sequence[Alarm], now: float | None = None) -> None:
        """Replace every row. Cells and keys are built before the reset begins, and a value
        that cannot be shown (a NaN time, a list for a priority) reads '—', so the model is
        never left half reset."""
        rows = [(a, *self._row(a, now)) for a in alarms]
        self.beginResetModel()
        try:
            self.alarms = [r[0] for r in rows]
            self.cells = [r[1] for r in rows]
            self.keys = [r[2] for r in rows]
            self.ids = [plain(a.id) for a in self.alarms]
            self.bold = [is_unacknowledged(a) for a in self.alarms]
            self.colours = [PRIORITY_COLOURS.get(word(a.priority)) for a in self.alarms]
        finally:
            self.endResetModel()

    def _row(self, a: Alarm, now: float | None) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        """The cells of one alarm (plain text cut to a bound) and its sort keys."""
        def text(build: Any, *args: Any) -> str:
            try:
                return cell(build(*args))
            except DATA_ERRORS:
                return missing()

        t = finite(a.time)
        value = finite(a.value)
        rule = rule_of(a)
        cells = (
            clock_text(a.time, self.zone, now),
            priority_text(a.priority),
            text(state_text, a, self.zone, now),
            text(lambda: plain(local_area(a.area))),
            text(lambda: plain(local_message(a.message))),
            text(lambda: rule.advice if rule is not None else ""),
            text(value_text, a),
            text(plain, a.operator),
        )
        keys = (
            t if t is not None else -math.inf,
            (priority_rank(a), -t if t is not None else math.inf),  # newest first in a priority
            cells[2], cells[3], cells[4], cells[5],
            value if value is not None else -math.inf,
            cells[7],
        )
        return cells, keys

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
            return self.ids[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            try:
                return self._tooltip(alarm, col)
            except DATA_ERRORS:
                return plain_tooltip(self.cells[row][col])
        if col == PRIORITY_COL and role == Qt.ItemDataRole.BackgroundRole:
            return self.colours[row]
        if col == PRIORITY_COL and role == Qt.ItemDataRole.ForegroundRole:
            return DARK_TEXT
        if role == Qt.ItemDataRole.FontRole and self.bold[row]:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _tooltip(self, alarm: Alarm, col: int) -> str:
        if col == 0:
            return self.tr("Raised {raised} (hub time)\nLast change {changed}").format(
                raised=utc_text(alarm.time), changed=utc_text(alarm.changed))
        if col == ACTION_COL:
            rule = rule_of(alarm)
            lines = [rule.advice if rule is not None else
                     self.tr("(no action stated for this alarm)")]
            if rule is not None and rule.consequence:
                lines.append(self.tr("If nobody acts: {0}").format(rule.outcome))
            if rule is not None:
                lines.append(self.tr("Respond within {0} min").format(rule.respond_min))
        else:  # each part cut, so a huge message never hides the id and the operator
            lines = [cell(local_message(alarm.message), 600), self.tr("Alarm id: {0}").format(cell(alarm.id, 200))]
            if alarm.operator:
                lines.append(self.tr("By {0}").format(isolate(alarm.operator, 80))
                             + (f": {isolate(alarm.comment, 200)}" if alarm.comment else ""))
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
        a = (model.keys[lr][col], model.ids[lr])
        b = (model.keys[rr][col], model.ids[rr])
        return bool(a < b)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, AlarmTableModel):
            return True
        alarm = model.alarms[source_row]
        if self.states is not None and word(alarm.state) not in self.states:
            return False
        if priority_rank(alarm) > self.max_rank:
            return False
        return self.hall is None or alarm.hall == self.hall
