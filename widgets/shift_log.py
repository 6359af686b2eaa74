"""The shift log view: entries newest first, filters, links that jump, Add entry and Clear.

:class:`ShiftLogView` shows the log the feed reads (live: poll by poll; a review: as it
stood at the position) with time (the site's wall time), author, category, text, links and
state (open, or cleared by whom and when). Filters: a category, open items only, a text
search. A selected entry is shown whole below the table.

Signals, which the main window routes:

- ``addRequested()``: Add entry… (the window opens the dialog with its selection linked);
- ``clearRequested(uid, who)``: Clear item… on an open entry (after asking who);
- ``linkActivated(kind, ref)``: double-click or Enter on an entry goes to its first link;
  the context menu and the Go to button list them all (rack, alarm, job, incident).

In a review Add and Clear are off (their tooltips say why). Writes still waiting for the
hub are shown on top, greyed, until the hub has them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.model import SiteTopology, Snapshot
from console.shiftlog.model import CATEGORIES, LogEntry, LogSnapshot
from widgets.log_entry_dialog import ClearItemDialog
from widgets.shift_log_model import (
    COLUMNS,
    TEXT,
    ShiftLogFilter,
    ShiftLogModel,
    category_label,
    first_line,
    link_label,
    site_time,
)
from widgets.text import bound_columns, clip, set_column_widths
from widgets.view import LiveView

REVIEW_TIP = QT_TRANSLATE_NOOP(
    "ShiftLogView",
    "A review shows the shift log as it stood; entries are written in the live console")


class ShiftLogView(LiveView):
    """The shift log in a table with filters (see the module docstring)."""

    kinds: tuple[str, ...] = ("log",)
    title = "Shift log"

    addRequested = Signal()
    clearRequested = Signal(str, str)
    linkActivated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = False
        self.operator = ""
        """The name Clear item… starts from, unless :attr:`name_source` gives one."""
        self.name_source: Callable[[], str] | None = None
        """Where the operator's name comes from (the window's, shared with alarm actions)."""
        self.at: float | None = None
        """A review: the time the log is shown as it stood."""
        self.poll_error: str | None = None
        self.last_write = ""
        self._loaded = False
        self.recorded = True
        """False: a review of a file recorded before the console kept a shift log."""
        self.model = ShiftLogModel(self)
        self.model.set_zone(self.site_clock.zone)  # the default site's until a layout comes
        self.proxy = ShiftLogFilter(self)
        self.proxy.setSourceModel(self.model)

        self.add_button = QPushButton(self.tr("Add entry…"), self)
        self.add_button.setToolTip(self.tr("Write an entry with the current selection linked "
                                           "(Ctrl+L)"))
        self.add_button.clicked.connect(self.addRequested)
        self.clear_button = QPushButton(self.tr("Clear item…"), self)
        self.clear_button.setToolTip(self.tr("Clear the selected open item (it is then no "
                                             "longer carried to the next handover)"))
        self.clear_button.clicked.connect(lambda: self.clear_selected())
        self.goto_button = QToolButton(self)
        self.goto_button.setText(self.tr("Go to"))
        self.goto_button.setToolTip(self.tr("Go to what the selected entry links to"))
        self.goto_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.goto_menu = QMenu(self.goto_button)
        self.goto_menu.aboutToShow.connect(lambda: self._fill_links(self.goto_menu))
        self.goto_button.setMenu(self.goto_menu)
        self.category_filter = QComboBox(self)
        self.category_filter.addItem(self.tr("All categories"), None)
        for word in CATEGORIES:
            self.category_filter.addItem(category_label(word), word)
        self.open_filter = QCheckBox(self.tr("Open items only"), self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search text, author, links"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(24 * self.fontMetrics().averageCharWidth())
        self.category_filter.currentIndexChanged.connect(self._apply_filter)
        self.open_filter.toggled.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        bar = QHBoxLayout()
        for widget in (self.category_filter, self.open_filter):
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        for widget in (self.goto_button, self.clear_button, self.add_button):
            bar.addWidget(widget)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(lambda _i: self.open_first_link())
        bound_columns(self.table)  # a 4,000-character line never pushes the state away
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        widths: list[int | str] = ["30 Nov 23:59", 20, "Maintenance", 40, 34,
                                   "cleared by Firstname Lastname at 23:59"]
        set_column_widths(self.table, widths)  # time, author, category, text, links, state
        self.empty = QLabel(self.table.viewport())
        self.empty.setObjectName("shiftLogEmpty")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        QVBoxLayout(self.table.viewport()).addWidget(self.empty)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.tr(
            "Select an entry to read it whole; double-click or Enter goes to its first link."))
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
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
        self._update_status()

    # -- data in ----------------------------------------------------------------------------
    def set_topology(self, topology: SiteTopology) -> None:
        """The site's time zone: times are the site's wall time (UTC for a zone this
        workstation does not know, never its own local time)."""
        super().set_topology(topology)
        self.model.set_zone(self.site_clock.zone)
        self._selection_changed()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        if isinstance(snapshot, LogSnapshot):
            self._loaded = True
            self.poll_error = None
            if snapshot.entries:
                self._keep_selection(lambda: self.model.take(snapshot.entries))

    def set_entries(self, at: float, entries: Iterable[LogEntry] | None) -> None:
        """The log as it stood at ``at`` (a review position): nothing else is shown.
        ``entries`` None: the file holds no shift log (recorded before the console kept
        one), which the view says instead of an empty log."""
        self.at = float(at)
        self._loaded = True
        self.recorded = entries is not None
        self._keep_selection(lambda: self.model.replace_all(entries or ()))
        self.mark_dirty()

    def set_poll_error(self, error: str | None) -> None:
        """The last poll of the log failed (why; None: it worked): the entries shown stay."""
        self.poll_error = error
        self.mark_dirty()

    def set_review(self, review: bool) -> None:
        """A review: Add and Clear off, their tooltips say why."""
        self.review = review
        for button in (self.add_button, self.clear_button):
            if review:
                button.setToolTip(self.tr(REVIEW_TIP))
        self._selection_changed()

    def take_report(self, report: Any) -> str:
        """What became of writes (a :class:`console.shiftlog.writer.LogWriteReport`): the
        writes waiting are shown greyed until the hub has them; the words for the status
        bar."""
        words: list[str] = []
        sent_before = 0
        for write in getattr(report, "writes", ()):
            entry = write.entry
            if write.outcome == "sent" and isinstance(entry, LogEntry):
                self.model.drop_pending(write.uid)
                self._keep_selection(lambda e=entry: self.model.take((e,)))
                if write.requested:
                    words.append(self.tr("Shift-log entry written.") if write.action == "add"
                                 else self.tr("Open item cleared."))
                else:
                    sent_before += 1
            elif write.outcome == "queued":
                if write.action == "add" and write.draft is not None:
                    self.model.set_pending(_pending_entry(write.uid, write.draft))
                words.append(self.queued_words(write))
            elif write.outcome == "refused":
                self.model.drop_pending(write.uid)
                words.append(self.refusal_words(write))
        if sent_before:
            words.append(self.tr("{0} kept shift-log write(s) sent to the hub.")
                         .format(sent_before))
        pending = int(getattr(report, "pending", 0) or 0)
        if pending:
            words.append(self.tr("{0} write(s) wait for the hub.").format(pending))
        self.last_write = " ".join(dict.fromkeys(words))  # each once
        self.mark_dirty()
        return self.last_write

    def queued_words(self, write: Any) -> str:
        """A write kept while the hub does not answer, in one whole sentence for each
        action (why the hub did not answer in place of %1)."""
        if write.action == "add":
            text = self.tr("The hub does not answer: the entry is kept and sent when it "
                           "answers (%1).")
        else:
            text = self.tr("The hub does not answer: the clearing of the item is kept and "
                           "sent when it answers (%1).")
        return text.replace("%1", clip(write.reason or self.tr("no answer"), 200))

    def refusal_words(self, write: Any) -> str:
        """A refused write in words; a second clear names who cleared the item and when."""
        if write.action == "clear" and write.cleared_by:
            return self.tr("Not cleared: {0} cleared it already at {1} (site time).").format(
                clip(write.cleared_by, 80),
                site_time(write.cleared_at, self.model.zone, "%d %b %H:%M"))
        what = self.tr("Entry not written") if write.action == "add" \
            else self.tr("Item not cleared")
        return self.tr("{0}: {1}").format(what, clip(write.reason or "", 300))

    # -- drawing ----------------------------------------------------------------------------
    def redraw(self) -> None:
        self._update_status()
        self._selection_changed()

    def _update_status(self) -> None:
        shown, total = self.proxy.rowCount(), len(self.model.rows)
        parts = [self.tr("{shown} of {total} entries shown · open items: {open}").format(
            shown=shown, total=total, open=self.model.open_count())]
        if not self.recorded:
            parts = [self.tr("shift log not recorded in this file")]
        elif self.at is not None:
            parts.append(self.tr("as it stood at {0} site time").format(
                site_time(self.at, self.model.zone, "%d %b %H:%M:%S")))
        if self.poll_error:
            parts.append(self.tr("log not read: {0}").format(clip(self.poll_error, 200)))
        if self.last_write:
            parts.append(self.last_write)
        self.status.setText(" · ".join(parts))
        self.empty.setVisible(shown == 0)
        if not self._loaded:
            self.empty.setText(self.tr("No shift log read yet."))
        elif not self.recorded:
            self.empty.setText(self.tr(
                "This file holds no shift log (recorded before the console kept one)."))
        elif total:
            self.empty.setText(self.tr("No entry matches the filters ({0} hidden).")
                               .format(total))
        else:
            self.empty.setText(self.tr("The shift log is empty."))

    # -- filters ----------------------------------------------------------------------------
    def set_filters(self, category: str | None = None, open_only: bool | None = None,
                    search: str | None = None) -> None:
        """Choose filters: a category word ('' for all), open items only, search text."""
        if category is not None:
            self.category_filter.setCurrentIndex(
                max(0, self.category_filter.findData(category or None)))
        if open_only is not None:
            self.open_filter.setChecked(open_only)
        if search is not None:
            self.search.setText(search)

    def _apply_filter(self) -> None:
        self._keep_selection(lambda: self.proxy.set_filter(
            self.category_filter.currentData(), self.open_filter.isChecked(),
            self.search.text()))
        self._update_status()

    def visible_entries(self) -> list[LogEntry]:
        """The entries the filters let through, in display order."""
        out = []
        for row in range(self.proxy.rowCount()):
            entry = self.model.entry(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            if entry is not None:
                out.append(entry)
        return out

    # -- selection and actions --------------------------------------------------------------
    def selected_entry(self) -> LogEntry | None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        if not index.isValid():
            return None
        return self.model.entry(self.proxy.mapToSource(index).row())

    def select_entry(self, uid: str) -> bool:
        """Select the entry ``uid`` (False when filtered out or unknown)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            entry = self.model.entry(self.proxy.mapToSource(index).row())
            if entry is not None and entry.uid == uid:
                self.table.selectRow(row)
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
                return True
        return False

    def _keep_selection(self, change: Any) -> None:
        entry = self.selected_entry()
        change()
        if entry is not None:
            self.select_entry(entry.uid)
        self.mark_dirty()

    def _selection_changed(self, *args: object) -> None:
        entry = self.selected_entry()
        pending = entry is not None and self.model.is_pending(entry)
        self.add_button.setEnabled(not self.review)
        self.clear_button.setEnabled(
            not self.review and entry is not None and entry.is_open and not pending)
        self.goto_button.setEnabled(entry is not None and bool(entry.links))
        self.detail.setPlainText(self.model.detail_text(entry) if entry is not None else "")

    def _fill_links(self, menu: QMenu) -> None:
        menu.clear()
        entry = self.selected_entry()
        for kind, ref in entry.links if entry is not None else ():
            action = QAction(self.tr("Go to {0}").format(link_label(kind, ref)), menu)
            action.triggered.connect(lambda _c=False, k=kind, r=ref: self.linkActivated.emit(k, r))
            menu.addAction(action)
        if menu.isEmpty():
            none = menu.addAction(self.tr("No links"))
            none.setEnabled(False)

    def context_menu(self, pos: QPoint) -> QMenu | None:
        """The menu of the entry at ``pos`` (in the table's viewport), which it selects:
        Go to each of its links, Clear item…; None off the entries."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            return None
        self.table.selectRow(index.row())
        menu = QMenu(self)
        self._fill_links(menu)
        menu.addSeparator()
        clear = menu.addAction(self.tr("Clear item…"))
        clear.setEnabled(self.clear_button.isEnabled())
        clear.setToolTip(self.clear_button.toolTip())
        clear.triggered.connect(lambda: self.clear_selected())
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(pos)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.table.viewport().mapToGlobal(pos))

    def open_first_link(self) -> bool:
        """Double-click or Enter: go to the selected entry's first link."""
        entry = self.selected_entry()
        if entry is None or not entry.links:
            return False
        self.linkActivated.emit(*entry.links[0])
        return True

    def clear_selected(self, who: str | None = None) -> bool:
        """Ask to clear the selected open item (a dialog for the name when ``who`` is None)."""
        entry = self.selected_entry()
        if self.review or entry is None or not entry.is_open or self.model.is_pending(entry):
            return False
        if who is None:
            name = self.name_source() if self.name_source is not None else self.operator
            dialog = ClearItemDialog(first_line(entry.text), name, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            who = dialog.name()
        who = " ".join(who.split())
        if not who:
            return False
        self.operator = who
        self.clearRequested.emit(entry.uid, who)
        return True

    def entry_links(self) -> Sequence[tuple[str, str]]:
        entry = self.selected_entry()
        return entry.links if entry is not None else ()


def _pending_entry(uid: str, draft: Any) -> LogEntry:
    """A write that waits for the hub, shown as an entry of this workstation's time."""
    return LogEntry(id=0, uid=uid, time=time.time(), author=draft.author,
                    category=draft.category, text=draft.text, links=tuple(draft.links),
                    open=draft.open, rev=-1)
