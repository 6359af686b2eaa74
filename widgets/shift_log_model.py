"""The shift log's table: entries newest first, their filters, their words.

:class:`ShiftLogModel` holds the entries (a live console's copy, merged poll by poll, or a
review's log as it stood) and the writes still waiting for the hub; :class:`ShiftLogFilter`
lets through a category, open items only and a text search. Every cell is plain text
(a table cell is never read as markup); names and text from other workstations are cut
and kept from reordering the words around them (:mod:`widgets.text`). Times are the
site's wall time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

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
from PySide6.QtGui import QFont, QPalette

from console.i18n import strftime
from console.shiftlog.model import LogEntry
from widgets.text import cell, isolate, missing, plain_tooltip
from widgets.view import DATA_ERRORS, site_clock_of

COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("ShiftLogModel", "Time"),
    QT_TRANSLATE_NOOP("ShiftLogModel", "Author"),
    QT_TRANSLATE_NOOP("ShiftLogModel", "Category"),
    QT_TRANSLATE_NOOP("ShiftLogModel", "Text"),
    QT_TRANSLATE_NOOP("ShiftLogModel", "Links"),
    QT_TRANSLATE_NOOP("ShiftLogModel", "State"),
)
TIME, AUTHOR, CATEGORY, TEXT, LINKS, STATE = range(len(COLUMNS))
CATEGORY_LABELS: dict[str, str] = {
    "operations": QT_TRANSLATE_NOOP("ShiftLogModel", "Operations"),
    "maintenance": QT_TRANSLATE_NOOP("ShiftLogModel", "Maintenance"),
    "safety": QT_TRANSLATE_NOOP("ShiftLogModel", "Safety"),
    "customer": QT_TRANSLATE_NOOP("ShiftLogModel", "Customer"),
}
"""The categories as the window says them (the hub's words are the keys)."""
LINK_LABELS: dict[str, str] = {
    "rack": QT_TRANSLATE_NOOP("ShiftLogModel", "rack {0}"),
    "alarm": QT_TRANSLATE_NOOP("ShiftLogModel", "alarm {0}"),
    "incident": QT_TRANSLATE_NOOP("ShiftLogModel", "incident {0}"),
    "job": QT_TRANSLATE_NOOP("ShiftLogModel", "job {0}"),
}
"""A link as the window says it ("rack A-01-02")."""
TEXT_CELL_CHARS = 200
"""The text column shows the first line of an entry, cut to this (all of it in the tooltip
and the detail pane)."""
REF_CHARS = 80
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`LogEntry`."""
PENDING_ROLE = Qt.ItemDataRole.UserRole + 2
"""True for a write still waiting for the hub."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("ShiftLogModel", text)


def category_label(word: str) -> str:
    """An entry's category in the window's words (an unknown one as the hub sent it)."""
    label = CATEGORY_LABELS.get(word)
    return _tr(label) if label is not None else cell(word, 40)


def link_label(kind: str, ref: str) -> str:
    """"rack A-01-02", "job 48213": a link in words (the reference isolated)."""
    label = LINK_LABELS.get(kind)
    ref_text = isolate(ref, REF_CHARS)
    return _tr(label).format(ref_text) if label is not None else f"{cell(kind, 20)} {ref_text}"


def site_time(t: float | None, zone: tzinfo | None, fmt: str = "%d %b %H:%M") -> str:
    """Epoch time ``t`` as the site's wall time (``zone``; None: the workstation's); '—'
    for a time no clock can show."""
    if t is None:
        return missing()
    try:
        return strftime(datetime.fromtimestamp(float(t), zone), fmt)
    except DATA_ERRORS:
        return missing()


def utc_time(t: float | None) -> str:
    if t is None:
        return missing()
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(t)))
    except DATA_ERRORS:
        return missing()


def first_line(text: str) -> str:
    """The first line of an entry's text, cut for a cell ("…" when more follows)."""
    head, _, rest = text.partition("\n")
    shown = cell(head, TEXT_CELL_CHARS)
    return shown + " …" if rest.strip() and not shown.endswith("…") else shown


def merge(old: LogEntry | None, new: LogEntry) -> LogEntry:
    """The newer copy of an entry; a clear once read is never taken back by an older copy."""
    if old is None:
        return new
    newer = new if new.rev >= old.rev else old
    if newer.cleared_at is None and (old.cleared_at is not None or new.cleared_at is not None):
        done = old if old.cleared_at is not None else new
        newer = replace(newer, cleared_by=done.cleared_by, cleared_at=done.cleared_at)
    return newer


