"""Help → Data sources: what the window's source delivers, per view and figure.

The same table as ``python main.py check`` (:mod:`console.check`): the check runs on a
worker thread with a source of its own (never the live feed's, never on the GUI thread)
and its rows arrive through a queued signal. Plain text only; sizes come from layouts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.check import DEFAULT_TIMEOUT_S, CheckReport, check_source
from console.session import Source
from console.urls import hide_userinfo
from widgets.text import plain_tooltip

SourceFactory = Callable[[], Source]


class _Relay(QObject):
    """Carries the worker's report to the GUI thread (queued: it lives in the GUI thread)."""

    done = Signal(object)


class DataSourcesDialog(QDialog):
    """The check's table for the window's source; Run again repeats it."""

    finished_check = Signal(object)
    """Emitted with the :class:`~console.check.CheckReport` once a check ends."""

    def __init__(self, parent: QWidget | None, factory: SourceFactory | None, label: str = "",
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Data sources"))
        self.factory = factory
        self.label = hide_userinfo(label)  # a URL shown: never with user info
        self.timeout_s = timeout_s
        self.report: CheckReport | None = None
        self._running = False
        self._relay = _Relay()
        self._relay.done.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([
            self.tr("View"), self.tr("Figure"), self.tr("Status"), self.tr("Detail"),
            self.tr("What to enable")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.again = QPushButton(self.tr("Run again"), self)
        buttons.addButton(self.again, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.again.clicked.connect(self.run)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.table.setMinimumWidth(self.fontMetrics().averageCharWidth() * 140)
        self.table.setMinimumHeight(self.fontMetrics().height() * 24)

    @property
    def running(self) -> bool:
        """True while a check is on its way."""
        return self._running

    @Slot()
    def run(self) -> bool:
        """Start a check on a worker thread; False when one is running or there is no source."""
        if self._running:
            return False
        if self.factory is None:
            self.summary.setText(self.tr(
                "This window shows a cache file (review): there is no live source to check."))
            return False
        self._running = True
        self.again.setEnabled(False)
        self.summary.setText(self.tr("Asking {0}…").format(self.label or self.tr("the source")))
        factory, relay, timeout_s = self.factory, self._relay, self.timeout_s

        def work() -> None:
            report = _check(factory, timeout_s)
            relay.done.emit(report)

        threading.Thread(target=work, name="data-sources-check", daemon=True).start()
        return True

    @Slot(object)
    def _show(self, report: CheckReport) -> None:
        self._running = False
        self.again.setEnabled(True)
        self.report = report
        counts = report.counts()
        if report.reachable:
            text = self.tr("{0}: {1} found, {2} missing, {3} errors.").format(
                report.source, counts["found"], counts["missing"], counts["error"])
        else:
            text = self.tr("Nothing could be read: {0}").format(report.one_line())
        self.summary.setText(text)
        words = {"found": self.tr("found"), "missing": self.tr("missing"),
                 "error": self.tr("error")}
        bold = QFont(self.table.font())
        bold.setBold(True)
        self.table.setRowCount(len(report.rows))
        for i, r in enumerate(report.rows):
            cells = (r["view"], r["figure"], words.get(r["status"], r["status"]), r["detail"],
                     r["hint"])
            for col, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setToolTip(plain_tooltip(str(text)) if col >= 3 else "")
                if col == 2 and r["status"] != "found":
                    item.setFont(bold)
                self.table.setItem(i, col, item)
        self.table.resizeRowsToContents()
        self.finished_check.emit(report)


def _check(factory: SourceFactory, timeout_s: float) -> CheckReport:
    """Build a source of the check's own, start it, check it, close it (worker thread).

    The factory is the window's: a password given with the source URL is used by the
    check as by the feed (kept in memory), and no row shows it (:func:`console.check.row`)."""
    from console.check import row

    try:
        source = factory()
    except Exception as exc:  # one row, never a traceback
        report = CheckReport("")
        report.rows.append(row("Console", "source", "error",
                               f"cannot open the source ({exc.__class__.__name__}: {exc})"))
        return report
    return check_source(source, timeout_s)


def open_data_sources(window: Any) -> DataSourcesDialog:
    """Show the dialog for ``window``'s source (not modal) and start the check."""
    factory = getattr(window, "source_factory", None)
    dialog = DataSourcesDialog(window, factory, str(getattr(window, "source_label", "") or ""))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.run()
    return dialog