class ShiftLogModel(QAbstractTableModel):
    """Entries newest first (the writes still waiting for the hub on top)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: dict[str, LogEntry] = {}
        """By uid: the log as this window knows it."""
        self.pending: dict[str, LogEntry] = {}
        """By uid: entries written here that wait for the hub (shown until it has them)."""
        self.rows: list[LogEntry] = []
        self.zone: tzinfo = site_clock_of(None).zone
        """The site's time zone (the view's site clock's; the default site's until the
        site layout comes), never the workstation's."""
        self.now: float | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data in ----------------------------------------------------------------------------
    def take(self, entries: Iterable[LogEntry]) -> bool:
        """Entries written or cleared since the last poll: merged into what is shown (a
        poll that brings nothing new leaves the table, its scroll and selection as they
        are). True when something changed."""
        changed = False
        for entry in entries:
            old = self.entries.get(entry.uid)
            new = merge(old, entry)
            if new != old or entry.uid in self.pending:
                self.entries[entry.uid] = new
                self.pending.pop(entry.uid, None)
                changed = True
        if changed:
            self._rebuild()
        return changed

    def replace_all(self, entries: Iterable[LogEntry]) -> None:
        """The log as it stood at a time (a review): nothing else is shown."""
        self.entries = {e.uid: e for e in entries}
        self.pending.clear()
        self._rebuild()

    def set_pending(self, entry: LogEntry) -> None:
        if entry.uid not in self.entries:
            self.pending[entry.uid] = entry
            self._rebuild()

    def drop_pending(self, uid: str) -> None:
        if self.pending.pop(uid, None) is not None:
            self._rebuild()

    def set_zone(self, zone: tzinfo) -> None:
        if zone is self.zone:
            return
        self.zone = zone
        if self.rows:
            self.dataChanged.emit(self.index(0, TIME), self.index(len(self.rows) - 1, STATE))

    def _rebuild(self) -> None:
        self.beginResetModel()
        waiting = sorted(self.pending.values(), key=lambda e: -e.time)
        kept = sorted(self.entries.values(), key=lambda e: (-e.time, -e.id))
        self.rows = waiting + kept
        self.endResetModel()

    def entry(self, row: int) -> LogEntry | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def is_pending(self, entry: LogEntry) -> bool:
        return entry.uid in self.pending and entry.uid not in self.entries

    def open_count(self) -> int:
        return sum(1 for e in self.entries.values() if e.is_open)

    # -- words ------------------------------------------------------------------------------
    def state_text(self, entry: LogEntry) -> str:
        if self.is_pending(entry):
            return QCoreApplication.translate("ShiftLogModel", "waiting for the hub")
        if entry.cleared_at is not None:
            return QCoreApplication.translate("ShiftLogModel", "cleared by {0} at {1}").format(
                isolate(entry.cleared_by or "?", 80), site_time(entry.cleared_at, self.zone,
                                                                "%H:%M"))
        if entry.open:
            return QCoreApplication.translate("ShiftLogModel", "open")
        return ""

    def links_text(self, entry: LogEntry) -> str:
        return ", ".join(link_label(kind, ref) for kind, ref in entry.links)

    def cells(self, entry: LogEntry) -> list[str]:
        return [
            site_time(entry.time, self.zone),
            cell(entry.author, 80),
            category_label(entry.category),
            first_line(entry.text),
            self.links_text(entry),
            self.state_text(entry),
        ]

    def detail_text(self, entry: LogEntry) -> str:
        """The whole entry in words (the detail pane): plain text, every line of it."""
        lines = [
            QCoreApplication.translate("ShiftLogModel", "{time} site time ({utc}) · {author} · {category}").format(
                time=site_time(entry.time, self.zone, "%a %d %b %Y %H:%M"),
                utc=utc_time(entry.time), author=isolate(entry.author, 80),
                category=category_label(entry.category)),
        ]
        state = self.state_text(entry)
        if entry.cleared_at is not None:
            state = QCoreApplication.translate("ShiftLogModel", "Open item cleared by {0} at {1} site time ({2})").format(
                isolate(entry.cleared_by or "?", 80),
                site_time(entry.cleared_at, self.zone, "%d %b %H:%M"), utc_time(entry.cleared_at))
        elif entry.open and not self.is_pending(entry):
            state = QCoreApplication.translate("ShiftLogModel", "Open item: carried to every handover until someone clears it")
        if state:
            lines.append(state)
        if entry.links:
            lines.append(QCoreApplication.translate("ShiftLogModel", "Links: {0}").format(self.links_text(entry)))
        lines += ["", entry.text]
        return "\n".join(lines)

    # -- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(COLUMNS[section]) if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(entry)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == TEXT:
                return plain_tooltip(entry.text)
            if col == TIME:
                return plain_tooltip(utc_time(entry.time))
            if col == STATE and entry.cleared_at is not None:
                return plain_tooltip(utc_time(entry.cleared_at))
            return plain_tooltip(self.cells(entry)[col]) if col in (AUTHOR, LINKS) else None
        if role == Qt.ItemDataRole.FontRole and col == STATE and entry.is_open:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and self.is_pending(entry):
            return QPalette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == ENTRY_ROLE:
            return entry
        if role == PENDING_ROLE:
            return self.is_pending(entry)
        return None


class ShiftLogFilter(QSortFilterProxyModel):
    """A category (None: all), open items only, and words every one of which the entry's
    text, author, category or links hold (any case)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.category: str | None = None
        self.open_only = False
        self.words: tuple[str, ...] = ()

    def set_filter(self, category: str | None, open_only: bool, search: str) -> None:
        modern = hasattr(self, "beginFilterChange")  # Qt >= 6.10
        if modern:
            self.beginFilterChange()
        self.category = category or None
        self.open_only = bool(open_only)
        self.words = tuple(search.casefold().split())
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int,  # noqa: N802
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ShiftLogModel):
            return True
        entry = model.entry(source_row)
        if entry is None:
            return False
        if self.category is not None and entry.category != self.category:
            return False
        if self.open_only and not entry.is_open:
            return False
        if self.words:
            haystack = " ".join((entry.text, entry.author, entry.category,
                                 category_label(entry.category),
                                 " ".join(f"{k} {r}" for k, r in entry.links))).casefold()
            return all(word in haystack for word in self.words)
        return True
